// The leader lease on both backends: one holder at a time, renewal, takeover after expiry,
// release, and a race of many instances for a free lease won by exactly one.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/lease_repository.hpp"
#include "support/db_backend.hpp"

namespace zakupai::store {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr Instant kNow = std::chrono::sys_days{std::chrono::year{2026} / 12 / 7} + std::chrono::hours{9};

using LeaseTest = test::BackendTest;

TEST_P(LeaseTest, OneHolderAtATimeRenewedTakenOverAfterExpiryAndReleased) {
    auto db = backend_->Open();
    Migrate(*db);
    LeaseRepository leases(*db);
    EXPECT_FALSE(leases.Find("leader").has_value());
    EXPECT_TRUE(leases.Hold("leader", "a", kNow, seconds{15}));
    EXPECT_FALSE(leases.Hold("leader", "b", kNow + seconds{14}, seconds{15}));
    // a renews: the lease now runs to +25 s, and b still waits.
    EXPECT_TRUE(leases.Hold("leader", "a", kNow + seconds{10}, seconds{15}));
    EXPECT_FALSE(leases.Hold("leader", "b", kNow + seconds{24}, seconds{15}));
    auto held = leases.Find("leader");
    ASSERT_TRUE(held.has_value());
    EXPECT_EQ(held->holder, "a");
    EXPECT_EQ(held->acquired_at, kNow);
    EXPECT_EQ(held->expires_at, kNow + seconds{25});
    // a stops renewing (dead): after expiry b takes it, and a cannot take it back (times kept to
    // the second).
    EXPECT_TRUE(leases.Hold("leader", "b", kNow + seconds{26}, seconds{15}));
    EXPECT_FALSE(leases.Hold("leader", "a", kNow + seconds{30}, seconds{15}));
    EXPECT_EQ(leases.Find("leader")->holder, "b");
    EXPECT_EQ(leases.Find("leader")->acquired_at, kNow + seconds{26});
    // Only the holder releases; then anyone may take it at once.
    leases.Release("leader", "a");
    EXPECT_FALSE(leases.Hold("leader", "a", kNow + seconds{31}, seconds{15}));
    leases.Release("leader", "b");
    EXPECT_TRUE(leases.Hold("leader", "a", kNow + seconds{31}, seconds{15}));
    // Leases are independent by name.
    EXPECT_TRUE(leases.Hold("other", "b", kNow + seconds{31}, seconds{15}));
}

TEST_P(LeaseTest, AmongManyInstancesRacingForAFreeLeaseExactlyOneWins) {
    auto db = backend_->Open();
    Migrate(*db);
    for (int round = 0; round < 5; ++round) {
        const Instant at = kNow + std::chrono::minutes{round};  // each round after the last expired
        std::atomic<int> winners{0};
        std::vector<std::thread> instances;
        instances.reserve(6);
        for (int i = 0; i < 6; ++i) {
            instances.emplace_back([&, i] {
                LeaseRepository leases(*db);
                winners += leases.Hold("leader", "instance-" + std::to_string(i), at, seconds{15}) ? 1 : 0;
            });
        }
        for (auto& t : instances) {
            t.join();
        }
        EXPECT_EQ(winners.load(), 1) << "round " << round;
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, LeaseTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? "PostgreSQL" : "SQLite";
});

}  // namespace
}  // namespace zakupai::store
