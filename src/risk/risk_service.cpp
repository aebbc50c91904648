#include "risk/risk_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "core/bin.hpp"
#include "risk/internal/stored_findings.hpp"

namespace zakupai::risk {

RiskService::RiskService(store::LotRepository& lots,
                         store::RiskRepository& repository,
                         store::GoszakupRepository& portal,
                         const calc::RuleBook& rules,
                         const WorkCalendar& calendar,
                         const RiskRules& risk_rules,
                         const Clock& clock,
                         metrics::Registry& metrics)
    : lots_(lots),
      repository_(repository),
      portal_(portal),
      rules_(rules),
      calendar_(calendar),
      risk_rules_(risk_rules),
      clock_(clock),
      evaluations_(metrics.GetCounter("risk_evaluations_total", "Lots scored by the risk engine.")),
      high_(metrics.GetCounter("risk_high_total", "Evaluations with a high risk level.")),
      dumping_checked_(metrics.GetCounter("risk_dumping_checked_total",
                                          "Evaluations where the dumping indicator had a bid to check.")),
      dumping_flagged_(
          metrics.GetCounter("risk_dumping_flagged_total", "Evaluations whose bid was flagged for dumping.")),
      duration_(metrics.GetHistogram("risk_evaluation_duration_seconds",
                                     "Time to evaluate one lot (facts and indicators).",
                                     std::array{0.001, 0.005, 0.02, 0.1, 0.5})) {
    metrics.AddGaugeCallback(
        "antidumping_lots_ratio", "Share of evaluations with a bid to check that were flagged for dumping.", [this] {
            const auto checked = dumping_checked_.Value();
            return std::vector<metrics::Sample>{
                {"", checked > 0 ? static_cast<double>(dumping_flagged_.Value()) / static_cast<double>(checked) : 0.0}};
        });
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
    if (facts.start && facts.deadline && facts.method) {
        facts.peer_windows = MethodWindows(std::string(Name(*facts.method)));
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

void RiskService::Count(const Evaluation& evaluation, std::chrono::steady_clock::duration took) {
    evaluations_.Add();
    if (evaluation.level == RiskLevel::kHigh) {
        high_.Add();
    }
    for (const auto& f : evaluation.findings) {
        if (f.id == "dumping" && f.status != Status::kNoData) {
            dumping_checked_.Add();
            if (f.status == Status::kTriggered) {
                dumping_flagged_.Add();
            }
        }
    }
    duration_.Observe(std::chrono::duration<double>(took).count());
}

namespace {

std::vector<std::string> TriggeredIds(const Evaluation& evaluation) {
    std::vector<std::string> ids;
    for (const auto& f : evaluation.findings) {
        if (f.status == Status::kTriggered) {
            ids.push_back(f.id);
        }
    }
    return ids;
}

}  // namespace

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
    facts.method = Parse<ProcurementMethod>(lot->row.method);
    facts.customer_bin = lot->row.customer_bin;
    facts.enstru = lot->row.enstru;
    facts.price = lot->row.price;
    facts.quantity = lot->row.ParsedQuantity();
    facts.deadline = lot->deadline;
    const auto dates = repository_.Dates(lot_id);
    facts.start = dates.start;
    facts.created = dates.created;
    facts.name_kz = dates.name_kz;
    if (!dates.plan_id.empty() && facts.method == ProcurementMethod::kSingleSource && facts.created) {
        std::vector<PriorProcedure> prior;
        for (const auto& p : repository_.PriorProcedures(dates.plan_id, lot_id, *facts.created)) {
            prior.push_back(PriorProcedure{p.lot_id,
                                           Parse<ProcurementMethod>(p.method),
                                           p.bids_known ? std::optional(ToBids(p.bids)) : std::nullopt});
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

Result<ScoreResult> RiskService::ScoreLot(std::int64_t lot_id, const ScoreExtras& extras) {
    auto evaluated = EvaluateStored(lot_id, extras, nullptr);
    if (!evaluated) {
        return Fail(Error::NotFound("lot " + std::to_string(lot_id) + " not found"));
    }
    auto& e = evaluated->second;
    repository_.SaveEvaluation(
        lot_id, e.model_version, e.score, TriggeredIds(e), EncodeFindings(e.findings, CurrentTexts()), clock_.Now());
    return ScoreResult{lot_id, std::move(e), true};
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
        report.high += e.level == RiskLevel::kHigh ? 1 : 0;
        for (const auto& f : e.findings) {
            report.dumping += f.id == "dumping" && f.status == Status::kTriggered ? 1 : 0;
        }
        batch.push_back({id, e.model_version, e.score, TriggeredIds(e), EncodeFindings(e.findings, texts)});
        if (batch.size() == 500) {
            flush();
        }
    }
    flush();
    report.duration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

ScoreResult RiskService::ScorePayload(LotFacts facts, const ScoreExtras& extras) {
    facts.lot_id = 0;
    if (!facts.created) {
        facts.created = clock_.Now();
    }
    Gather(facts, extras);
    return ScoreResult{std::nullopt, Evaluate(facts, RiskContext{rules_, calendar_, risk_rules_}), false};
}

RiskAggregate RiskService::Aggregate(const std::vector<store::RiskRepository::CustomerLot>& lots) const {
    RiskAggregate a;
    std::int64_t sum = 0;
    for (const auto& lot : lots) {
        sum += lot.score;
        a.max_score = std::max(a.max_score, lot.score);
        switch (risk_rules_.Level(lot.score)) {
            case RiskLevel::kHigh:
                ++a.high;
                break;
            case RiskLevel::kMedium:
                ++a.medium;
                break;
            case RiskLevel::kLow:
                ++a.low;
                break;
        }
        for (const auto& id : lot.flags) {
            ++a.indicators[id];
        }
    }
    a.evaluated = static_cast<std::int64_t>(lots.size());
    a.average_score_centi = lots.empty() ? 0 : DivideRoundHalfUp(Int128{sum} * 100, a.evaluated);
    auto riskiest = lots;
    std::sort(riskiest.begin(), riskiest.end(), [](const auto& x, const auto& y) {
        return x.score != y.score ? x.score > y.score : x.lot_id < y.lot_id;
    });
    for (std::size_t i = 0; i < riskiest.size() && i < 10; ++i) {
        a.riskiest.push_back({riskiest[i].lot_id, riskiest[i].score, riskiest[i].price, riskiest[i].flags});
    }
    return a;
}

Result<CustomerReport> RiskService::Customer(std::string_view bin_text) {
    auto bin = NormalizeBin(bin_text);
    if (!bin) {
        return Fail(Error::Invalid("bin", bin.error().message));
    }
    CustomerReport report;
    report.customer_bin = *bin;
    report.lots = repository_.CountCustomerLots(*bin);
    report.risk = Aggregate(repository_.CustomerEvaluations(*bin));
    const int year = static_cast<int>(AlmatyDate(clock_.Now()).year());
    for (int y : {year - 1, year}) {
        const auto c = ConcentrationFor(*bin, y);
        if (!c || c->customer_contracts == 0) {
            continue;
        }
        report.concentration.push_back(
            YearConcentration{y,
                              c->customer_contracts,
                              c->supplier_bin,
                              c->supplier_contracts,
                              DivideRoundHalfUp(Int128{c->supplier_contracts} * 10'000, c->customer_contracts)});
    }
    return report;
}

Result<SupplierReport> RiskService::Supplier(std::string_view bin_text) {
    auto bin = NormalizeBin(bin_text);
    if (!bin) {
        return Fail(Error::Invalid("bin", bin.error().message));
    }
    const auto record = repository_.Supplier(*bin);
    const auto listings = portal_.FindRnu(*bin);
    const auto cached = portal_.FindRnuCheck(*bin);
    SupplierReport report;
    report.supplier_bin = *bin;
    report.contracts = record.contracts;
    report.contracts_amount = record.contracts_amount;
    report.customers = record.customers;
    report.amendments_raising_amount = record.amended_up;
    report.bids = record.bids;
    report.wins = record.wins;
    if (record.bids > 0) {
        report.win_rate_ten_thousandths = DivideRoundHalfUp(Int128{record.wins} * 10'000, record.bids);
    }
    report.top_customers = record.top_customers;
    report.rnu_checked = !listings.empty() || cached.has_value() || portal_.CountRnu() > 0;
    report.rnu_listed = !listings.empty() || (cached && cached->listed);
    report.risk = Aggregate(repository_.SupplierEvaluations(*bin));
    return report;
}

Result<ScoreResult> RiskService::SaveBids(std::int64_t lot_id,
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

Result<Explanation> RiskService::Explain(std::int64_t lot_id, bool kazakh) {
    const auto lot = lots_.FindLot(lot_id);
    if (!lot) {
        return Fail(Error::NotFound("lot " + std::to_string(lot_id) + " not found"));
    }
    Explanation out;
    out.lot_id = lot_id;
    out.title = lot->row.title;
    const auto stored = repository_.LatestEvaluation(lot_id);
    std::optional<Result<std::vector<Finding>>> decoded;
    if (stored) {
        decoded = DecodeFindings(stored->explain, TextsFor(stored->model_version));
        if (!*decoded) {
            // Written by another version of this code, or damaged: judge the lot again rather
            // than show what cannot be read.
            spdlog::warn("risk: evaluation {} of lot {} cannot be read ({}); scoring the lot again",
                         stored->id,
                         lot_id,
                         decoded->error().message);
        }
    }
    if (stored && *decoded) {
        out.score = stored->score;
        out.evaluated_at = stored->created_at;
        out.model_version = stored->model_version;
        out.flags = stored->flags;
        out.findings = std::move(**decoded);
    } else {
        auto scored = ScoreLot(lot_id, {});
        if (!scored) {
            return Fail(scored.error());
        }
        const auto fresh = repository_.LatestEvaluation(lot_id);
        out.score = scored->evaluation.score;
        out.evaluated_at = fresh ? fresh->created_at : FormatUtcTimestamp(clock_.Now());
        out.model_version = scored->evaluation.model_version;
        out.flags = TriggeredIds(scored->evaluation);
        out.findings = std::move(scored->evaluation.findings);
    }
    out.level = risk_rules_.Level(out.score);
    out.summary = fmt::format(
        "Оценка риска {} из 100. Ниже — каждый признак: сработал он или нет, на каких данных, с каким порогом и "
        "по какой норме.",
        out.score);
    const auto name_kz = repository_.Dates(lot_id).name_kz;
    if (kazakh || !name_kz.empty()) {
        out.title_kz = name_kz;
        out.summary_kz = fmt::format(
            "Тәуекел бағасы 100-ден {}. Төменде әр белгі: іске қосылды ма, қандай деректерге сүйенді, қандай шек "
            "пен қай норма бойынша.",
            out.score);
    }
    return out;
}

std::optional<docs::RiskSummary> RiskService::Summary(std::int64_t lot_id, bool kazakh) {
    auto stored = repository_.LatestEvaluation(lot_id);
    if (!stored) {
        return std::nullopt;
    }
    docs::RiskSummary summary{
        stored->score, risk_rules_.Level(stored->score), stored->model_version, stored->created_at, {}};
    const auto texts = TextsFor(stored->model_version);
    for (const auto& id : stored->flags) {
        const auto text = texts.find(id);
        summary.flags.emplace_back(id,
                                   text == texts.end() ? id : (kazakh ? text->second.name_kz : text->second.name_ru));
    }
    return summary;
}

std::int64_t RiskService::PruneEvaluations(int keep) {
    return repository_.PruneEvaluations(keep);
}

}  // namespace zakupai::risk
