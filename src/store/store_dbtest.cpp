// Runs against SQLite always and against PostgreSQL when ZAKUPAI_TEST_PG_URL is set (the test
// script starts a throwaway server and sets it; ZAKUPAI_REQUIRE_PG=1 makes its absence a failure).
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/billing_repository.hpp"
#include "store/database.hpp"
#include "store/lot_repository.hpp"
#include "store/records_repository.hpp"
#include "store/web_repository.hpp"
#include "store/write_behind.hpp"
#include "support/db_backend.hpp"

namespace zakupai::store {
namespace {

constexpr Instant kNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + std::chrono::hours{14};

using StoreTest = test::BackendTest;

TEST(PostgresUrl, BecomesKeywordConnectString) {
    EXPECT_EQ(PostgresConnectString("postgresql://zk:p%40ss@db.local:5433/zakupai?sslmode=require"),
              "user='zk' password='p@ss' host='db.local' port='5433' dbname='zakupai' sslmode='require'");
    EXPECT_EQ(PostgresConnectString("postgres://postgres@127.0.0.1/postgres"),
              "user='postgres' host='127.0.0.1' dbname='postgres'");
    EXPECT_EQ(PostgresConnectString("postgresql://u:it's@h/d"), "user='u' password='it\\'s' host='h' dbname='d'");
}

TEST_P(StoreTest, MigrationsApplyOnceAndAreIdempotent) {
    auto db = backend_->Open();
    EXPECT_EQ(Migrate(*db), 10);
    EXPECT_EQ(Migrate(*db), 0);
    EXPECT_EQ(SchemaVersion(*db), 10);
    EXPECT_TRUE(db->Ping());
}

TEST_P(StoreTest, WebSessionsExpireMoveWithTheirKeyAndEndEverywhere) {
    auto db = backend_->Open();
    Migrate(*db);
    BillingRepository billing(*db);
    WebRepository web(*db);
    const auto user = billing.EnsureUser(9001, "", Plan::kPremium, kNow);
    const auto key = billing.InsertKey(user.id, "k", "zk_web", "hash-web", Plan::kPremium, std::nullopt, kNow);
    const auto other_key = billing.InsertKey(user.id, "k2", "zk_web2", "hash-web2", Plan::kPremium, std::nullopt, kNow);
    web.CreateSession({"h1", key, user.id, "csrf-1", "ru"}, kNow, kNow + std::chrono::hours{1});
    web.CreateSession({"h2", key, user.id, "csrf-2", "kk"}, kNow, kNow + std::chrono::hours{48});
    const auto found = web.FindSession("h1", kNow + std::chrono::minutes{59});
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->key_id, key);
    EXPECT_EQ(found->csrf, "csrf-1");
    EXPECT_EQ(found->language, "ru");
    // Past its expiry a session is gone (and deleted on the way).
    EXPECT_FALSE(web.FindSession("h1", kNow + std::chrono::hours{1}).has_value());
    EXPECT_FALSE(web.FindSession("h1", kNow).has_value());
    web.SetLanguage("h2", "ru");
    web.MoveSessions(key, other_key);
    EXPECT_EQ(web.FindSession("h2", kNow)->key_id, other_key);
    EXPECT_EQ(web.FindSession("h2", kNow)->language, "ru");
    EXPECT_EQ(web.DeleteUserSessions(user.id), 1);
    EXPECT_FALSE(web.FindSession("h2", kNow).has_value());
    EXPECT_FALSE(web.FindSession("nothing", kNow).has_value());
}

TEST_P(StoreTest, KeysUsersAndPaymentsRoundTrip) {
    auto db = backend_->Open();
    Migrate(*db);
    BillingRepository repo(*db);
    const UserRecord user = repo.EnsureUser(777, "a@b.kz", Plan::kFree, kNow);
    EXPECT_EQ(repo.EnsureUser(777, "", Plan::kFree, kNow).id, user.id);  // same Telegram id, same user
    const auto key_id = repo.InsertKey(user.id, "k", "zk_abcdef", "hash-1", Plan::kFree, std::nullopt, kNow);
    auto key = repo.FindKeyByHash("hash-1");
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->id, key_id);
    EXPECT_EQ(Name(key->plan), "free");
    EXPECT_EQ(key->status, "active");
    EXPECT_EQ(key->tg_id, 777);
    EXPECT_FALSE(repo.FindKeyByHash("nope").has_value());

