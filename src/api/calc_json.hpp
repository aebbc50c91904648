#pragma once
// The calculators' JSON contract (the original API's field names plus ours): requests read into
// typed inputs, results written back. Shared by the routes and the golden-case tests so both
// exercise exactly the same reading and writing.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "calc/calculators.hpp"
#include "core/json.hpp"

namespace zakupai::api {

using CalcResult =
    std::variant<calc::VatResult, calc::MarginResult, calc::PenaltyResult, calc::SecuritiesResult, calc::DumpingResult>;

struct CalcAnswer {
    std::optional<std::int64_t> lot_id;
    std::string input_json;  // the fields the calculator read, as the client wrote them
    CalcResult result;
};

// kind: one of calc::kCalculatorKinds. Bad input is a kInvalidArgument error naming every
// offending field. `as_sent` is the body's text: the answer's input_json reuses it when the body
// held only what the calculator read and is small (most calls, and it saves serialising again).
Result<CalcAnswer> EvaluateCalc(const calc::RuleBook& rules,
                                std::string_view kind,
                                const boost::json::object& request,
                                Date today,
                                std::string_view as_sent = {});

// The result's fields into an open JSON object.
void WriteCalcFields(JsonWriter& out, const CalcResult& result);

}  // namespace zakupai::api
