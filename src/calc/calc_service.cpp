#include "calc/calc_service.hpp"

namespace zakupai::calc {

CalcService::CalcService(RuleBook rules, store::WriteBehind& recorder, const Clock& clock, metrics::Registry& metrics)
    : rules_(std::move(rules)), recorder_(recorder), clock_(clock) {
    for (auto kind : kCalculatorKinds) {
        answered_.emplace(kind,
                          &metrics.GetCounter("finance_calcs_total",
                                              "Finance calculations answered, by calculator.",
                                              "kind=\"" + std::string(kind) + "\""));
    }
}

void CalcService::Record(CalcRecord record) {
    if (const auto it = answered_.find(record.kind); it != answered_.end()) {
        it->second->Add();
    }
    recorder_.Add(store::FinanceCalcRow{std::move(record.kind),
                                        record.lot_id,
                                        std::move(record.input_json),
                                        std::move(record.result_json),
                                        std::move(record.request_id),
                                        record.api_key_id,
                                        clock_.Now()});
}

}  // namespace zakupai::calc
