#pragma once
// Alerts from what the portal sync stored: new lots that match a subscription's words (found by
// the search index among the new lots, one query per subscription per pass, never a scan of
// every subscription per lot), and status or amount changes of subscribed lots. Each alert is a
// message in the outbox with a key of its own, so a pass repeated after a crash enqueues nothing
// twice; the cursor moves only after the pass's messages are stored.
#include <cstdint>

#include "core/time.hpp"
#include "store/notify_repository.hpp"
#include "store/search_repository.hpp"

namespace zakupai::search {
class LotIndex;
}

namespace zakupai::notify {

struct AlertPass {
    std::int64_t lots_seen = 0;
    std::int64_t new_lots = 0;
    std::int64_t enqueued = 0;
};

class AlertMatcher {
public:
    AlertMatcher(store::NotifyRepository& repository,
                 store::SearchRepository& lots,
                 const search::LotIndex& index,
                 const Clock& clock)
        : repository_(repository), lots_(lots), index_(index), clock_(clock) {}

    // Reads the lots changed since the last pass, up to what the search index has taken in.
    // The first pass ever only marks where alerts start: the lots already stored are no news.
    AlertPass RunOnce(int batch = 1000);

private:
    // A reminder a day before the bid deadline of each watched lot, once per lot and deadline.
    std::int64_t RemindDeadlines(Instant now);

    store::NotifyRepository& repository_;
    store::SearchRepository& lots_;
    const search::LotIndex& index_;
    const Clock& clock_;
    Instant deadlines_checked_{};
};

}  // namespace zakupai::notify
