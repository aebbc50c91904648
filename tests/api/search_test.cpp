// Lot search black-box: the real binary indexes seeded lots by itself, answers full-text
// queries with Russian word forms, filters, sorting, paging, facets and suggestions, picks up
// new lots within seconds, and keeps its index across a restart. SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <set>
#include <thread>

#include "service.hpp"

namespace zakupai::test {
namespace {

namespace json = boost::json;

class SearchTest : public BackendApiTest {
protected:
    long long Scalar(const std::string& sql) { return QueryNumber(*db_, sql); }
    std::string ScalarText(const std::string& sql) { return QueryText(*db_, sql); }
    json::object Get(const std::string& target) {
        auto r = service_->Call("GET", target, "", key_);
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        return r.status == 200 ? json::parse(r.body).as_object() : json::object{};
    }
    std::string Problem(const std::string& method, const std::string& target, const std::string& body = "") {
        auto r = service_->Call(method, target, body, key_);
        EXPECT_EQ(r.status, 422) << target << ": " << r.body;
        if (r.status != 422) {
            return "";
        }
        return std::string(json::parse(r.body).at("error").at("details").at(0).at("field").as_string());
    }
    // The indexer runs every 100 ms in these tests; wait until it has everything.
    void WaitIndexed(long long lots) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        const std::string want = "search_index_documents " + std::to_string(lots) + "\n";
        while (std::chrono::steady_clock::now() < deadline &&
               service_->Call("GET", "/metrics").body.find(want) == std::string::npos) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ASSERT_NE(service_->Call("GET", "/metrics").body.find(want), std::string::npos);
    }
    std::string key_;
};

// The first `n` characters of UTF-8 text.
std::string Characters(const std::string& text, std::size_t n) {
    std::size_t i = 0;
    for (std::size_t seen = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U && seen++ == n) {
            break;
        }
    }
    return text.substr(0, i);
}

const std::map<std::string, std::string> kFastIndex{{"ZAKUPAI_SEARCH_INDEX_INTERVAL_MS", "100"}};

