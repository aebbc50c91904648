// Goszakup sync and RNU checks, black-box: the real binary against the fake portal, on SQLite
// and PostgreSQL. Faults are injected through the fake's control API.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "service.hpp"
#include "store/database.hpp"
#include "support/xlsx_maker.hpp"

namespace zakupai::test {
namespace {

namespace json = boost::json;

json::object Body(const HttpResult& r) {
    return json::parse(r.body).as_object();
}

std::int64_t Int(const json::object& o, const char* key) {
    return o.at(key).as_int64();
}

class IngestTest : public BackendApiTest {
protected:
    std::map<std::string, std::string> PortalEnv(const FakeOws& ows, std::map<std::string, std::string> extra = {}) {
        std::map<std::string, std::string> env{{"ZAKUPAI_GOSZAKUP_URL", ows.url()},
                                               {"ZAKUPAI_GOSZAKUP_TOKEN", FakeOws::kToken},
                                               {"ZAKUPAI_GOSZAKUP_SYNC_INTERVAL_S", "0"},
                                               {"ZAKUPAI_GOSZAKUP_RPS", "1000"},
                                               {"ZAKUPAI_GOSZAKUP_BACKOFF_MS", "10"},
                                               {"ZAKUPAI_GOSZAKUP_TIMEOUT_MS", "700"},
                                               {"ZAKUPAI_GOSZAKUP_MAX_RETRIES", "3"}};
        for (auto& [k, v] : extra) env[k] = v;
        return env;
    }
    HttpResult Sync(const std::string& body = "") {
        return service_->Call("POST", "/etl/goszakup/sync", body, service_->admin_key());
    }
    long long Scalar(const std::string& sql) { return QueryNumber(*db_, sql); }
};

TEST_P(IngestTest, FullLoadThenIncrementalRunsRecordChangesOnce) {
    FakeOws ows(450);
    Service& s = StartService(PortalEnv(ows));
    auto first = Sync();
    ASSERT_EQ(first.status, 200) << first.body;
    auto report = Body(first);
    EXPECT_EQ(report.at("status").as_string(), "ok");
    EXPECT_EQ(report.at("mode").as_string(), "full");
    EXPECT_EQ(Int(report, "fetched"), 450);
    EXPECT_EQ(Int(report, "inserted"), 450);
    EXPECT_EQ(Int(report, "updated"), 0);
    EXPECT_EQ(Int(report, "pages"), 3);  // 200 + 200 + 50
    EXPECT_EQ(Int(report, "errors"), 0);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM goszakup_lots"), 450);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM lots"), 450);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM goszakup_lots g JOIN lots l ON l.id = g.lot_id WHERE l.price = g.amount"),
              450);
    // lots.method holds the code the calculators use; goszakup_lots.method keeps the portal's name.
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM lots WHERE method IN ('tender', 'auction', 'price_offers', "
                     "'single_source')"),
              450);

    // A repeated run changes nothing: the overlap window re-reads rows, all unchanged.
    auto second = Body(Sync());
    EXPECT_EQ(second.at("mode").as_string(), "incremental");
    EXPECT_EQ(Int(second, "inserted"), 0);
    EXPECT_EQ(Int(second, "updated"), 0);
    EXPECT_EQ(Int(second, "unchanged"), 450);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM goszakup_lots"), 450);

    const long long last_event = Scalar("SELECT MAX(id) FROM goszakup_lot_events");
    ows.Control("change", R"({"id": 40000007, "status": 370, "amount": 1234.5})");
    ows.Control("add", R"({"count": 2})");
    auto third = Body(Sync());
    EXPECT_EQ(Int(third, "inserted"), 2);
    EXPECT_EQ(Int(third, "updated"), 1);
    EXPECT_EQ(Int(third, "events"), 4);  // status + amount + two created
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM goszakup_lots"), 452);
    EXPECT_EQ(Scalar("SELECT amount FROM goszakup_lots WHERE source_id = 40000007"), 123450);
    EXPECT_EQ(Scalar("SELECT l.price FROM lots l JOIN goszakup_lots g ON g.lot_id = l.id WHERE g.source_id = 40000007"),
              123450);

    auto events = s.Call("GET", "/etl/goszakup/events?after=" + std::to_string(last_event), "", s.admin_key());
    ASSERT_EQ(events.status, 200) << events.body;
    const auto list = Body(events).at("events").as_array();
    ASSERT_EQ(list.size(), 4u);
    std::map<std::string, json::object> by_kind;
    for (const auto& e : list) by_kind[std::string(e.at("kind").as_string())] = e.as_object();
    EXPECT_EQ(by_kind["status"].at("new").as_string(), "ResultNotCompleted");
    EXPECT_EQ(by_kind["amount"].at("new").as_string(), "123450");
    EXPECT_EQ(by_kind["status"].at("lot_number").as_string(), by_kind["amount"].at("lot_number").as_string());
    EXPECT_TRUE(by_kind["created"].at("old").is_null());
    // A new reader starts from now: no events, and the newest one's id to ask after next time.
    auto latest = s.Call("GET", "/etl/goszakup/events?after=latest", "", s.admin_key());
    ASSERT_EQ(latest.status, 200) << latest.body;
    EXPECT_TRUE(Body(latest).at("events").as_array().empty());
    EXPECT_EQ(Body(latest).at("next_after").as_int64(), Scalar("SELECT MAX(id) FROM goszakup_lot_events"));
    EXPECT_EQ(s.Call("GET", "/etl/goszakup/events?after=-1", "", s.admin_key()).status, 422);
    EXPECT_EQ(s.Call("GET", "/etl/goszakup/events?after=newest", "", s.admin_key()).status, 422);
    EXPECT_EQ(s.Call("GET", "/etl/goszakup/events", "", s.CreateKey(5001, "premium")).status, 403);

    // The run state and data survive a restart; the next run is incremental, not full.
    EXPECT_EQ(s.Stop(), 0);
    s.Start();
    auto after_restart = Body(Sync());
    EXPECT_EQ(after_restart.at("mode").as_string(), "incremental");
    EXPECT_EQ(Int(after_restart, "inserted"), 0);
    const auto metrics = s.Call("GET", "/metrics").body;
    EXPECT_NE(metrics.find("goszakup_lots_total 452"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("goszakup_sync_duration_seconds_count 1"), std::string::npos);
    EXPECT_NE(metrics.find("goszakup_sync_last_success_timestamp_seconds "), std::string::npos);
}

