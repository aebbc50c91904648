#include "billing/quota.hpp"

namespace zakupai::billing {

using std::chrono::floor;
using std::chrono::hours;
using std::chrono::minutes;

namespace {
std::int64_t SecondsUntil(Instant now, Instant then) {
    const auto ms = (then - now).count();
    return std::max<std::int64_t>(1, (ms + 999) / 1000);
}
}  // namespace

QuotaTracker::Windows& QuotaTracker::Roll(std::int64_t key_id, Instant now) {
    Windows& w = windows_[key_id];
    const Instant minute = floor<minutes>(now);
    const Instant hour = floor<hours>(now);
    const Date day = AlmatyDate(now);
    if (!w.loaded) {
        // First sight of this key in this process: continue from what the usage table holds.
        w.loaded = true;
        w.hour_start = hour;
        w.day = day;
        w.minute_start = minute;
        if (loader_) {
            w.hour = loader_(key_id, hour);
            w.day_count = loader_(key_id, AlmatyStartOfDay(day));
        }
    }
    if (w.minute_start != minute) {
        w.minute_start = minute;
        w.minute = 0;
    }
    if (w.hour_start != hour) {
        w.hour_start = hour;
        w.hour = 0;
    }
    if (w.day != day) {
        w.day = day;
        w.day_count = 0;
    }
    return w;
}

QuotaTracker::Windows QuotaTracker::Combined(std::int64_t key_id, const Windows& own) const {
    Windows all = own;
    const auto found = others_.find(key_id);
    if (found != others_.end()) {
        all.hour += found->second.hour_start == own.hour_start ? found->second.hour : 0;
        all.day_count += found->second.day == own.day ? found->second.day_count : 0;
    }
    return all;
}

void QuotaTracker::SetOthers(const std::vector<OtherUsage>& usage, Instant now) {
    std::unordered_map<std::int64_t, Others> fresh;
    const Instant hour = floor<hours>(now);
    const Date day = AlmatyDate(now);
    for (const auto& u : usage) {
        Others& o = fresh[u.key_id];
        o.hour_start = hour;
        o.day = day;
        if (AlmatyDate(u.hour_start) == day) {
            o.day_count += u.requests;
        }
        if (u.hour_start == hour) {
            o.hour += u.requests;
        }
    }
    std::lock_guard lock(mutex_);
    others_ = std::move(fresh);
}

QuotaDecision QuotaTracker::Decide(const Windows& w,
                                   const PlanLimits& limits,
                                   Instant now,
                                   std::int64_t requests) const {
    QuotaDecision d;
    if (limits.per_day > 0) {
        d.remaining_today = std::max<std::int64_t>(0, limits.per_day - w.day_count);
    }
    if (limits.per_day > 0 && w.day_count + requests > limits.per_day) {
        d.allowed = false;
        d.reason = "daily limit of " + std::to_string(limits.per_day) + " requests exceeded";
        d.retry_after_seconds =
            SecondsUntil(now, AlmatyStartOfDay(Date{std::chrono::sys_days{w.day} + std::chrono::days{1}}));
    } else if (limits.per_hour > 0 && w.hour + requests > limits.per_hour) {
        d.allowed = false;
        d.reason = "hourly limit of " + std::to_string(limits.per_hour) + " requests exceeded";
        d.retry_after_seconds = SecondsUntil(now, w.hour_start + hours{1});
    } else if (limits.per_minute > 0 && w.minute + requests > limits.per_minute) {
        d.allowed = false;
        d.reason = "rate limit of " + std::to_string(limits.per_minute) + " requests per minute exceeded";
        d.retry_after_seconds = SecondsUntil(now, w.minute_start + minutes{1});
    }
    return d;
}

QuotaDecision QuotaTracker::Consume(std::int64_t key_id, const PlanLimits& limits, Instant now, std::int64_t requests) {
    std::lock_guard lock(mutex_);
    Windows& w = Roll(key_id, now);
    QuotaDecision d = Decide(Combined(key_id, w), limits, now, requests);
    if (d.allowed) {
        w.minute += requests;
        w.hour += requests;
        w.day_count += requests;
        if (limits.per_day > 0) {
            d.remaining_today = std::max<std::int64_t>(0, limits.per_day - Combined(key_id, w).day_count);
        }
    }
    return d;
}

QuotaDecision QuotaTracker::Peek(std::int64_t key_id, const PlanLimits& limits, Instant now) {
    std::lock_guard lock(mutex_);
    return Decide(Combined(key_id, Roll(key_id, now)), limits, now, 1);
}

std::int64_t QuotaTracker::UsedThisHour(std::int64_t key_id, Instant now) {
    std::lock_guard lock(mutex_);
    return Combined(key_id, Roll(key_id, now)).hour;
}

QuotaDecision IpLimiter::Consume(const std::string& ip, Instant now) {
    QuotaDecision d;
    if (per_minute_ <= 0) {
        return d;
    }
    std::lock_guard lock(mutex_);
    const Instant minute = floor<minutes>(now);
    if (minute != window_start_) {
        window_start_ = minute;
        counts_.clear();  // bounded memory: one window's addresses at a time
    }
    auto& count = counts_[ip];
    if (count >= per_minute_) {
        d.allowed = false;
        d.reason = "too many requests without a valid API key from this address";
        d.retry_after_seconds = SecondsUntil(now, window_start_ + minutes{1});
        return d;
    }
    ++count;
    return d;
}

}  // namespace zakupai::billing