TEST_P(SearchTest, FindsLotsByWordFormsWithFiltersSortingPagingAndFacets) {
    ASSERT_EQ(RunCli(*db_, {"seed-demo", "--lots", "400"}, {}).exit_code, 0);
    Service& s = StartService(kFastIndex);
    // Search is open to every plan; the free plan's 10 per minute would not last this test, so
    // the rest runs with the admin key.
    const std::string free_key = s.CreateKey(4001, "free");
    WaitIndexed(400);
    EXPECT_EQ(s.Call("GET", "/search/lots?query=x", "", free_key).status, 200);
    key_ = s.admin_key();

    // "бумаги" finds every "Бумага …" lot: Russian stemming, case folded.
    const long long paper = Scalar("SELECT COUNT(*) FROM lots WHERE title LIKE 'Бумага%'");
    ASSERT_GT(paper, 5);
    auto found = Get("/search/lots?query=%D0%B1%D1%83%D0%BC%D0%B0%D0%B3%D0%B8&limit=100");  // бумаги
    EXPECT_EQ(found.at("total_count").as_int64(), paper);
    EXPECT_TRUE(found.at("total_exact").as_bool());
    for (const auto& r : found.at("results").as_array()) {
        EXPECT_EQ(std::string(r.at("nameRu").as_string()).rfind("Бумага", 0), 0u) << r.at("nameRu");
    }
    std::int64_t facet_sum = 0;
    for (const auto& [method, count] : found.at("facets").at("method").as_object()) {
        facet_sum += count.as_int64();
        EXPECT_EQ(
            count.as_int64(),
            Scalar("SELECT COUNT(*) FROM lots WHERE title LIKE 'Бумага%' AND method = '" + std::string(method) + "'"));
    }
    EXPECT_EQ(facet_sum, paper);

    // The seed's POST contract: the same search, the seed's field names.
    auto advanced = s.Call("POST", "/api/search/advanced", R"({"query": "бумага", "limit": 3, "offset": 0})", key_);
    ASSERT_EQ(advanced.status, 200) << advanced.body;
    auto a = json::parse(advanced.body).as_object();
    EXPECT_EQ(a.at("total_count").as_int64(), paper);
    ASSERT_EQ(a.at("results").as_array().size(), 3u);
    for (const char* field : {"id", "nameRu", "amount", "status", "trdBuyId", "customerNameRu"}) {
        EXPECT_TRUE(a.at("results").at(0).as_object().contains(field)) << field;
    }

    // Exclusion words: every paper lot says "офисная".
    EXPECT_EQ(Get("/search/lots?query=" + PercentEncode("бумага") + "&exclude=" + PercentEncode("офисная"))
                  .at("total_count")
                  .as_int64(),
              0);

    // Filters: method, amount range, customer, ENSTRU prefix, status list.
    auto auctions = Get("/search/lots?method=auction&min_amount=100000&max_amount=5000000&limit=100");
    EXPECT_EQ(auctions.at("total_count").as_int64(),
              Scalar("SELECT COUNT(*) FROM lots WHERE method = 'auction' AND price BETWEEN 10000000 AND 500000000"));
    for (const auto& r : auctions.at("results").as_array()) {
        EXPECT_EQ(r.at("method").as_string(), "auction");
        EXPECT_GE(r.at("amount").to_number<double>(), 100000.0);
        EXPECT_LE(r.at("amount").to_number<double>(), 5000000.0);
    }
    const std::string customer = ScalarText("SELECT customer_bin FROM lots ORDER BY id LIMIT 1");
    EXPECT_EQ(Get("/search/lots?customer_bin=" + customer).at("total_count").as_int64(),
              Scalar("SELECT COUNT(*) FROM lots WHERE customer_bin = '" + customer + "'"));
    const std::string code = ScalarText("SELECT enstru FROM lots ORDER BY id LIMIT 1").substr(0, 4);
    EXPECT_EQ(Get("/search/lots?enstru=" + code).at("total_count").as_int64(),
              Scalar("SELECT COUNT(*) FROM lots WHERE enstru LIKE '" + code + "%'"));
    EXPECT_EQ(Get("/search/lots?status=published,completed").at("total_count").as_int64(),
              Scalar("SELECT COUNT(*) FROM lots WHERE status IN ('published', 'completed')"));

    // Sorting by amount, both ways.
    for (const std::string order : {"asc", "desc"}) {
        auto sorted = Get("/search/lots?sort=amount&order=" + order + "&limit=50");
        const auto& rows = sorted.at("results").as_array();
        ASSERT_EQ(rows.size(), 50u);
        for (std::size_t i = 1; i < rows.size(); ++i) {
            const double prev = rows[i - 1].at("amount").to_number<double>();
            const double cur = rows[i].at("amount").to_number<double>();
            EXPECT_TRUE(order == "asc" ? prev <= cur : prev >= cur) << order << " at " << i;
        }
    }
    auto cheapest = Get("/search/lots?sort=amount&order=asc&limit=1");
    EXPECT_EQ(static_cast<long long>(cheapest.at("results").at(0).at("amount").to_number<double>() * 100 + 0.5),
              Scalar("SELECT MIN(price) FROM lots"));

    // Paging: a cursor, a page and an offset name the same slice; pages do not overlap.
    auto first = Get("/search/lots?sort=amount&limit=5");
    EXPECT_EQ(first.at("next_cursor").as_string(), "o5");
    auto by_cursor = Get("/search/lots?sort=amount&limit=5&cursor=o5");
    auto by_page = Get("/search/lots?sort=amount&limit=5&page=2");
    EXPECT_EQ(json::serialize(by_cursor.at("results")), json::serialize(by_page.at("results")));
    std::set<std::int64_t> ids;
    for (const auto* page : {&first, &by_cursor}) {
        for (const auto& r : page->at("results").as_array()) {
            EXPECT_TRUE(ids.insert(r.at("id").as_int64()).second);
        }
    }

    // Bad parameters: 422 naming the parameter, 400 for broken JSON.
    EXPECT_EQ(Problem("GET", "/search/lots?min_amount=10&max_amount=5"), "max_amount");
    EXPECT_EQ(Problem("GET", "/search/lots?min_amount=-1"), "min_amount");
    EXPECT_EQ(Problem("GET", "/search/lots?method=lottery"), "method");
    EXPECT_EQ(Problem("GET", "/search/lots?limit=0"), "limit");
    EXPECT_EQ(Problem("GET", "/search/lots?limit=abc"), "limit");
    EXPECT_EQ(Problem("GET", "/search/lots?customer_bin=123456789012"), "customer_bin");
    EXPECT_EQ(Problem("GET", "/search/lots?deadline_from=yesterday"), "deadline_from");
    EXPECT_EQ(Problem("GET", "/search/lots?deadline_from=2026-12-10&deadline_to=2026-12-01"), "deadline_to");
    EXPECT_EQ(Problem("GET", "/search/lots?sort=price"), "sort");
    EXPECT_EQ(Problem("GET", "/search/lots?cursor=abc"), "cursor");
    EXPECT_EQ(Problem("POST", "/api/search/advanced", R"({"query": 5})"), "query");
    EXPECT_EQ(s.Call("POST", "/api/search/advanced", R"({"query": )", key_).status, 400);
    EXPECT_EQ(Problem("GET", "/api/search/autocomplete"), "query");
    // Hostile text is just text.
    EXPECT_EQ(Get("/search/lots?query=%22%28%29%2A%5C%27%20OR%201%3D1--").at("total_count").as_int64(), 0);

    // Suggestions from the second character, case and ё folded, most frequent first.
    auto suggest = Get("/api/search/autocomplete?query=%D0%B1%D1%83");  // бу
    ASSERT_FALSE(suggest.at("suggestions").as_array().empty());
    EXPECT_EQ(suggest.at("suggestions").at(0).as_string(), "Бумага офисная А4, 80 г/м2");
    EXPECT_EQ(suggest.at("items").at(0).at("count").as_int64(), paper);
    EXPECT_TRUE(Get("/api/search/autocomplete?query=%D0%B1").at("suggestions").as_array().empty());  // б
    const std::string customer_name = ScalarText("SELECT customer_name FROM lots ORDER BY id LIMIT 1");
    auto by_customer = Get("/api/search/autocomplete?query=" + PercentEncode(Characters(customer_name, 6)));
    bool customer_kind = false;
    for (const auto& item : by_customer.at("items").as_array()) {
        customer_kind = customer_kind || item.at("kind").as_string() == "customer";
    }
    EXPECT_TRUE(customer_kind) << json::serialize(by_customer);

    // A new lot is findable within seconds, without a rebuild; the index survives a restart.
    const std::string premium = s.CreateKey(4002, "premium");
    auto upload = s.Call("POST",
                         "/etl/upload-batch?kind=lots",
                         "Наименование лота;Сумма лота;Количество;БИН заказчика\n"
                         "Тепловизор инфракрасный;\"2 500 000,00\";2;990640001201\n",
                         premium);
    ASSERT_EQ(upload.status, 200) << upload.body;
    WaitIndexed(401);
    EXPECT_EQ(Get("/search/lots?query=" + PercentEncode("тепловизоры")).at("total_count").as_int64(), 1);
    // By deadline: the nearest first, the latest first, and lots without one (the uploaded lot
    // has none) last either way; checked against SQL.
    const long long undated = Scalar("SELECT COUNT(*) FROM lots WHERE deadline IS NULL");
    ASSERT_GE(undated, 1);
    const long long undated_id = Scalar("SELECT MAX(id) FROM lots WHERE deadline IS NULL");
    for (const std::string order : {"asc", "desc"}) {
        auto by_deadline = Get("/search/lots?sort=deadline&order=" + order + "&limit=1");
        const std::string first_id = std::to_string(by_deadline.at("results").at(0).at("id").as_int64());
        EXPECT_EQ(Scalar("SELECT COUNT(*) FROM lots WHERE id = " + first_id + " AND deadline = (SELECT " +
                         (order == "asc" ? "MIN" : "MAX") + "(deadline) FROM lots)"),
                  1)
            << order;
        auto last =
            Get("/search/lots?sort=deadline&order=" + order + "&limit=1&offset=" + std::to_string(401 - undated));
        EXPECT_EQ(last.at("results").at(0).at("id").as_int64(), undated_id) << order;
    }
    EXPECT_EQ(s.Stop(), 0);
    Service& again = StartService(kFastIndex);
    auto after = again.Call("GET", "/search/lots?query=" + PercentEncode("тепловизор"), "", again.admin_key());
    ASSERT_EQ(after.status, 200);
    EXPECT_EQ(json::parse(after.body).at("total_count").as_int64(), 1);
    EXPECT_EQ(again.Stop(), 0);

    // A rebuild from the CLI gives the same index.
    auto rebuilt = RunCli(*db_, {"reindex"}, {});
    EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.output;
    EXPECT_NE(rebuilt.output.find("reindex done: 401 lots"), std::string::npos) << rebuilt.output;
}