struct FaultCase {
    const char* injected;
    const char* counted_as;
};

TEST_P(IngestTest, EveryPortalFaultIsRetriedAndCounted) {
    FakeOws ows(60);
    Service& s = StartService(PortalEnv(ows, {{"ZAKUPAI_GOSZAKUP_PAGE_SIZE", "20"}}));
    const std::vector<FaultCase> cases{{"timeout", "timeout"},
                                       {"reset", "connection"},
                                       {"truncated", "truncated"},
                                       {"403", "http_403"},
                                       {"500", "http_5xx"},
                                       {"503", "http_5xx"},
                                       {"malformed", "malformed_json"},
                                       {"graphql_errors", "graphql_errors"},
                                       {"empty_page", "empty_page"}};
    for (const auto& c : cases) {
        ows.Control("fault", std::string(R"({"kind": ")") + c.injected + R"(", "count": 1, "delay_ms": 1500})");
        auto run = Sync(R"({"full": true})");
        ASSERT_EQ(run.status, 200) << c.injected << ": " << run.body;
        auto report = Body(run);
        EXPECT_EQ(Int(report, "fetched"), 60) << c.injected;
        const auto metrics = s.Call("GET", "/metrics").body;
        EXPECT_NE(metrics.find(std::string("goszakup_sync_errors_total{kind=\"") + c.counted_as + "\"}"),
                  std::string::npos)
            << c.injected << "\n"
            << metrics;
    }
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM goszakup_lots"), 60);

    // 429 with Retry-After: the client waits at least that long before asking again.
    ows.Control("fault", R"({"kind": "429", "count": 1, "retry_after": 1})");
    const auto started = std::chrono::steady_clock::now();
    ASSERT_EQ(Sync(R"({"full": true})").status, 200);
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1000));
    const auto metrics = s.Call("GET", "/metrics").body;
    EXPECT_NE(metrics.find("goszakup_sync_errors_total{kind=\"http_429\"} 1"), std::string::npos);
    EXPECT_NE(metrics.find("goszakup_sync_runs_total{outcome=\"ok\"} 10"), std::string::npos);
    if (std::system("command -v promtool >/dev/null 2>&1") == 0) {
        const std::string path = db_->data_dir() + "/metrics.txt";
        std::ofstream(path) << metrics;
        EXPECT_EQ(std::system(("promtool check metrics < " + path + " > " + path + ".out 2>&1").c_str()), 0)
            << std::ifstream(path + ".out").rdbuf();
    }
}

TEST_P(IngestTest, AnOutageStopsTheRunAndTheNextRunResumesWithoutLoss) {
    FakeOws ows(100);
    StartService(PortalEnv(ows, {{"ZAKUPAI_GOSZAKUP_PAGE_SIZE", "20"}}));
    ASSERT_EQ(Sync().status, 200);  // dictionaries loaded, 100 lots
    ows.Control("add", R"({"count": 100})");
    // Page 1 passes (an empty fault), then every attempt at page 2 fails (1 try + 3 retries).
    ows.Control("fault", R"({"kind": "", "count": 1})");
    ows.Control("fault", R"({"kind": "500", "count": 4})");
    auto failed = Sync(R"({"full": true})");
    ASSERT_EQ(failed.status, 502) << failed.body;
    EXPECT_EQ(Body(failed).at("error").at("code").as_string(), "bad_gateway");
    EXPECT_NE(Body(failed).at("error").at("message").as_string().find("http_5xx"), std::string::npos);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM goszakup_lots"), 120);
    auto resumed = Body(Sync());
    EXPECT_TRUE(resumed.at("resumed").as_bool());
    EXPECT_EQ(resumed.at("mode").as_string(), "full");
    EXPECT_EQ(Int(resumed, "inserted"), 80);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM goszakup_lots"), 200);
    EXPECT_EQ(Scalar("SELECT COUNT(DISTINCT lot_number) FROM goszakup_lots"), 200);
}

TEST_P(IngestTest, AChangeThePortalIndexedLateIsPickedUpByTheNextRun) {
    FakeOws ows(30);
    Service& s = StartService(PortalEnv(ows));
    auto first = Body(Sync());
    ASSERT_EQ(first.at("mode").as_string(), "full");
    EXPECT_EQ(Int(first, "inserted"), 30);
    // The lot changed at the source 40 minutes ago, but the portal indexed the change only now:
    // its lastUpdateDate is before the last run (less the 15-minute overlap), its indexDate
    // after. A run asking for lastUpdateDate since our last run never sees it.
    ows.Control("change", R"({"id": 40000011, "amount": 4321.5, "last_update_offset_s": -2400, "index_offset_s": 1})");
    // The watermark is kept in the database: a restart in between changes nothing.
    ASSERT_EQ(s.Stop(), 0);
    s.Start();
    auto second = Body(Sync());
    EXPECT_EQ(second.at("mode").as_string(), "incremental");
    EXPECT_EQ(Int(second, "updated"), 1);
    EXPECT_EQ(Int(second, "inserted"), 0);
    EXPECT_EQ(Scalar("SELECT amount FROM goszakup_lots WHERE source_id = 40000011"), 432150);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM goszakup_lot_events WHERE kind = 'amount'"), 1);
    // The mark is the portal's date (Almaty time, as the data carries it), never our clock.
    const std::string mark = QueryText(*db_, "SELECT watermark FROM sync_state WHERE name = 'goszakup_lots'");
    EXPECT_EQ(mark.size(), 19u);
    EXPECT_GE(mark, QueryText(*db_, "SELECT MAX(index_date) FROM goszakup_lots").substr(0, 19));
}

