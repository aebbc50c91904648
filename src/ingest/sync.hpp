#pragma once
// Keeps goszakup_lots (and suppliers) current with the portal. A run walks GraphQL pages newest-first;
// every page lands in one transaction together with the cursor, so a killed run resumes at
// the next page and a repeated page only counts as "unchanged". Only one run at a time: a
// second caller joins the run in progress and gets its report.
#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/time.hpp"
#include "ingest/ows_client.hpp"
#include "metrics/metrics.hpp"
#include "store/goszakup_repository.hpp"

namespace zakupai::ingest {

class Dictionaries;  // the portal's reference lists (ingest/internal/portal_data.hpp)

// The portal registers the sync keeps: lots (into goszakup_lots and lots) and participants
// (Subjects, into suppliers).
enum class Register { kLots, kSubjects, kContracts };

struct SyncRequest {
    bool full = false;          // walk everything, not only what changed since the last run
    std::optional<Date> since;  // incremental from this Almaty day
    Register what = Register::kLots;
};

struct SyncReport {
    std::string what;  // lots | subjects | contracts
    std::string mode;  // full | incremental
    bool ok = true;
    bool resumed = false;  // continued a run that was interrupted
    bool joined = false;   // this caller joined a run someone else started
    std::string error;
    std::int64_t fetched = 0;
    std::int64_t inserted = 0;
    std::int64_t updated = 0;
    std::int64_t unchanged = 0;
    std::int64_t events = 0;
    std::int64_t errors = 0;  // bad rows skipped + requests that failed
    int pages = 0;
    std::optional<std::int64_t> total;  // the portal's count for the query
    double duration_seconds = 0;
    std::string since;
};

struct SyncProgress {
    std::int64_t rows = 0;
    int pages = 0;
    std::optional<std::int64_t> total;
    double elapsed_seconds = 0;
};

struct SyncStats {
    std::int64_t runs = 0;
    std::int64_t failed_runs = 0;
    std::int64_t consecutive_failures = 0;  // failed runs since the last good one
    std::optional<Instant> last_success;
    std::int64_t last_rows = 0;
    std::int64_t lots_total = 0;
    bool running = false;
};

struct SyncOptions {
    int page_size = 200;
    int max_empty_page_retries = 3;
    std::chrono::minutes incremental_overlap{15};
};

class GoszakupSync {
public:
    GoszakupSync(OwsClient& client,
                 store::GoszakupRepository& repository,
                 std::unique_ptr<Dictionaries> dictionaries,
                 const Clock& clock,
                 FailureCounters& failures,
                 SyncOptions options);
    ~GoszakupSync();

    // Starts a run, or waits for the one in progress on the same register and returns its
    // report. Runs on different registers take turns.
    SyncReport Run(const SyncRequest& request, const std::function<void(const SyncProgress&)>& progress = {});
    // Loads stored dictionaries over the built-in defaults (at start-up).
    void LoadStoredDictionaries();
    SyncStats Stats() const;
    // goszakup_sync_duration_seconds: how long runs take, from now on.
    void PublishDuration(metrics::Registry& metrics);
    // Ends a run at the next page boundary (shutdown); the cursor stays for the next run.
    void RequestStop() { stop_ = true; }

private:
    SyncReport Execute(const SyncRequest& request, const std::function<void(const SyncProgress&)>& progress);
    // Where an incremental run starts: the watermark less the overlap.
    std::string IncrementalSince(const store::SyncState& state) const;
    void Record(const SyncReport& report);
    // Reference dictionaries from /v3/refs; the stored (or built-in) ones stay on failure.
    Result<int> SyncDictionaries();

    OwsClient& client_;
    store::GoszakupRepository& repository_;
    std::unique_ptr<Dictionaries> dictionaries_;  // used by the one running sync only
    bool dictionaries_synced_ = false;
    std::atomic<bool> stop_{false};
    const Clock& clock_;
    FailureCounters& failures_;
    SyncOptions options_;

    mutable std::mutex mutex_;
    std::map<Register, std::shared_future<SyncReport>> current_;
    std::mutex run_mutex_;  // one run at a time against the portal
    SyncStats stats_;
    metrics::Histogram* duration_ = nullptr;
};

}  // namespace zakupai::ingest
