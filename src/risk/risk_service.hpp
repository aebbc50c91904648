#pragma once
// Scores lots: gathers the facts (the lot, its portal dates, peer prices with the same ENSTRU
// code, matched supplier offers, same-customer lots, RNU entries), runs every indicator,
// records the evaluation for stored lots, and explains the latest one.
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "calc/rules.hpp"
#include "core/calendar.hpp"
#include "core/error.hpp"
#include "risk/indicators.hpp"
#include "store/goszakup_repository.hpp"
#include "store/lot_repository.hpp"
#include "store/risk_repository.hpp"

namespace zakupai::risk {

struct RescoreProgress {
    std::int64_t done = 0;
    std::int64_t total = 0;
    double elapsed_seconds = 0;
};

struct RescoreReport {
    std::int64_t lots = 0;
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
};

class RiskService {
public:
    RiskService(store::LotRepository& lots,
                store::RiskRepository& repository,
                store::GoszakupRepository& portal,
                const calc::RuleBook& rules,
                const WorkCalendar& calendar,
                const Clock& clock)
        : lots_(lots), repository_(repository), portal_(portal), rules_(rules), calendar_(calendar), clock_(clock) {
        for (double bound : {0.001, 0.005, 0.02, 0.1, 0.5}) {
            stats_.duration_buckets.emplace_back(bound, 0);
        }
    }

    // A stored lot: evaluated, recorded in risk_evaluations, returned as JSON. 404 when unknown.
    Result<std::string> ScoreLot(std::int64_t lot_id, const ScoreExtras& extras);
    // A lot that is not stored (a payload): evaluated against the stored data, not recorded.
    std::string ScorePayload(LotFacts facts, const ScoreExtras& extras);
    // The latest evaluation in words (scored now when there is none yet). 404 when unknown.
    Result<std::string> Explain(std::int64_t lot_id);
    // Re-scores the lots changed since `since` (all when nullopt) in batches, off any request.
    RescoreReport Rescore(std::optional<Instant> since,
                          const std::function<void(const RescoreProgress&)>& progress = {});
    RiskStats Stats() const;
    // The customer's lots as the risk engine last judged them: how many, average and maximum
    // score, levels, how often each indicator fired, the riskiest lots. 422 for a bad BIN.
    Result<std::string> Customer(std::string_view bin);

private:
    using PeerCache = std::unordered_map<std::string, std::vector<double>>;
    std::optional<std::pair<LotFacts, Evaluation>> EvaluateStored(std::int64_t lot_id,
                                                                  const ScoreExtras& extras,
                                                                  PeerCache* peers);
    void Gather(LotFacts& facts, const ScoreExtras& extras, PeerCache* peers = nullptr);
    void Count(const Evaluation& evaluation, std::chrono::steady_clock::duration took);
    static std::string FlagsJson(const Evaluation& evaluation);
    std::string ScoreJson(const LotFacts& facts, const Evaluation& evaluation, bool saved);

    store::LotRepository& lots_;
    store::RiskRepository& repository_;
    store::GoszakupRepository& portal_;
    const calc::RuleBook& rules_;
    const WorkCalendar& calendar_;
    const Clock& clock_;
    mutable std::mutex stats_mutex_;
    RiskStats stats_;
};

// Indicator findings as a JSON array (what risk_evaluations.explain stores).
std::string FindingsJson(const std::vector<Finding>& findings);

}  // namespace zakupai::risk
