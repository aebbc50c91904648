#include "calc/calc_service.hpp"

namespace zakupai::calc {

Result<Evaluation> CalcService::Run(std::string_view kind,
                                    const boost::json::object& request,
                                    std::string_view request_body,
                                    std::string_view request_id,
                                    std::int64_t api_key_id) {
    const Instant now = clock_.Now();
    auto evaluation = Evaluate(rules_, kind, request, AlmatyDate(now));
    if (!evaluation) {
        return evaluation;
    }
    recorder_.Add(store::FinanceCalcRow{std::string(kind),
                                        evaluation->lot_id,
                                        std::string(request_body),
                                        evaluation->result_json,
                                        std::string(request_id),
                                        api_key_id,
                                        now});
    return evaluation;
}

}  // namespace zakupai::calc
