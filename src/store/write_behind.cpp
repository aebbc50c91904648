#include "store/write_behind.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace zakupai::store {

WriteBehind::WriteBehind(Database& db, Options options) : db_(db), options_(std::move(options)) {
    thread_ = std::thread([this] { Run(); });
}

WriteBehind::~WriteBehind() {
    Stop();
}

bool WriteBehind::Admit() {
    if (pending_.Size() >= options_.max_queue) {
        ++stats_.dropped;
        return false;
    }
    return true;
}

void WriteBehind::Add(FinanceCalcRow row) {
    std::lock_guard lock(mutex_);
    if (Admit()) {
        pending_.calcs.push_back(std::move(row));
    }
}

void WriteBehind::Add(AuditRow row) {
    std::lock_guard lock(mutex_);
    if (Admit()) {
        pending_.audits.push_back(std::move(row));
    }
}

void WriteBehind::Add(UsageRow row) {
    std::lock_guard lock(mutex_);
    auto key = std::make_tuple(row.api_key_id, std::move(row.endpoint), row.window_start);
    auto it = pending_.usage.find(key);
    if (it != pending_.usage.end()) {
        it->second += row.requests;
    } else if (Admit()) {
        pending_.usage.emplace(std::move(key), row.requests);
    }
}

void WriteBehind::Add(const LotViewRow& row) {
    std::lock_guard lock(mutex_);
    const auto key = std::make_pair(row.api_key_id, row.lot_id);
    if (auto it = pending_.views.find(key); it != pending_.views.end()) {
        it->second = std::max(it->second, row.viewed_at);
    } else if (Admit()) {
        pending_.views.emplace(key, row.viewed_at);
    }
}

void WriteBehind::Flush() {
    std::unique_lock lock(mutex_);
    if (stopping_ && !thread_.joinable()) {
        return;
    }
    const std::uint64_t target = ++flush_requested_;
    wake_.notify_one();
    // The writer completes at least one full cycle after the request was made.
    flushed_.wait(lock, [&] { return generation_ >= target || !thread_.joinable(); });
}

void WriteBehind::Stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) {
        thread_.join();
    }
    flushed_.notify_all();
}

void WriteBehind::PublishMetrics(metrics::Registry& registry) {
    registry.AddGaugeCallback("write_behind_queue_rows", "Rows waiting to be written (audit, usage, calcs).", [this] {
        return std::vector<metrics::Sample>{{"", static_cast<double>(Stats().queued)}};
    });
    registry.AddCounterCallback(
        "write_behind_rows_total", "Rows handled by the write-behind recorder, by outcome.", [this] {
            const auto stats = Stats();
            return std::vector<metrics::Sample>{{R"(outcome="written")", static_cast<double>(stats.written)},
                                                {R"(outcome="dropped")", static_cast<double>(stats.dropped)}};
        });
}

WriteBehindStats WriteBehind::Stats() const {
    std::lock_guard lock(mutex_);
    WriteBehindStats stats = stats_;
    stats.queued = pending_.Size();
    return stats;
}

void WriteBehind::Run() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait_for(lock, options_.flush_interval, [&] { return stopping_ || flush_requested_ > generation_; });
        const std::uint64_t cycle = flush_requested_;
        Batch batch;
        std::swap(batch, pending_);
        // The next batch is about as big as this one: growing its vectors from empty would copy
        // every row queued so far several times, under the lock the request threads wait on.
        pending_.calcs.reserve(batch.calcs.size());
        pending_.audits.reserve(batch.audits.size());
        const bool last = stopping_;
        lock.unlock();
        const std::size_t size = batch.Size();
        bool ok = true;
        std::string failure;
        if (size > 0) {
            try {
                Write(batch);
            } catch (const std::exception& e) {
                ok = false;
                failure = e.what();
            }
        }
        lock.lock();
        if (ok) {
            stats_.written += size;
            retries_ = 0;
        } else {
            ++stats_.failed_flushes;
            // Put the rows back (oldest first) unless that overflows the queue.
            if (!last && pending_.Size() + size <= options_.max_queue) {
                batch.calcs.insert(batch.calcs.end(), pending_.calcs.begin(), pending_.calcs.end());
                batch.audits.insert(batch.audits.end(), pending_.audits.begin(), pending_.audits.end());
                for (auto& [k, v] : pending_.usage) {
                    batch.usage[k] += v;
                }
                for (const auto& [k, at] : pending_.views) {
                    batch.views[k] = std::max(batch.views[k], at);
                }
                pending_ = std::move(batch);
                // Nothing is lost yet: the rows wait for the next flush.
                spdlog::warn("write-behind flush of {} rows failed (retry {}), kept for the next one: {}",
                             size,
                             ++retries_,
                             failure);
            } else {
                stats_.dropped += size;
                spdlog::error("write-behind flush of {} rows failed and the rows were dropped: {}", size, failure);
            }
        }
        generation_ = std::max(generation_, cycle);
        flushed_.notify_all();
        if (last) {
            return;
        }
    }
}