    const auto expiring =
        repo.InsertKey(user.id, "", "zk_x", "hash-2", Plan::kFree, kNow + std::chrono::hours{1}, kNow);
    EXPECT_EQ(repo.FindKey(expiring)->expires_at, kNow + std::chrono::hours{1});

    EXPECT_TRUE(repo.RevokeKey(key_id, kNow));
    EXPECT_FALSE(repo.RevokeKey(key_id, kNow));  // already revoked
    EXPECT_EQ(repo.FindKey(key_id)->status, "revoked");

    EXPECT_TRUE(repo.RecordPayment({user.id, 990000, Plan::kPremium, 30, "kaspi", "pay-1"}, kNow));
    EXPECT_FALSE(repo.RecordPayment({user.id, 990000, Plan::kPremium, 30, "kaspi", "pay-1"}, kNow));  // webhook retry
    EXPECT_EQ(Name(repo.FindUser(user.id)->plan), "premium");
    EXPECT_EQ(Name(repo.FindKey(expiring)->plan), "premium");
}

// A deferred SQLite transaction that reads and then writes fails at once with "database is locked"
// when another connection committed in between: the busy timeout cannot help a stale snapshot. CI
// met it when a key was created while a sync was writing.
TEST_P(StoreTest, ConcurrentReadThenWriteTransactionsAllSucceed) {
    auto db = backend_->Open();
    Migrate(*db);
    BillingRepository repo(*db);
    constexpr int kThreads = 3;
    constexpr int kUsersEach = 60;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kUsersEach; ++i) {
                try {
                    repo.EnsureUser(100000 + t * 1000 + i, "", Plan::kFree, kNow);
                } catch (const std::exception& e) {
                    ADD_FAILURE() << e.what();
                    ++failures;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(failures.load(), 0);
    Database::Lease s(*db);
    long long users = 0;
    *s << "SELECT COUNT(*) FROM users WHERE tg_id >= 100000", soci::into(users);
    EXPECT_EQ(users, kThreads * kUsersEach);
}

TEST_P(StoreTest, WriteBehindPersistsBatchesAndCountsUsage) {
    auto db = backend_->Open();
    Migrate(*db);
    BillingRepository repo(*db);
    const UserRecord user = repo.EnsureUser(std::nullopt, "", Plan::kFree, kNow);
    const auto key_id = repo.InsertKey(user.id, "", "zk_1", "h", Plan::kFree, std::nullopt, kNow);
    WriteBehind recorder(*db, {});
    const Instant hour = std::chrono::floor<std::chrono::hours>(kNow);
    for (int i = 0; i < 250; ++i) {
        recorder.Add(UsageRow{key_id, "/calc/vat", 1, hour});
        recorder.Add(
            AuditRow{key_id, user.id, "POST", "/calc/vat", 200, "r" + std::to_string(i), "127.0.0.1", 10, kNow});
        recorder.Add(FinanceCalcRow{"vat",
                                    i % 2 ? std::optional<std::int64_t>(i) : std::nullopt,
                                    R"({"amount":1})",
                                    R"({"vat":0.16})",
                                    "r",
                                    key_id,
                                    kNow});
    }
    recorder.Flush();
    EXPECT_EQ(repo.UsageSince(key_id, hour, ""), 250);
    EXPECT_EQ(repo.UsageSince(key_id, hour, "elsewhere"), 0);  // counted by this (unnamed) instance
    ASSERT_EQ(repo.OtherInstancesUsage("elsewhere", hour).size(), 1u);
    EXPECT_EQ(repo.OtherInstancesUsage("elsewhere", hour)[0].requests, 250);
    EXPECT_EQ(repo.OtherInstancesUsage("elsewhere", hour)[0].window_start, hour);
    EXPECT_TRUE(repo.OtherInstancesUsage("", hour).empty());
    EXPECT_EQ(repo.UsageSince(key_id, hour + std::chrono::hours{1}, ""), 0);
    EXPECT_EQ(repo.UserUsageSince(user.id, std::nullopt), 250);
    const auto stats = recorder.Stats();
    EXPECT_EQ(stats.written, 1u + 250u + 250u);  // usage rows are aggregated into one
    EXPECT_EQ(stats.dropped, 0u);
    Database::Lease s(*db);
    long long audits = 0;
    long long calcs = 0;
    long long with_lot = 0;
    *s << "SELECT COUNT(*) FROM audit_log", soci::into(audits);
    *s << "SELECT COUNT(*) FROM finance_calcs", soci::into(calcs);
    *s << "SELECT COUNT(*) FROM finance_calcs WHERE lot_id IS NOT NULL", soci::into(with_lot);
    EXPECT_EQ(audits, 250);
    EXPECT_EQ(calcs, 250);
    EXPECT_EQ(with_lot, 125);
}

// Found by a hostile probe: a flush that failed and was retried logged an ERROR though nothing
// was lost. ERROR is for rows dropped; a retry is a warning with its count.
TEST_P(StoreTest, AFailedFlushThatIsRetriedWarnsAndLosesNothing) {
    auto db = backend_->Open();
    Migrate(*db);
    auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(32);
    const auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
    {
        WriteBehind recorder(*db, {.flush_interval = std::chrono::hours{1}, .instance = ""});
        {
            Database::Lease s(*db);
            *s << "ALTER TABLE audit_log RENAME TO audit_log_away";
        }
        recorder.Add(AuditRow{0, 0, "GET", "/info", 200, "r-1", "127.0.0.1", 10, kNow});
        recorder.Flush();
        EXPECT_EQ(recorder.Stats().failed_flushes, 1U);
        EXPECT_EQ(recorder.Stats().queued, 1U);
        {
            Database::Lease s(*db);
            *s << "ALTER TABLE audit_log_away RENAME TO audit_log";
        }
        recorder.Flush();
        EXPECT_EQ(recorder.Stats().written, 1U);
        EXPECT_EQ(recorder.Stats().dropped, 0U);
    }
    spdlog::set_default_logger(previous);
    int warnings = 0;
    for (const auto& message : sink->last_raw()) {
        EXPECT_NE(message.level, spdlog::level::err)
            << std::string_view(message.payload.data(), message.payload.size());
        if (message.level == spdlog::level::warn) {
            ++warnings;
            EXPECT_NE(std::string_view(message.payload.data(), message.payload.size()).find("(retry 1), kept for"),
                      std::string_view::npos);
        }
    }
    EXPECT_EQ(warnings, 1);
    Database::Lease s(*db);
    long long audits = 0;
    *s << "SELECT COUNT(*) FROM audit_log WHERE request_id = 'r-1'", soci::into(audits);
    EXPECT_EQ(audits, 1);
}

TEST_P(StoreTest, KeptAnswersAreFirstWinsAndOldRecordsArePruned) {
    auto db = backend_->Open();
    Migrate(*db);
    RecordsRepository records(*db);
    EXPECT_FALSE(records.FindAnswer(7, "k-1").has_value());
    records.KeepAnswer(7, "k-1", {"/search/saved", "digest-a", 201, "application/json", R"({"id":1})"}, kNow);
    records.KeepAnswer(7, "k-1", {"/search/saved", "digest-b", 201, "application/json", R"({"id":2})"}, kNow);
    records.KeepAnswer(8, "k-1", {"/index", "digest-c", 200, "application/json", R"({"id":3})"}, kNow);
    const auto kept = records.FindAnswer(7, "k-1");
    ASSERT_TRUE(kept.has_value());
    EXPECT_EQ(kept->request_digest, "digest-a");
    EXPECT_EQ(kept->status, 201);
    EXPECT_EQ(kept->body, R"({"id":1})");
    EXPECT_EQ(records.FindAnswer(8, "k-1")->route, "/index");

    {
        WriteBehind recorder(*db, {});
        for (int days : {400, 366, 10, 0}) {
            recorder.Add(FinanceCalcRow{"vat", std::nullopt, "{}", "{}", "r", 0, kNow - std::chrono::days(days)});
        }
    }
    EXPECT_EQ(records.PruneFinanceCalcs(kNow - std::chrono::days(365)), 2);
    EXPECT_EQ(records.PruneFinanceCalcs(kNow - std::chrono::days(365)), 0);
    EXPECT_EQ(records.PruneAnswers(kNow + std::chrono::hours(1)), 2);
    EXPECT_FALSE(records.FindAnswer(7, "k-1").has_value());
    Database::Lease s(*db);
    long long calcs = 0;
    *s << "SELECT COUNT(*) FROM finance_calcs", soci::into(calcs);
    EXPECT_EQ(calcs, 2);
}

TEST_P(StoreTest, LotViewsKeepTheLatestPerKeyAndLotAndOldOnesArePruned) {
    auto db = backend_->Open();
    Migrate(*db);
    RecordsRepository records(*db);
    {
        WriteBehind recorder(*db, {});
        recorder.Add(LotViewRow{7, 100, kNow - std::chrono::days(100)});
        recorder.Add(LotViewRow{7, 101, kNow - std::chrono::minutes(5)});
        recorder.Add(LotViewRow{7, 102, kNow - std::chrono::minutes(3)});
        recorder.Add(LotViewRow{8, 103, kNow});
        recorder.Flush();
        // Seen again: moved to the front, one row still. An older view arriving late changes nothing.
        recorder.Add(LotViewRow{7, 101, kNow});
        recorder.Flush();
        recorder.Add(LotViewRow{7, 102, kNow - std::chrono::days(1)});
    }
    EXPECT_EQ(records.RecentLotViews(7, 5), (std::vector<std::int64_t>{101, 102, 100}));
    EXPECT_EQ(records.RecentLotViews(7, 1), (std::vector<std::int64_t>{101}));
    EXPECT_EQ(records.RecentLotViews(8, 5), (std::vector<std::int64_t>{103}));
    EXPECT_TRUE(records.RecentLotViews(9, 5).empty());
    EXPECT_EQ(records.PruneLotViews(kNow - std::chrono::days(90)), 1);
    EXPECT_EQ(records.RecentLotViews(7, 5), (std::vector<std::int64_t>{101, 102}));
}

TEST_P(StoreTest, DataSurvivesReopening) {
    {
        auto db = backend_->Open();
        Migrate(*db);
        LotRepository lots(*db);
        lots.InsertAll({{"070340007367", "ТОО «Тест»", "12345", "г. Астана"}},
                       {{"Бумага офисная А4",
                         "d",
                         123456,
                         kNow,
                         "070340007367",
                         "ГУ",
                         "PLN-1",
                         "published",
                         "tender",
                         "г. Астана",
                         "171912.100.000001",
                         "10",
                         "пачка"}},
                       {{"market_survey", "171912.100.000001", "Бумага", 260000, "070340007367", kNow}},
                       kNow);
    }
    auto db = backend_->Open();
    EXPECT_EQ(Migrate(*db), 0);
    const auto counts = LotRepository(*db).Counts();
    EXPECT_EQ(counts.lots, 1);
    EXPECT_EQ(counts.suppliers, 1);
    EXPECT_EQ(counts.prices, 1);
}

TEST_P(StoreTest, FailedBulkLoadLeavesNothingBehind) {
    auto db = backend_->Open();
    Migrate(*db);
    LotRepository lots(*db);
    // The second supplier repeats the primary key: the whole load must roll back.
    EXPECT_ANY_THROW(lots.InsertAll({{"070340007367", "A", "", ""}, {"070340007367", "B", "", ""}},
                                    {{"t", "d", 1, kNow, "", "", "", "", "", "", "", "", ""}},
                                    {},
                                    kNow));
    const auto counts = lots.Counts();
    EXPECT_EQ(counts.lots, 0);
    EXPECT_EQ(counts.suppliers, 0);
}

TEST_P(StoreTest, DeletingALotCascadesToItsPriceLinks) {
    auto db = backend_->Open();
    Migrate(*db);
    LotRepository(*db).InsertAll(
        {}, {{"t", "d", 1, kNow, "", "", "", "", "", "", "", "", ""}}, {{"s", "sku", "t", 1, "", kNow}}, kNow);
    Database::Lease s(*db);
    *s << "INSERT INTO lot_prices (lot_id, price_id, qty) SELECT l.id, p.id, 2 FROM lots l, prices p";
    *s << "DELETE FROM lots";
    long long links = -1;
    *s << "SELECT COUNT(*) FROM lot_prices", soci::into(links);
    EXPECT_EQ(links, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? "PostgreSQL" : "SQLite";
});

}  // namespace
}  // namespace zakupai::store
