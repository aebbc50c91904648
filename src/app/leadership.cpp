#include "app/leadership.hpp"

#include <spdlog/spdlog.h>

namespace zakupai::app {

namespace {
constexpr const char* kLease = "leader";
using Steady = std::chrono::steady_clock;
}  // namespace

Leadership::Leadership(store::LeaseRepository& leases,
                       const Clock& clock,
                       std::string holder,
                       std::chrono::milliseconds ttl)
    : leases_(leases), clock_(clock), holder_(std::move(holder)), ttl_(ttl) {}

Leadership::~Leadership() {
    Stop();
}

void Leadership::Start() {
    Renew();
    thread_ = std::jthread([this](const std::stop_token& stop) {
        std::mutex mutex;
        std::condition_variable_any wake;
        while (!stop.stop_requested()) {
            std::unique_lock lock(mutex);
            wake.wait_for(lock, stop, ttl_ / 3, [] { return false; });
            if (!stop.stop_requested()) {
                Renew();
            }
        }
    });
}

void Leadership::Stop() {
    if (!thread_.joinable()) {
        return;
    }
    thread_.request_stop();
    thread_.join();
    if (IsLeader()) {
        leading_until_ = 0;
        try {
            leases_.Release(kLease, holder_);
            spdlog::info("cluster: {} gave up the leadership", holder_);
        } catch (const std::exception& e) {
            spdlog::warn("cluster: could not release the leadership ({}); it expires in {} ms", e.what(), ttl_.count());
        }
    }
}

bool Leadership::IsLeader() const {
    return Steady::now().time_since_epoch().count() < leading_until_.load();
}

void Leadership::Renew() {
    // Measured from before the attempt: the lease in the database runs at least this long.
    const auto attempt = Steady::now();
    bool held = false;
    try {
        held = leases_.Hold(kLease, holder_, clock_.Now(), ttl_);
    } catch (const std::exception& e) {
        spdlog::warn("cluster: cannot renew the leadership: {}", e.what());
        // Keep what is left of the current term; it ends before the lease can expire.
        return;
    }
    // Two thirds of the TTL: a leader that stalls stops acting before anyone else may start.
    leading_until_ = held ? (attempt + ttl_ * 2 / 3).time_since_epoch().count() : 0;
    if (held != was_leader_) {
        changes_ += was_leader_.has_value() ? 1 : 0;
        was_leader_ = held;
        if (held) {
            spdlog::info("cluster: {} is the leader (scheduled work and the bot run here)", holder_);
        } else {
            std::string leader = "unknown";
            try {
                if (const auto current = leases_.Find(kLease)) {
                    leader = current->holder;
                }
            } catch (const std::exception& e) {
                // Only the log line's detail is lost; the renewal thread must not end over it.
                leader += " (" + std::string(e.what()) + ")";
            }
            spdlog::info("cluster: {} stands by; the leader is {}", holder_, leader);
        }
    }
}

void Leadership::PublishMetrics(metrics::Registry& registry) {
    registry.AddGaugeCallback("cluster_leader", "1 on the instance that runs the scheduled work and the bot.", [this] {
        return std::vector<metrics::Sample>{{"", IsLeader() ? 1.0 : 0.0}};
    });
    registry.AddGaugeCallback(
        "cluster_leader_changes", "Times this instance became or stopped being the leader.", [this] {
            return std::vector<metrics::Sample>{{"", static_cast<double>(changes_.load())}};
        });
}

}  // namespace zakupai::app