TEST_P(IngestTest, AKilledCliRunResumesWithNoDuplicatesAndNothingLost) {
    FakeOws ows(600);
    auto env = PortalEnv(ows, {{"ZAKUPAI_GOSZAKUP_PAGE_SIZE", "10"}, {"ZAKUPAI_GOSZAKUP_RPS", "40"}});
    // 60 pages at 40 requests per second take about 1.5 s; kill it once some pages have landed
    // (not after a guessed time: a slow start-up or migration on a busy machine would make the
    // kill come before the first page or after the last).
    auto killed = RunCli(*db_, {"sync", "goszakup"}, env, [&] {
        try {
            return QueryNumber(*db_, "SELECT COUNT(*) FROM goszakup_lots") >= 100;
        } catch (const std::exception&) {
            return false;  // not migrated yet
        }
    });
    EXPECT_EQ(killed.exit_code, -9);
    const long long partial = Scalar("SELECT COUNT(*) FROM goszakup_lots");
    EXPECT_GT(partial, 0);
    EXPECT_LT(partial, 600);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sync_state WHERE mode = 'full' AND cursor IS NOT NULL"), 1);

    env["ZAKUPAI_GOSZAKUP_RPS"] = "1000";
    auto resumed = RunCli(*db_, {"sync", "goszakup"}, env);
    EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
    EXPECT_NE(resumed.output.find("goszakup sync of lots done (full, resumed)"), std::string::npos) << resumed.output;
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM goszakup_lots"), 600);
    EXPECT_EQ(Scalar("SELECT COUNT(DISTINCT lot_number) FROM goszakup_lots"), 600);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM lots"), 600);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM goszakup_lot_events WHERE kind = 'created'"), 600);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sync_state WHERE mode IS NULL AND last_success_at IS NOT NULL"), 1);

    auto bad = RunCli(*db_, {"sync", "goszakup", "--since", "25.11.2026"}, env);
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.output.find("--since must be a date YYYY-MM-DD"), std::string::npos);
}

