// `zakupai sync goszakup | subjects | contracts | rnu`.
#include <fmt/format.h>

#include <iostream>

#include "app/commands.hpp"
#include "app/modules.hpp"
#include "app/progress.hpp"
#include "ingest/portal.hpp"

namespace zakupai::app {

int Sync(const Config& config, const std::string& what, bool full, const std::string& since_text) {
    if (config.goszakup.token.empty()) {
        std::cerr << "zakupai: no portal token: set ZAKUPAI_GOSZAKUP_TOKEN or ZAKUPAI_GOSZAKUP_TOKEN_FILE\n";
        return 2;
    }
    std::optional<Date> since;
    if (!since_text.empty()) {
        auto day = ParseIsoDate(since_text);
        if (!day) {
            std::cerr << "zakupai: --since must be a date YYYY-MM-DD, got '" << since_text << "'\n";
            return 2;
        }
        since = *day;
    }
    Modules m(config, true);
    auto& portal = m.Portal();
    if (what == "rnu") {
        const auto report = portal.rnu().SyncList(*portal.client(), config.goszakup.page_size);
        std::cout << "rnu sync " << (report.ok ? "done" : "failed") << ": " << report.entries << " entries, "
                  << report.pages << " pages, " << report.skipped << " skipped"
                  << (report.ok ? "" : "; " + report.error) << "\n";
        return report.ok ? 0 : 1;
    }
    const auto report = [&] {
        Progress progress("rows", "");
        return portal.sync()->Run(ingest::SyncRequest{full,
                                                      since,
                                                      what == "subjects"    ? ingest::Register::kSubjects
                                                      : what == "contracts" ? ingest::Register::kContracts
                                                                            : ingest::Register::kLots},
                                  [&progress](const ingest::SyncProgress& p) {
                                      progress.Show(p.rows, p.total, fmt::format("{} pages", p.pages));
                                  });
    }();
    std::cout << fmt::format(
        "goszakup sync of {} {} ({}{}): fetched {}, inserted {}, updated {}, unchanged {}, events {}, errors {}, pages "
        "{}, {:.1f} s{}\n",
        report.what,
        report.ok ? "done" : "failed",
        report.mode,
        report.resumed ? ", resumed" : "",
        report.fetched,
        report.inserted,
        report.updated,
        report.unchanged,
        report.events,
        report.errors,
        report.pages,
        report.duration_seconds,
        report.ok ? "" : "; " + report.error);
    return report.ok ? 0 : 1;
}

}  // namespace zakupai::app
