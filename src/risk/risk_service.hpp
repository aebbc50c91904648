#pragma once
// Scores lots: gathers the facts (the lot, its portal dates, peer prices with the same ENSTRU
// code, matched supplier offers, same-customer lots, RNU entries), runs every indicator,
// records the evaluation for stored lots, and explains the latest one.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "calc/rules.hpp"
#include "core/calendar.hpp"
#include "core/error.hpp"
#include "docs/tldr.hpp"
#include "risk/indicators.hpp"
#include "store/goszakup_repository.hpp"
#include "store/lot_repository.hpp"
#include "store/risk_repository.hpp"

namespace zakupai::risk {

// Each indicator's fixed words under a model, by indicator id.
using TextCatalog = std::unordered_map<std::string, store::IndicatorText>;

struct RescoreProgress {
    std::int64_t done = 0;
    std::int64_t total = 0;
    double elapsed_seconds = 0;
};

struct RescoreReport {
    std::int64_t lots = 0;
    std::int64_t unchanged = 0;  // judged as before: no new risk_evaluations row
    std::int64_t high = 0;
    std::int64_t dumping = 0;
    double duration_seconds = 0;
};

// For /metrics: risk_evaluations_total, risk_high_total, antidumping_lots_ratio,
// risk_evaluation_duration_seconds.
struct RiskStats {
    std::int64_t evaluations = 0;
    std::int64_t high = 0;
    std::int64_t dumping_checked = 0;  // evaluations where the dumping indicator had data
    std::int64_t dumping_flagged = 0;
    std::vector<std::pair<double, std::int64_t>> duration_buckets;  // cumulative
    double duration_sum = 0;
};

struct ScoreExtras {
    std::optional<Tiyn> bid;                 // check this bid for dumping
    std::vector<std::string> supplier_bins;  // check these participants against the RNU
    std::optional<std::vector<Bid>> bids;    // the lot's bids, when the caller has them
};

class RiskService {
public:
    RiskService(store::LotRepository& lots,
                store::RiskRepository& repository,
                store::GoszakupRepository& portal,
                const calc::RuleBook& rules,
                const WorkCalendar& calendar,
                const RiskRules& risk_rules,
                const Clock& clock)
        : lots_(lots),
          repository_(repository),
          portal_(portal),
          rules_(rules),
          calendar_(calendar),
          risk_rules_(risk_rules),
          clock_(clock) {
        for (double bound : {0.001, 0.005, 0.02, 0.1, 0.5}) {
            stats_.duration_buckets.emplace_back(bound, 0);
        }
    }

    // A stored lot: evaluated, recorded in risk_evaluations, returned as JSON. 404 when unknown.
    Result<std::string> ScoreLot(std::int64_t lot_id, const ScoreExtras& extras);
    // A lot that is not stored (a payload): evaluated against the stored data, not recorded.
    std::string ScorePayload(LotFacts facts, const ScoreExtras& extras);
    // The latest evaluation in words (scored now when there is none yet), in Russian and, when
    // the lot has a Kazakh title or `kazakh` is asked for, in Kazakh too. 404 when unknown.
    Result<std::string> Explain(std::int64_t lot_id, bool kazakh);
    // The latest stored evaluation in brief, for the TL;DR; nullopt when never scored (no
    // scoring here: a summary must stay fast and free of side effects).
    std::optional<docs::RiskSummary> Summary(std::int64_t lot_id, bool kazakh);
    // Re-scores the lots changed since `since` (all when nullopt) in batches, off any request.
    RescoreReport Rescore(std::optional<Instant> since,
                          const std::function<void(const RescoreProgress&)>& progress = {});
    RiskStats Stats() const;
    // The customer's lots as the risk engine last judged them: how many, average and maximum
    // score, levels, how often each indicator fired, the riskiest lots. 422 for a bad BIN.
    Result<std::string> Customer(std::string_view bin);
    // A supplier's record: contracts (count, sum, customers, amendments that raised the sum),
    // bids and wins, RNU listing, and the indicators over the lots it bid on or won. 422 for a
    // bad BIN.
    Result<std::string> Supplier(std::string_view bin);
    // Records the bids on a stored lot (replacing earlier ones) and re-scores it. 404 when unknown.
    Result<std::string> SaveBids(std::int64_t lot_id, const std::vector<Bid>& bids, const std::string& source);
    const RiskRules& RulesInForce() const { return risk_rules_; }

private:
    // What a rescore reads once instead of once per lot.
    struct RescoreCache {
        std::unordered_map<std::string, std::vector<double>> peers;       // by ENSTRU code, sorted
        std::unordered_map<std::string, std::optional<bool>> rnu_listed;  // by BIN; nullopt: not checkable
        std::unordered_map<std::string, std::vector<store::RiskRepository::CodeLot>> code_lots;  // customer|code
        std::optional<bool> registry_loaded;
    };
    // A year's contracts per customer, aggregated once: each customer's total and top supplier,
    // and the sorted top-supplier shares of the customers with enough contracts to compare.
    struct CustomerTotals {
        std::int64_t all = 0;
        std::int64_t top = 0;
        std::string top_supplier;
    };
    struct YearContracts {
        std::unordered_map<std::string, CustomerTotals> by_customer;
        std::vector<double> sorted_shares;
    };
    // Figures over whole tables (usual windows per method, contract shares per year), kept for a
    // few minutes: they move slowly and are too costly to recompute for every lot.
    struct SlowFigures {
        std::unordered_map<std::string, std::vector<int>> windows;                // by method
        std::unordered_map<int, std::shared_ptr<const YearContracts>> contracts;  // by financial year
        std::chrono::steady_clock::time_point loaded;
    };
    std::vector<int> MethodWindows(const std::string& method);
    std::optional<Concentration> ConcentrationFor(const std::string& customer_bin, int year);
    void ForgetSlowFigures();
    // The current model's fixed words, saved to risk_indicator_texts on first use.
    const TextCatalog& CurrentTexts();
    TextCatalog TextsFor(const std::string& model);
    std::optional<std::pair<LotFacts, Evaluation>> EvaluateStored(std::int64_t lot_id,
                                                                  const ScoreExtras& extras,
                                                                  RescoreCache* cache);
    void Gather(LotFacts& facts, const ScoreExtras& extras, RescoreCache* cache = nullptr);
    void Count(const Evaluation& evaluation, std::chrono::steady_clock::duration took);
    static std::string FlagsJson(const Evaluation& evaluation);
    std::string ScoreJson(const LotFacts& facts, const Evaluation& evaluation, bool saved);

    store::LotRepository& lots_;
    store::RiskRepository& repository_;
    store::GoszakupRepository& portal_;
    const calc::RuleBook& rules_;
    const WorkCalendar& calendar_;
    const RiskRules& risk_rules_;
    const Clock& clock_;
    std::mutex texts_mutex_;
    std::unordered_map<std::string, TextCatalog> catalogs_;  // by model version
    std::mutex slow_mutex_;
    SlowFigures slow_;
    mutable std::mutex stats_mutex_;
    RiskStats stats_;
};

// Indicator findings as a JSON array; with `fixed`, the words stored once per model are left
// out (what risk_evaluations.explain stores).
std::string FindingsJson(const std::vector<Finding>& findings, const TextCatalog* fixed = nullptr);

}  // namespace zakupai::risk