TEST_P(SearchTest, SavedSearchesBelongToTheirOwnerRunAndSurviveARestart) {
    ASSERT_EQ(RunCli(*db_, {"seed-demo", "--lots", "200"}, {}).exit_code, 0);
    Service& s = StartService(kFastIndex);
    const std::string anna = s.CreateKey(5001, "premium");
    const std::string bek = s.CreateKey(5002, "premium");
    WaitIndexed(200);
    const std::string body =
        R"({"name": "Бумага до 5 млн", "query": {"query": "бумага", "max_amount": 5000000, "exclude": ["картон"]}})";
    auto created = s.Call("POST", "/search/saved", body, anna);
    ASSERT_EQ(created.status, 201) << created.body;
    auto saved = json::parse(created.body).as_object();
    const std::string id = std::to_string(saved.at("id").as_int64());
    EXPECT_EQ(saved.at("name").as_string(), "Бумага до 5 млн");
    EXPECT_EQ(saved.at("query").at("max_amount").to_number<double>(), 5000000.0);

    // Running it gives what the same search gives directly, with paging from the request.
    auto direct = s.Call("GET",
                         "/search/lots?query=" + PercentEncode("бумага") +
                             "&max_amount=5000000&exclude=" + PercentEncode("картон") + "&limit=3",
                         "",
                         anna);
    auto ran = s.Call("GET", "/search/saved/" + id + "/results?limit=3", "", anna);
    ASSERT_EQ(ran.status, 200) << ran.body;
    EXPECT_EQ(json::serialize(json::parse(ran.body).at("results")),
              json::serialize(json::parse(direct.body).at("results")));
    EXPECT_EQ(json::parse(ran.body).at("total_count").as_int64(),
              Scalar("SELECT COUNT(*) FROM lots WHERE title LIKE 'Бумага%' AND price <= 500000000"));

    // Another user sees none of it and cannot touch it.
    EXPECT_TRUE(json::parse(s.Call("GET", "/search/saved", "", bek).body).at("saved").as_array().empty());
    EXPECT_EQ(s.Call("GET", "/search/saved/" + id, "", bek).status, 404);
    EXPECT_EQ(s.Call("GET", "/search/saved/" + id + "/results", "", bek).status, 404);
    EXPECT_EQ(s.Call("PUT", "/search/saved/" + id, body, bek).status, 404);
    EXPECT_EQ(s.Call("DELETE", "/search/saved/" + id, "", bek).status, 404);

    // Bad input names the problem and stores nothing.
    EXPECT_EQ(s.Call("POST", "/search/saved", body, anna).status, 409);  // the same name again
    auto bad_query = s.Call("POST", "/search/saved", R"({"name": "x", "query": {"method": "lottery"}})", anna);
    ASSERT_EQ(bad_query.status, 422);
    EXPECT_EQ(json::parse(bad_query.body).at("error").at("details").at(0).at("field").as_string(), "query.method");
    auto paging = s.Call("POST", "/search/saved", R"({"name": "x", "query": {"limit": 5}})", anna);
    EXPECT_EQ(json::parse(paging.body).at("error").at("details").at(0).at("field").as_string(), "query.limit");
    auto no_name = s.Call("POST", "/search/saved", R"({"query": {}})", anna);
    EXPECT_EQ(json::parse(no_name.body).at("error").at("details").at(0).at("field").as_string(), "name");
    EXPECT_EQ(s.Call("POST", "/search/saved", R"({"name": "x", "query": 5})", anna).status, 422);
    EXPECT_EQ(s.Call("POST", "/search/saved", R"({"name": )", anna).status, 400);
    EXPECT_EQ(s.Call("GET", "/search/saved/abc", "", anna).status, 422);
    EXPECT_EQ(json::parse(s.Call("GET", "/search/saved", "", anna).body).at("saved").as_array().size(), 1u);

    // Renamed and changed; survives a restart; then deleted.
    auto replaced = s.Call("PUT",
                           "/search/saved/" + id,
                           R"({"name": "Аукционы", "query": {"method": ["auction"], "sort": "amount"}})",
                           anna);
    ASSERT_EQ(replaced.status, 200) << replaced.body;
    EXPECT_EQ(json::parse(replaced.body).at("name").as_string(), "Аукционы");
    EXPECT_EQ(s.Stop(), 0);
    Service& again = StartService(kFastIndex);
    auto listed = json::parse(again.Call("GET", "/search/saved", "", anna).body).at("saved").as_array();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed.at(0).at("query").at("sort").as_string(), "amount");
    WaitIndexed(200);
    auto auctions = json::parse(again.Call("GET", "/search/saved/" + id + "/results", "", anna).body);
    EXPECT_EQ(auctions.at("total_count").as_int64(), Scalar("SELECT COUNT(*) FROM lots WHERE method = 'auction'"));
    EXPECT_EQ(again.Call("DELETE", "/search/saved/" + id, "", anna).status, 204);
    EXPECT_EQ(again.Call("GET", "/search/saved/" + id, "", anna).status, 404);
    EXPECT_EQ(again.Call("DELETE", "/search/saved/" + id, "", anna).status, 404);
}

