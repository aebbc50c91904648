#include "risk/risk_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
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

// With `fixed` (the model's stored texts) the words that are the same for every lot are left
// out: they are stored once per model in risk_indicator_texts, not in every evaluation.
void WriteFinding(JsonWriter& w, const Finding& f, const store::IndicatorText* fixed) {
    w.BeginObject().Field("id", f.id).Field("version", f.version);
    if (fixed == nullptr) {
        w.Field("name", f.name_ru).Field("name_kz", f.name_kz);
    }
    w.Field("weight", f.weight).Field("status", StatusName(f.status));
    if (fixed == nullptr || fixed->threshold != f.threshold) {
        w.Field("threshold", f.threshold);
    }
    if (fixed == nullptr || fixed->source != f.source) {
        w.Field("source", f.source);
    }
    w.Key("evidence").BeginObject();
    for (const auto& [k, v] : f.evidence) {
        w.Field(k, v);
    }
    w.EndObject().Field("explanation", f.explanation_ru).Field("explanation_kz", f.explanation_kz).EndObject();
}

}  // namespace

std::string FindingsJson(const std::vector<Finding>& findings, const TextCatalog* fixed) {
    JsonWriter w;
    w.BeginArray();
    for (const auto& f : findings) {
        const store::IndicatorText* text = nullptr;
        if (fixed != nullptr) {
            const auto it = fixed->find(f.id);
            text = it == fixed->end() ? nullptr : &it->second;
        }
        WriteFinding(w, f, text);
    }
    w.EndArray();
    return w.Take();
}

const TextCatalog& RiskService::CurrentTexts() {
    std::lock_guard lock(texts_mutex_);
    auto it = catalogs_.find(risk_rules_.model);
    if (it == catalogs_.end()) {
        // The indicators on no facts at all: every one answers no_data with its fixed words.
        TextCatalog texts;
        std::vector<store::IndicatorText> rows;
        for (const auto& f : Evaluate(LotFacts{}, RiskContext{rules_, calendar_, risk_rules_}).findings) {
            store::IndicatorText text{f.id, f.name_ru, f.name_kz, f.threshold, f.source};
            rows.push_back(text);
            texts.emplace(f.id, std::move(text));
        }
        repository_.SaveIndicatorTexts(risk_rules_.model, rows);
        it = catalogs_.emplace(risk_rules_.model, std::move(texts)).first;
    }
    return it->second;
}

TextCatalog RiskService::TextsFor(const std::string& model) {
    if (model == risk_rules_.model) {
        return CurrentTexts();
    }
    std::lock_guard lock(texts_mutex_);
    auto it = catalogs_.find(model);
    if (it == catalogs_.end()) {
        TextCatalog texts;
        for (auto& t : repository_.LoadIndicatorTexts(model)) {
            texts.emplace(t.indicator, t);
        }
        it = catalogs_.emplace(model, std::move(texts)).first;
    }
    return it->second;
}

namespace {

constexpr auto kSlowFiguresTtl = std::chrono::minutes{10};

std::vector<Bid> ToBids(const std::vector<store::BidRow>& rows) {
    std::vector<Bid> bids;
    bids.reserve(rows.size());
    for (const auto& r : rows) {
        bids.push_back(Bid{r.supplier_bin, r.price, r.status});
    }
    return bids;
}

}  // namespace

void RiskService::ForgetSlowFigures() {
    std::lock_guard lock(slow_mutex_);
    slow_ = SlowFigures{};
}

std::vector<int> RiskService::MethodWindows(const std::string& method) {
    std::lock_guard lock(slow_mutex_);
    if (std::chrono::steady_clock::now() - slow_.loaded > kSlowFiguresTtl) {
        slow_ = SlowFigures{};
        slow_.loaded = std::chrono::steady_clock::now();
    }
    auto it = slow_.windows.find(method);
    if (it == slow_.windows.end()) {
        std::vector<int> days;
        for (const auto& [start, end] : repository_.MethodWindows(method, 2000)) {
            if (auto n = calendar_.WorkingDaysBetween(AlmatyDate(start), AlmatyDate(end))) {
                days.push_back(static_cast<int>(*n));
            }
        }
        std::sort(days.begin(), days.end());
        it = slow_.windows.emplace(method, std::move(days)).first;
    }
    return it->second;
}

