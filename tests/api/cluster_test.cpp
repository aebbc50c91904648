// Several instances on one PostgreSQL: exactly one leads (runs the portal sync and the other
// scheduled work), a standby takes over within the lease's TTL when the leader is killed, and at
// once when the leader stops cleanly.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <filesystem>
#include <sstream>
#include <thread>

#include "service.hpp"

namespace zakupai::test {
namespace {

using ClusterTest = BackendApiTest;

// The sum of a metric's samples in /metrics (every label set).
double Metric(const Service& s, const std::string& name) {
    std::istringstream lines(s.Call("GET", "/metrics").body);
    double sum = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(name + " ", 0) == 0 || line.rfind(name + "{", 0) == 0) {
            sum += std::stod(line.substr(line.rfind(' ') + 1));
        }
    }
    return sum;
}

// Waits up to `seconds` for `done`.
bool Eventually(const std::function<bool()>& done, int seconds = 6) {
    for (int i = 0; i < seconds * 20; ++i) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

TEST_P(ClusterTest, OneInstanceLeadsAndAStandbyTakesOverWhenItDies) {
    FakeOws ows(20);
    auto env = [&](const std::string& name) {
        std::map<std::string, std::string> e{{"ZAKUPAI_CLUSTER_INSTANCE", name},
                                             {"ZAKUPAI_CLUSTER_LEASE_TTL_MS", "1500"},
                                             {"ZAKUPAI_GOSZAKUP_URL", ows.url()},
                                             {"ZAKUPAI_GOSZAKUP_TOKEN", FakeOws::kToken},
                                             {"ZAKUPAI_GOSZAKUP_SYNC_INTERVAL_S", "1"},
                                             {"ZAKUPAI_GOSZAKUP_RPS", "1000"}};
        if (name != "alpha") {
            // Each instance keeps its own search index files.
            const std::string dir = db_->data_dir() + "/" + name;
            std::filesystem::create_directories(dir);
            e["ZAKUPAI_DATA_DIR"] = dir;
        }
        return e;
    };
    Service& alpha = StartService(env("alpha"));
    ASSERT_TRUE(alpha.WaitForLog("cluster: alpha is the leader")) << alpha.Log();
    Service beta(*db_, env("beta"));
    ASSERT_TRUE(beta.WaitForLog("cluster: beta stands by; the leader is alpha")) << beta.Log();
    EXPECT_EQ(Metric(alpha, "cluster_leader"), 1);
    EXPECT_EQ(Metric(beta, "cluster_leader"), 0);
    // The leader syncs the portal; the standby does not.
    EXPECT_TRUE(Eventually([&] { return Metric(alpha, "goszakup_sync_runs_total") >= 2; })) << alpha.Log();
    EXPECT_EQ(Metric(beta, "goszakup_sync_runs_total"), 0);

    // The leader dies without a word: the standby takes over once the lease (1.5 s) runs out.
    const auto killed = std::chrono::steady_clock::now();
    ASSERT_EQ(kill(alpha.pid(), SIGKILL), 0);
    ASSERT_TRUE(Eventually([&] { return Metric(beta, "cluster_leader") == 1; })) << beta.Log();
    const auto takeover = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
    EXPECT_LT(takeover, 3.5);  // TTL + one renewal period + scheduling slack
    EXPECT_TRUE(beta.WaitForLog("cluster: beta is the leader"));
    EXPECT_TRUE(Eventually([&] { return Metric(beta, "goszakup_sync_runs_total") >= 1; })) << beta.Log();

    // A clean stop hands over at once: the next standby does not wait out the TTL.
    Service gamma(*db_, env("gamma"));
    ASSERT_TRUE(gamma.WaitForLog("cluster: gamma stands by; the leader is beta")) << gamma.Log();
    EXPECT_EQ(beta.Stop(), 0);
    EXPECT_NE(beta.Log().find("cluster: beta gave up the leadership"), std::string::npos) << beta.Log();
    EXPECT_TRUE(Eventually([&] { return Metric(gamma, "cluster_leader") == 1; }, 2)) << gamma.Log();
    EXPECT_EQ(QueryText(*db_, "SELECT holder FROM leases WHERE name = 'leader'"), "gamma");
}

TEST_P(ClusterTest, AKeysDailyQuotaHoldsAcrossInstances) {
    const std::map<std::string, std::string> plans{{"ZAKUPAI_PLAN_FREE_PER_DAY", "30"},
                                                   {"ZAKUPAI_PLAN_FREE_PER_HOUR", "1000"},
                                                   {"ZAKUPAI_PLAN_FREE_PER_MINUTE", "1000"}};
    Service& alpha = StartService(plans);
    auto beta_env = plans;
    beta_env["ZAKUPAI_DATA_DIR"] = db_->data_dir() + "/beta";
    std::filesystem::create_directories(beta_env["ZAKUPAI_DATA_DIR"]);
    Service beta(*db_, beta_env);
    const std::string key = alpha.CreateKey(3030, "free");
    auto spend = [&](const Service& s, int n) {
        int allowed = 0;
        for (int i = 0; i < n; ++i) {
            const auto r = s.Call("POST", "/calc/vat", R"({"amount": 100})", key);
            allowed += r.status == 200 ? 1 : 0;
            EXPECT_TRUE(r.status == 200 || r.status == 429) << r.status << " " << r.body;
        }
        return allowed;
    };
    // Beta has seen the key before alpha spends: its own count alone would let 29 more through.
    EXPECT_EQ(spend(beta, 1), 1);
    EXPECT_EQ(spend(alpha, 20), 20);
    // Alpha's count reaches beta within its flush (0.2 s) and beta's refresh (1 s).
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));
    EXPECT_EQ(spend(beta, 20), 9);  // 30 a day in total, not 30 per instance
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));
    EXPECT_EQ(spend(alpha, 5), 0);
    const auto refused = alpha.Call("POST", "/calc/vat", R"({"amount": 100})", key);
    EXPECT_EQ(refused.status, 429);
    EXPECT_NE(refused.body.find("daily limit of 30 requests exceeded"), std::string::npos) << refused.body;
    // After a restart an instance continues from its own rows and still sees the other's.
    ASSERT_EQ(beta.Stop(), 0);
    beta.Start();
    EXPECT_EQ(spend(beta, 3), 0);
}

