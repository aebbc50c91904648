#include "api/api.hpp"
#include "api/calc_json.hpp"
#include "core/json.hpp"

namespace zakupai::api {

void RegisterCalcRoutes(http::Router& router, calc::CalcService& calc, const Clock& clock) {
    for (std::string_view kind_view : calc::kCalculatorKinds) {
        const std::string kind(kind_view);
        router.Add("POST", "/calc/" + kind, [&calc, &clock, kind](http::Request& request) {
            auto body = ParseJsonObject(request.body);
            if (!body) {
                return http::ErrorResponse(body.error(), request.request_id);
            }
            auto answer = EvaluateCalc(calc.rules(), kind, *body, calc.Today(), request.body);
            if (!answer) {
                return http::ErrorResponse(answer.error(), request.request_id);
            }
            auto response =
                JsonAnswer(request, clock.Now(), [&](JsonWriter& w) { WriteCalcFields(w, answer->result); });
            // What the client got is what is kept.
            calc.Record(calc::CalcRecord{kind,
                                         answer->lot_id,
                                         std::move(answer->input_json),
                                         response.body,
                                         request.request_id,
                                         request.caller.key_id});
            return response;
        });
    }
    router.Add("GET", "/calc/rules", [&calc](http::Request&) {
        // The rule book as data, so a user can see which rates and thresholds are applied.
        const auto& rules = calc.rules();
        JsonWriter w;
        w.BeginObject().Field("version", rules.version).Key("vat").BeginArray();
        for (const auto& rate : rules.vat) {
            w.BeginObject().Field("category", rate.category).Field("from", FormatIsoDate(rate.from));
            w.OptionalField("to", FormatIsoDate(rate.to));
            w.Key("rate_pct").Decimal(rate.rate, 2).Field("source", rate.source).EndObject();
        }
        w.EndArray().Key("dumping").BeginArray();
        for (const auto& rule : rules.dumping) {
            w.BeginObject()
                .Field("method", Name(rule.method))
                .Field("subject", rule.subject)
                .Field("name_ru", rule.name_ru);
            w.Key("threshold_pct").Decimal(rule.threshold, 2).Field("allowed_with_anti_dumping_sum", rule.allowed);
            w.Field("source", rule.source).EndObject();
        }
        w.EndArray().Key("bid_security").BeginArray();
        for (const auto& m : rules.bid_security) {
            w.BeginObject()
                .Field("method", Name(m.method))
                .Key("pct")
                .Decimal(m.pct, 2)
                .Field("source", m.source)
                .EndObject();
        }
        w.EndArray().EndObject();
        return http::Response::Json(w.Take());
    });
}

}  // namespace zakupai::api
