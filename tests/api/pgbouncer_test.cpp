// The service through a real PgBouncer 1.18 in transaction pooling mode, which keeps no named
// prepared statements between transactions: migrations, a demo import, a portal sync and a
// concurrent mix of reads and writes from eight client connections over two server connections.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include "service.hpp"

namespace zakupai::test {
namespace {

namespace json = boost::json;

using PgBouncerTest = BackendApiTest;

// A PgBouncer for one test, stopped with it.
class PgBouncer {
public:
    PgBouncer(const std::string& postgres_url, int server_pool)
        : dir_((std::filesystem::temp_directory_path() / ("pgbouncer-" + std::to_string(::getpid()))).string()) {
        const auto started = Shell(std::string(ZAKUPAI_SOURCE_DIR) + "/scripts/pgbouncer-start " + dir_ + " " +
                                   postgres_url + " " + std::to_string(server_pool));
        if (started.exit_code == 0) {
            url_ = started.output.substr(0, started.output.find('\n'));
        }
        start_output_ = started.output;
    }
    ~PgBouncer() { Shell(std::string(ZAKUPAI_SOURCE_DIR) + "/scripts/pgbouncer-stop " + dir_); }
    PgBouncer(const PgBouncer&) = delete;
    PgBouncer& operator=(const PgBouncer&) = delete;
    const std::string& url() const { return url_; }
    const std::string& StartOutput() const { return start_output_; }
    // Rows of the admin console's SHOW CLIENTS or SHOW SERVERS for one database.
    long long Count(const std::string& what, const std::string& database) const {
        const std::string console = url_.substr(0, url_.rfind('/') + 1) + "pgbouncer";
        const auto shown = Shell("psql -XtA -F ' ' '" + console + "' -c 'SHOW " + what + "'");
        long long count = 0;
        std::istringstream lines(shown.output);
        for (std::string line; std::getline(lines, line);) {
            std::istringstream fields(line);
            std::string type;
            std::string user;
            std::string db;
            fields >> type >> user >> db;
            count += db == database ? 1 : 0;
        }
        return count;
    }

private:
    std::string dir_;
    std::string url_;
    std::string start_output_;
};

TEST_P(PgBouncerTest, TheServiceWorksThroughTransactionPoolingWithoutNamedPreparedStatements) {
    PgBouncer bouncer(db_->url(), 2);
    ASSERT_EQ(bouncer.url().rfind("postgresql://", 0), 0u) << bouncer.StartOutput();
    FakeOws ows(60);
    const std::map<std::string, std::string> through_bouncer{{"ZAKUPAI_DATABASE_URL", bouncer.url()},
                                                             {"ZAKUPAI_DATABASE_PREPARED_STATEMENTS", "off"},
                                                             {"ZAKUPAI_DATABASE_POOL_SIZE", "8"},
                                                             {"ZAKUPAI_THREADS", "4"},
                                                             {"ZAKUPAI_GOSZAKUP_URL", ows.url()},
                                                             {"ZAKUPAI_GOSZAKUP_TOKEN", FakeOws::kToken},
                                                             {"ZAKUPAI_GOSZAKUP_SYNC_INTERVAL_S", "0"},
                                                             {"ZAKUPAI_GOSZAKUP_RPS", "1000"}};
    const auto migrated = RunCli(*db_, {"migrate"}, through_bouncer);
    ASSERT_EQ(migrated.exit_code, 0) << migrated.output;
    const auto seeded = RunCli(*db_, {"seed-demo", "--lots", "200"}, through_bouncer);
    ASSERT_EQ(seeded.exit_code, 0) << seeded.output;
    Service& s = StartService(through_bouncer);
    EXPECT_NE(s.Log().find("postgresql (no prepared statements)"), std::string::npos);

    const auto synced = s.Call("POST", "/etl/goszakup/sync", R"({"full": true})", s.admin_key());
    ASSERT_EQ(synced.status, 200) << synced.body;
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM goszakup_lots"), 60);

    // Eight connections' worth of concurrent work: every statement kind the store runs (rowsets,
    // repeated statements, transactions) lands on whichever of the two server connections is free.
    // A key per client: 50 requests each stay inside the premium plan's 60 a minute.
    std::vector<std::string> keys;
    keys.reserve(4);
    for (int client = 0; client < 4; ++client) {
        keys.push_back(s.CreateKey(5005 + client, "premium"));
    }
    std::atomic<int> calculations{0};
    std::mutex failures_lock;
    std::vector<std::string> failures;
    auto expect = [&](const HttpResult& r, int status, const std::string& what) {
        if (r.status != status) {
            const std::lock_guard lock(failures_lock);
            failures.push_back(what + ": " + std::to_string(r.status) + " " + r.body);
        }
        return r.status == status;
    };
    std::vector<std::thread> clients;
    clients.reserve(4);
    for (int client = 0; client < 4; ++client) {
        clients.emplace_back([&, client] {
            const std::string& key = keys[static_cast<std::size_t>(client)];
            for (int i = 0; i < 10; ++i) {
                const std::string n = std::to_string(client * 100 + i);
                if (expect(s.Call("POST", "/calc/vat", R"({"amount": )" + std::to_string(1000 + i) + "}", key),
                           200,
                           "vat")) {
                    ++calculations;
                }
                expect(s.Call("GET", "/search/lots?query=" + PercentEncode("бумага") + "&limit=5", "", key),
                       200,
                       "search");
                expect(s.Call("GET", "/risk/explain/" + std::to_string(1 + (client * 10 + i) % 200), "", key),
                       200,
                       "explain");
                const auto saved =
                    s.Call("POST", "/search/saved", R"({"name": "s)" + n + R"(", "query": {"query": "бумага"}})", key);
                if (expect(saved, 201, "save search")) {
                    const auto id = json::parse(saved.body).as_object().at("id").as_int64();
                    expect(s.Call("DELETE", "/search/saved/" + std::to_string(id), "", key), 204, "delete search");
                }
                const auto created =
                    s.Call("POST",
                           "/billing/create_key",
                           R"({"tg_id": )" + std::to_string(70000 + client * 100 + i) + R"(, "plan": "free"})",
                           s.admin_key());
                expect(created, 200, "create key");
            }
        });
    }
    for (auto& t : clients) {
        t.join();
    }
    for (const auto& f : failures) {
        ADD_FAILURE() << f;
    }
    EXPECT_EQ(calculations.load(), 40);
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM users WHERE tg_id >= 70000"), 40);
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM saved_searches"), 0);
    // The pooling was real: the service's eight connections shared PgBouncer's two.
    const std::string name = db_->url().substr(db_->url().rfind('/') + 1);
    EXPECT_EQ(bouncer.Count("CLIENTS", name), 8);
    EXPECT_LE(bouncer.Count("SERVERS", name), 2);
    EXPECT_EQ(s.Log().find("prepared statement \""), std::string::npos) << s.Log();
    EXPECT_EQ(s.Stop(), 0);  // before PgBouncer goes; the recorder has written every calculation
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM finance_calcs WHERE kind = 'vat'"), 40);
}

INSTANTIATE_TEST_SUITE_P(Backends, PgBouncerTest, ::testing::Values(true), [](const auto& /*unused*/) {
    return "PostgreSQL";
});

}  // namespace
}  // namespace zakupai::test