TEST_P(SearchTest, ADeepOrUnknownQueryIsRefusedAndOneBadRowNeverBreaksTheList) {
    Service& s = StartService(kFastIndex);
    const std::string anna = s.CreateKey(5003, "premium");
    // Nested 40 deep: a body parser takes 64 levels, the old stored-query reader took 32.
    std::string deep = "1";
    for (int i = 0; i < 40; ++i) {
        deep = "[" + deep + "]";
    }
    auto nested = s.Call("POST", "/search/saved", R"({"name":"deep","query":{"status":)" + deep + "}}", anna);
    ASSERT_EQ(nested.status, 422) << nested.body;
    EXPECT_EQ(json::parse(nested.body).at("error").at("details").at(0).at("field").as_string(), "query.status");
    auto unknown = s.Call("POST", "/search/saved", R"({"name":"x","query":{"query":"бумага","colour":"red"}})", anna);
    ASSERT_EQ(unknown.status, 422);
    EXPECT_EQ(json::parse(unknown.body).at("error").at("details").at(0).at("field").as_string(), "query.colour");
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM saved_searches"), 0);

    // A row no request could have stored (deeper than a body may be), beside a good one.
    std::string deeper = deep;
    for (int i = 0; i < 30; ++i) {
        deeper = "[" + deeper + "]";
    }
    ASSERT_EQ(s.Call("POST", "/search/saved", R"({"name":"good","query":{"query":"бумага"}})", anna).status, 201);
    const auto owner = QueryText(*db_, "SELECT owner FROM saved_searches");
    ExecuteSql(*db_,
               "INSERT INTO saved_searches (owner, name, query, created_at, updated_at) VALUES ('" + owner +
                   R"(', 'bad', '{"status":)" + deeper + "}', '2026-11-25T10:00:00.000Z', '2026-11-25T10:00:00.000Z')");
    const auto bad = std::to_string(Scalar("SELECT id FROM saved_searches WHERE name = 'bad'"));
    auto list = s.Call("GET", "/search/saved", "", anna);
    ASSERT_EQ(list.status, 200) << list.body;
    const auto saved = json::parse(list.body).at("saved").as_array();
    ASSERT_EQ(saved.size(), 1u);  // the good one; the bad one is left out (and logged)
    EXPECT_EQ(saved.at(0).at("name").as_string(), "good");
    EXPECT_EQ(s.Call("GET", "/search/saved/" + bad, "", anna).status, 409);
    EXPECT_EQ(s.Call("GET", "/search/saved/" + bad + "/results", "", anna).status, 409);
    EXPECT_EQ(s.Call("DELETE", "/search/saved/" + bad, "", anna).status, 204);
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? std::string("PostgreSQL") : std::string("SQLite");
});

}  // namespace
}  // namespace zakupai::test
