#pragma once
// Alerts from what the portal sync stored: new lots that match a subscription's words (found by
// the search index among the new lots, one query per subscription per pass, never a scan of
// every subscription per lot), status or amount changes of subscribed lots (with the complaint
// deadline when the results are out), a watched lot's deadline a day ahead, and a watched
// supplier entering or leaving the RNU. Each alert is a
// message in the outbox with a key of its own, so a pass repeated after a crash enqueues nothing
// twice; the cursor moves only after the pass's messages are stored.
#include <cstdint>

#include "core/calendar.hpp"
#include "core/time.hpp"
#include "store/notify_repository.hpp"
#include "store/search_repository.hpp"

namespace zakupai::search {
class LotIndex;
}
namespace zakupai::ingest {
class RnuService;
}

namespace zakupai::notify {

struct AlertPass {
    std::int64_t lots_seen = 0;
    std::int64_t new_lots = 0;
    std::int64_t enqueued = 0;
};

class AlertMatcher {
public:
    // `rnu` answers for watched suppliers (null: no such alerts); `calendar` counts the
    // complaint's working days after a results protocol.
    AlertMatcher(store::NotifyRepository& repository,
                 store::SearchRepository& lots,
                 const search::LotIndex& index,
                 ingest::RnuService* rnu,
                 const WorkCalendar& calendar,
                 const Clock& clock)
        : repository_(repository), lots_(lots), index_(index), rnu_(rnu), calendar_(calendar), clock_(clock) {}

    // Reads the lots changed since the last pass, up to what the search index has taken in.
    // The first pass ever only marks where alerts start: the lots already stored are no news.
    AlertPass RunOnce(int batch = 1000);

private:
    // A reminder a day before the bid deadline of each watched lot, once per lot and deadline.
    std::int64_t RemindDeadlines(Instant now);
    // A watched supplier entering or leaving the unreliable suppliers register (RNU), checked
    // every few minutes through the RNU service's cached answers.
    std::int64_t WatchSuppliers(Instant now);

    store::NotifyRepository& repository_;
    store::SearchRepository& lots_;
    const search::LotIndex& index_;
    ingest::RnuService* rnu_;
    const WorkCalendar& calendar_;
    const Clock& clock_;
    Instant deadlines_checked_{};
    Instant suppliers_checked_{};
};

}  // namespace zakupai::notify
