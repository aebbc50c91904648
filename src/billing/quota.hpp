#pragma once
// Per-key request counting in fixed windows (minute, clock hour, Almaty calendar day), and a
// per-IP limiter for requests that carry no valid key. In memory per process; the usage table
// seeds a key's hour and day counts after a restart.
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "billing/config.hpp"
#include "core/time.hpp"

namespace zakupai::billing {

struct QuotaDecision {
    bool allowed = true;
    std::int64_t retry_after_seconds = 0;
    std::string reason;                 // which limit, for the 429 message
    std::int64_t remaining_today = -1;  // -1 = unlimited
};

class QuotaTracker {
public:
    // Loads a key's already-counted requests since the given instant (from the usage table).
    using UsageLoader = std::function<std::int64_t(std::int64_t key_id, Instant since)>;

    explicit QuotaTracker(UsageLoader loader) : loader_(std::move(loader)) {}

    // Counts `requests` against the key's limits when they fit; otherwise counts nothing.
    QuotaDecision Consume(std::int64_t key_id, const PlanLimits& limits, Instant now, std::int64_t requests = 1);
    // What is left today without consuming anything.
    QuotaDecision Peek(std::int64_t key_id, const PlanLimits& limits, Instant now);
    std::int64_t UsedThisHour(std::int64_t key_id, Instant now);

private:
    struct Windows {
        Instant minute_start{};
        std::int64_t minute = 0;
        Instant hour_start{};
        std::int64_t hour = 0;
        Date day{};
        std::int64_t day_count = 0;
        bool loaded = false;
    };
    Windows& Roll(std::int64_t key_id, Instant now);
    QuotaDecision Decide(const Windows& w, const PlanLimits& limits, Instant now, std::int64_t requests) const;

    UsageLoader loader_;
    std::mutex mutex_;
    std::unordered_map<std::int64_t, Windows> windows_;
};

// A fixed one-minute window per IP address.
class IpLimiter {
public:
    explicit IpLimiter(std::int64_t per_minute) : per_minute_(per_minute) {}
    QuotaDecision Consume(const std::string& ip, Instant now);

private:
    std::int64_t per_minute_;
    std::mutex mutex_;
    Instant window_start_{};
    std::unordered_map<std::string, std::int64_t> counts_;
};

}  // namespace zakupai::billing