TEST_P(IngestTest, TheRequestRateStaysUnderTheCap) {
    FakeOws ows(200);
    StartService(PortalEnv(ows, {{"ZAKUPAI_GOSZAKUP_PAGE_SIZE", "10"}, {"ZAKUPAI_GOSZAKUP_RPS", "8"}}));
    const auto started = std::chrono::steady_clock::now();
    HttpResult first;
    std::thread starter([&] { first = Sync(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    // The run holds no I/O thread: other requests are answered at once meanwhile.
    for (int i = 0; i < 6; ++i) {
        const auto asked = std::chrono::steady_clock::now();
        EXPECT_EQ(service_->Call("GET", "/health").status, 200);
        EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::milliseconds(300));
    }
    // A second caller while the run is going joins it instead of starting another.
    auto second = Sync();
    starter.join();
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(first.status, 200) << first.body;
    ASSERT_EQ(second.status, 200) << second.body;
    EXPECT_FALSE(Body(first).at("joined").as_bool());
    EXPECT_TRUE(Body(second).at("joined").as_bool());
    EXPECT_EQ(Int(Body(second), "inserted"), 200);
    const auto stats = json::parse(ows.Control("stats")).as_object();
    // 4 dictionaries + 20 pages = 24 requests at 8 per second: about 3 s, never more than
    // 8 (+1 at the window's edge) in any one second.
    EXPECT_EQ(Int(stats, "requests"), 24);
    EXPECT_LE(Int(stats, "max_per_second"), 9);
    EXPECT_GE(elapsed, std::chrono::milliseconds(2700));
}

TEST_P(IngestTest, ParticipantsSyncIntoSuppliers) {
    FakeOws ows(10);  // and 50 participants
    Service& s = StartService(PortalEnv(ows, {{"ZAKUPAI_GOSZAKUP_PAGE_SIZE", "20"}}));
    auto first = Sync(R"({"register": "subjects"})");
    ASSERT_EQ(first.status, 200) << first.body;
    auto report = Body(first);
    EXPECT_EQ(report.at("what").as_string(), "subjects");
    EXPECT_EQ(report.at("mode").as_string(), "full");
    EXPECT_EQ(Int(report, "inserted"), 50);
    EXPECT_EQ(Int(report, "pages"), 3);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM suppliers WHERE is_supplier = 1 AND name LIKE '%Участник%'"), 50);
    auto again = Body(s.Call("POST", "/etl/goszakup/sync?register=subjects", "", s.admin_key()));
    EXPECT_EQ(again.at("mode").as_string(), "incremental");
    EXPECT_EQ(Int(again, "unchanged"), 50);
    EXPECT_EQ(Int(again, "inserted"), 0);
    // The lots register keeps its own state: its first run is still a full one.
    EXPECT_EQ(Body(Sync()).at("mode").as_string(), "full");
    auto bad = s.Call("POST", "/etl/goszakup/sync", R"({"register": "tenders"})", s.admin_key());
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(Body(bad).at("error").at("details").at(0).at("field").as_string(), "register");
    auto cli = RunCli(*db_, {"sync", "subjects"}, PortalEnv(ows));
    EXPECT_EQ(cli.exit_code, 0) << cli.output;
    EXPECT_NE(cli.output.find("goszakup sync of subjects done (incremental)"), std::string::npos) << cli.output;
}

TEST_P(IngestTest, ContractsAndBidsFeedTheRiskEngine) {
    FakeOws ows(30);
    Service& s = StartService(PortalEnv(ows));
    ASSERT_EQ(Sync().status, 200);
    const long long source = Scalar("SELECT MAX(source_id) FROM goszakup_lots");
    const long long lot = Scalar("SELECT lot_id FROM goszakup_lots WHERE source_id = " + std::to_string(source));
    const std::string supplier = "160440007161";
    const std::string other = "000740001307";
    // Ten contracts of the lot's customer this year, nine with one supplier; the first one
    // raised by 20% without a ground.
    for (int i = 0; i < 10; ++i) {
        ows.Control("contract",
                    json::serialize(json::object{{"id", 7000 + i},
                                                 {"lotId", source},
                                                 {"supplierBiin", i == 9 ? other : supplier},
                                                 {"contractNumber", "Д-" + std::to_string(i)},
                                                 {"contractSum", 1000.5},
                                                 {"contractSumWnds", 1160.58}}));
    }
    ows.Control("contract",
                R"({"id": 7100, "parentId": 7000, "lotId": )" + std::to_string(source) + R"(, "supplierBiin": ")" +
                    supplier +
                    R"(", "contractNumber": "Д-0/1", "contractSum": 1200.6, "refAmendmAgreemJustifId": [3]})");
    auto synced = s.Call("POST", "/etl/goszakup/sync", R"({"register": "contracts"})", s.admin_key());
    ASSERT_EQ(synced.status, 200) << synced.body;
    EXPECT_EQ(Body(synced).at("what").as_string(), "contracts");
    EXPECT_EQ(Int(Body(synced), "inserted"), 11);
    EXPECT_EQ(Scalar("SELECT amount FROM contracts WHERE source_id = 7100"), 120060);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM contracts WHERE parent_source_id = 7000"), 1);

    const std::string premium = s.CreateKey(9101, "premium");
    const std::string bids_path = "/lots/" + std::to_string(lot) + "/bids";
    auto put = s.Call("PUT",
                      bids_path,
                      R"({"bids": [{"supplier_bin": ")" + supplier + R"(", "price": 900000, "status": "winner"},
                                   {"supplier_bin": ")" +
                          other + R"(", "price": 904500}],
                          "source": "протокол итогов"})",
                      premium);
    ASSERT_EQ(put.status, 200) << put.body;
    auto scored = Body(put);
    std::map<std::string, std::string> status;
    std::map<std::string, json::object> finding;
    for (const auto& f : scored.at("indicators").as_array()) {
        status[std::string(f.at("id").as_string())] = std::string(f.at("status").as_string());
        finding[std::string(f.at("id").as_string())] = f.as_object();
    }
    EXPECT_EQ(status["close_second_bid"], "triggered");  // 0.5% apart
    EXPECT_EQ(status["amendment_increase"], "triggered");
    EXPECT_EQ(status["customer_concentration"], "triggered");  // 9 of 10
    EXPECT_EQ(status["single_bid"], "clear");
    EXPECT_EQ(status["identical_bids"], "clear");
    EXPECT_EQ(finding["amendment_increase"].at("evidence").at("увеличено").as_string(),
              "договор Д-0/1: 1\u00a0000,50\u00a0₸ → 1\u00a0200,60\u00a0₸ (+20%), основание 3");
    EXPECT_EQ(finding["customer_concentration"].at("evidence").at("доля").as_string(), "90%");
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM lot_bids WHERE lot_id = " + std::to_string(lot)), 2);

    // Bad bids: each problem named, nothing written.
    auto duplicate = s.Call("PUT",
                            bids_path,
                            R"({"bids": [{"supplier_bin": ")" + supplier + R"(", "price": 1},
                                         {"supplier_bin": ")" +
                                supplier + R"(", "price": 2}]})",
                            premium);
    ASSERT_EQ(duplicate.status, 422) << duplicate.body;
    EXPECT_EQ(Body(duplicate).at("error").at("details").at(0).at("field").as_string(), "bids[1].supplier_bin");
    auto bad_bin = s.Call("PUT", bids_path, R"({"bids": [{"supplier_bin": "160440007162", "price": 1}]})", premium);
    EXPECT_EQ(bad_bin.status, 422);
    EXPECT_EQ(Body(bad_bin).at("error").at("details").at(0).at("field").as_string(), "bids[0].supplier_bin");
    auto two_winners = s.Call("PUT",
                              bids_path,
                              R"({"bids": [{"supplier_bin": ")" + supplier + R"(", "price": 1, "status": "winner"},
                                           {"supplier_bin": ")" +
                                  other + R"(", "price": 2, "status": "winner"}]})",
                              premium);
    EXPECT_EQ(Body(two_winners).at("error").at("details").at(0).at("field").as_string(), "bids");
    EXPECT_EQ(s.Call("PUT", bids_path, R"({"bids": "many"})", premium).status, 422);
    EXPECT_EQ(s.Call("PUT", bids_path, R"({})", premium).status, 422);
    EXPECT_EQ(s.Call("PUT", bids_path, R"({"bids": [)", premium).status, 400);
    EXPECT_EQ(s.Call("PUT", "/lots/999999/bids", R"({"bids": []})", premium).status, 404);
    EXPECT_EQ(s.Call("PUT", bids_path, R"({"bids": []})", s.CreateKey(9102, "free")).status, 403);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM lot_bids WHERE lot_id = " + std::to_string(lot)), 2);

    // The supplier's record, and the explanation in Kazakh.
    auto record = Body(s.Call("GET", "/risk/suppliers/" + supplier, "", premium));
    EXPECT_EQ(Int(record, "contracts"), 9);
    EXPECT_EQ(Int(record, "customers"), 1);
    EXPECT_EQ(Int(record, "amendments_raising_amount"), 1);
    EXPECT_EQ(Int(record, "wins"), 1);
    EXPECT_EQ(record.at("contracts_amount").to_number<double>(), 9004.5);
    EXPECT_GE(Int(record, "evaluated"), 1);
    EXPECT_EQ(s.Call("GET", "/risk/suppliers/16044000716", "", premium).status, 422);
    auto kk = s.Call("GET", "/risk/explain/" + std::to_string(lot) + "?lang=kk", "", premium);
    ASSERT_EQ(kk.status, 200) << kk.body;
    EXPECT_NE(Body(kk).at("summary_kz").as_string().find("Тәуекел бағасы"), std::string::npos);
    EXPECT_EQ(s.Call("GET", "/risk/explain/" + std::to_string(lot) + "?lang=de", "", premium).status, 422);
    auto customer =
        Body(s.Call("GET",
                    "/risk/customers/" + std::string(record.at("top_customers").at(0).at("customer_bin").as_string()),
                    "",
                    premium));
    EXPECT_EQ(customer.at("concentration").at(0).at("top_supplier_bin").as_string(), supplier);

    // Bids and contracts survive a restart; a rules file changes the weights without a rebuild.
    EXPECT_EQ(s.Stop(), 0);
    const std::string rules_file = db_->data_dir() + "/risk.json";
    std::ofstream(rules_file) << R"({"indicators": {"close_second_bid": {"weight": 40}}})";
    Service& again = StartService(PortalEnv(ows, {{"ZAKUPAI_RISK_RULES_FILE", rules_file}}));
    auto rescored = Body(again.Call("POST", "/risk/score/" + std::to_string(lot), "", premium));
    std::int64_t sum = 0;
    for (const auto& f : rescored.at("indicators").as_array()) {
        if (f.at("id").as_string() == "close_second_bid") {
            EXPECT_EQ(f.at("weight").as_int64(), 40);
            EXPECT_EQ(f.at("status").as_string(), "triggered");
        }
        sum += f.at("status").as_string() == "triggered" ? f.at("weight").as_int64() : 0;
    }
    EXPECT_EQ(rescored.at("score").as_int64(), std::min<std::int64_t>(sum, 100));
    EXPECT_GT(sum, scored.at("score").as_int64());
    auto rules = Body(again.Call("GET", "/risk/rules", "", premium));
    EXPECT_EQ(rules.at("indicators").at("close_second_bid").at("weight").as_int64(), 40);
    EXPECT_EQ(rules.at("indicators").at("close_second_bid").at("params").at("max_gap").to_number<double>(), 0.01);
    EXPECT_EQ(again.Stop(), 0);
    std::ofstream(rules_file) << R"({"indicators": {"close_second_bid": {"wieght": 40}}})";
    auto refused = RunCli(*db_, {"risk", "rescore"}, {{"ZAKUPAI_RISK_RULES_FILE", rules_file}});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.output.find("indicators.close_second_bid.wieght"), std::string::npos) << refused.output;
}

