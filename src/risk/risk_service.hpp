#pragma once
// Scores lots: gathers the facts (the lot, its portal dates, peer prices with the same ENSTRU
// code, matched supplier offers, same-customer lots, RNU entries), runs every indicator,
// records the evaluation for stored lots, and explains the latest one.
#include <optional>
#include <string>
#include <vector>

#include "calc/rules.hpp"
#include "core/calendar.hpp"
#include "core/error.hpp"
#include "risk/indicators.hpp"
#include "store/goszakup_repository.hpp"
#include "store/lot_repository.hpp"
#include "store/risk_repository.hpp"

namespace zakupai::risk {

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
        : lots_(lots), repository_(repository), portal_(portal), rules_(rules), calendar_(calendar), clock_(clock) {}

    // A stored lot: evaluated, recorded in risk_evaluations, returned as JSON. 404 when unknown.
    Result<std::string> ScoreLot(std::int64_t lot_id, const ScoreExtras& extras);
    // A lot that is not stored (a payload): evaluated against the stored data, not recorded.
    std::string ScorePayload(LotFacts facts, const ScoreExtras& extras);
    // The latest evaluation in words (scored now when there is none yet). 404 when unknown.
    Result<std::string> Explain(std::int64_t lot_id);

private:
    void Gather(LotFacts& facts, const ScoreExtras& extras);
    std::string ScoreJson(const LotFacts& facts, const Evaluation& evaluation, bool saved);

    store::LotRepository& lots_;
    store::RiskRepository& repository_;
    store::GoszakupRepository& portal_;
    const calc::RuleBook& rules_;
    const WorkCalendar& calendar_;
    const Clock& clock_;
};

// Indicator findings as a JSON array (what risk_evaluations.explain stores).
std::string FindingsJson(const std::vector<Finding>& findings);

}  // namespace zakupai::risk
