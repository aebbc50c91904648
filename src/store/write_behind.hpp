#pragma once
// Rows that record what happened (audit log, usage counts, finance_calcs, lot views) are written off the
// request path: queued in memory and committed in batches by one background thread, so a
// request never waits for a disk. Stop() (and the destructor) flushes what is queued.
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "core/time.hpp"
#include "metrics/metrics.hpp"
#include "store/database.hpp"

namespace zakupai::store {

struct FinanceCalcRow {
    std::string kind;
    std::optional<std::int64_t> lot_id;
    std::string input_json;
    std::string result_json;
    std::string request_id;
    std::int64_t api_key_id = 0;
    Instant created_at;
};

struct AuditRow {
    std::int64_t api_key_id = 0;
    std::int64_t user_id = 0;
    std::string method;
    std::string route;
    int status = 0;
    std::string request_id;
    std::string ip;
    std::int64_t duration_us = 0;
    Instant created_at;
};

struct UsageRow {
    std::int64_t api_key_id = 0;
    std::string endpoint;
    std::int64_t requests = 1;
    Instant window_start;  // the hour the requests fell in
};

// A lot a key's owner looked at (its TL;DR or risk explanation): /ask's context when no lot is named.
struct LotViewRow {
    std::int64_t api_key_id = 0;
    std::int64_t lot_id = 0;
    Instant viewed_at;
};

struct WriteBehindStats {
    std::uint64_t written = 0;
    std::uint64_t dropped = 0;
    std::uint64_t failed_flushes = 0;
    std::uint64_t queued = 0;
};

class WriteBehind {
public:
    struct Options {
        // Short: a commit's worth of rows takes a core for a moment, and at 35k requests/s a
        // 200 ms batch held the request threads back long enough to double the p99 (bench/http).
        std::chrono::milliseconds flush_interval{50};
        std::size_t max_queue = 200'000;  // beyond this, rows are dropped and counted
        std::string instance;             // written with every usage row (quotas across instances)
    };

    WriteBehind(Database& db, Options options);
    ~WriteBehind();
    WriteBehind(const WriteBehind&) = delete;
    WriteBehind& operator=(const WriteBehind&) = delete;

    void Add(FinanceCalcRow row);
    void Add(AuditRow row);
    void Add(UsageRow row);
    void Add(const LotViewRow& row);

    // Writes everything queued so far before returning (used before reads that must see it).
    void Flush();
    void Stop();
    WriteBehindStats Stats() const;
    // write_behind_queue_rows, write_behind_rows_total{outcome}.
    void PublishMetrics(metrics::Registry& registry);

private:
    struct Batch {
        std::vector<FinanceCalcRow> calcs;
        std::vector<AuditRow> audits;
        std::map<std::tuple<std::int64_t, std::string, Instant>, std::int64_t> usage;
        std::map<std::pair<std::int64_t, std::int64_t>, Instant> views;  // (key, lot) -> the latest view
        std::size_t Size() const { return calcs.size() + audits.size() + usage.size() + views.size(); }
    };

    void Run();
    void Write(const Batch& batch);
    bool Admit();  // called under mutex_: false when the queue is full

    Database& db_;
    Options options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable flushed_;
    Batch pending_;
    std::uint64_t generation_ = 0;  // bumped on every completed write
    std::uint64_t flush_requested_ = 0;
    bool stopping_ = false;
    WriteBehindStats stats_;
    int retries_ = 0;  // failed flushes in a row
    std::mutex write_mutex_;
    std::thread thread_;
};

}  // namespace zakupai::store