TEST_P(IngestTest, TheSchedulerSyncsOnItsOwnAndStopsCleanly) {
    FakeOws ows(120);
    Service& s = StartService(PortalEnv(ows, {{"ZAKUPAI_GOSZAKUP_SYNC_INTERVAL_S", "1"}}));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string metrics;
    while (std::chrono::steady_clock::now() < deadline) {
        metrics = s.Call("GET", "/metrics").body;
        if (metrics.find("goszakup_lots_total 120") != std::string::npos) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_NE(metrics.find("goszakup_lots_total 120"), std::string::npos) << metrics;
    ows.Control("add", R"({"count": 5})");
    const auto later = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < later && Scalar("SELECT COUNT(*) FROM goszakup_lots") < 125) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM goszakup_lots"), 125);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM rnu_entries"), 20);  // the RNU list on the first tick
    // New lots are scored after each sync: every lot has an evaluation and a risk_score.
    const auto scored = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < scored &&
           Scalar("SELECT COUNT(*) FROM lots WHERE risk_score IS NOT NULL") < 125) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM lots WHERE risk_score IS NOT NULL"), 125);
    EXPECT_GE(Scalar("SELECT COUNT(DISTINCT lot_id) FROM risk_evaluations"), 125);
    EXPECT_EQ(s.Stop(), 0);
}

TEST_P(IngestTest, WithoutATokenSyncIsOffAndSaysWhy) {
    Service& s = StartService({});
    auto r = Sync();
    EXPECT_EQ(r.status, 503);
    EXPECT_NE(Body(r).at("error").at("message").as_string().find("ZAKUPAI_GOSZAKUP_TOKEN"), std::string::npos);
    // RNU checks still validate the BIN and then say nothing can answer.
    EXPECT_EQ(s.Call("GET", "/risk/validate_rnu/123456789012", "", s.admin_key()).status, 422);
    EXPECT_EQ(s.Call("GET", "/risk/validate_rnu/990640001201", "", s.admin_key()).status, 503);
    auto cli = RunCli(*db_, {"sync", "goszakup"}, {});
    EXPECT_EQ(cli.exit_code, 2);
    EXPECT_NE(cli.output.find("no portal token"), std::string::npos);
}

