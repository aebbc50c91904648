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
#include "core/time.hpp"

namespace zakupai::risk {

// What is known about a lot when it is judged. Optional fields are missing data, not zeros.
struct LotFacts {
    std::int64_t lot_id = 0;  // 0 for a payload that is not stored
    std::string title;
    std::string method;  // tender | auction | price_offers | eshop | single_source
    std::string customer_bin;
    std::string enstru;
    Tiyn price = 0;                   // the lot's amount, without VAT
    std::optional<double> quantity;   // for unit prices
    std::optional<Instant> start;     // bid acceptance opens
    std::optional<Instant> deadline;  // bid acceptance closes
    std::optional<Instant> created;
    std::optional<Tiyn> bid;                 // a bid to check for dumping
    std::vector<std::string> supplier_bins;  // participants or the winner, when known
    // Gathered from the database by the service:
    std::vector<double> peer_unit_prices;                       // other lots with the same ENSTRU code
    std::optional<Tiyn> cheapest_supplier_cost;                 // best matched price-list offer × quantity
    std::vector<std::pair<std::int64_t, Tiyn>> same_code_lots;  // same customer and code, 90 days
    std::vector<std::string> rnu_listed;                        // supplier BINs found in the RNU
    bool rnu_checked = false;                                   // the RNU data was consulted
};

enum class Status { kTriggered, kClear, kNoData };
std::string_view StatusName(Status status);

struct Finding {
    std::string id;
    std::string name_ru;
    std::string name_kz;
    int weight = 0;
    Status status = Status::kNoData;
    std::string threshold;                                      // in words, with the numbers
    std::string source;                                         // the article of law or the method
    std::vector<std::pair<std::string, std::string>> evidence;  // name -> value, as shown to people
    std::string explanation_ru;
};

struct Evaluation {
    int score = 0;                  // 0..100
    std::string level;              // low | medium | high
    std::vector<Finding> findings;  // every indicator, triggered or not
    std::string model_version;
};

struct RiskContext {
    const calc::RuleBook& rules;
    const WorkCalendar& calendar;
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

// Q1, Q3 by linear interpolation (as numpy does); nullopt for fewer than 4 values.
std::optional<std::pair<double, double>> Quartiles(std::vector<double> values);

}  // namespace zakupai::risk
