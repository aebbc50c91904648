
#include "api/api.hpp"
#include "core/bin.hpp"
#include "core/json.hpp"
#include "risk/risk_service.hpp"

namespace zakupai::api {

namespace {

// bid and supplier_bins, shared by both ways of asking for a score.
risk::ScoreExtras Extras(JsonFields& f, const boost::json::object& body) {
    risk::ScoreExtras extras;
    extras.bid = f.Money({"bid", "bid_price"}, false);
    if (const auto* bins = body.if_contains("supplier_bins")) {
        if (!bins->is_array() || bins->get_array().size() > 50) {
            f.Problem("supplier_bins", "must be a list of at most 50 BINs");
        } else {
            for (const auto& b : bins->get_array()) {
                auto bin = b.is_string() ? NormalizeBin(b.get_string()) : Result<std::string>(Fail(Error{}));
                if (!bin) {
                    f.Problem("supplier_bins", "every entry must be a valid 12-digit BIN/IIN");
                    break;
                }
                extras.supplier_bins.push_back(*bin);
            }
        }
    }
    return extras;
}

}  // namespace

void RegisterRiskRoutes(http::Router& router, risk::RiskService& risk, const Clock& clock) {
    auto score = [&risk, &clock](http::Request& request) {
        boost::json::object empty;
        auto body = request.body.empty() ? Result<boost::json::object>(empty) : ParseJsonObject(request.body);
        if (!body) {
            return http::ErrorResponse(body.error(), request.request_id);
        }
        JsonFields f(*body);
        std::optional<std::int64_t> lot_id;
        if (request.path_params.contains("lot_id")) {
            lot_id = PositivePathId(request, "lot_id");
            if (!lot_id) {
                f.Problem("lot_id", "must be a positive integer");
            }
        } else {
            lot_id = f.Int({"lot_id"}, 1, INT64_MAX, false);
        }
        const auto extras = Extras(f, *body);
        risk::LotFacts facts;
        const auto* lot = body->if_contains("lot");
        if (!lot_id && f.problems().empty()) {
            if (lot == nullptr || !lot->is_object()) {
                f.Problem("lot_id", "is required (or send the lot itself as \"lot\")");
            } else {
                JsonFields l(lot->get_object());
                facts.title = l.String({"title"}, 1, 2000, true).value_or("");
                facts.price = l.Money({"price", "amount"}, true).value_or(0);
                facts.method =
                    l.Choice({"method"}, {"tender", "auction", "price_offers", "eshop", "single_source"}, false)
                        .value_or("");
                facts.customer_bin = l.String({"customer_bin"}, 12, 12, false).value_or("");
                facts.enstru = l.String({"enstru"}, 1, 64, false).value_or("");
                if (auto q = l.Scaled({"quantity"}, 3, 1, INT64_MAX, false)) {
                    facts.quantity = static_cast<double>(*q) / 1000.0;
                }
                if (auto start = l.Day({"start_date"}, false)) {
                    facts.start = AlmatyStartOfDay(*start);
                }
                if (auto deadline = l.Day({"deadline"}, false)) {
                    facts.deadline = AlmatyStartOfDay(*deadline) + std::chrono::hours{18};
                }
                for (const auto& p : l.problems()) {
                    f.Problem("lot." + p.field, p.problem);
                }
            }
        }
        if (auto ok = f.Finish(); !ok) {
            return http::ErrorResponse(ok.error(), request.request_id);
        }
        if (!lot_id) {
            return http::Response::Json(WithMeta(risk.ScorePayload(facts, extras), request.request_id, clock.Now()));
        }
        auto result = risk.ScoreLot(*lot_id, extras);
        if (!result) {
            return http::ErrorResponse(result.error(), request.request_id);
        }
        return http::Response::Json(WithMeta(std::move(*result), request.request_id, clock.Now()));
    };
    router.Add("POST", "/risk/score", score);
    router.Add("POST", "/risk/score/{lot_id}", score);
    router.Add("GET", "/risk/customers/{bin}", [&risk, &clock](http::Request& request) {
        auto result = risk.Customer(request.path_params.at("bin"));
        if (!result) {
            return http::ErrorResponse(result.error(), request.request_id);
        }
        return http::Response::Json(WithMeta(std::move(*result), request.request_id, clock.Now()));
    });
    router.Add("GET", "/risk/explain/{lot_id}", [&risk, &clock](http::Request& request) {
        const auto lot_id = PositivePathId(request, "lot_id");
        if (!lot_id) {
            return http::ErrorResponse(Error::Invalid("lot_id", "must be a positive integer"), request.request_id);
        }
        auto result = risk.Explain(*lot_id);
        if (!result) {
            return http::ErrorResponse(result.error(), request.request_id);
        }
        return http::Response::Json(WithMeta(std::move(*result), request.request_id, clock.Now()));
    });
}

}  // namespace zakupai::api
