#include <gtest/gtest.h>

#include "billing/internal/keys.hpp"
#include "billing/quota.hpp"

namespace zakupai::billing {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;

const Instant kNoonAlmaty = sys_days{std::chrono::year{2026} / 11 / 25} + hours{7};  // 12:00 UTC+5

TEST(Keys, AreRandomPrefixedAndHashedStably) {
    const std::string a = GenerateApiKey();
    const std::string b = GenerateApiKey();
    EXPECT_NE(a, b);
    EXPECT_EQ(a.size(), 3u + 43u);
    EXPECT_EQ(a.rfind("zk_", 0), 0u);
    EXPECT_TRUE(LooksLikeApiKey(a));
    EXPECT_EQ(HashApiKey("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(KeyPrefix(a), a.substr(0, 9));
    EXPECT_FALSE(LooksLikeApiKey("short"));
    EXPECT_FALSE(LooksLikeApiKey("zk_has spaces in it here"));
    EXPECT_FALSE(LooksLikeApiKey(std::string(300, 'a')));
}

TEST(Quota, MinuteHourAndDayWindows) {
    QuotaTracker quota(nullptr);
    const PlanLimits limits{5, 4, 2};
    Instant now = kNoonAlmaty;
    EXPECT_TRUE(quota.Consume(1, limits, now).allowed);
    EXPECT_TRUE(quota.Consume(1, limits, now).allowed);
    auto minute = quota.Consume(1, limits, now + seconds{15});
    EXPECT_FALSE(minute.allowed);
    EXPECT_EQ(minute.reason, "rate limit of 2 requests per minute exceeded");
    EXPECT_EQ(minute.retry_after_seconds, 45);
    now += minutes{1};
    EXPECT_TRUE(quota.Consume(1, limits, now).allowed);
    EXPECT_TRUE(quota.Consume(1, limits, now).allowed);
    auto hour = quota.Consume(1, limits, now + minutes{1});
    EXPECT_FALSE(hour.allowed);
    EXPECT_EQ(hour.reason, "hourly limit of 4 requests exceeded");
    EXPECT_EQ(hour.retry_after_seconds, 58 * 60);
    now += hours{1};
    EXPECT_TRUE(quota.Consume(1, limits, now).allowed);
    auto day = quota.Consume(1, limits, now);
    EXPECT_FALSE(day.allowed);
    EXPECT_EQ(day.reason, "daily limit of 5 requests exceeded");
    // The day ends at midnight in Almaty (19:00 UTC): 13:01 local -> 10 h 59 min left.
    EXPECT_EQ(day.retry_after_seconds, (10 * 60 + 59) * 60);
    EXPECT_EQ(day.remaining_today, 0);
    // Another key has its own windows; the next Almaty day starts afresh.
    EXPECT_TRUE(quota.Consume(2, limits, now).allowed);
    EXPECT_TRUE(quota.Consume(1, limits, sys_days{std::chrono::year{2026} / 11 / 25} + hours{19}).allowed);
}

TEST(Quota, RefusedRequestsAreNotCounted) {
    QuotaTracker quota(nullptr);
    const PlanLimits limits{0, 0, 1};
    EXPECT_TRUE(quota.Consume(1, limits, kNoonAlmaty).allowed);
    for (int i = 0; i < 5; ++i) EXPECT_FALSE(quota.Consume(1, limits, kNoonAlmaty).allowed);
    EXPECT_EQ(quota.UsedThisHour(1, kNoonAlmaty), 1);
    const PlanLimits unlimited{};
    for (int i = 0; i < 100; ++i) EXPECT_TRUE(quota.Consume(3, unlimited, kNoonAlmaty).allowed);
}

TEST(Quota, OtherInstancesCountsAddToThisOnesForTheSameHourAndDay) {
    QuotaTracker quota(nullptr);
    const PlanLimits limits{12, 6, 0};  // per day, per hour
    const Instant hour = std::chrono::floor<hours>(kNoonAlmaty);
    // Others: 3 this hour and 4 earlier today (7), 50 yesterday (Almaty), 9 for another key.
    quota.SetOthers({{1, hour, 3}, {1, hour - hours{2}, 4}, {1, hour - hours{24}, 50}, {2, hour, 9}}, kNoonAlmaty);
    EXPECT_EQ(quota.UsedThisHour(1, kNoonAlmaty), 3);
    auto first = quota.Consume(1, limits, kNoonAlmaty);
    EXPECT_TRUE(first.allowed);
    EXPECT_EQ(first.remaining_today, 12 - 7 - 1);
    EXPECT_TRUE(quota.Consume(1, limits, kNoonAlmaty).allowed);
    EXPECT_TRUE(quota.Consume(1, limits, kNoonAlmaty).allowed);  // 3 + 3 = the hour's 6
    auto hourly = quota.Consume(1, limits, kNoonAlmaty);
    EXPECT_FALSE(hourly.allowed);
    EXPECT_EQ(hourly.reason, "hourly limit of 6 requests exceeded");
    // The next hour the others' hour no longer counts; their day does: 7 + 3 + 2 = 12.
    const Instant next = kNoonAlmaty + hours{1};
    EXPECT_TRUE(quota.Consume(1, limits, next).allowed);
    EXPECT_TRUE(quota.Consume(1, limits, next).allowed);
    auto daily = quota.Consume(1, limits, next);
    EXPECT_FALSE(daily.allowed);
    EXPECT_EQ(daily.reason, "daily limit of 12 requests exceeded");
    // A fresh picture replaces the old one.
    quota.SetOthers({}, next);
    EXPECT_TRUE(quota.Consume(1, limits, next).allowed);
    EXPECT_TRUE(quota.Consume(2, limits, next).allowed);  // key 2's 9 are gone too
}

TEST(Quota, ContinuesFromStoredUsageAfterARestart) {
    int loads = 0;
    QuotaTracker quota([&](std::int64_t key, Instant since) -> std::int64_t {
        ++loads;
        EXPECT_EQ(key, 9);
        // 7 requests earlier today, 2 of them in this hour.
        return since == std::chrono::floor<hours>(kNoonAlmaty) ? 2 : 7;
    });
    const PlanLimits limits{8, 3, 0};
    EXPECT_TRUE(quota.Consume(9, limits, kNoonAlmaty).allowed);
    auto refused = quota.Consume(9, limits, kNoonAlmaty);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.reason, "daily limit of 8 requests exceeded");
    EXPECT_EQ(loads, 2);  // hour and day, once
}

TEST(IpLimiter, CountsPerAddressPerMinute) {
    IpLimiter limiter(2);
    EXPECT_TRUE(limiter.Consume("10.0.0.1", kNoonAlmaty).allowed);
    EXPECT_TRUE(limiter.Consume("10.0.0.1", kNoonAlmaty).allowed);
    auto refused = limiter.Consume("10.0.0.1", kNoonAlmaty + seconds{30});
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after_seconds, 30);
    EXPECT_TRUE(limiter.Consume("10.0.0.2", kNoonAlmaty).allowed);
    EXPECT_TRUE(limiter.Consume("10.0.0.1", kNoonAlmaty + minutes{1}).allowed);
    IpLimiter off(0);
    for (int i = 0; i < 10; ++i) EXPECT_TRUE(off.Consume("x", kNoonAlmaty).allowed);
}

}  // namespace
}  // namespace zakupai::billing
