#pragma once
// Keeps the lot index in step with the database: reads lots changed after the index's cursor
// in batches and indexes them, once (CLI reindex) or every interval (a thread in serve), so a
// lot written by sync, import or seed is findable within seconds.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "search/lot_index.hpp"
#include "store/search_repository.hpp"

namespace zakupai::search {

class Indexer {
public:
    Indexer(store::SearchRepository& repository, LotIndex& index) : repository_(repository), index_(index) {}
    ~Indexer() { Stop(); }
    Indexer(const Indexer&) = delete;
    Indexer& operator=(const Indexer&) = delete;

    // Indexes everything changed since the cursor; returns how many lots. `progress` gets
    // (done, total lots in the database).
    std::int64_t CatchUp(const std::function<void(std::int64_t, std::int64_t)>& progress = {});
    // Drops the index and builds it again from the database.
    std::int64_t Rebuild(const std::function<void(std::int64_t, std::int64_t)>& progress = {});
    void Start(std::chrono::milliseconds interval);
    void Stop();
    std::int64_t indexed() const { return indexed_.load(); }

private:
    store::SearchRepository& repository_;
    LotIndex& index_;
    std::atomic<std::int64_t> indexed_{0};
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_;
};

}  // namespace zakupai::search