TEST_P(ClusterTest, LaggingReadsGoToTheReplicaAndWritesToThePrimary) {
    // A stand-in "replica" holding other lots than the primary: what the search index shows
    // proves where its catch-up read from.
    TestDatabase replica(true);
    ASSERT_EQ(RunCli(*db_, {"seed-demo", "--lots", "20"}, {}).exit_code, 0);
    ASSERT_EQ(RunCli(replica, {"seed-demo", "--lots", "5"}, {}).exit_code, 0);
    Service& s =
        StartService({{"ZAKUPAI_DATABASE_READ_URL", replica.url()}, {"ZAKUPAI_SEARCH_INDEX_INTERVAL_MS", "100"}});
    EXPECT_TRUE(s.WaitForLog("lagging reads from a replica")) << s.Log();
    auto indexed = [&] {
        const auto r = s.Call("GET", "/search/lots?limit=1", "", s.admin_key());
        return r.status == 200 ? boost::json::parse(r.body).at("total_count").to_number<long long>() : -1;
    };
    EXPECT_TRUE(Eventually([&] { return indexed() == 5; })) << indexed();
    // Writes and the reads right after them go to the primary.
    const std::string key = s.CreateKey(6060, "free");
    EXPECT_EQ(s.Call("GET", "/billing/me", "", key).status, 200);
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM users WHERE tg_id = 6060"), 1);
    EXPECT_EQ(QueryNumber(replica, "SELECT COUNT(*) FROM users WHERE tg_id = 6060"), 0);
    // A read URL that is not PostgreSQL is refused at start with the reason.
    const auto refused = RunCli(*db_, {"migrate"}, {{"ZAKUPAI_DATABASE_READ_URL", "sqlite:///tmp/x.db"}});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.output.find("ZAKUPAI_DATABASE_READ_URL: must start with postgresql://"), std::string::npos)
        << refused.output;
}

INSTANTIATE_TEST_SUITE_P(Backends, ClusterTest, ::testing::Values(true), [](const auto& /*unused*/) {
    return "PostgreSQL";
});

}  // namespace
}  // namespace zakupai::test