std::optional<Concentration> RiskService::ConcentrationFor(const std::string& customer_bin, int year) {
    const auto min_contracts = static_cast<std::int64_t>(risk_rules_.Param("customer_concentration", "min_contracts"));
    std::shared_ptr<const YearContracts> contracts;
    {
        std::lock_guard lock(slow_mutex_);
        if (std::chrono::steady_clock::now() - slow_.loaded > kSlowFiguresTtl) {
            slow_ = SlowFigures{};
            slow_.loaded = std::chrono::steady_clock::now();
        }
        auto it = slow_.contracts.find(year);
        if (it == slow_.contracts.end()) {
            auto built = std::make_shared<YearContracts>();
            for (const auto& share : repository_.YearShares(year)) {
                auto& t = built->by_customer[share.customer_bin];
                t.all += share.contracts;
                if (share.contracts > t.top || (share.contracts == t.top && share.supplier_bin < t.top_supplier)) {
                    t.top = share.contracts;
                    t.top_supplier = share.supplier_bin;
                }
            }
            for (const auto& [bin, t] : built->by_customer) {
                if (t.all >= min_contracts) {
                    built->sorted_shares.push_back(static_cast<double>(t.top) / static_cast<double>(t.all));
                }
            }
            std::sort(built->sorted_shares.begin(), built->sorted_shares.end());
            it = slow_.contracts.emplace(year, std::move(built)).first;
        }
        contracts = it->second;
    }
    if (contracts->by_customer.empty()) {
        return std::nullopt;  // no contracts loaded for the year: nothing to compare
    }
    Concentration c;
    c.year = year;
    c.peer_shares = contracts->sorted_shares;
    if (const auto own = contracts->by_customer.find(customer_bin); own != contracts->by_customer.end()) {
        c.customer_contracts = own->second.all;
        c.supplier_contracts = own->second.top;
        c.supplier_bin = own->second.top_supplier;
        if (own->second.all >= min_contracts) {
            // The peers are the other customers: take this one's own share out once.
            const double share = static_cast<double>(own->second.top) / static_cast<double>(own->second.all);
            const auto at = std::lower_bound(c.peer_shares.begin(), c.peer_shares.end(), share);
            if (at != c.peer_shares.end() && *at == share) {
                c.peer_shares.erase(at);
            }
        }
    }
    return c;
}

