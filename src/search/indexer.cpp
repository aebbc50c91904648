#include "search/indexer.hpp"

#include <spdlog/spdlog.h>

namespace zakupai::search {

std::int64_t Indexer::CatchUp(const std::function<void(std::int64_t, std::int64_t)>& progress) {
    constexpr int kBatch = 2000;
    const std::int64_t total = progress ? repository_.CountLots() : 0;
    std::int64_t done = 0;
    auto cursor = index_.Cursor();
    for (;;) {
        auto lots = repository_.ChangedAfter(cursor, kBatch);
        if (lots.empty()) {
            break;
        }
        cursor = store::IndexCursor{lots.back().updated_at, lots.back().id};
        index_.Upsert(lots, cursor);
        done += static_cast<std::int64_t>(lots.size());
        indexed_ += static_cast<std::int64_t>(lots.size());
        if (progress) {
            progress(done, total);
        }
        if (static_cast<int>(lots.size()) < kBatch) {
            break;
        }
    }
    return done;
}

std::int64_t Indexer::Rebuild(const std::function<void(std::int64_t, std::int64_t)>& progress) {
    index_.Clear();
    return CatchUp(progress);
}

void Indexer::Start(std::chrono::milliseconds interval) {
    thread_ = std::jthread([this, interval](const std::stop_token& stop) {
        while (!stop.stop_requested()) {
            try {
                if (const auto n = CatchUp(); n > 0) {
                    spdlog::info("search: indexed {} new or changed lots", n);
                }
            } catch (const std::exception& e) {
                // The database or the disk is down: try again on the next tick.
                spdlog::error("search: indexing failed: {}", e.what());
            }
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, stop, interval, [] { return false; });
        }
    });
}

void Indexer::Stop() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
}

}  // namespace zakupai::search