TEST_P(IngestTest, RnuCheckAsksThePortalCachesAndFallsBack) {
    FakeOws ows(10, 5);
    const std::string listed = "160440007161";
    const std::string clean = "990640001201";
    ows.Control("rnu",
                R"({"biin": ")" + listed +
                    R"(", "name": "ТОО \"Ромашка\"", "start": "2026-02-01 00:00:00", "end": "2028-02-01 00:00:00"})");
    Service& s = StartService(PortalEnv(ows));
    const std::string key = s.CreateKey(7001, "free");

    auto bad = s.Call("GET", "/risk/validate_rnu/16044000716", "", key);
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(Body(bad).at("error").at("details").at(0).at("field").as_string(), "supplier_bin");
    EXPECT_EQ(s.Call("GET", "/risk/validate_rnu/160440007162", "", key).status, 422);  // wrong check digit

    auto first = s.Call("GET", "/risk/validate_rnu/" + listed, "", key);
    ASSERT_EQ(first.status, 200) << first.body;
    auto a = Body(first);
    EXPECT_EQ(a.at("supplier_bin").as_string(), listed);
    EXPECT_EQ(a.at("status").as_string(), "BLACKLISTED");
    EXPECT_TRUE(a.at("is_blocked").as_bool());
    EXPECT_EQ(a.at("source").as_string(), "api");
    EXPECT_EQ(a.at("listed_since").as_string(), "2026-02-01 00:00:00");
    EXPECT_EQ(a.at("listed_until").as_string(), "2028-02-01 00:00:00");
    EXPECT_NE(a.at("reason").as_string().find("Управление образования"), std::string::npos);
    EXPECT_EQ(a.at("listings").as_array().size(), 1u);

    auto again = Body(s.Call("GET", "/validate_rnu/" + listed, "", key));
    EXPECT_EQ(again.at("source").as_string(), "cache");
    EXPECT_EQ(again.at("status").as_string(), "BLACKLISTED");

    auto not_listed = Body(s.Call("GET", "/risk/validate_rnu/" + clean, "", key));
    EXPECT_EQ(not_listed.at("status").as_string(), "ACTIVE");
    EXPECT_FALSE(not_listed.at("is_blocked").as_bool());
    EXPECT_EQ(not_listed.at("source").as_string(), "api");
    EXPECT_TRUE(not_listed.at("listings").as_array().empty());

    // The cache survives a restart; with a zero cache period and the portal down the
    // cached answer comes back marked stale, with its age.
    EXPECT_EQ(s.Stop(), 0);
    ows.Kill();
    auto env = PortalEnv(ows, {{"ZAKUPAI_RNU_CACHE_HOURS", "0"}});
    StartService(env);
    auto stale = service_->Call("GET", "/risk/validate_rnu/" + listed, "", service_->admin_key());
    ASSERT_EQ(stale.status, 200) << stale.body;
    auto st = Body(stale);
    EXPECT_EQ(st.at("source").as_string(), "cache");
    EXPECT_TRUE(st.at("stale").as_bool());
    EXPECT_TRUE(st.at("is_blocked").as_bool());
    EXPECT_GE(Int(st, "age_seconds"), 0);
    // Never checked and the portal is down, no synced list: 503 with the reason.
    auto unknown = service_->Call("GET", "/risk/validate_rnu/050140006873", "", service_->admin_key());
    EXPECT_EQ(unknown.status, 503);
}

TEST_P(IngestTest, TheRnuListSyncAnswersWhenThePortalIsDown) {
    FakeOws ows(10, 30);
    const std::string listed = "160440007161";
    ows.Control("rnu", R"({"biin": ")" + listed + R"("})");
    auto env = PortalEnv(ows);
    auto cli = RunCli(*db_, {"sync", "rnu"}, env);
    ASSERT_EQ(cli.exit_code, 0) << cli.output;
    EXPECT_NE(cli.output.find("rnu sync done: 31 entries"), std::string::npos) << cli.output;
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM rnu_entries"), 31);
    ows.Kill();
    Service& s = StartService(env);
    auto r = s.Call("GET", "/risk/validate_rnu/" + listed, "", s.admin_key());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Body(r).at("source").as_string(), "registry");
    EXPECT_TRUE(Body(r).at("is_blocked").as_bool());
    EXPECT_TRUE(Body(r).at("stale").as_bool());
    auto clean = Body(s.Call("GET", "/risk/validate_rnu/990640001201", "", s.admin_key()));
    EXPECT_EQ(clean.at("status").as_string(), "ACTIVE");
    EXPECT_EQ(clean.at("source").as_string(), "registry");
}

