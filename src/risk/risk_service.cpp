#include "risk/risk_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/bin.hpp"
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

void RiskService::Gather(LotFacts& facts, const ScoreExtras& extras, PeerCache* peers) {
    facts.bid = extras.bid ? extras.bid : facts.bid;
    if (!extras.supplier_bins.empty()) {
        facts.supplier_bins = extras.supplier_bins;
    }
    if (!facts.enstru.empty()) {
        if (peers == nullptr) {
            facts.peer_unit_prices = repository_.PeerUnitPrices(facts.enstru, facts.lot_id, 2000);
        } else {
            // A rescore reads each code's peers once (the lot itself among them: a negligible
            // difference against up to 2 000 peers, and the fence is robust to it).
            auto it = peers->find(facts.enstru);
            if (it == peers->end()) {
                it = peers->emplace(facts.enstru, repository_.PeerUnitPrices(facts.enstru, 0, 2000)).first;
            }
            facts.peer_unit_prices = it->second;
        }
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

std::string RiskService::FlagsJson(const Evaluation& evaluation) {
    std::string flags = "[";
    for (const auto& f : evaluation.findings) {
        if (f.status == Status::kTriggered) {
            flags += (flags.size() > 1 ? ",\"" : "\"") + f.id + "\"";
        }
    }
    return flags + "]";
}

void RiskService::Count(const Evaluation& evaluation, std::chrono::steady_clock::duration took) {
    const double seconds = std::chrono::duration<double>(took).count();
    std::lock_guard lock(stats_mutex_);
    ++stats_.evaluations;
    stats_.high += evaluation.level == "high" ? 1 : 0;
    for (const auto& f : evaluation.findings) {
        if (f.id == "dumping" && f.status != Status::kNoData) {
            ++stats_.dumping_checked;
            stats_.dumping_flagged += f.status == Status::kTriggered ? 1 : 0;
        }
    }
    stats_.duration_sum += seconds;
    for (auto& [bound, count] : stats_.duration_buckets) {
        count += seconds <= bound ? 1 : 0;
    }
}

RiskStats RiskService::Stats() const {
    std::lock_guard lock(stats_mutex_);
    return stats_;
}

std::optional<std::pair<LotFacts, Evaluation>> RiskService::EvaluateStored(std::int64_t lot_id,
                                                                           const ScoreExtras& extras,
                                                                           PeerCache* peers) {
    const auto started = std::chrono::steady_clock::now();
    const auto lot = lots_.FindLot(lot_id);
    if (!lot) {
        return std::nullopt;
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
    Gather(facts, extras, peers);
    Evaluation e = Evaluate(facts, RiskContext{rules_, calendar_});
    Count(e, std::chrono::steady_clock::now() - started);
    return std::pair{std::move(facts), std::move(e)};
}

Result<std::string> RiskService::ScoreLot(std::int64_t lot_id, const ScoreExtras& extras) {
    auto evaluated = EvaluateStored(lot_id, extras, nullptr);
    if (!evaluated) {
        return Fail(Error::NotFound("lot " + std::to_string(lot_id) + " not found"));
    }
    const auto& [facts, e] = *evaluated;
    repository_.SaveEvaluation(lot_id, e.model_version, e.score, FlagsJson(e), FindingsJson(e.findings), clock_.Now());
    return ScoreJson(facts, e, true);
}

RescoreReport RiskService::Rescore(std::optional<Instant> since,
                                   const std::function<void(const RescoreProgress&)>& progress) {
    const auto started = std::chrono::steady_clock::now();
    const auto ids = repository_.LotIdsChangedSince(since);
    RescoreReport report;
    PeerCache peers;
    std::vector<store::RiskRepository::NewEvaluation> batch;
    auto flush = [&]() {
        repository_.SaveEvaluations(batch, clock_.Now());
        batch.clear();
        if (progress) {
            progress(
                RescoreProgress{report.lots,
                                static_cast<std::int64_t>(ids.size()),
                                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()});
        }
    };
    for (const auto id : ids) {
        auto evaluated = EvaluateStored(id, {}, &peers);
        if (!evaluated) {
            continue;  // deleted meanwhile
        }
        const auto& e = evaluated->second;
        ++report.lots;
        report.high += e.level == "high" ? 1 : 0;
        for (const auto& f : e.findings) {
            report.dumping += f.id == "dumping" && f.status == Status::kTriggered ? 1 : 0;
        }
        batch.push_back({id, e.model_version, e.score, FlagsJson(e), FindingsJson(e.findings)});
        if (batch.size() == 500) {
            flush();
        }
    }
    flush();
    report.duration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

std::string RiskService::ScorePayload(LotFacts facts, const ScoreExtras& extras) {
    facts.lot_id = 0;
    if (!facts.created) {
        facts.created = clock_.Now();
    }
    Gather(facts, extras);
    return ScoreJson(facts, Evaluate(facts, RiskContext{rules_, calendar_}), false);
}

Result<std::string> RiskService::Customer(std::string_view bin_text) {
    auto bin = NormalizeBin(bin_text);
    if (!bin) {
        return Fail(Error::Invalid("bin", bin.error().message));
    }
    const auto lots = repository_.CustomerEvaluations(*bin);
    std::map<std::string, std::int64_t> fired;
    std::int64_t sum = 0;
    int max_score = 0;
    std::int64_t high = 0;
    std::int64_t medium = 0;
    for (const auto& lot : lots) {
        sum += lot.score;
        max_score = std::max(max_score, lot.score);
        high += lot.score >= 60 ? 1 : 0;
        medium += lot.score >= 30 && lot.score < 60 ? 1 : 0;
        // flags is a JSON array of ids written by this service: ["a","b"].
        for (std::size_t pos = lot.flags.find('"'); pos != std::string::npos;) {
            const auto end = lot.flags.find('"', pos + 1);
            if (end == std::string::npos) {
                break;
            }
            ++fired[lot.flags.substr(pos + 1, end - pos - 1)];
            pos = lot.flags.find('"', end + 1);
        }
    }
    auto riskiest = lots;
    std::sort(riskiest.begin(), riskiest.end(), [](const auto& a, const auto& b) {
        return a.score != b.score ? a.score > b.score : a.lot_id < b.lot_id;
    });
    if (riskiest.size() > 10) {
        riskiest.resize(10);
    }
    JsonWriter w;
    w.BeginObject()
        .Field("customer_bin", *bin)
        .Field("lots", repository_.CountCustomerLots(*bin))
        .Field("evaluated", static_cast<std::int64_t>(lots.size()))
        .Key("average_score")
        .Decimal(lots.empty() ? 0
                              : (sum * 100 + static_cast<std::int64_t>(lots.size()) / 2) /
                                    static_cast<std::int64_t>(lots.size()),
                 2)
        .Field("max_score", max_score)
        .Field("high", high)
        .Field("medium", medium)
        .Field("low", static_cast<std::int64_t>(lots.size()) - high - medium)
        .Key("indicators")
        .BeginObject();
    for (const auto& [id, n] : fired) {
        w.Field(id, n);
    }
    w.EndObject().Key("riskiest").BeginArray();
    for (const auto& lot : riskiest) {
        w.BeginObject().Field("lot_id", lot.lot_id).Field("score", lot.score).MoneyField("price", lot.price);
        w.Key("flags").Raw(lot.flags.empty() ? "[]" : lot.flags).EndObject();
    }
    w.EndArray().EndObject();
    return w.Take();
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