void RiskService::Gather(LotFacts& facts, const ScoreExtras& extras, RescoreCache* cache) {
    if (extras.bids) {
        facts.bids = extras.bids;
    } else if (facts.lot_id > 0) {
        bool known = false;
        auto rows = repository_.Bids(facts.lot_id, &known);
        if (known) {
            facts.bids = ToBids(rows);
        }
    }
    facts.bid = extras.bid ? extras.bid : facts.bid;
    if (!extras.supplier_bins.empty()) {
        facts.supplier_bins = extras.supplier_bins;
    }
    if (facts.supplier_bins.empty() && facts.bids) {
        for (const auto& b : *facts.bids) {
            facts.supplier_bins.push_back(b.supplier_bin);
        }
    }
    if (facts.contracts) {
        for (const auto& c : *facts.contracts) {
            if (!c.supplier_bin.empty() &&
                std::find(facts.supplier_bins.begin(), facts.supplier_bins.end(), c.supplier_bin) ==
                    facts.supplier_bins.end()) {
                facts.supplier_bins.push_back(c.supplier_bin);
            }
        }
    }
    if (!facts.enstru.empty()) {
        if (cache == nullptr) {
            facts.peer_unit_prices = repository_.PeerUnitPrices(facts.enstru, facts.lot_id, 2000);
        } else {
            // A rescore reads each code's peers once (the lot itself among them: a negligible
            // difference against up to 2 000 peers, and the fence is robust to it), sorted once.
            auto it = cache->peers.find(facts.enstru);
            if (it == cache->peers.end()) {
                auto prices = repository_.PeerUnitPrices(facts.enstru, 0, 2000);
                std::sort(prices.begin(), prices.end());
                it = cache->peers.emplace(facts.enstru, std::move(prices)).first;
            }
            facts.peer_unit_prices = it->second;
        }
    }
    if (facts.start && facts.deadline && !facts.method.empty()) {
        facts.peer_windows = MethodWindows(facts.method);
    }
    if (facts.lot_id > 0) {
        facts.cheapest_supplier_cost = repository_.CheapestSupplierCost(facts.lot_id);
    }
    if (!facts.customer_bin.empty() && !facts.enstru.empty() && facts.created) {
        const int days = static_cast<int>(risk_rules_.Param("splitting", "window_days"));
        if (cache == nullptr) {
            facts.same_code_lots =
                repository_.SameCodeLots(facts.customer_bin, facts.enstru, facts.lot_id, *facts.created, days);
        } else {
            auto key = facts.customer_bin + '|' + facts.enstru;
            auto it = cache->code_lots.find(key);
            if (it == cache->code_lots.end()) {
                it = cache->code_lots
                         .emplace(std::move(key), repository_.CodeLots(facts.customer_bin, facts.enstru, 5000))
                         .first;
            }
            // The same lots SameCodeLots would return: within the window, oldest first, at most 50.
            const Instant from = *facts.created - std::chrono::days{days};
            const Instant to = *facts.created + std::chrono::days{days};
            for (const auto& lot : it->second) {
                if (lot.id != facts.lot_id && lot.created >= from && lot.created <= to) {
                    facts.same_code_lots.emplace_back(lot.id, lot.price);
                    if (facts.same_code_lots.size() == 50) {
                        break;
                    }
                }
            }
        }
    }
    if (!facts.customer_bin.empty() && facts.created) {
        facts.concentration = ConcentrationFor(facts.customer_bin, static_cast<int>(AlmatyDate(*facts.created).year()));
    }
    if (!facts.supplier_bins.empty()) {
        bool registry = false;
        if (cache != nullptr && cache->registry_loaded) {
            registry = *cache->registry_loaded;
        } else {
            registry = portal_.CountRnu() > 0;
            if (cache != nullptr) {
                cache->registry_loaded = registry;
            }
        }
        for (const auto& bin : facts.supplier_bins) {
            if (cache != nullptr) {
                // Within a rescore the register stands still; a BIN seen once is known.
                if (const auto it = cache->rnu_listed.find(bin); it != cache->rnu_listed.end()) {
                    facts.rnu_checked = facts.rnu_checked || it->second.has_value();
                    if (it->second.value_or(false)) {
                        facts.rnu_listed.push_back(bin);
                    }
                    continue;
                }
            }
            const auto cached = portal_.FindRnuCheck(bin);
            const bool checked = registry || cached.has_value();
            const bool listed = (cached && cached->listed) || (registry && !portal_.FindRnu(bin).empty());
            facts.rnu_checked = facts.rnu_checked || checked;
            if (listed) {
                facts.rnu_listed.push_back(bin);
            }
            if (cache != nullptr) {
                cache->rnu_listed.emplace(bin, checked ? std::optional(listed) : std::nullopt);
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
                                                                           RescoreCache* cache) {
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
    facts.name_kz = dates.name_kz;
    if (!dates.plan_id.empty() && facts.method == "single_source" && facts.created) {
        std::vector<PriorProcedure> prior;
        for (const auto& p : repository_.PriorProcedures(dates.plan_id, lot_id, *facts.created)) {
            prior.push_back(
                PriorProcedure{p.lot_id, p.method, p.bids_known ? std::optional(ToBids(p.bids)) : std::nullopt});
        }
        facts.prior_procedures = std::move(prior);
    }
    if (dates.trd_buy_id) {
        std::vector<ContractVersion> contracts;
        for (const auto& c : repository_.ContractsForPurchase(*dates.trd_buy_id)) {
            contracts.push_back(ContractVersion{
                c.source_id, c.parent_source_id, c.contract_number, c.supplier_bin, c.amount, c.amendment_grounds});
        }
        facts.contracts = std::move(contracts);
    }
    Gather(facts, extras, cache);
    Evaluation e = Evaluate(facts, RiskContext{rules_, calendar_, risk_rules_});
    Count(e, std::chrono::steady_clock::now() - started);
    return std::pair{std::move(facts), std::move(e)};
}

Result<std::string> RiskService::ScoreLot(std::int64_t lot_id, const ScoreExtras& extras) {
    auto evaluated = EvaluateStored(lot_id, extras, nullptr);
    if (!evaluated) {
        return Fail(Error::NotFound("lot " + std::to_string(lot_id) + " not found"));
    }
    const auto& [facts, e] = *evaluated;
    repository_.SaveEvaluation(
        lot_id, e.model_version, e.score, FlagsJson(e), FindingsJson(e.findings, &CurrentTexts()), clock_.Now());
    return ScoreJson(facts, e, true);
}

RescoreReport RiskService::Rescore(std::optional<Instant> since,
                                   const std::function<void(const RescoreProgress&)>& progress) {
    const auto started = std::chrono::steady_clock::now();
    ForgetSlowFigures();  // a rescore follows a sync: read the tables as they are now
    const auto ids = repository_.LotIdsChangedSince(since);
    RescoreReport report;
    RescoreCache cache;
    const TextCatalog& texts = CurrentTexts();
    std::vector<store::RiskRepository::NewEvaluation> batch;
    auto flush = [&]() {
        report.unchanged +=
            static_cast<std::int64_t>(batch.size() - repository_.SaveEvaluations(batch, clock_.Now(), true));
        batch.clear();
        if (progress) {
            progress(
                RescoreProgress{report.lots,
                                static_cast<std::int64_t>(ids.size()),
                                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()});
        }
    };
    for (const auto id : ids) {
        auto evaluated = EvaluateStored(id, {}, &cache);
        if (!evaluated) {
            continue;  // deleted meanwhile
        }
        const auto& e = evaluated->second;
        ++report.lots;
        report.high += e.level == "high" ? 1 : 0;
        for (const auto& f : e.findings) {
            report.dumping += f.id == "dumping" && f.status == Status::kTriggered ? 1 : 0;
        }
        batch.push_back({id, e.model_version, e.score, FlagsJson(e), FindingsJson(e.findings, &texts)});
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
    return ScoreJson(facts, Evaluate(facts, RiskContext{rules_, calendar_, risk_rules_}), false);
}

namespace {

// Levels, average and maximum score, how often each indicator fired and the riskiest lots, over
// the latest evaluations of an organisation's lots.
void WriteAggregate(JsonWriter& w,
                    const std::vector<store::RiskRepository::CustomerLot>& lots,
                    const RiskRules& rules) {
    std::map<std::string, std::int64_t> fired;
    std::int64_t sum = 0;
    int max_score = 0;
    std::int64_t high = 0;
    std::int64_t medium = 0;
    for (const auto& lot : lots) {
        sum += lot.score;
        max_score = std::max(max_score, lot.score);
        high += rules.Level(lot.score) == "high" ? 1 : 0;
        medium += rules.Level(lot.score) == "medium" ? 1 : 0;
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
    const auto n = static_cast<std::int64_t>(lots.size());
    w.Field("evaluated", n)
        .Key("average_score")
        .Decimal(lots.empty() ? 0 : (sum * 100 + n / 2) / n, 2)
        .Field("max_score", max_score)
        .Field("high", high)
        .Field("medium", medium)
        .Field("low", n - high - medium)
        .Key("indicators")
        .BeginObject();
    for (const auto& [id, count] : fired) {
        w.Field(id, count);
    }
    w.EndObject().Key("riskiest").BeginArray();
    for (const auto& lot : riskiest) {
        w.BeginObject().Field("lot_id", lot.lot_id).Field("score", lot.score).MoneyField("price", lot.price);
        w.Key("flags").Raw(lot.flags.empty() ? "[]" : lot.flags).EndObject();
    }
    w.EndArray();
}

}  // namespace

Result<std::string> RiskService::Customer(std::string_view bin_text) {
    auto bin = NormalizeBin(bin_text);
    if (!bin) {
        return Fail(Error::Invalid("bin", bin.error().message));
    }
    JsonWriter w;
    w.BeginObject().Field("customer_bin", *bin).Field("lots", repository_.CountCustomerLots(*bin));
    WriteAggregate(w, repository_.CustomerEvaluations(*bin), risk_rules_);
    const int year = static_cast<int>(AlmatyDate(clock_.Now()).year());
    w.Key("concentration").BeginArray();
    for (int y : {year - 1, year}) {
        const auto c = ConcentrationFor(*bin, y);
        if (!c || c->customer_contracts == 0) {
            continue;
        }
        w.BeginObject()
            .Field("year", y)
            .Field("contracts", c->customer_contracts)
            .Field("top_supplier_bin", c->supplier_bin)
            .Field("top_supplier_contracts", c->supplier_contracts)
            .Key("top_supplier_share")
            .Decimal((c->supplier_contracts * 10'000 + c->customer_contracts / 2) / c->customer_contracts, 4)
            .EndObject();
    }
    w.EndArray().EndObject();
    return w.Take();
}

Result<std::string> RiskService::Supplier(std::string_view bin_text) {
    auto bin = NormalizeBin(bin_text);
    if (!bin) {
        return Fail(Error::Invalid("bin", bin.error().message));
    }
    const auto record = repository_.Supplier(*bin);
    const auto listings = portal_.FindRnu(*bin);
    const auto cached = portal_.FindRnuCheck(*bin);
    JsonWriter w;
    w.BeginObject()
        .Field("supplier_bin", *bin)
        .Field("contracts", record.contracts)
        .MoneyField("contracts_amount", record.contracts_amount)
        .Field("customers", record.customers)
        .Field("amendments_raising_amount", record.amended_up)
        .Field("bids", record.bids)
        .Field("wins", record.wins)
        .Key("win_rate");
    if (record.bids > 0) {
        w.Decimal((record.wins * 10'000 + record.bids / 2) / record.bids, 4);
    } else {
        w.Null();
    }
    w.Key("top_customers").BeginArray();
    for (const auto& [customer, contracts] : record.top_customers) {
        w.BeginObject().Field("customer_bin", customer).Field("contracts", contracts).EndObject();
    }
    w.EndArray().Key("rnu").BeginObject();
    const bool checked = !listings.empty() || cached.has_value() || portal_.CountRnu() > 0;
    w.Field("checked", checked).Field("listed", !listings.empty() || (cached && cached->listed));
    w.EndObject();
    WriteAggregate(w, repository_.SupplierEvaluations(*bin), risk_rules_);
    w.EndObject();
    return w.Take();
}

Result<std::string> RiskService::SaveBids(std::int64_t lot_id,
                                          const std::vector<Bid>& bids,
                                          const std::string& source) {
    if (!lots_.FindLot(lot_id)) {
        return Fail(Error::NotFound("lot " + std::to_string(lot_id) + " not found"));
    }
    std::vector<store::BidRow> rows;
    rows.reserve(bids.size());
    for (const auto& b : bids) {
        rows.push_back(store::BidRow{b.supplier_bin, b.price, b.status, std::nullopt});
    }
    repository_.ReplaceBids(lot_id, rows, source, clock_.Now());
    return ScoreLot(lot_id, {});
}

namespace {

// A stored evaluation's findings with the model's fixed words put back, in the order the
// score answer uses. Evaluations written before the texts were split off carry them already.
void WriteStoredFindings(JsonWriter& w, const std::string& stored, const TextCatalog& texts) {
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(stored, ec);
    ZAKUPAI_ASSERT(!ec && parsed.is_array());  // written by this service
    w.BeginArray();
    for (const auto& item : parsed.as_array()) {
        const auto& f = item.as_object();
        const std::string id(f.at("id").as_string());
        const auto fixed = texts.find(id);
        auto text = [&](const char* key, std::string store::IndicatorText::*field) {
            if (const auto* v = f.if_contains(key)) {
                w.Key(key).Raw(boost::json::serialize(*v));
            } else {
                w.Field(key, fixed == texts.end() ? std::string() : fixed->second.*field);
            }
        };
        w.BeginObject().Field("id", id).Key("version").Raw(boost::json::serialize(f.at("version")));
        text("name", &store::IndicatorText::name_ru);
        text("name_kz", &store::IndicatorText::name_kz);
        w.Key("weight").Raw(boost::json::serialize(f.at("weight")));
        w.Key("status").Raw(boost::json::serialize(f.at("status")));
        text("threshold", &store::IndicatorText::threshold);
        text("source", &store::IndicatorText::source);
        for (const char* key : {"evidence", "explanation", "explanation_kz"}) {
            if (const auto* v = f.if_contains(key)) {
                w.Key(key).Raw(boost::json::serialize(*v));
            }
        }
        w.EndObject();
    }
    w.EndArray();
}

}  // namespace

Result<std::string> RiskService::Explain(std::int64_t lot_id, bool kazakh) {
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
    const auto name_kz = repository_.Dates(lot_id).name_kz;
    JsonWriter w;
    w.BeginObject()
        .Field("lot_id", lot_id)
        .Field("title", lot ? lot->row.title : std::string())
        .Field("score", stored->score)
        .Field("level", risk_rules_.Level(stored->score))
        .Field("evaluated_at", stored->created_at)
        .Field("model_version", stored->model_version)
        .Field("summary",
               fmt::format("Оценка риска {} из 100. Ниже — каждый признак: сработал он или нет, на каких данных, "
                           "с каким порогом и по какой норме.",
                           stored->score));
    if (kazakh || !name_kz.empty()) {
        w.Field("title_kz", name_kz)
            .Field("summary_kz",
                   fmt::format("Тәуекел бағасы 100-ден {}. Төменде әр белгі: іске қосылды ма, қандай деректерге "
                               "сүйенді, қандай шек пен қай норма бойынша.",
                               stored->score));
    }
    w.Key("flags").Raw(stored->flags).Key("indicators");
    WriteStoredFindings(w, stored->explain, TextsFor(stored->model_version));
    w.EndObject();
    return w.Take();
}

std::optional<docs::RiskSummary> RiskService::Summary(std::int64_t lot_id, bool kazakh) {
    auto stored = repository_.LatestEvaluation(lot_id);
    if (!stored) {
        return std::nullopt;
    }
    docs::RiskSummary summary{
        stored->score, risk_rules_.Level(stored->score), stored->model_version, stored->created_at, {}};
    const auto texts = TextsFor(stored->model_version);
    boost::system::error_code ec;
    const auto flags = boost::json::parse(stored->flags, ec);
    if (!ec && flags.is_array()) {
        for (const auto& id : flags.as_array()) {
            if (!id.is_string()) {
                continue;
            }
            const std::string key(id.as_string());
            const auto text = texts.find(key);
            summary.flags.emplace_back(
                key, text == texts.end() ? key : (kazakh ? text->second.name_kz : text->second.name_ru));
        }
    }
    return summary;
}

}  // namespace zakupai::risk
