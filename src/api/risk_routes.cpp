
#include <fmt/format.h>

#include <algorithm>

#include "api/api.hpp"
#include "core/bin.hpp"
#include "core/json.hpp"
#include "risk/risk_service.hpp"

namespace zakupai::api {

namespace {

// [{supplier_bin, price, status}]: the bids of one lot, as the results protocol lists them.
std::optional<std::vector<risk::Bid>> ParseBids(JsonFields& f, const boost::json::value& value) {
    if (!value.is_array() || value.get_array().size() > 500) {
        f.Problem("bids", "must be a list of at most 500 bids");
        return std::nullopt;
    }
    std::vector<risk::Bid> bids;
    std::size_t index = 0;
    for (const auto& item : value.get_array()) {
        const std::string at = "bids[" + std::to_string(index++) + "]";
        if (!item.is_object()) {
            f.Problem(at, "must be an object {supplier_bin, price, status}");
            continue;
        }
        JsonFields b(item.get_object());
        risk::Bid bid;
        const auto bin = b.String({"supplier_bin", "supplier_biin"}, 1, 64, true);
        if (bin) {
            auto normalized = NormalizeBin(*bin);
            if (!normalized) {
                b.Problem("supplier_bin", normalized.error().message);
            } else {
                bid.supplier_bin = *normalized;
            }
        }
        bid.price = b.Money({"price", "amount"}, true).value_or(0);
        if (bid.price < 0) {
            b.Problem("price", "must be >= 0");
        }
        bid.status = b.Choice({"status"}, {"valid", "rejected", "winner"}, false).value_or("valid");
        for (const auto& problem : b.problems()) {
            f.Problem(at + "." + problem.field, problem.problem);
        }
        for (const auto& earlier : bids) {
            if (!bid.supplier_bin.empty() && earlier.supplier_bin == bid.supplier_bin) {
                f.Problem(at + ".supplier_bin", "appears twice: one bid per supplier");
            }
        }
        bids.push_back(std::move(bid));
    }
    if (std::count_if(bids.begin(), bids.end(), [](const risk::Bid& b) { return b.status == "winner"; }) > 1) {
        f.Problem("bids", "at most one bid can be the winner");
    }
    return bids;
}

// bid, supplier_bins and bids, shared by both ways of asking for a score.
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
    if (const auto* bids = body.if_contains("bids")) {
        extras.bids = ParseBids(f, *bids);
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
                facts.name_kz = l.String({"name_kz", "title_kz"}, 1, 2000, false).value_or("");
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
    router.Add("GET", "/risk/suppliers/{bin}", [&risk, &clock](http::Request& request) {
        auto result = risk.Supplier(request.path_params.at("bin"));
        if (!result) {
            return http::ErrorResponse(result.error(), request.request_id);
        }
        return http::Response::Json(WithMeta(std::move(*result), request.request_id, clock.Now()));
    });
    router.Add("GET", "/risk/rules", [&risk, &clock](http::Request& request) {
        const auto& rules = risk.RulesInForce();
        JsonWriter w;
        w.BeginObject()
            .Field("model", rules.model)
            .Key("levels")
            .BeginObject()
            .Field("medium", rules.medium)
            .Field("high", rules.high)
            .EndObject()
            .Key("indicators")
            .BeginObject();
        for (const auto& [id, rule] : rules.indicators) {
            w.Key(id)
                .BeginObject()
                .Field("version", rule.version)
                .Field("weight", rule.weight)
                .Key("params")
                .BeginObject();
            for (const auto& [name, value] : rule.params) {
                w.Key(name).Raw(fmt::format("{}", value));
            }
            w.EndObject();
            if (id == "amendment_increase") {
                w.Key("allowed_grounds").BeginArray();
                for (auto g : rule.allowed_grounds) {
                    w.Int(g);
                }
                w.EndArray();
            }
            w.EndObject();
        }
        w.EndObject().EndObject();
        return http::Response::Json(WithMeta(w.Take(), request.request_id, clock.Now()));
    });
    const http::RouteOptions premium{.is_public = false, .required_plan = "premium", .counts_usage = true};
    router.Add(
        "PUT",
        "/lots/{lot_id}/bids",
        [&risk, &clock](http::Request& request) {
            const auto lot_id = PositivePathId(request, "lot_id");
            if (!lot_id) {
                return http::ErrorResponse(Error::Invalid("lot_id", "must be a positive integer"), request.request_id);
            }
            auto body = ParseJsonObject(request.body);
            if (!body) {
                return http::ErrorResponse(body.error(), request.request_id);
            }
            JsonFields f(*body);
            std::optional<std::vector<risk::Bid>> bids;
            if (const auto* list = body->if_contains("bids")) {
                bids = ParseBids(f, *list);
            } else {
                f.Problem("bids", "is required (an empty list records that no bids were filed)");
            }
            const auto source = f.String({"source"}, 1, 200, false).value_or("api");
            if (auto ok = f.Finish(); !ok) {
                return http::ErrorResponse(ok.error(), request.request_id);
            }
            auto result = risk.SaveBids(*lot_id, *bids, source);
            if (!result) {
                return http::ErrorResponse(result.error(), request.request_id);
            }
            return http::Response::Json(WithMeta(std::move(*result), request.request_id, clock.Now()));
        },
        premium);
    router.Add("GET", "/risk/explain/{lot_id}", [&risk, &clock](http::Request& request) {
        const auto lot_id = PositivePathId(request, "lot_id");
        if (!lot_id) {
            return http::ErrorResponse(Error::Invalid("lot_id", "must be a positive integer"), request.request_id);
        }
        const auto lang = request.Query("lang");
        if (!lang.empty() && lang != "ru" && lang != "kk") {
            return http::ErrorResponse(Error::Invalid("lang", "must be ru or kk"), request.request_id);
        }
        auto result = risk.Explain(*lot_id, lang == "kk");
        if (!result) {
            return http::ErrorResponse(result.error(), request.request_id);
        }
        return http::Response::Json(WithMeta(std::move(*result), request.request_id, clock.Now()));
    });
}

}  // namespace zakupai::api
