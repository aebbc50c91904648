
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
        bid.status = b.Word<BidStatus>({"status"}, false).value_or(BidStatus::kValid);
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
    if (std::count_if(bids.begin(), bids.end(), [](const risk::Bid& b) { return b.status == BidStatus::kWinner; }) >
        1) {
        f.Problem("bids", "at most one bid can be the winner");
    }
    return bids;
}

void WriteFinding(JsonWriter& w, const risk::Finding& f) {
    w.BeginObject()
        .Field("id", f.id)
        .Field("version", f.version)
        .Field("name", f.name_ru)
        .Field("name_kz", f.name_kz)
        .Field("weight", f.weight)
        .Field("status", risk::StatusName(f.status))
        .Field("threshold", f.threshold)
        .Field("source", f.source);
    w.Key("evidence").BeginObject();
    for (const auto& [name, value] : f.evidence) {
        w.Field(name, value);
    }
    w.EndObject().Field("explanation", f.explanation_ru).Field("explanation_kz", f.explanation_kz).EndObject();
}

void WriteFindings(JsonWriter& w, const std::vector<risk::Finding>& findings) {
    w.Key("indicators").BeginArray();
    for (const auto& f : findings) {
        WriteFinding(w, f);
    }
    w.EndArray();
}

void WriteIds(JsonWriter& w, std::string_view key, const std::vector<std::string>& ids) {
    w.Key(key).BeginArray();
    for (const auto& id : ids) {
        w.String(id);
    }
    w.EndArray();
}

void WriteScore(JsonWriter& w, const risk::ScoreResult& r) {
    w.Key("lot_id");
    if (r.lot_id) {
        w.Int(*r.lot_id);
    } else {
        w.Null();
    }
    const auto& e = r.evaluation;
    w.Field("score", e.score).Field("level", Name(e.level)).Key("flags").BeginArray();
    for (const auto& f : e.findings) {
        if (f.status == risk::Status::kTriggered) {
            w.String(f.id);
        }
    }
    w.EndArray().Field("saved", r.saved).Field("model_version", e.model_version);
    WriteFindings(w, e.findings);
}

void WriteExplanation(JsonWriter& w, const risk::Explanation& e) {
    w.Field("lot_id", e.lot_id)
        .Field("title", e.title)
        .Field("score", e.score)
        .Field("level", Name(e.level))
        .Field("evaluated_at", e.evaluated_at)
        .Field("model_version", e.model_version)
        .Field("summary", e.summary);
    if (e.summary_kz) {
        w.Field("title_kz", e.title_kz.value_or("")).Field("summary_kz", *e.summary_kz);
    }
    WriteIds(w, "flags", e.flags);
    WriteFindings(w, e.findings);
}

void WriteAggregate(JsonWriter& w, const risk::RiskAggregate& a) {
    w.Field("evaluated", a.evaluated)
        .Key("average_score")
        .Decimal(a.average_score_centi, 2)
        .Field("max_score", a.max_score)
        .Field("high", a.high)
        .Field("medium", a.medium)
        .Field("low", a.low)
        .Key("indicators")
        .BeginObject();
    for (const auto& [id, count] : a.indicators) {
        w.Field(id, count);
    }
    w.EndObject().Key("riskiest").BeginArray();
    for (const auto& lot : a.riskiest) {
        w.BeginObject().Field("lot_id", lot.lot_id).Field("score", lot.score).MoneyField("price", lot.price);
        WriteIds(w, "flags", lot.flags);
        w.EndObject();
    }
    w.EndArray();
}

void WriteCustomer(JsonWriter& w, const risk::CustomerReport& r) {
    w.Field("customer_bin", r.customer_bin).Field("lots", r.lots);
    WriteAggregate(w, r.risk);
    w.Key("concentration").BeginArray();
    for (const auto& c : r.concentration) {
        w.BeginObject()
            .Field("year", c.year)
            .Field("contracts", c.contracts)
            .Field("top_supplier_bin", c.top_supplier_bin)
            .Field("top_supplier_contracts", c.top_supplier_contracts)
            .Key("top_supplier_share")
            .Decimal(c.top_supplier_share_ten_thousandths, 4)
            .EndObject();
    }
    w.EndArray();
}

