#pragma once
// Runs a calculator and records the call in finance_calcs, off the request path.
#include <string>
#include <string_view>

#include "calc/evaluate.hpp"
#include "store/write_behind.hpp"

namespace zakupai::calc {

class CalcService {
public:
    CalcService(RuleBook rules, store::WriteBehind& recorder, const Clock& clock)
        : rules_(std::move(rules)), recorder_(recorder), clock_(clock) {}

    const RuleBook& rules() const { return rules_; }

    // Evaluates and, on success, queues the finance_calcs row (input as sent, result as answered).
    Result<Evaluation> Run(std::string_view kind,
                           const boost::json::object& request,
                           std::string_view request_body,
                           std::string_view request_id,
                           std::int64_t api_key_id);

private:
    RuleBook rules_;
    store::WriteBehind& recorder_;
    const Clock& clock_;
};

}  // namespace zakupai::calc