std::string Multipart(const std::string& file_name,
                      const std::string& content,
                      const std::map<std::string, std::string>& fields = {}) {
    std::string body;
    for (const auto& [name, value] : fields) {
        body += "--zkb\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }
    body += "--zkb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file_name +
            "\"\r\nContent-Type: text/csv\r\n\r\n" + content + "\r\n--zkb--\r\n";
    return body;
}

const std::map<std::string, std::string> kMultipart{{"Content-Type", "multipart/form-data; boundary=zkb"}};

TEST_P(IngestTest, UploadedPriceListsMatchLotsAndShowTheMargin) {
    Service& s = StartService({{"ZAKUPAI_IMPORT_MAX_BYTES", "4096"}});
    const std::string key = s.CreateKey(8001, "premium");
    const std::string lots_csv =
        "Наименование лота;Сумма лота;Количество;Ед. изм.;Окончание приема;БИН заказчика\n"
        "Бумага офисная А4;\"1 250 000,00\";500;пачка;10.12.2026 18:00;990640001201\n";
    auto lots = s.Call("POST", "/etl/upload-batch", Multipart("lots.csv", lots_csv), key, kMultipart);
    ASSERT_EQ(lots.status, 200) << lots.body;
    EXPECT_EQ(Body(lots).at("kind").as_string(), "lots");
    EXPECT_EQ(Int(Body(lots), "rows_processed"), 1);

    const std::string prices_csv =
        "Артикул;Наименование;Цена;Дата\n"
        "PAP-1;Бумага офисная А4 80 г;2 000,00;20.11.2026\n"
        "PAP-2;Бумаги офисные А4;2 600;21.11.2026\n"
        "X;Степлер;-1;21.11.2026\n";
    auto prices = s.Call("POST",
                         "/etl/upload-batch",
                         Multipart("прайс.csv", prices_csv, {{"source", "ТОО Канцтовары"}}),
                         key,
                         kMultipart);
    ASSERT_EQ(prices.status, 200) << prices.body;
    auto report = Body(prices);
    EXPECT_TRUE(report.at("success").as_bool());
    EXPECT_EQ(report.at("batch_id").as_string().size(), 36u);
    EXPECT_EQ(Int(report, "rows_processed"), 2);
    EXPECT_EQ(Int(report, "rejected"), 1);
    EXPECT_EQ(Int(report, "matched"), 2);
    const auto& error = report.at("errors").at(0).as_object();
    EXPECT_EQ(Int(error, "row"), 4);
    EXPECT_EQ(Int(error, "line"), 4);
    EXPECT_EQ(error.at("column").as_string(), "Цена");
    EXPECT_EQ(error.at("error").as_string(), "must not be negative");

    auto matched = s.Call("GET", "/lots/1/prices", "", key);
    ASSERT_EQ(matched.status, 200) << matched.body;
    auto m = Body(matched);
    EXPECT_EQ(m.at("lot_price").as_double(), 1250000.00);
    const auto& list = m.at("prices").as_array();
    ASSERT_EQ(list.size(), 2u);
    const auto& best = list.at(0).as_object();
    EXPECT_EQ(best.at("sku").as_string(), "PAP-2");  // all its stems are in the lot's title
    EXPECT_EQ(best.at("source").as_string(), "ТОО Канцтовары");
    EXPECT_EQ(best.at("price").as_double(), 2600.00);
    EXPECT_EQ(best.at("qty").as_double(), 500.0);
    EXPECT_EQ(best.at("cost_total").as_double(), 1300000.00);
    EXPECT_EQ(best.at("profit").as_double(), -50000.00);
    EXPECT_EQ(best.at("margin_pct").as_double(), -4.00);
    const auto& second = list.at(1).as_object();
    EXPECT_EQ(second.at("sku").as_string(), "PAP-1");
    EXPECT_EQ(second.at("cost_total").as_double(), 1000000.00);
    EXPECT_EQ(second.at("profit").as_double(), 250000.00);
    EXPECT_EQ(second.at("margin_pct").as_double(), 20.00);
    EXPECT_EQ(s.Call("GET", "/lots/999/prices", "", key).status, 404);
    EXPECT_EQ(s.Call("GET", "/lots/abc/prices", "", key).status, 422);

    // Imports are persisted: the same answer after a restart.
    EXPECT_EQ(s.Stop(), 0);
    s.Start();
    EXPECT_EQ(Body(s.Call("GET", "/lots/1/prices", "", key)).at("prices").as_array().size(), 2u);
}

TEST_P(IngestTest, AReUploadAddsNothingAndACorrectedFileReplacesWhatChanged) {
    Service& s = StartService();
    const std::string key = s.CreateKey(8003, "premium");
    const std::string lots_csv =
        "Наименование лота;Сумма лота;Количество;Ед. изм.;Окончание приема;БИН заказчика\n"
        "Бумага офисная А4;\"1 250 000,00\";500;пачка;10.12.2026 18:00;990640001201\n";
    ASSERT_EQ(s.Call("POST", "/etl/upload-batch", Multipart("lots.csv", lots_csv), key, kMultipart).status, 200);
    const std::string prices_csv =
        "Артикул;Наименование;Цена;Дата\n"
        "PAP-1;Бумага офисная А4 80 г;2 000,00;20.11.2026\n"
        "PAP-2;Бумаги офисные А4;2 600;21.11.2026\n";
    auto upload = [&](const std::string& csv) {
        auto r = s.Call(
            "POST", "/etl/upload-batch", Multipart("прайс.csv", csv, {{"source", "ТОО Канцтовары"}}), key, kMultipart);
        EXPECT_EQ(r.status, 200) << r.body;
        return Body(r);
    };
    auto first = upload(prices_csv);
    EXPECT_EQ(Int(first, "rows_processed"), 2);
    EXPECT_EQ(Int(first, "already_present"), 0);
    EXPECT_EQ(Int(first, "matched"), 2);
    // The same file again (a retry after a lost answer, a second click): nothing is added.
    auto again = upload(prices_csv);
    EXPECT_EQ(Int(again, "rows_processed"), 2);
    EXPECT_EQ(Int(again, "already_present"), 2);
    EXPECT_EQ(Int(again, "updated"), 0);
    EXPECT_EQ(Int(again, "matched"), 0);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM prices"), 2);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM lot_prices"), 2);
    // A corrected file: PAP-2 now costs 2 400; the other row stays as it was.
    auto corrected = upload(
        "Артикул;Наименование;Цена;Дата\n"
        "PAP-1;Бумага офисная А4 80 г;2 000,00;20.11.2026\n"
        "PAP-2;Бумаги офисные А4;2 400;21.11.2026\n");
    EXPECT_EQ(Int(corrected, "already_present"), 1);
    EXPECT_EQ(Int(corrected, "updated"), 1);
    EXPECT_EQ(Int(corrected, "matched"), 1);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM prices"), 2);
    EXPECT_EQ(Scalar("SELECT price FROM prices WHERE sku = 'PAP-2'"), 240000);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM lot_prices"), 2);
    // What the lot shows follows the correction, also after a restart.
    EXPECT_EQ(s.Stop(), 0);
    s.Start();
    auto matched = Body(s.Call("GET", "/lots/1/prices", "", key));
    const auto& best = matched.at("prices").at(0).as_object();
    EXPECT_EQ(best.at("sku").as_string(), "PAP-2");
    EXPECT_EQ(best.at("price").as_double(), 2400.00);
    EXPECT_EQ(best.at("cost_total").as_double(), 1200000.00);
    // The same offer twice in one file counts once: the later row is the one kept.
    auto twice = upload(
        "Артикул;Наименование;Цена;Дата\n"
        "PAP-3;Бумага А4 для принтера;1 900;22.11.2026\n"
        "PAP-3;Бумага А4 для принтера;1 950;22.11.2026\n");
    EXPECT_EQ(Int(twice, "rows_processed"), 2);
    EXPECT_EQ(Int(twice, "already_present"), 1);
    EXPECT_EQ(Scalar("SELECT price FROM prices WHERE sku = 'PAP-3'"), 195000);
}

