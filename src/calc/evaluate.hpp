#pragma once
// The calculators' JSON contract (the original API's field names plus ours), shared by the
// HTTP handlers and the golden-case tests so both exercise exactly the same parsing.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calc/rules.hpp"

namespace zakupai::calc {

struct Evaluation {
    std::optional<std::int64_t> lot_id;
    std::string result_json;  // a JSON object with the result's fields
};

// kind: vat, margin, penalty, securities, dumping. Bad input is a kInvalidArgument error that
// names every offending field.
Result<Evaluation> Evaluate(const RuleBook& rules,
                            std::string_view kind,
                            const boost::json::object& request,
                            Date today);

const std::vector<std::string_view>& CalculatorKinds();

}  // namespace zakupai::calc
