#pragma once
// Scores lots: gathers the facts (the lot, its portal dates, peer prices with the same ENSTRU
// code, matched supplier offers, same-customer lots, RNU entries), runs every indicator,
// records the evaluation for stored lots, and explains the latest one.
#include <functional>
#include <map>
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
#include "metrics/metrics.hpp"
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

struct ScoreExtras {
    std::optional<Tiyn> bid;                 // check this bid for dumping
    std::vector<std::string> supplier_bins;  // check these participants against the RNU
    std::optional<std::vector<Bid>> bids;    // the lot's bids, when the caller has them
};

// A lot judged now: POST /risk/score, PUT /lots/{id}/bids.
struct ScoreResult {
    std::optional<std::int64_t> lot_id;  // nullopt for a payload that is not stored
    Evaluation evaluation;
    bool saved = false;  // recorded in risk_evaluations
};

// The latest evaluation of a stored lot, in words: GET /risk/explain/{lot_id}.
struct Explanation {
    std::int64_t lot_id = 0;
    std::string title;
    int score = 0;
    RiskLevel level = RiskLevel::kLow;
    std::string evaluated_at;
    std::string model_version;
    std::string summary;
    // Present when the lot has a Kazakh title or Kazakh was asked for.
    std::optional<std::string> title_kz;
    std::optional<std::string> summary_kz;
    std::vector<std::string> flags;  // triggered indicators, by id
    std::vector<Finding> findings;   // every indicator, with the model's fixed words
};

// How the risk engine last judged a set of lots (a customer's, or those a supplier took part in).
struct RiskAggregate {
    struct Lot {
        std::int64_t lot_id = 0;
        int score = 0;
        Tiyn price = 0;
        std::vector<std::string> flags;
    };
    std::int64_t evaluated = 0;
    std::int64_t average_score_centi = 0;  // the average score times 100, rounded half up
    int max_score = 0;
    std::int64_t high = 0;
    std::int64_t medium = 0;
    std::int64_t low = 0;
    std::map<std::string, std::int64_t> indicators;  // how often each fired
    std::vector<Lot> riskiest;                       // at most 10, highest score first
};

struct YearConcentration {
    int year = 0;
    std::int64_t contracts = 0;
    std::string top_supplier_bin;
    std::int64_t top_supplier_contracts = 0;
    std::int64_t top_supplier_share_ten_thousandths = 0;  // 0.4567 -> 4567
};

// GET /risk/customers/{bin}.
struct CustomerReport {
    std::string customer_bin;
    std::int64_t lots = 0;
    RiskAggregate risk;
    std::vector<YearConcentration> concentration;  // last year and this, when there are contracts
};

// GET /risk/suppliers/{bin}.
struct SupplierReport {
    std::string supplier_bin;
    std::int64_t contracts = 0;
    Tiyn contracts_amount = 0;
    std::int64_t customers = 0;
    std::int64_t amendments_raising_amount = 0;
    std::int64_t bids = 0;
    std::int64_t wins = 0;
    std::optional<std::int64_t> win_rate_ten_thousandths;  // nullopt without bids
    std::vector<std::pair<std::string, std::int64_t>> top_customers;
    bool rnu_checked = false;
    bool rnu_listed = false;
    RiskAggregate risk;
};

class RiskService {
public:
    RiskService(store::LotRepository& lots,
                store::RiskRepository& repository,
                store::GoszakupRepository& portal,
                const calc::RuleBook& rules,
                const WorkCalendar& calendar,
                const RiskRules& risk_rules,
                const Clock& clock,
                metrics::Registry& metrics);

    // A stored lot: evaluated and recorded in risk_evaluations. 404 when unknown.
    Result<ScoreResult> ScoreLot(std::int64_t lot_id, const ScoreExtras& extras);
    // A lot that is not stored (a payload): evaluated against the stored data, not recorded.
    ScoreResult ScorePayload(LotFacts facts, const ScoreExtras& extras);
    // The latest evaluation in words (scored now when there is none yet, or when the stored one
    // cannot be read), in Russian and, when the lot has a Kazakh title or `kazakh` is asked for,
    // in Kazakh too. 404 when unknown.
    Result<Explanation> Explain(std::int64_t lot_id, bool kazakh);
    // The latest stored evaluation in brief, for the TL;DR; nullopt when never scored (no
    // scoring here: a summary must stay fast and free of side effects).
    std::optional<docs::RiskSummary> Summary(std::int64_t lot_id, bool kazakh);
    // Re-scores the lots changed since `since` (all when nullopt) in batches, off any request.
    RescoreReport Rescore(std::optional<Instant> since,
                          const std::function<void(const RescoreProgress&)>& progress = {});
    // The customer's lots as the risk engine last judged them: how many, average and maximum
    // score, levels, how often each indicator fired, the riskiest lots. 422 for a bad BIN.
    Result<CustomerReport> Customer(std::string_view bin);
    // A supplier's record: contracts (count, sum, customers, amendments that raised the sum),
    // bids and wins, RNU listing, and the indicators over the lots it bid on or won. 422 for a
    // bad BIN.
    Result<SupplierReport> Supplier(std::string_view bin);
    // Records the bids on a stored lot (replacing earlier ones) and re-scores it. 404 when unknown.
    Result<ScoreResult> SaveBids(std::int64_t lot_id, const std::vector<Bid>& bids, const std::string& source);
    // Keeps the newest `keep` evaluations of every lot and deletes the rest; how many went.
    std::int64_t PruneEvaluations(int keep);
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
    RiskAggregate Aggregate(const std::vector<store::RiskRepository::CustomerLot>& lots) const;

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
    // risk_evaluations_total, risk_high_total, antidumping_lots_ratio (from the two dumping
    // counters), risk_evaluation_duration_seconds.
    metrics::Counter& evaluations_;
    metrics::Counter& high_;
    metrics::Counter& dumping_checked_;
    metrics::Counter& dumping_flagged_;
    metrics::Histogram& duration_;
};

}  // namespace zakupai::risk
