// `zakupai risk rescore | prune`.
#include <fmt/format.h>

#include <iostream>

#include "app/commands.hpp"
#include "app/modules.hpp"
#include "app/progress.hpp"
#include "risk/risk_service.hpp"

namespace zakupai::app {

int Rescore(const Config& config, const std::string& since_text) {
    std::optional<Instant> since;
    if (!since_text.empty()) {
        auto day = ParseIsoDate(since_text);
        if (!day) {
            std::cerr << "zakupai: --since must be a date YYYY-MM-DD, got '" << since_text << "'\n";
            return 2;
        }
        since = AlmatyStartOfDay(*day);
    }
    Modules m(config, true);
    auto& risk = m.Risk();
    const auto report = [&] {
        Progress progress("lots", "scored");
        return risk.Rescore(since, [&progress](const risk::RescoreProgress& p) { progress.Show(p.done, p.total); });
    }();
    std::cout << fmt::format("risk rescore done: {} lots, {} high, {} with dumping, {} unchanged, {:.1f} s\n",
                             report.lots,
                             report.high,
                             report.dumping,
                             report.unchanged,
                             report.duration_seconds);
    return 0;
}

int PruneEvaluations(const Config& config, int keep) {
    Modules m(config, true);
    const auto removed = m.Risk().PruneEvaluations(keep);
    std::cout << fmt::format("risk prune done: {} evaluations removed, the newest {} per lot kept\n", removed, keep);
    return 0;
}

}  // namespace zakupai::app
