#pragma once
// Per-key request counting in fixed windows (minute, clock hour, Almaty calendar day), and a
// per-IP limiter for requests that carry no valid key. Counted in memory per process; the usage
// table seeds this instance's hour and day counts after a restart, and what the other instances
// counted (SetOthers, refreshed every second from the usage table) is added to them, so a key's
// hourly and daily quotas hold across instances. The worst-case overshoot is what the other
// instances admitted for the key in the time their counts take to reach this one (their
// write-behind flush plus one refresh, about 1.1 s). Minute limits are per instance.
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

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

    // What the other instances counted, per key and clock hour, for today (Almaty day of `now`):
    // replaces the previous picture.
    struct OtherUsage {
        std::int64_t key_id = 0;
        Instant hour_start{};
        std::int64_t requests = 0;
    };
    void SetOthers(const std::vector<OtherUsage>& usage, Instant now);

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
    struct Others {
        Instant hour_start{};
        std::int64_t hour = 0;
        Date day{};
        std::int64_t day_count = 0;
    };
    Windows& Roll(std::int64_t key_id, Instant now);
    // This instance's windows plus the other instances' counts for the same hour and day.
    Windows Combined(std::int64_t key_id, const Windows& own) const;
    QuotaDecision Decide(const Windows& w, const PlanLimits& limits, Instant now, std::int64_t requests) const;

    UsageLoader loader_;
    std::mutex mutex_;
    std::unordered_map<std::int64_t, Windows> windows_;
    std::unordered_map<std::int64_t, Others> others_;
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
