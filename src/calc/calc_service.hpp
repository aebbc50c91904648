#pragma once
// The rule book the calculators apply, and the record of calculations answered to clients
// (finance_calcs, written off the request path) with their count by calculator.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "calc/calculators.hpp"
#include "metrics/metrics.hpp"
#include "store/write_behind.hpp"

namespace zakupai::calc {

// The calculators by the names their routes and records use.
inline constexpr std::array<std::string_view, 5> kCalculatorKinds{"vat", "margin", "penalty", "securities", "dumping"};

// One answered calculation: its input as the calculator read it (the fields it knows, nothing
// else a client sent along) and its result, both as the stored JSON.
struct CalcRecord {
    std::string kind;
    std::optional<std::int64_t> lot_id;
    std::string input_json;
    std::string result_json;
    std::string request_id;
    std::int64_t api_key_id = 0;
};

class CalcService {
public:
    CalcService(RuleBook rules, store::WriteBehind& recorder, const Clock& clock, metrics::Registry& metrics);

    const RuleBook& rules() const { return rules_; }
    // Today in Almaty: the default date of a calculation.
    Date Today() const { return AlmatyDate(clock_.Now()); }
    // Queues the finance_calcs row and counts the calculation (finance_calcs_total{kind}).
    void Record(CalcRecord record);

private:
    RuleBook rules_;
    store::WriteBehind& recorder_;
    const Clock& clock_;
    std::map<std::string, metrics::Counter*, std::less<>> answered_;
};

}  // namespace zakupai::calc