void WriteSupplier(JsonWriter& w, const risk::SupplierReport& r) {
    w.Field("supplier_bin", r.supplier_bin)
        .Field("contracts", r.contracts)
        .MoneyField("contracts_amount", r.contracts_amount)
        .Field("customers", r.customers)
        .Field("amendments_raising_amount", r.amendments_raising_amount)
        .Field("bids", r.bids)
        .Field("wins", r.wins)
        .Key("win_rate");
    if (r.win_rate_ten_thousandths) {
        w.Decimal(*r.win_rate_ten_thousandths, 4);
    } else {
        w.Null();
    }
    w.Key("top_customers").BeginArray();
    for (const auto& [customer, contracts] : r.top_customers) {
        w.BeginObject().Field("customer_bin", customer).Field("contracts", contracts).EndObject();
    }
    w.EndArray().Key("rnu").BeginObject().Field("checked", r.rnu_checked).Field("listed", r.rnu_listed).EndObject();
    WriteAggregate(w, r.risk);
}

// A typed result of the risk engine as an answer, or its error.
template <class T, class Write>
http::Response Answer(const http::Request& request, const Clock& clock, const Result<T>& result, Write write) {
    if (!result) {
        return http::ErrorResponse(result.error(), request.request_id);
    }
    return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) { write(w, *result); });
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

void RegisterRiskRoutes(http::Router& router, risk::RiskService& risk, LotViews& views, const Clock& clock) {
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
                facts.method = l.Word<ProcurementMethod>({"method"}, false);
                facts.customer_bin = l.String({"customer_bin"}, 12, 12, false).value_or("");
                facts.enstru = l.String({"enstru"}, 1, 64, false).value_or("");
                if (auto q = l.Scaled({"quantity"}, Quantity::kScale, 1, Quantity::kMaxMilli, false)) {
                    facts.quantity = Quantity::FromMilli(*q);
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
            const auto result = risk.ScorePayload(facts, extras);
            return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) { WriteScore(w, result); });
        }
        return Answer(request, clock, risk.ScoreLot(*lot_id, extras), WriteScore);
    };
    router.Add("POST", "/risk/score", score);
    router.Add("POST", "/risk/score/{lot_id}", score);
    router.Add("GET", "/risk/customers/{bin}", [&risk, &clock](http::Request& request) {
        return Answer(request, clock, risk.Customer(request.path_params.at("bin")), WriteCustomer);
    });
    router.Add("GET", "/risk/suppliers/{bin}", [&risk, &clock](http::Request& request) {
        return Answer(request, clock, risk.Supplier(request.path_params.at("bin")), WriteSupplier);
    });
    router.Add("GET", "/risk/rules", [&risk, &clock](http::Request& request) {
        const auto& rules = risk.RulesInForce();
        return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
            w.Field("model", rules.model)
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
            w.EndObject();
        });
    });
    const http::RouteOptions premium{.is_public = false, .required_plan = Plan::kPremium, .counts_usage = true};
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
            return Answer(request, clock, risk.SaveBids(*lot_id, *bids, source), WriteScore);
        },
        premium);
    router.Add("GET", "/risk/explain/{lot_id}", [&risk, &views, &clock](http::Request& request) {
        const auto lot_id = PositivePathId(request, "lot_id");
        if (!lot_id) {
            return http::ErrorResponse(Error::Invalid("lot_id", "must be a positive integer"), request.request_id);
        }
        const auto lang = request.Query("lang");
        if (!lang.empty() && lang != "ru" && lang != "kk") {
            return http::ErrorResponse(Error::Invalid("lang", "must be ru or kk"), request.request_id);
        }
        auto explanation = risk.Explain(*lot_id, lang == "kk");
        if (!explanation) {
            return Answer(request, clock, explanation, WriteExplanation);
        }
        views.Saw(request.caller, *lot_id, clock.Now());
        auto response = Answer(request, clock, explanation, WriteExplanation);
        AnnotateLot(response, *lot_id, {}, explanation->level, explanation->flags.size());
        return response;
    });
}

}  // namespace zakupai::api
