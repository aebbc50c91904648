#include "risk/risk_service.hpp"

#include <fmt/format.h>

#include "core/json.hpp"

namespace zakupai::risk {

namespace {

std::optional<double> Quantity(const std::string& text) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    return !text.empty() && end == text.c_str() + text.size() && value > 0 ? std::optional(value) : std::nullopt;
}

void WriteFinding(JsonWriter& w, const Finding& f) {
    w.BeginObject()
        .Field("id", f.id)
        .Field("name", f.name_ru)
        .Field("name_kz", f.name_kz)
        .Field("weight", f.weight)
        .Field("status", StatusName(f.status))
        .Field("threshold", f.threshold)
        .Field("source", f.source)
        .Key("evidence")
        .BeginObject();
    for (const auto& [k, v] : f.evidence) {
        w.Field(k, v);
    }
    w.EndObject().Field("explanation", f.explanation_ru).EndObject();
}

}  // namespace

std::string FindingsJson(const std::vector<Finding>& findings) {
    JsonWriter w;
    w.BeginArray();
    for (const auto& f : findings) {
        WriteFinding(w, f);
    }
    w.EndArray();
    return w.Take();
}

void RiskService::Gather(LotFacts& facts, const ScoreExtras& extras) {
    facts.bid = extras.bid ? extras.bid : facts.bid;
    if (!extras.supplier_bins.empty()) {
        facts.supplier_bins = extras.supplier_bins;
    }
    if (!facts.enstru.empty()) {
        facts.peer_unit_prices = repository_.PeerUnitPrices(facts.enstru, facts.lot_id, 2000);
    }
    if (facts.lot_id > 0) {
        facts.cheapest_supplier_cost = repository_.CheapestSupplierCost(facts.lot_id);
    }
    if (!facts.customer_bin.empty() && !facts.enstru.empty() && facts.created) {
        facts.same_code_lots =
            repository_.SameCodeLots(facts.customer_bin, facts.enstru, facts.lot_id, *facts.created, 90);
    }
    if (!facts.supplier_bins.empty()) {
        const bool registry = portal_.CountRnu() > 0;
        for (const auto& bin : facts.supplier_bins) {
            const auto cached = portal_.FindRnuCheck(bin);
            facts.rnu_checked = facts.rnu_checked || registry || cached.has_value();
            if ((cached && cached->listed) || !portal_.FindRnu(bin).empty()) {
                facts.rnu_listed.push_back(bin);
            }
        }
    }
}

std::string RiskService::ScoreJson(const LotFacts& facts, const Evaluation& e, bool saved) {
    JsonWriter w;
    w.BeginObject();
    w.Key("lot_id");
    if (facts.lot_id > 0) {
        w.Int(facts.lot_id);
    } else {
        w.Null();
    }
    w.Field("score", e.score).Field("level", e.level).Key("flags").BeginArray();
    for (const auto& f : e.findings) {
        if (f.status == Status::kTriggered) {
            w.String(f.id);
        }
    }
    w.EndArray()
        .Field("saved", saved)
        .Field("model_version", e.model_version)
        .Key("indicators")
        .Raw(FindingsJson(e.findings));
    w.EndObject();
    return w.Take();
}

Result<std::string> RiskService::ScoreLot(std::int64_t lot_id, const ScoreExtras& extras) {
    const auto lot = lots_.FindLot(lot_id);
    if (!lot) {
        return Fail(Error::NotFound("lot " + std::to_string(lot_id) + " not found"));
    }
    LotFacts facts;
    facts.lot_id = lot_id;
    facts.title = lot->row.title;
    facts.method = lot->row.method;
    facts.customer_bin = lot->row.customer_bin;
    facts.enstru = lot->row.enstru;
    facts.price = lot->row.price;
    facts.quantity = Quantity(lot->row.quantity);
    facts.deadline = lot->deadline;
    const auto dates = repository_.Dates(lot_id);
    facts.start = dates.start;
    facts.created = dates.created;
    Gather(facts, extras);
    const Evaluation e = Evaluate(facts, RiskContext{rules_, calendar_});
    std::string flags = "[";
    for (const auto& f : e.findings) {
        if (f.status == Status::kTriggered) {
            flags += (flags.size() > 1 ? ",\"" : "\"") + f.id + "\"";
        }
    }
    flags += "]";
    repository_.SaveEvaluation(lot_id, e.model_version, e.score, flags, FindingsJson(e.findings), clock_.Now());
    return ScoreJson(facts, e, true);
}

std::string RiskService::ScorePayload(LotFacts facts, const ScoreExtras& extras) {
    facts.lot_id = 0;
    if (!facts.created) {
        facts.created = clock_.Now();
    }
    Gather(facts, extras);
    return ScoreJson(facts, Evaluate(facts, RiskContext{rules_, calendar_}), false);
}

Result<std::string> RiskService::Explain(std::int64_t lot_id) {
    auto stored = repository_.LatestEvaluation(lot_id);
    if (!stored) {
        auto scored = ScoreLot(lot_id, {});
        if (!scored) {
            return Fail(scored.error());
        }
        stored = repository_.LatestEvaluation(lot_id);
        ZAKUPAI_ASSERT(stored.has_value());
    }
    const auto lot = lots_.FindLot(lot_id);
    JsonWriter w;
    w.BeginObject()
        .Field("lot_id", lot_id)
        .Field("title", lot ? lot->row.title : std::string())
        .Field("score", stored->score)
        .Field("level",
               stored->score >= 60   ? "high"
               : stored->score >= 30 ? "medium"
                                     : "low")
        .Field("evaluated_at", stored->created_at)
        .Field("model_version", stored->model_version)
        .Field("summary",
               fmt::format("Оценка риска {} из 100. Ниже — каждый признак: сработал он или нет, на каких данных, "
                           "с каким порогом и по какой норме.",
                           stored->score))
        .Key("flags")
        .Raw(stored->flags)
        .Key("indicators")
        .Raw(stored->explain)
        .EndObject();
    return w.Take();
}

}  // namespace zakupai::risk
