#pragma once
// The finance calculators: pure functions from typed inputs to typed results, no I/O. Every
// result names the rule it applied and its legal source so a user can check it.
#include <optional>
#include <string>
#include <vector>

#include "calc/rules.hpp"
#include "core/vocabulary.hpp"

namespace zakupai::calc {

// ---- VAT -------------------------------------------------------------------------------------
struct VatInput {
    Tiyn amount = 0;
    std::optional<BasisPoints> rate;  // explicit rate; otherwise looked up by date and category
    bool include_vat = true;          // true: amount is gross and VAT is inside it
    std::optional<Date> date;         // date of the taxable turnover; default: today in Almaty
    std::string category = "standard";
};

struct VatResult {
    Tiyn base = 0;
    Tiyn vat = 0;
    Tiyn total = 0;
    BasisPoints rate = 0;
    bool include_vat = true;
    std::string category;
    std::optional<Date> date;  // set when the rate was chosen by date
    std::string rule;
    std::string source;
};

Result<VatResult> CalculateVat(const RuleBook& rules, const VatInput& input, Date today);

// ---- Margin ----------------------------------------------------------------------------------
struct MarginInput {
    Tiyn lot_price = 0;  // the bid price for the whole quantity unless quantity > 1
    Tiyn cost = 0;       // purchase cost, net of VAT
    Tiyn logistics = 0;  // net
    Tiyn other_costs = 0;
    std::int64_t quantity = 1;  // lot_price and cost are per unit when > 1
    BasisPoints vat_rate = 0;
    bool price_includes_vat = true;
    bool vat_payer = true;  // a supplier outside the VAT register keeps the whole price
};

struct MarginResult {
    Tiyn revenue_gross = 0;
    Tiyn revenue_net = 0;
    Tiyn vat_payable = 0;
    Tiyn cost_total = 0;
    Tiyn profit = 0;
    BasisPoints margin = 0;  // profit / revenue_net
    BasisPoints markup = 0;  // profit / cost_total
    Tiyn break_even_price = 0;
    Tiyn break_even_unit_price = 0;
    MarginInput input;
    std::string rule;
};

MarginResult CalculateMargin(const MarginInput& input);

// ---- Penalty ---------------------------------------------------------------------------------
enum class PenaltyParty { kSupplierLate, kCustomerLatePayment };

struct PenaltyInput {
    PenaltyParty party = PenaltyParty::kSupplierLate;
    Tiyn contract_sum = 0;
    std::optional<Tiyn> unperformed_sum;  // partial performance / overdue payment base
    std::int64_t days_overdue = 0;
    std::optional<Date> due_date;  // with due_date, the cap date is reported
    BasisPoints daily_rate = 10;   // 0.1 % per day
    std::string contract_type = "services";
    bool kz_producer = false;
    std::optional<BasisPoints> cap_override;
};

struct PenaltyResult {
    Tiyn base = 0;
    Tiyn penalty = 0;
    Tiyn uncapped_penalty = 0;
    Tiyn cap = 0;
    BasisPoints cap_rate = 0;
    bool capped = false;
    std::optional<std::int64_t> cap_day;  // the day of delay on which the cap is reached
    std::optional<Date> cap_date;
    bool cap_verified = true;
    PenaltyInput input;
    std::string rule;
    std::string source;
};

Result<PenaltyResult> CalculatePenalty(const RuleBook& rules, const PenaltyInput& input);

// Calendar days of delay: from the day after the due date to the day of performance.
std::int64_t DaysOverdue(Date due_date, Date performed_on);

// ---- Securities ------------------------------------------------------------------------------
struct SecuritiesInput {
    ProcurementMethod method = ProcurementMethod::kTender;
    Tiyn amount = 0;  // amount allocated for the lot, without VAT
    std::optional<Tiyn> contract_sum;
    std::optional<Tiyn> advance_amount;
    std::optional<BasisPoints> advance_pct;
    bool kz_producer = false;
    bool disability_org = false;    // Law 106-VIII Art. 27
    bool treasury_support = false;  // казначейское сопровождение
    int year = 2026;
};

struct Security {
    bool required = false;
    BasisPoints pct = 0;
    Tiyn base = 0;
    Tiyn amount = 0;
    std::string rule;
    std::string source;
};

struct SecuritiesResult {
    Security bid;
    Security performance;
    Security advance;
    Tiyn total = 0;
    ProcurementMethod method = ProcurementMethod::kTender;
};

Result<SecuritiesResult> CalculateSecurities(const RuleBook& rules, const SecuritiesInput& input);

// ---- Dumping ---------------------------------------------------------------------------------
struct DumpingInput {
    ProcurementMethod method = ProcurementMethod::kTender;
    std::string subject = "other";
    std::optional<Tiyn> reference;  // the allocated amount (or, for e-shop, the mean of offers)
    std::vector<Tiyn> offers;       // e-shop: the offers whose mean is the reference
    Tiyn bid = 0;
    bool kz_producer = false;
};

struct DumpingResult {
    bool applicable = true;
    ProcurementMethod method = ProcurementMethod::kTender;
    std::string subject;
    std::string subject_name;
    Tiyn reference = 0;
    BasisPoints threshold = 0;
    Tiyn min_allowed = 0;
    BasisPoints below_reference = 0;  // how far the bid is under the reference
    bool is_dumping = false;
    bool allowed = false;
    bool bid_rejected = false;
    Tiyn anti_dumping_sum = 0;
    Tiyn performance_security = 0;
    BasisPoints performance_pct = 0;
    Tiyn total_deposit = 0;
    std::string rule;
    std::string source;
};

Result<DumpingResult> CalculateDumping(const RuleBook& rules, const DumpingInput& input);
std::vector<std::string> DumpingSubjects(const RuleBook& rules);

}  // namespace zakupai::calc
