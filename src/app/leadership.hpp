#pragma once
// One leader among the instances that share a database: the instance holding the "leader"
// lease runs the work that must happen once (the scheduler's syncs and retention, the bot's
// polling, alerts and sending); the others serve requests and stand by. The holder renews the
// lease every third of its TTL; when it dies the lease expires and another instance takes it
// within one TTL. A holder that cannot renew (the database gone) stops counting itself leader
// before its lease can expire, so two instances never both believe they lead.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/time.hpp"
#include "metrics/metrics.hpp"
#include "store/lease_repository.hpp"

namespace zakupai::app {

class Leadership {
public:
    Leadership(store::LeaseRepository& leases, const Clock& clock, std::string holder, std::chrono::milliseconds ttl);
    ~Leadership();
    Leadership(const Leadership&) = delete;
    Leadership& operator=(const Leadership&) = delete;

    // Tries at once, then keeps renewing on its own thread.
    void Start();
    // Stops renewing and releases the lease if held, so a standby takes over without waiting.
    void Stop();
    bool IsLeader() const;
    const std::string& holder() const { return holder_; }
    // cluster_leader (1 on the leader), cluster_leader_changes_total.
    void PublishMetrics(metrics::Registry& registry);

private:
    void Renew();

    store::LeaseRepository& leases_;
    const Clock& clock_;
    std::string holder_;
    std::chrono::milliseconds ttl_;
    // Steady-clock nanoseconds until which this instance may act as leader (0: not leader).
    std::atomic<std::int64_t> leading_until_{0};
    std::atomic<std::int64_t> changes_{0};
    std::optional<bool> was_leader_;  // unknown until the first answer
    std::jthread thread_;
};

}  // namespace zakupai::app
