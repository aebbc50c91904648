#pragma once
// The legal numbers the calculators use (VAT rates by date, securities, penalty caps, dumping
// thresholds, and the periods /ask quotes), loaded from data/calc_rules.json. Percentages are basis points (1 % = 100).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/money.hpp"
#include "core/time.hpp"
#include "core/vocabulary.hpp"

namespace zakupai::calc {

using BasisPoints = std::int64_t;

struct VatRate {
    std::string category;
    Date from;
    std::optional<Date> to;  // inclusive; nullopt = open-ended
    BasisPoints rate = 0;
    std::string source;
};

struct MethodPercent {
    ProcurementMethod method = ProcurementMethod::kTender;
    BasisPoints pct = 0;
    std::string source;
};

struct PenaltyCap {
    std::string contract_type;
    BasisPoints cap = 0;
    std::string source;
    bool verified = false;
};

struct DumpingRule {
    ProcurementMethod method = ProcurementMethod::kTender;
    std::string subject;
    BasisPoints threshold = 0;
    bool allowed = false;   // true: dumping allowed against an anti-dumping sum
    std::string reference;  // "allocated" or "offers_mean"
    std::string name_ru;
    std::string source;
};

// A period the law sets (to file a complaint, to sign, to stay in the register), for /ask. The
// texts state the count themselves (tested), so the answer reads as the law is usually quoted.
struct LegalTerm {
    enum class Unit { kWorkingDays, kCalendarDays, kMonths };
    std::string id;
    std::optional<ProcurementMethod> method;
    Unit unit = Unit::kWorkingDays;
    int count = 0;
    std::string ru;
    std::string kz;
    std::string from_ru;  // the event the count starts from, when a date can be put to it
    std::string source;
};

struct MrpYear {
    int year = 0;
    Tiyn value = 0;
    std::string source;
};

struct RuleBook {
    std::string version;
    std::vector<MrpYear> mrp;
    std::vector<VatRate> vat;
    std::vector<MethodPercent> bid_security;
    BasisPoints performance_default = 0;
    BasisPoints performance_price_offers = 0;
    std::int64_t eshop_performance_exempt_mrp = 0;
    std::string performance_source;
    BasisPoints penalty_daily = 0;
    std::vector<PenaltyCap> penalty_caps;
    BasisPoints kz_producer_cap = 0;
    std::string kz_producer_source;
    BasisPoints customer_late_cap = 0;
    std::string customer_late_source;
    std::vector<DumpingRule> dumping;
    std::vector<LegalTerm> terms;

    // The rate in force on `date` for `category`, or nullopt when the table has none.
    const VatRate* FindVat(std::string_view category, Date date) const;
    // МРП for the year, falling back to the latest known year.
    Tiyn Mrp(int year) const;
    std::vector<std::string> VatCategories() const;
    const LegalTerm* FindTerm(std::string_view id) const;
};

Result<RuleBook> ParseRuleBook(std::string_view json_text);

// The rule book compiled into the binary from data/calc_rules.json.
std::string_view EmbeddedRuleBookJson();

}  // namespace zakupai::calc