// Copies, never moves, out of the batch: a failed write puts the same rows back for the next try.
void WriteBehind::Write(const Batch& batch) {
    std::lock_guard write_lock(write_mutex_);
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    if (!batch.calcs.empty()) {
        const std::size_t n = batch.calcs.size();
        std::vector<std::string> kind(n), input(n), result(n), request(n), created(n);
        std::vector<long long> lot(n), key(n);
        std::vector<soci::indicator> lot_ind(n), key_ind(n);
        for (std::size_t i = 0; i < n; ++i) {
            const auto& row = batch.calcs[i];
            kind[i] = row.kind;
            input[i] = row.input_json;
            result[i] = row.result_json;
            request[i] = row.request_id;
            created[i] = FormatUtcTimestamp(row.created_at);
            lot[i] = row.lot_id.value_or(0);
            lot_ind[i] = row.lot_id ? soci::i_ok : soci::i_null;
            key[i] = row.api_key_id;
            key_ind[i] = row.api_key_id > 0 ? soci::i_ok : soci::i_null;
        }
        *s << "INSERT INTO finance_calcs (kind, lot_id, input, results, request_id, api_key_id, created_at) "
              "VALUES (:kind, :lot, :input, :result, :request, :key, :created)",
            soci::use(kind), soci::use(lot, lot_ind), soci::use(input), soci::use(result), soci::use(request),
            soci::use(key, key_ind), soci::use(created);
    }
    if (!batch.audits.empty()) {
        const std::size_t n = batch.audits.size();
        std::vector<long long> key(n), user(n), duration(n);
        std::vector<soci::indicator> key_ind(n), user_ind(n);
        std::vector<std::string> method(n), route(n), request(n), ip(n), created(n);
        std::vector<int> status(n);
        for (std::size_t i = 0; i < n; ++i) {
            const auto& row = batch.audits[i];
            key[i] = row.api_key_id;
            key_ind[i] = row.api_key_id > 0 ? soci::i_ok : soci::i_null;
            user[i] = row.user_id;
            user_ind[i] = row.user_id > 0 ? soci::i_ok : soci::i_null;
            method[i] = row.method;
            route[i] = row.route;
            status[i] = row.status;
            request[i] = row.request_id;
            ip[i] = row.ip;
            duration[i] = row.duration_us;
            created[i] = FormatUtcTimestamp(row.created_at);
        }
        *s << "INSERT INTO audit_log (api_key_id, user_id, method, route, status, request_id, ip, duration_us, "
              "created_at) VALUES (:key, :user, :method, :route, :status, :request, :ip, :duration, :created)",
            soci::use(key, key_ind), soci::use(user, user_ind), soci::use(method), soci::use(route), soci::use(status),
            soci::use(request), soci::use(ip), soci::use(duration), soci::use(created);
    }
    if (!batch.usage.empty()) {
        const std::size_t n = batch.usage.size();
        std::vector<long long> key, requests;
        std::vector<std::string> endpoint, window, created;
        key.reserve(n);
        const std::string now = FormatUtcTimestamp(SystemClock().Now());
        for (const auto& [k, count] : batch.usage) {
            key.push_back(std::get<0>(k));
            endpoint.push_back(std::get<1>(k));
            window.push_back(FormatUtcTimestamp(std::get<2>(k)));
            requests.push_back(count);
            created.push_back(now);
        }
        std::vector<std::string> instance(n, options_.instance);
        *s << "INSERT INTO usage (api_key_id, endpoint, requests, window_start, created_at, instance) "
              "VALUES (:key, :endpoint, :requests, :window, :created, :instance)",
            soci::use(key), soci::use(endpoint), soci::use(requests), soci::use(window), soci::use(created),
            soci::use(instance);
    }
    if (!batch.views.empty()) {
        std::vector<long long> key, lot;
        std::vector<std::string> viewed;
        for (const auto& [k, at] : batch.views) {
            key.push_back(k.first);
            lot.push_back(k.second);
            viewed.push_back(FormatUtcTimestamp(at));
        }
        // One row per key and lot, moved to the latest view (both SQLite and PostgreSQL read this).
        *s << "INSERT INTO lot_views (api_key_id, lot_id, viewed_at) VALUES (:key, :lot, :viewed) "
              "ON CONFLICT (api_key_id, lot_id) DO UPDATE SET viewed_at = excluded.viewed_at "
              "WHERE excluded.viewed_at > lot_views.viewed_at",
            soci::use(key), soci::use(lot), soci::use(viewed);
    }
    tx.Commit();
}

}  // namespace zakupai::store
