#pragma once
// Red flags for one lot. Each indicator is a pure function of the facts gathered about the lot
// and answers "triggered", "clear" or "no_data" — never a guess — with its evidence, its
// threshold and the law or method it comes from. The score is the capped sum of the weights of
// the triggered ones, so adding a flag can only raise it.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "calc/rules.hpp"
#include "core/calendar.hpp"
#include "core/money.hpp"
#include "core/quantity.hpp"
#include "core/time.hpp"
#include "core/vocabulary.hpp"
#include "risk/rules.hpp"

namespace zakupai::risk {

struct Bid {
    std::string supplier_bin;
    Tiyn price = 0;
    BidStatus status = BidStatus::kValid;
};

// An earlier procedure on the same plan point; bids nullopt when they were never recorded.
struct PriorProcedure {
    std::int64_t lot_id = 0;
    std::optional<ProcurementMethod> method;
    std::optional<std::vector<Bid>> bids;
};

// One version of a contract signed on the lot's announcement.
struct ContractVersion {
    std::int64_t id = 0;  // the portal's contract id
    std::optional<std::int64_t> parent_id;
    std::string number;
    std::string supplier_bin;
    std::optional<Tiyn> amount;
    std::vector<std::int64_t> grounds;  // ref_amendm_agreem_justif ids of an amendment
};

// The customer's contracts in a financial year and how much of them its top supplier holds.
struct Concentration {
    int year = 0;
    std::string supplier_bin;
    std::int64_t supplier_contracts = 0;
    std::int64_t customer_contracts = 0;
    std::vector<double> peer_shares;  // other customers' top-supplier shares that year
};

// What is known about a lot when it is judged. Optional fields are missing data, not zeros.
struct LotFacts {
    std::int64_t lot_id = 0;  // 0 for a payload that is not stored
    std::string title;
    std::string name_kz;                      // the Kazakh title, when the portal gave one
    std::optional<ProcurementMethod> method;  // nullopt when the portal's method is not one we judge
    std::string customer_bin;
    std::string enstru;
    Tiyn price = 0;                    // the lot's amount, without VAT
    std::optional<Quantity> quantity;  // for unit prices
    std::optional<Instant> start;      // bid acceptance opens
    std::optional<Instant> deadline;   // bid acceptance closes
    std::optional<Instant> created;
    std::optional<Tiyn> bid;                 // a bid to check for dumping
    std::vector<std::string> supplier_bins;  // participants or the winner, when known
    // Gathered from the database by the service:
    std::vector<double> peer_unit_prices;                         // other lots with the same ENSTRU code
    std::optional<Tiyn> cheapest_supplier_cost;                   // best matched price-list offer × quantity
    std::vector<std::pair<std::int64_t, Tiyn>> same_code_lots;    // same customer and code, 90 days
    std::vector<std::string> rnu_listed;                          // supplier BINs found in the RNU
    bool rnu_checked = false;                                     // the RNU data was consulted
    std::optional<std::vector<Bid>> bids;                         // nullopt: unknown; empty: none filed
    std::vector<int> peer_windows;                                // bid windows (working days) of the method's lots
    std::optional<std::vector<PriorProcedure>> prior_procedures;  // nullopt: plan point unknown
    std::optional<std::vector<ContractVersion>> contracts;        // nullopt: announcement unknown
    std::optional<Concentration> concentration;
};

enum class Status { kTriggered, kClear, kNoData };
std::string_view StatusName(Status status);

struct Finding {
    std::string id;
    int version = 1;
    std::string name_ru;
    std::string name_kz;
    int weight = 0;
    Status status = Status::kNoData;
    std::string threshold;                                      // in words, with the numbers
    std::string source;                                         // the article of law or the method
    std::vector<std::pair<std::string, std::string>> evidence;  // name -> value, as shown to people
    std::string explanation_ru;
    std::string explanation_kz;
};

struct Evaluation {
    int score = 0;  // 0..100
    RiskLevel level = RiskLevel::kLow;
    std::vector<Finding> findings;  // every indicator, triggered or not
    std::string model_version;
};

struct RiskContext {
    const calc::RuleBook& rules;
    const WorkCalendar& calendar;
    const RiskRules& risk = DefaultRiskRules();
};

// Every indicator, in a fixed order.
Evaluation Evaluate(const LotFacts& facts, const RiskContext& context);

// The individual indicators (tested one by one).
Finding ShortSubmissionWindow(const LotFacts& facts, const RiskContext& context);
Finding DeadlineOnDayOff(const LotFacts& facts, const RiskContext& context);
Finding Dumping(const LotFacts& facts, const RiskContext& context);
Finding PriceAboveMarket(const LotFacts& facts, const RiskContext& context);
Finding PriceAboveSupplierOffers(const LotFacts& facts, const RiskContext& context);
Finding Splitting(const LotFacts& facts, const RiskContext& context);
Finding SupplierInRnu(const LotFacts& facts, const RiskContext& context);
Finding NonCompetitiveMethod(const LotFacts& facts, const RiskContext& context);
Finding ShortWindowRelative(const LotFacts& facts, const RiskContext& context);
Finding SingleBid(const LotFacts& facts, const RiskContext& context);
Finding SingleSourceAfterFailure(const LotFacts& facts, const RiskContext& context);
Finding CloseSecondBid(const LotFacts& facts, const RiskContext& context);
Finding HeavyDiscount(const LotFacts& facts, const RiskContext& context);
Finding IdenticalBids(const LotFacts& facts, const RiskContext& context);
Finding CustomerConcentration(const LotFacts& facts, const RiskContext& context);
Finding AmendmentIncrease(const LotFacts& facts, const RiskContext& context);

// The winning bid: the one marked winner, else the lowest valid one.
std::optional<Bid> WinningBid(const std::vector<Bid>& bids);

// The p-th percentile (0..100) by linear interpolation; nullopt for an empty list.
std::optional<double> Percentile(const std::vector<double>& values, double p);

// Q1, Q3 by linear interpolation (as numpy does); nullopt for fewer than 4 values.
std::optional<std::pair<double, double>> Quartiles(const std::vector<double>& values);

}  // namespace zakupai::risk
