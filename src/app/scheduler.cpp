#include "app/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

#include "app/modules.hpp"
#include "ingest/portal.hpp"
#include "risk/risk_service.hpp"
#include "store/audit_archive.hpp"
#include "store/records_repository.hpp"

namespace zakupai::app {

Scheduler::Scheduler(Modules& modules, std::function<bool()> leading)
    : modules_(modules),
      leading_(std::move(leading)),
      next_sync_(Steady::now()),
      next_registers_(Steady::now()),
      next_prune_(Steady::now() + std::chrono::seconds(30)),  // not in the way of start-up
      next_daily_(Steady::now() + std::chrono::seconds(60)) {
    thread_ = std::jthread([this](const std::stop_token& stop) {
        std::mutex mutex;
        std::condition_variable_any wake;
        while (!stop.stop_requested()) {
            auto next = Steady::now() + std::chrono::minutes(1);
            try {
                next = Step(stop);
            } catch (const std::exception& e) {
                // An outage (the database gone): this round is lost, the next one tries again.
                spdlog::error("scheduler: {}", e.what());
            }
            std::unique_lock lock(mutex);
            wake.wait_until(lock, stop, next, [] { return false; });
        }
    });
}

Scheduler::~Scheduler() {
    Stop();
}

void Scheduler::Stop() {
    if (!thread_.joinable()) {
        return;
    }
    thread_.request_stop();
    if (auto* sync = modules_.Portal().sync()) {
        sync->RequestStop();
    }
    thread_.join();
}

Scheduler::Steady::time_point Scheduler::Step(const std::stop_token& stop) {
    if (!leading_()) {
        // A standby: what is due runs as soon as this instance takes the lead.
        return Steady::now() + std::chrono::seconds(1);
    }
    const auto& config = modules_.config();
    auto& portal = modules_.Portal();
    auto& risk = modules_.Risk();
    const bool syncing = portal.sync() != nullptr && config.goszakup.sync_interval_s > 0;
    if (syncing && Steady::now() >= next_sync_) {
        const Instant began = modules_.clock().Now();
        const auto report = portal.sync()->Run(ingest::SyncRequest{});
        if (report.inserted + report.updated > 0 && !stop.stop_requested()) {
            // New and changed lots are scored here, in batches, off every request path.
            const auto scored = risk.Rescore(began);
            spdlog::info("risk: scored {} new or changed lots ({} high) in {:.1f} s",
                         scored.lots,
                         scored.high,
                         scored.duration_seconds);
        }
        next_sync_ = Steady::now() + std::chrono::seconds(config.goszakup.sync_interval_s);
    }
    if (syncing && Steady::now() >= next_registers_ && !stop.stop_requested()) {
        // The registers that change slowly: once a day.
        const auto rnu = portal.rnu().SyncList(*portal.client(), config.goszakup.page_size);
        spdlog::info("rnu list sync: {} entries, {}", rnu.entries, rnu.ok ? "ok" : rnu.error);
        portal.sync()->Run(ingest::SyncRequest{false, std::nullopt, ingest::Register::kSubjects});
        // Contracts feed concentration, amendments and supplier records; the evaluations they
        // change are refreshed by the next rescore.
        const auto contracts =
            portal.sync()->Run(ingest::SyncRequest{false, std::nullopt, ingest::Register::kContracts});
        if (contracts.ok && contracts.inserted + contracts.updated > 0) {
            const auto scored = risk.Rescore(std::nullopt);
            spdlog::info("risk: rescored {} lots after {} contract changes",
                         scored.lots,
                         contracts.inserted + contracts.updated);
        }
        next_registers_ = Steady::now() + (rnu.ok ? std::chrono::hours(24) : std::chrono::hours(1));
    }
    const bool pruning = config.risk.prune_interval_s > 0;
    if (pruning && Steady::now() >= next_prune_ && !stop.stop_requested()) {
        const auto removed = risk.PruneEvaluations(config.risk.keep_evaluations);
        if (removed > 0) {
            spdlog::info(
                "risk: pruned {} evaluations beyond the newest {} per lot", removed, config.risk.keep_evaluations);
        }
        next_prune_ = Steady::now() + std::chrono::seconds(config.risk.prune_interval_s);
    }
    if (Steady::now() >= next_daily_ && !stop.stop_requested()) {
        const Instant now = modules_.clock().Now();
        auto& records = modules_.Records();
        const auto answers = records.PruneAnswers(now - std::chrono::hours(24));
        const auto calcs = config.calc.retention_days > 0
                               ? records.PruneFinanceCalcs(now - std::chrono::days(config.calc.retention_days))
                               : 0;
        // /ask looks at the last five; a lot not opened for 90 days is no longer "this lot".
        const auto views = records.PruneLotViews(now - std::chrono::days(90));
        if (answers + calcs + views > 0) {
            spdlog::info(
                "retention: {} kept answers older than a day, {} calculations older than {} days and {} lot "
                "views older than 90 days removed",
                answers,
                calcs,
                config.calc.retention_days,
                views);
        }
        // Whole months of the audit log past audit.keep_days into archives (logged per archive).
        // A failure (a full disk) waits for tomorrow rather than retrying every minute.
        try {
            store::ArchiveAuditLog(modules_.Database(), config.audit, AuditArchiveDir(config), now);
        } catch (const std::exception& e) {
            spdlog::error("audit: archiving failed, the rows stay in the table until the next run: {}", e.what());
        }
        next_daily_ = Steady::now() + std::chrono::hours(24);
    }
    auto next = std::min(pruning ? next_prune_ : Steady::now() + std::chrono::hours(1), next_daily_);
    if (syncing) {
        next = std::min({next, next_sync_, next_registers_});
    }
    return next;
}

}  // namespace zakupai::app