// Found by a hostile probe: an XLSX whose sheet unpacks to 250 MB drove the server from 0.7 to
// 4.0 GB (two at once: 7.2 GB) before it answered 422.
TEST_P(IngestTest, AnXlsxBombIsRefusedWithoutTheMemoryItWouldTake) {
    if (GetParam()) {
        GTEST_SKIP() << "the file is read before the database is touched: one backend is enough";
    }
    // A small quarantine, so freed memory is not counted as held (the ASan build).
    const char* asan = std::getenv("ASAN_OPTIONS");
    Service& s = StartService({{"ASAN_OPTIONS", std::string(asan == nullptr ? "" : asan) + ":quarantine_size_mb=8"}});
    const std::string key = s.CreateKey(8010, "premium");
    const std::string row = R"(<row><c t="inlineStr"><is><t>)" + std::string(220, 'A') + "</t></is></c></row>";
    const std::string bomb = MakeXlsx({{"Прайс", Repeat(row, 1'000'000)}});  // 250 MB unpacked
    ASSERT_LT(bomb.size(), std::size_t{2} * 1024 * 1024);
    ASSERT_EQ(s.Call("GET", "/health").status, 200);
    ResetPeakMemory(s.pid());
    const long long idle = ProcessMemory(s.pid(), "VmRSS");
    std::vector<HttpResult> answers(2);
    std::vector<std::thread> uploads;
    for (auto& answer : answers) {
        uploads.emplace_back([&] { answer = s.Call("POST", "/etl/upload-batch", bomb, key); });
    }
    for (auto& upload : uploads) {
        upload.join();
    }
    const long long peak = ProcessMemory(s.pid(), "VmHWM");
    for (const auto& answer : answers) {
        ASSERT_EQ(answer.status, 422) << answer.body;
        EXPECT_EQ(Body(answer).at("error").at("details").at(0).at("problem").as_string(),
                  fmt::format("the XLSX unpacks to more than {:.1f} MB (the limit for this file: 20 times its size, "
                              "at most 100 MB)",
                              static_cast<double>(bomb.size() * 20) / (1024.0 * 1024.0)));
    }
    EXPECT_LT(peak - idle, 150LL * 1024 * 1024) << "idle " << idle << ", peak " << peak;
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM import_batches"), 0);
}

TEST_P(IngestTest, BadUploadsGetClear4xxAndWriteNothing) {
    Service& s = StartService({{"ZAKUPAI_IMPORT_MAX_BYTES", "4096"}});
    const std::string key = s.CreateKey(8002, "premium");
    const std::string bad_rows = "name;price\nA;1\nB;x\nC;-2\n";
    // strict: one bad row and nothing lands; the rows are named in the error details.
    auto strict = s.Call("POST", "/etl/upload-batch?kind=prices&strict=true", bad_rows, key);
    ASSERT_EQ(strict.status, 422) << strict.body;
    auto e = Body(strict).at("error").as_object();
    EXPECT_EQ(e.at("message").as_string(), "strict import: 2 of 3 rows are invalid, nothing was imported");
    EXPECT_EQ(e.at("details").at(0).at("field").as_string(), "row 3 (line 3), price");
    EXPECT_EQ(e.at("details").at(0).at("problem").as_string(), "'x' is not a number");
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM prices"), 0);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM import_batches"), 0);

    auto too_big = s.Call("POST", "/etl/upload-batch", Multipart("big.csv", std::string(5000, 'a')), key, kMultipart);
    EXPECT_EQ(too_big.status, 413);
    EXPECT_EQ(Body(too_big).at("error").at("code").as_string(), "payload_too_large");

    auto junk =
        s.Call("POST", "/etl/upload-batch", Multipart("x.csv", std::string("\x01\x00\x02junk", 7)), key, kMultipart);
    EXPECT_EQ(junk.status, 422);
    EXPECT_EQ(Body(junk).at("error").at("details").at(0).at("problem").as_string(),
              "not a CSV or XLSX file (binary content)");
    auto columns = s.Call("POST", "/etl/upload-batch", "Фамилия;Имя\nИванов;Иван\n", key);
    EXPECT_EQ(columns.status, 422);
    EXPECT_NE(Body(columns).at("error").at("message").as_string().find("wrong columns"), std::string::npos);
    auto truncated_zip = s.Call("POST", "/etl/upload-batch", std::string("PK\x03\x04\x14\x00", 6), key);
    EXPECT_EQ(truncated_zip.status, 422);
    auto broken = s.Call("POST", "/etl/upload-batch", "--zkb\r\nno end", key, kMultipart);
    EXPECT_EQ(broken.status, 400);
    auto no_file = s.Call("POST",
                          "/etl/upload-batch",
                          "--zkb\r\nContent-Disposition: form-data; name=\"strict\"\r\n\r\ntrue\r\n--zkb--\r\n",
                          key,
                          kMultipart);
    EXPECT_EQ(no_file.status, 422);
    EXPECT_EQ(Body(no_file).at("error").at("details").at(0).at("field").as_string(), "file");
    EXPECT_EQ(s.Call("POST", "/etl/upload-batch?kind=tenders", "name;price\nA;1\n", key).status, 422);
    EXPECT_EQ(s.Call("POST", "/etl/upload-batch", "name;price\nA;1\n", s.CreateKey(8003, "free")).status, 403);
    EXPECT_EQ(s.Call("POST", "/etl/upload-batch", "name;price\nA;1\n").status, 401);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM prices"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, IngestTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? std::string("PostgreSQL") : std::string("SQLite");
});

}  // namespace
}  // namespace zakupai::test
