// Black-box tests: the real binary, a real database (SQLite, and PostgreSQL when configured),
// HTTP over loopback. Every assertion is on exact status codes, headers and field values.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "service.hpp"

namespace zakupai::test {
namespace {

namespace json = boost::json;

json::object Body(const HttpResult& r) {
    return json::parse(r.body).as_object();
}

std::string ErrorCode(const HttpResult& r) {
    return std::string(Body(r).at("error").at("code").as_string());
}

using ApiTest = BackendApiTest;

TEST_P(ApiTest, PublicEndpointsNeedNoKey) {
    Service& s = StartService();
    EXPECT_EQ(s.Call("GET", "/health").body, R"({"status":"ok"})");
    EXPECT_EQ(s.Call("GET", "/calc/health").status, 200);
    auto ready = s.Call("GET", "/ready");
    EXPECT_EQ(ready.status, 200);
    EXPECT_EQ(Body(ready).at("database").as_string(), "ok");
    auto openapi = s.Call("GET", "/openapi.json");
    EXPECT_EQ(openapi.status, 200);
    EXPECT_EQ(Body(openapi).at("openapi").as_string(), "3.1.0");
    auto docs = s.Call("GET", "/docs");
    EXPECT_EQ(docs.status, 200);
    EXPECT_EQ(docs.Header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(docs.body.find("/static/swagger-ui-bundle.js"), std::string::npos);
    auto docs_script = s.Call("GET", "/static/docs.js");
    EXPECT_EQ(docs_script.status, 200);
    EXPECT_NE(docs_script.body.find("url: \"/openapi.json\""), std::string::npos);
    auto metrics = s.Call("GET", "/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find("http_requests_total{method=\"GET\",route=\"/calc/health\",status=\"200\"} 1"),
              std::string::npos);
}

TEST_P(ApiTest, KeysAreCheckedOnEveryBusinessEndpoint) {
    Service& s = StartService();
    auto missing = s.Call("POST", "/calc/vat", R"({"amount":100})");
    EXPECT_EQ(missing.status, 401);
    EXPECT_EQ(ErrorCode(missing), "unauthorized");
    EXPECT_EQ(Body(missing).at("detail").as_string(), "missing API key: send it in the X-API-Key header");
    auto wrong = s.Call("POST", "/calc/vat", R"({"amount":100})", "zk_not_a_real_key_at_all_000000");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(Body(wrong).at("detail").as_string(), "invalid API key");
    EXPECT_EQ(s.Call("GET", "/info").status, 401);
    // The key may also come as a bearer token.
    const std::string key = s.CreateKey(1001, "premium");
    EXPECT_EQ(s.Call("GET", "/info", "", "", {{"Authorization", "Bearer " + key}}).status, 200);
    auto info = s.Call("GET", "/info", "", key);
    EXPECT_EQ(Body(info).at("service").as_string(), "zakupai");
    EXPECT_EQ(Body(info).at("database").as_string(), GetParam() ? "postgresql" : "sqlite");
    // The modules this process really runs: no portal sync without a token.
    std::set<std::string> modules;
    const auto info_body = Body(info);
    for (const auto& m : info_body.at("modules").as_array()) {
        modules.emplace(m.as_string());
    }
    for (const char* name : {"billing", "calc", "docs", "risk", "ingest", "search", "llm"}) {
        EXPECT_TRUE(modules.contains(name)) << name;
    }
    EXPECT_FALSE(modules.contains("ingest:goszakup_sync"));
    EXPECT_FALSE(modules.contains("llm:openai"));
}

TEST_P(ApiTest, PlansGateAdminAndServiceEndpoints) {
    Service& s = StartService();
    const std::string free_key = s.CreateKey(2001, "free");
    auto denied = s.Call("POST", "/billing/create_key", R"({"tg_id":5})", free_key);
    EXPECT_EQ(denied.status, 403);
    EXPECT_EQ(ErrorCode(denied), "forbidden");
    EXPECT_EQ(Body(denied).at("detail").as_string(),
              "this endpoint needs a key with the admin plan; this key has the free plan");
    EXPECT_EQ(s.Call("POST", "/billing/usage", R"({"api_key":"x","endpoint":"y"})", free_key).status, 403);
    const std::string service_key = s.CreateKey(2002, "service");
    auto usage = s.Call(
        "POST", "/billing/usage", R"({"api_key":")" + free_key + R"(","endpoint":"lot","requests":3})", service_key);
    EXPECT_EQ(usage.status, 200);
    EXPECT_EQ(usage.body, R"({"logged":true})");
    auto unknown =
        s.Call("POST", "/billing/usage", R"({"api_key":"zk_unknown_key_0000000000","endpoint":"lot"})", service_key);
    EXPECT_EQ(unknown.body, R"({"logged":false})");
}

TEST_P(ApiTest, VatAnswersTheSeedContractAndRecordsTheCall) {
    Service& s = StartService();
    const std::string key = s.CreateKey(3001, "premium");
    auto r = s.Call("POST",
                    "/calc/vat",
                    R"({"amount":1120,"vat_rate":12,"include_vat":true,"lot_id":9})",
                    key,
                    {{"X-Request-Id", "req-vat-1"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("x-request-id"), "req-vat-1");
    EXPECT_NE(r.body.find(R"("base":1000.00,"vat":120.00,"total":1120.00,"vat_rate":12.00,"include_vat":true)"),
              std::string::npos)
        << r.body;
    auto body = Body(r);
    EXPECT_EQ(body.at("request_id").as_string(), "req-vat-1");
    EXPECT_EQ(body.at("ts").as_string().size(), 24u);
    auto by_date = Body(s.Call("POST", "/calc/vat", R"({"amount":1000,"include_vat":false,"date":"2026-01-01"})", key));
    EXPECT_EQ(by_date.at("vat").as_double(), 160.0);
    EXPECT_EQ(by_date.at("vat_rate").as_double(), 16.0);
    // Restart: the recorded calculation and the key survive.
    EXPECT_EQ(s.Stop(), 0);
    s.Start();
    EXPECT_EQ(s.Call("GET", "/info", "", key).status, 200);
    auto stats = Body(s.Call("GET", "/billing/stats/3001", "", key));
    EXPECT_EQ(stats.at("usage").at("today_requests").as_int64(), 2);  // the two calc calls; /info is not metered
    EXPECT_EQ(stats.at("plan").as_string(), "premium");
}

TEST_P(ApiTest, ValidationFailuresName422Fields) {
    Service& s = StartService();
    const std::string key = s.CreateKey(4001, "premium");
    auto r = s.Call("POST", "/calc/vat", R"({"amount":-1,"vat_rate":30,"include_vat":"no"})", key);
    ASSERT_EQ(r.status, 422);
    auto error = Body(r).at("error").as_object();
    EXPECT_EQ(error.at("code").as_string(), "validation_error");
    EXPECT_EQ(json::serialize(error.at("details")),
              R"([{"field":"amount","problem":"must be >= 0"},{"field":"vat_rate","problem":"must be <= 20"},)"
              R"({"field":"include_vat","problem":"must be true or false"}])");
    EXPECT_EQ(Body(r).at("detail").as_string(),
              "amount: must be >= 0; vat_rate: must be <= 20; include_vat: must be true or false");
    auto malformed = s.Call("POST", "/calc/vat", R"({"amount":)", key);
    EXPECT_EQ(malformed.status, 400);
    EXPECT_EQ(ErrorCode(malformed), "bad_request");
    auto array = s.Call("POST", "/calc/margin", "[1,2,3]", key);
    EXPECT_EQ(array.status, 422);
    EXPECT_EQ(json::serialize(Body(array).at("error").at("details")),
              R"([{"field":"body","problem":"must be a JSON object"}])");
    auto bad_path = s.Call("GET", "/billing/stats/abc", "", key);
    EXPECT_EQ(bad_path.status, 422);
    // A number that cannot be represented is refused, not read as 0 (or infinity).
    auto underflow = s.Call("POST", "/calc/vat", R"({"amount":1e-999999})", key);
    ASSERT_EQ(underflow.status, 422);
    EXPECT_EQ(json::serialize(Body(underflow).at("error").at("details")),
              R"x([{"field":"amount","problem":"1e-999999 is too small to represent (it would read as 0)"}])x");
}

TEST_P(ApiTest, UnknownPathsAndMethods) {
    Service& s = StartService();
    auto missing = s.Call("GET", "/no/such/path");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(ErrorCode(missing), "not_found");
    auto wrong_method = s.Call("GET", "/calc/vat");
    EXPECT_EQ(wrong_method.status, 405);
    EXPECT_EQ(wrong_method.Header("allow"), "POST");
    EXPECT_EQ(ErrorCode(wrong_method), "method_not_allowed");
}

TEST_P(ApiTest, BodyLimitIsEnforcedBeforeReadingTheBody) {
    Service& s = StartService({{"ZAKUPAI_BODY_LIMIT_BYTES", "4096"}});
    const std::string key = s.CreateKey(5001, "premium");
    // The headers announce 10 MB but only a few bytes follow: the answer must come anyway.
    const std::string raw = "POST /calc/vat HTTP/1.1\r\nHost: x\r\nX-API-Key: " + key +
                            "\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{\"amount\":";
    const std::string answer = SendRaw(s.port(), raw);
    EXPECT_EQ(answer.rfind("HTTP/1.1 413 Payload Too Large", 0), 0u) << answer;
    EXPECT_NE(answer.find("\"code\":\"payload_too_large\""), std::string::npos);
    auto ok = s.Call("POST", "/calc/vat", R"({"amount":1})", key);
    EXPECT_EQ(ok.status, 200);
}

TEST_P(ApiTest, FreePlanIsRateLimitedWithRetryAfter) {
    Service& s = StartService({{"ZAKUPAI_PLAN_FREE_PER_MINUTE", "5"}});
    const std::string key = s.CreateKey(6001, "free");
    for (int i = 0; i < 5; ++i) ASSERT_EQ(s.Call("POST", "/calc/vat", R"({"amount":10})", key).status, 200) << i;
    auto limited = s.Call("POST", "/calc/vat", R"({"amount":10})", key);
    ASSERT_EQ(limited.status, 429);
    EXPECT_EQ(ErrorCode(limited), "rate_limited");
    const int retry = std::stoi(limited.Header("retry-after"));
    EXPECT_GE(retry, 1);
    EXPECT_LE(retry, 60);
    EXPECT_EQ(Body(limited).at("detail").as_string(), "rate limit of 5 requests per minute exceeded for the free plan");
    // A service key is not limited by plan.
    const std::string service_key = s.CreateKey(6002, "service");
    for (int i = 0; i < 20; ++i) ASSERT_EQ(s.Call("POST", "/calc/vat", R"({"amount":10})", service_key).status, 200);
}

TEST_P(ApiTest, DailyQuotaSurvivesARestart) {
    Service& s = StartService({{"ZAKUPAI_PLAN_FREE_PER_DAY", "3"}, {"ZAKUPAI_PLAN_FREE_PER_MINUTE", "0"}});
    const std::string key = s.CreateKey(6101, "free");
    for (int i = 0; i < 2; ++i) ASSERT_EQ(s.Call("POST", "/calc/vat", R"({"amount":10})", key).status, 200);
    ASSERT_EQ(s.Stop(), 0);
    s.Start();
    EXPECT_EQ(s.Call("POST", "/calc/vat", R"({"amount":10})", key).status, 200);
    auto limited = s.Call("POST", "/calc/vat", R"({"amount":10})", key);
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(Body(limited).at("detail").as_string(), "daily limit of 3 requests exceeded for the free plan");
    auto validation =
        Body(s.Call("POST", "/billing/validate_key", R"({"api_key":")" + key + R"(","endpoint":"lot"})", key));
    EXPECT_FALSE(validation.at("valid").as_bool());
}

TEST_P(ApiTest, AnonymousTrafficIsLimitedPerIp) {
    Service& s = StartService({{"ZAKUPAI_RATE_LIMIT_IP_PER_MINUTE", "3"}});
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(s.Call("POST", "/calc/vat", "{}", "zk_wrong_key_guess_00000" + std::to_string(i)).status, 401);
    auto limited = s.Call("POST", "/calc/vat", "{}", "zk_wrong_key_guess_000009");
    EXPECT_EQ(limited.status, 429);
    EXPECT_FALSE(limited.Header("retry-after").empty());
    // Keyed traffic from the same address is limited per key, not per address.
    EXPECT_EQ(s.Call("POST", "/calc/vat", R"({"amount":1})", s.admin_key()).status, 200);
}

TEST_P(ApiTest, RequestIdsAreEchoedOrReplaced) {
    Service& s = StartService();
    EXPECT_EQ(s.Call("GET", "/health", "", "", {{"X-Request-Id", "abc.DEF-123_x:1"}}).Header("x-request-id"),
              "abc.DEF-123_x:1");
    const std::string replaced =
        s.Call("GET", "/health", "", "", {{"X-Request-Id", "bad id <script>"}}).Header("x-request-id");
    EXPECT_EQ(replaced.size(), 36u);
    EXPECT_EQ(replaced[14], '4');
    auto error = s.Call("GET", "/nope", "", "", {{"X-Request-Id", "trace-404"}});
    EXPECT_EQ(Body(error).at("error").at("request_id").as_string(), "trace-404");
    // The access log is written asynchronously: wait for the line instead of reading once.
    bool logged = false;
    for (int i = 0; i < 200 && !logged; ++i) {
        logged = s.Log().find("\"request_id\":\"trace-404\"") != std::string::npos;
        if (!logged)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(logged);
}

TEST_P(ApiTest, CorsFollowsTheAllowList) {
    Service& s = StartService({{"ZAKUPAI_CORS_ORIGINS", "https://zakupai.kz,http://localhost:3000"}});
    auto allowed = s.Call("GET", "/health", "", "", {{"Origin", "https://zakupai.kz"}});
    EXPECT_EQ(allowed.Header("access-control-allow-origin"), "https://zakupai.kz");
    auto other = s.Call("GET", "/health", "", "", {{"Origin", "https://evil.example"}});
    EXPECT_EQ(other.Header("access-control-allow-origin"), "");
    auto preflight = s.Call("OPTIONS",
                            "/calc/vat",
                            "",
                            "",
                            {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "POST"}});
    EXPECT_EQ(preflight.status, 204);
    EXPECT_EQ(preflight.Header("access-control-allow-methods"), "POST");
    EXPECT_EQ(preflight.Header("access-control-allow-headers"), "Content-Type, X-API-Key, X-Request-Id");
    auto refused = s.Call("OPTIONS", "/calc/vat", "", "", {{"Origin", "https://evil.example"}});
    EXPECT_EQ(refused.status, 403);
}

TEST_P(ApiTest, KeysCanBeRevoked) {
    Service& s = StartService();
    const std::string key = s.CreateKey(7001, "premium");
    auto me = Body(s.Call("GET", "/billing/me", "", key));
    const auto key_id = me.at("key_id").as_int64();
    EXPECT_EQ(me.at("plan").as_string(), "premium");
    EXPECT_EQ(me.at("limits").at("per_day").as_int64(), 5000);
    const std::string other = s.CreateKey(7002, "premium");
    EXPECT_EQ(s.Call("DELETE", "/billing/keys/" + std::to_string(key_id), "", other).status, 404);  // not its key
    auto revoked = s.Call("DELETE", "/billing/keys/" + std::to_string(key_id), "", key);
    EXPECT_EQ(revoked.status, 200);
    auto after = s.Call("POST", "/calc/vat", R"({"amount":1})", key);
    EXPECT_EQ(after.status, 401);
    EXPECT_EQ(Body(after).at("detail").as_string(), "API key has been revoked");
}

TEST_P(ApiTest, ACliRevocationReachesARunningServerWithinASecond) {
    Service& s = StartService();
    const std::string key = s.CreateKey(7003, "premium");
    ASSERT_EQ(s.Call("POST", "/calc/vat", R"({"amount":1})", key).status, 200);  // the key is cached now
    const auto key_id = Body(s.Call("GET", "/billing/me", "", key)).at("key_id").as_int64();
    auto cli = RunCli(*db_, {"keys", "revoke", std::to_string(key_id)}, {});
    ASSERT_EQ(cli.exit_code, 0) << cli.output;
    // The cache used to keep a key 30 s; now every server checks for key changes once a second.
    const auto started = std::chrono::steady_clock::now();
    int status = 200;
    while (status == 200 && std::chrono::steady_clock::now() - started < std::chrono::seconds(5)) {
        status = s.Call("POST", "/calc/vat", R"({"amount":1})", key).status;
        if (status == 200) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    EXPECT_EQ(status, 401);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1500));
}

TEST_P(ApiTest, ARetryWithTheSameIdempotencyKeyGetsTheFirstAnswerAndCreatesNothing) {
    Service& s = StartService();
    const std::string key = s.CreateKey(7004, "premium");
    const std::string body = R"({"name":"Бумага","query":{"query":"бумага"}})";
    auto first = s.Call("POST", "/search/saved", body, key, {{"Idempotency-Key", "save-1"}});
    ASSERT_EQ(first.status, 201) << first.body;
    auto retry = s.Call("POST", "/search/saved", body, key, {{"Idempotency-Key", "save-1"}});
    EXPECT_EQ(retry.status, 201);
    EXPECT_EQ(retry.body, first.body);  // the same saved search, the same request_id
    EXPECT_EQ(retry.Header("idempotent-replayed"), "true");
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM saved_searches"), 1);
    // The same key for another request is refused by name; another key creates another one
    // (here a 409: the name is taken).
    auto reused =
        s.Call("POST", "/search/saved", R"({"name":"Другое","query":{}})", key, {{"Idempotency-Key", "save-1"}});
    EXPECT_EQ(reused.status, 422);
    EXPECT_EQ(Body(reused).at("error").at("details").at(0).at("field").as_string(), "Idempotency-Key");
    EXPECT_EQ(s.Call("POST", "/search/saved", body, key, {{"Idempotency-Key", "save-2"}}).status, 409);
    // Keys are per API key: another caller's "save-1" is its own.
    const std::string other = s.CreateKey(7005, "premium");
    EXPECT_EQ(s.Call("POST", "/search/saved", body, other, {{"Idempotency-Key", "save-1"}}).status, 201);
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM saved_searches"), 2);
    // Kept answers survive a restart.
    EXPECT_EQ(s.Stop(), 0);
    s.Start();
    EXPECT_EQ(s.Call("POST", "/search/saved", body, key, {{"Idempotency-Key", "save-1"}}).body, first.body);
}

TEST_P(ApiTest, ACalculationIsRecordedWithOnlyTheFieldsItRead) {
    Service& s = StartService();
    const std::string key = s.CreateKey(7006, "premium");
    // Padding a calculator call no longer grows the database: unknown fields are not kept.
    const std::string padding(100'000, 'x');
    auto padded =
        s.Call("POST", "/calc/vat", R"({"amount":1160,"date":"2026-01-01","junk":")" + padding + R"("})", key);
    ASSERT_EQ(padded.status, 200) << padded.body;
    auto plain = s.Call("POST", "/calc/vat", R"({"amount":1160,"date":"2026-01-01"})", key);
    ASSERT_EQ(plain.status, 200);
    EXPECT_EQ(s.Stop(), 0);  // flushes the write-behind queue
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM finance_calcs"), 2);
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM finance_calcs WHERE CAST(input AS TEXT) LIKE '%junk%'"), 0);
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM finance_calcs WHERE CAST(input AS TEXT) LIKE '%2026-01-01%'"), 2);
    EXPECT_LT(QueryNumber(*db_, "SELECT MAX(LENGTH(CAST(input AS TEXT))) FROM finance_calcs"), 60);
}

TEST_P(ApiTest, PaymentsUpgradeThePlanOnce) {
    Service& s = StartService();
    const std::string key = s.CreateKey(7101, "free");
    const std::string payment =
        R"({"tg_id":7101,"amount":4990,"plan":"premium","method":"kaspi","external_id":"kp-77"})";
    auto first = s.Call("POST", "/billing/payments", payment, s.admin_key());
    EXPECT_EQ(first.status, 201);
    EXPECT_EQ(Body(first).at("amount").as_double(), 4990.0);
    auto again = s.Call("POST", "/billing/payments", payment, s.admin_key());
    EXPECT_EQ(again.status, 200);
    EXPECT_TRUE(Body(again).at("duplicate").as_bool());
    EXPECT_EQ(Body(s.Call("GET", "/billing/me", "", key)).at("plan").as_string(), "premium");
}

TEST_P(ApiTest, SeedBillingContract) {
    Service& s = StartService();
    auto created = s.Call("POST", "/billing/create_key", R"({"tg_id":8001,"email":"user@example.kz"})", s.admin_key());
    ASSERT_EQ(created.status, 200);
    auto body = Body(created);
    const std::string key(body.at("api_key").as_string());
    EXPECT_EQ(key.rfind("zk_", 0), 0u);
    EXPECT_EQ(body.at("plan").as_string(), "free");
    EXPECT_TRUE(body.at("expires_at").is_null());
    auto valid =
        Body(s.Call("POST", "/billing/validate_key", R"({"api_key":")" + key + R"(","endpoint":"search"})", key));
    EXPECT_TRUE(valid.at("valid").as_bool());
    EXPECT_EQ(valid.at("plan").as_string(), "free");
    EXPECT_EQ(valid.at("remaining_requests").as_int64(), 99);
    EXPECT_TRUE(valid.at("message").is_null());
    // A user key may not probe other keys.
    EXPECT_EQ(
        s.Call("POST", "/billing/validate_key", R"({"api_key":"zk_someone_else_000000","endpoint":"x"})", key).status,
        403);
    auto invalid = Body(s.Call(
        "POST", "/billing/validate_key", R"({"api_key":"zk_someone_else_000000","endpoint":"x"})", s.admin_key()));
    EXPECT_FALSE(invalid.at("valid").as_bool());
    EXPECT_EQ(invalid.at("message").as_string(), "Invalid API key");
    EXPECT_EQ(s.Call("GET", "/billing/stats/999999", "", s.admin_key()).status, 404);
}

TEST_P(ApiTest, EveryDocumentedOperationExists) {
    Service& s = StartService();
    const auto doc = Body(s.Call("GET", "/openapi.json"));
    int operations = 0;
    std::set<std::string> operation_ids;
    for (const auto& [path, item] : doc.at("paths").as_object()) {
        for (const auto& [method, op] : item.as_object()) {
            // Clients generated from the contract (the n8n node, the Flowise tools) name operations by id.
            const auto* id = op.as_object().if_contains("operationId");
            ASSERT_NE(id, nullptr) << method << " " << path;
            EXPECT_TRUE(operation_ids.insert(std::string(id->as_string())).second) << id->as_string();
            std::string target(path);
            for (auto open = target.find('{'); open != std::string::npos; open = target.find('{')) {
                target.replace(open, target.find('}') - open + 1, "1");
            }
            std::string verb(method);
            for (auto& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            auto r = s.Call(verb, target, verb == "POST" ? "{}" : "", s.admin_key());
            EXPECT_NE(r.status, 405) << verb << " " << path;
            if (r.status == 404) {
                // A handler's 404 (no such user) is fine; the router's "no route" is not.
                EXPECT_EQ(Body(r).at("detail").as_string().find("no route"), std::string::npos) << verb << " " << path;
            }
            EXPECT_TRUE(op.as_object().contains("responses")) << verb << " " << path;
            ++operations;
        }
    }
    EXPECT_GE(operations, 20);
}

TEST_P(ApiTest, RiskScoresExplainsAndRemembers) {
    ASSERT_EQ(RunCli(*db_, {"seed-demo", "--lots", "60"}, {}).exit_code, 0);
    Service& s = StartService();
    const std::string key = s.CreateKey(9301, "free");
    auto scored = s.Call("POST", "/risk/score", R"({"lot_id": 5, "bid": 1})", key);
    ASSERT_EQ(scored.status, 200) << scored.body;
    auto score = Body(scored);
    EXPECT_EQ(score.at("lot_id").as_int64(), 5);
    EXPECT_TRUE(score.at("saved").as_bool());
    EXPECT_EQ(score.at("indicators").as_array().size(), 16u);
    std::int64_t sum = 0;
    std::vector<std::string> triggered;
    for (const auto& i : score.at("indicators").as_array()) {
        if (i.at("status").as_string() == "triggered") {
            sum += i.at("weight").as_int64();
            triggered.emplace_back(i.at("id").as_string());
        }
        EXPECT_FALSE(i.at("source").as_string().empty());
        EXPECT_FALSE(i.at("explanation").as_string().empty());
    }
    EXPECT_EQ(score.at("score").as_int64(), std::min<std::int64_t>(sum, 100));
    ASSERT_EQ(score.at("flags").as_array().size(), triggered.size());

    // The explanation is the stored evaluation, and it survives a restart.
    EXPECT_EQ(s.Stop(), 0);
    s.Start();
    auto explained = s.Call("GET", "/risk/explain/5", "", key);
    ASSERT_EQ(explained.status, 200) << explained.body;
    auto e = Body(explained);
    EXPECT_EQ(e.at("score").as_int64(), score.at("score").as_int64());
    EXPECT_EQ(e.at("flags").as_array().size(), triggered.size());
    EXPECT_EQ(e.at("indicators").as_array().size(), 16u);
    EXPECT_EQ(s.Call("POST", "/risk/score/5", "", key).status, 200);

    // The TL;DR carries the stored evaluation: score, level, the triggered flags by name.
    auto tldr = Body(s.Call("GET", "/tldr/5", "", key));
    const auto& risks = tldr.at("risks").as_object();
    EXPECT_EQ(risks.at("score").as_int64(), score.at("score").as_int64());
    EXPECT_EQ(risks.at("level").as_string(), e.at("level").as_string());
    EXPECT_EQ(risks.at("explain").as_string(), "/risk/explain/5");
    ASSERT_EQ(risks.at("flags").as_array().size(), triggered.size());
    for (std::size_t i = 0; i < triggered.size(); ++i) {
        EXPECT_EQ(risks.at("flags").at(i).at("id").as_string(), triggered[i]);
        EXPECT_FALSE(risks.at("flags").at(i).at("name").as_string().empty());
    }
    const std::string last_line(tldr.at("lines").as_array().back().as_string());
    EXPECT_TRUE(last_line.starts_with("Риск: " + std::to_string(score.at("score").as_int64()) + "/100 (")) << last_line;
    // A lot never scored says so with null, not with an empty list.
    EXPECT_TRUE(Body(s.Call("GET", "/tldr/6", "", key)).at("risks").is_null());

    // A lot that is not stored: judged, not recorded.
    auto payload = s.Call("POST",
                          "/risk/score",
                          R"({"lot": {"title": "Бумага", "price": "1000000", "method": "price_offers",)"
                          R"( "start_date": "2026-03-20", "deadline": "2026-03-26"}, "bid": "800000"})",
                          key);
    ASSERT_EQ(payload.status, 200) << payload.body;
    auto p = Body(payload);
    EXPECT_TRUE(p.at("lot_id").is_null());
    EXPECT_FALSE(p.at("saved").as_bool());
    std::vector<std::string> flags;
    for (const auto& flag : p.at("flags").as_array()) flags.emplace_back(flag.as_string());
    EXPECT_EQ(flags, (std::vector<std::string>{"short_window", "dumping"}));
    EXPECT_EQ(p.at("score").as_int64(), 45);
    EXPECT_EQ(p.at("level").as_string(), "medium");

    EXPECT_EQ(s.Call("POST", "/risk/score", R"({"lot_id": 99999})", key).status, 404);
    EXPECT_EQ(s.Call("GET", "/risk/explain/99999", "", key).status, 404);
    EXPECT_EQ(s.Call("GET", "/risk/explain/x", "", key).status, 422);
    auto missing = s.Call("POST", "/risk/score", R"({"lot": {"title": "X"}})", key);
    EXPECT_EQ(missing.status, 422);
    EXPECT_EQ(Body(missing).at("error").at("details").at(0).at("field").as_string(), "lot.price");
    auto bad_bins = s.Call("POST", "/risk/score", R"({"lot_id": 5, "supplier_bins": ["123"]})", key);
    EXPECT_EQ(bad_bins.status, 422);
    const auto metrics = s.Call("GET", "/metrics").body;
    EXPECT_NE(metrics.find("risk_evaluations_total 1\n"), std::string::npos) << metrics;  // since the restart
    EXPECT_NE(metrics.find("risk_evaluation_duration_seconds_count 1\n"), std::string::npos);

    // The CLI re-scores every stored lot in batches.
    EXPECT_EQ(s.Stop(), 0);
    auto rescore = RunCli(*db_, {"risk", "rescore"}, {});
    EXPECT_EQ(rescore.exit_code, 0) << rescore.output;
    EXPECT_NE(rescore.output.find("risk rescore done: 60 lots"), std::string::npos) << rescore.output;
    // Nothing changed since: every lot is judged as before and no row is added.
    const auto rows = [&] { return QueryNumber(*db_, "SELECT COUNT(*) FROM risk_evaluations"); };
    const long long before = rows();
    auto again = RunCli(*db_, {"risk", "rescore"}, {});
    EXPECT_NE(again.output.find("60 unchanged"), std::string::npos) << again.output;
    EXPECT_EQ(rows(), before);
    EXPECT_EQ(RunCli(*db_, {"risk", "rescore", "--since", "yesterday"}, {}).exit_code, 2);

    // A customer's lots as the engine last judged them.
    s.Start();
    const std::string bin(Body(s.Call("GET", "/tldr/5", "", key)).at("customer").at("bin").as_string());
    auto customer = s.Call("GET", "/risk/customers/" + bin, "", key);
    ASSERT_EQ(customer.status, 200) << customer.body;
    auto c = Body(customer);
    EXPECT_EQ(c.at("customer_bin").as_string(), bin);
    EXPECT_GE(c.at("lots").as_int64(), 1);
    EXPECT_EQ(c.at("evaluated").as_int64(), c.at("lots").as_int64());  // the rescore covered every lot
    EXPECT_EQ(c.at("high").as_int64() + c.at("medium").as_int64() + c.at("low").as_int64(),
              c.at("evaluated").as_int64());
    const auto& riskiest = c.at("riskiest").as_array();
    ASSERT_FALSE(riskiest.empty());
    EXPECT_EQ(riskiest.at(0).at("score").as_int64(), c.at("max_score").as_int64());
    for (std::size_t i = 1; i < riskiest.size(); ++i) {
        EXPECT_LE(riskiest.at(i).at("score").as_int64(), riskiest.at(i - 1).at("score").as_int64());
    }
    EXPECT_EQ(s.Call("GET", "/risk/customers/123456789012", "", key).status, 422);
    auto nobody = Body(s.Call("GET", "/risk/customers/990640001201", "", key));
    EXPECT_EQ(nobody.at("evaluated").as_int64(), 0);
}

TEST_P(ApiTest, WorkingDayCalendarAnswersFromData) {
    Service& s = StartService();
    auto year = s.Call("GET", "/calendar/2026");
    ASSERT_EQ(year.status, 200) << year.body;
    auto y = Body(year);
    EXPECT_EQ(y.at("working_days").as_int64(), 246);
    EXPECT_EQ(y.at("working_days_per_month").at(0).as_int64(), 19);  // January, as the ministry counted it
    EXPECT_EQ(y.at("working_days_per_month").at(2).as_int64(), 18);  // March: Nauryz moved to 24-25
    EXPECT_EQ(y.at("holidays").as_array().size(), 15u);
    EXPECT_EQ(y.at("days_off").at(0).at("date").as_string(), "2026-03-09");
    auto add = Body(s.Call("GET", "/calendar/working-days?from=2026-03-20&add=2"));
    EXPECT_EQ(add.at("date").as_string(), "2026-03-27");
    auto between = Body(s.Call("GET", "/calendar/working-days?from=2026-11-25&to=2026-12-02"));
    EXPECT_EQ(between.at("working_days").as_int64(), 5);
    auto unknown = s.Call("GET", "/calendar/2031");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(ErrorCode(unknown), "not_found");
    EXPECT_EQ(s.Call("GET", "/calendar/working-days?from=2026-12-30&add=2").status, 422);  // 2027 has no file
    auto bad = s.Call("GET", "/calendar/working-days?from=31.12.2026&add=0");
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(Body(bad).at("error").at("details").as_array().size(), 2u);
}

TEST_P(ApiTest, MetricsPassPromtool) {
    if (std::system("command -v promtool >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "promtool not installed";
    Service& s = StartService();
    const std::string key = s.CreateKey(9001, "premium");
    s.Call("POST", "/calc/vat", R"({"amount":1})", key);
    s.Call("GET", "/nope");
    const auto metrics = s.Call("GET", "/metrics");
    EXPECT_NE(metrics.body.find(R"(finance_calcs_total{kind="vat"} 1)"), std::string::npos);
    EXPECT_NE(metrics.body.find("db_pool_connections{state=\"in_use\"}"), std::string::npos);
    // Each module publishes its own figures; the process and the pool too.
    for (const char* name : {"db_pool_waiting 0\n",
                             "process_resident_memory_bytes ",
                             "process_open_fds ",
                             "process_cpu_seconds_total ",
                             "process_start_time_seconds ",
                             "write_behind_queue_rows ",
                             "search_index_documents "}) {
        EXPECT_NE(metrics.body.find(name), std::string::npos) << name;
    }
    const std::string path = db_->data_dir() + "/metrics.txt";
    std::ofstream(path) << metrics.body;
    EXPECT_EQ(std::system(("promtool check metrics < " + path + " > " + path + ".out 2>&1").c_str()), 0)
        << std::ifstream(path + ".out").rdbuf();
}

TEST_P(ApiTest, HostileInputNeverCrashesOrReaches500) {
    Service& s = StartService();
    const std::string key = s.CreateKey(9101, "service");
    const std::vector<std::string> raw_requests{
        "GARBAGE\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        "GET /health HTTP/1.1\r\n" + std::string(20000, 'a') + ": b\r\n\r\n",
        "POST /calc/vat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        std::string("\x00\x01\x02\xff\xfe", 5),
        "GET /%zz%00/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    };
    for (const auto& raw : raw_requests) {
        const std::string answer = SendRaw(s.port(), raw, 1500);
        EXPECT_EQ(answer.find("HTTP/1.1 5"), std::string::npos) << answer;
    }
    std::mt19937 rng(7);
    const std::vector<std::string> pieces{"{",
                                          "}",
                                          "[",
                                          "]",
                                          "\"amount\"",
                                          ":",
                                          ",",
                                          "1e999",
                                          "-0",
                                          "null",
                                          "true",
                                          "\"\\u0000\"",
                                          "\"x\"",
                                          "12345678901234567890",
                                          "0.001",
                                          "\xd0\x96",
                                          "\"vat_rate\"",
                                          "\"date\"",
                                          "\"2026-02-29\"",
                                          "{\"amount\":1}",
                                          "NaN",
                                          "\"offers\"",
                                          "[1,2]"};
    for (int i = 0; i < 300; ++i) {
        std::string body;
        const int n = 1 + static_cast<int>(rng() % 12);
        for (int j = 0; j < n; ++j) body += pieces[rng() % pieces.size()];
        for (const char* path : {"/calc/vat",
                                 "/calc/margin",
                                 "/calc/penalty",
                                 "/calc/securities",
                                 "/calc/dumping",
                                 "/billing/validate_key"}) {
            auto r = s.Call("POST", path, body, key);
            ASSERT_LT(r.status, 500) << path << " " << body << " -> " << r.body;
            ASSERT_FALSE(Body(r).empty());
        }
    }
    EXPECT_EQ(s.Call("GET", "/health").status, 200);
    EXPECT_EQ(s.Stop(), 0);
}

TEST_P(ApiTest, ShutdownDrainsAndExitsZero) {
    Service& s = StartService();
    const std::string key = s.CreateKey(9201, "premium");
    EXPECT_EQ(s.Call("POST", "/calc/penalty", R"({"contract_sum":1000000,"days_overdue":151})", key).status, 200);
    EXPECT_EQ(s.Stop(), 0);
    EXPECT_NE(s.Log().find("stopped cleanly"), std::string::npos);
}

TEST_P(ApiTest, ShutdownFinishesARequestInFlight) {
    Service& s = StartService();
    const std::string key = s.CreateKey(9301, "premium");
    const std::string body = R"({"amount":1160,"date":"2026-01-01"})";
    // Send the headers and half the body, then ask the server to stop, then send the rest.
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket socket(ioc);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(s.port())});
    const std::string head = "POST /calc/vat HTTP/1.1\r\nHost: x\r\nX-API-Key: " + key +
                             "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                             "\r\n\r\n" + body.substr(0, 10);
    boost::asio::write(socket, boost::asio::buffer(head));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::thread stopper([&] { EXPECT_EQ(s.Stop(), 0); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    boost::asio::write(socket, boost::asio::buffer(body.substr(10)));
    std::string answer;
    boost::system::error_code ec;
    boost::asio::read(socket, boost::asio::dynamic_buffer(answer), ec);  // until the server closes
    stopper.join();
    EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK", 0), 0u) << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos);
    EXPECT_NE(answer.find(R"("vat":160.00)"), std::string::npos);
}

TEST_P(ApiTest, SilentConnectionsAreClosedAfterTheHeaderTimeout) {
    Service& s = StartService({{"ZAKUPAI_HEADER_TIMEOUT_MS", "300"}});
    const auto started = std::chrono::steady_clock::now();
    const std::string answer = SendRaw(s.port(), "GET /hea", 5000);  // never finishes the request line
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(answer, "");
    EXPECT_LT(waited, std::chrono::seconds(3));
    EXPECT_EQ(s.Call("GET", "/health").status, 200);
}

TEST_P(ApiTest, ASecondServerOnATakenPortRefusesToStart) {
    Service& s = StartService();
    const std::string command = "ZAKUPAI_DATA_DIR=" + db_->data_dir() + " ZAKUPAI_DATABASE_URL='" + db_->url() +
                                "' ZAKUPAI_PORT=" + std::to_string(s.port()) + " " + ZAKUPAI_BINARY + " serve > " +
                                db_->data_dir() + "/second.log 2>&1";
    const int status = std::system(command.c_str());
    EXPECT_NE(status, 0);
    std::ifstream log(db_->data_dir() + "/second.log");
    const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("cannot listen on 127.0.0.1:" + std::to_string(s.port()) + ": Address already in use"),
              std::string::npos)
        << text;
    EXPECT_EQ(s.Call("GET", "/health").status, 200);
}

TEST_P(ApiTest, LettersAreFilledFromTemplatesForPremiumKeys) {
    Service& s = StartService();
    const std::string premium = s.CreateKey(9401, "premium");
    const std::string free_key = s.CreateKey(9402, "free");
    const std::string body =
        R"({"template":"delay_notice","context":{"customer_name":"ГУ «Поликлиника»","supplier_name":"ТОО <b>X</b>",)"
        R"("supplier_bin":"070340007367","contract_number":"45/2026","contract_date":"2026-09-01","due_date":"2026-11-20",)"
        R"("new_date":"2026-12-05","reason":"задержка поставки","signer_name":"Б. Ахметова"}})";
    auto denied = s.Call("POST", "/letters/generate", body, free_key);
    EXPECT_EQ(denied.status, 403);
    auto ok = s.Call("POST", "/letters/generate?lang=kz", body, premium);
    ASSERT_EQ(ok.status, 200) << ok.body;
    auto letter = Body(ok);
    EXPECT_EQ(letter.at("template").as_string(), "delay_notice");
    EXPECT_EQ(letter.at("language").as_string(), "kz");
    EXPECT_EQ(letter.at("title").as_string(), "Шарт бойынша міндеттемелерді орындаудың кешіктірілуі туралы хабарлама");
    const std::string html(letter.at("html").as_string());
    EXPECT_NE(html.find("01.09.2026 № 45/2026 шарт"), std::string::npos);
    EXPECT_NE(html.find("ТОО &lt;b&gt;X&lt;/b&gt;"), std::string::npos);
    EXPECT_GT(letter.at("length").as_int64(), 500);
    // The original doc-service path and the n8n node's "data" field.
    std::string n8n = body;
    n8n.replace(n8n.find("\"context\""), 9, "\"data\"");
    EXPECT_EQ(s.Call("POST", "/render/html", n8n, premium).status, 200);
    auto missing =
        s.Call("POST", "/letters/generate", R"({"template":"delay_notice","context":{"customer_name":"ГУ"}})", premium);
    ASSERT_EQ(missing.status, 422);
    EXPECT_EQ(Body(missing).at("error").at("details").as_array().front().at("field").as_string(),
              "context.supplier_name");
    EXPECT_EQ(s.Call("POST", "/letters/generate", R"({"template":"tldr","context":{}})", premium).status, 422);
    auto list = Body(s.Call("GET", "/letters/templates", "", free_key));
    EXPECT_EQ(list.at("templates").as_array().size(), 6u);
}

TEST_P(ApiTest, TldrOfAStoredLotAndOfText) {
    // Demo lots in this test's database, loaded by the CLI as `make run` does.
    const std::string seed = "ZAKUPAI_DATA_DIR=" + db_->data_dir() + " ZAKUPAI_DATABASE_URL='" + db_->url() + "' " +
                             ZAKUPAI_BINARY + " seed-demo --lots 5 > /dev/null 2>&1";
    ASSERT_EQ(std::system(seed.c_str()), 0);
    Service& s = StartService();
    const std::string key = s.CreateKey(9501, "free");
    auto by_path = s.Call("GET", "/tldr/1?lang=kz", "", key);
    ASSERT_EQ(by_path.status, 200) << by_path.body;
    auto tldr = Body(by_path);
    EXPECT_EQ(tldr.at("lot_id").as_int64(), 1);
    EXPECT_EQ(tldr.at("language").as_string(), "kz");
    EXPECT_GE(tldr.at("lines").as_array().size(), 5u);
    EXPECT_EQ(std::string(tldr.at("lines").as_array().at(0).as_string()).rfind("Сатып алу нысанасы: ", 0), 0u);
    // The bot sends the id as a string.
    auto by_body = s.Call("POST", "/tldr", R"({"lot_id":"1"})", key);
    EXPECT_EQ(by_body.status, 200);
    EXPECT_EQ(Body(by_body).at("language").as_string(), "ru");
    auto missing = s.Call("GET", "/tldr/999", "", key);
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(Body(missing).at("detail").as_string(), "Lot 999 not found");
    auto text =
        Body(s.Call("POST", "/tldr", R"({"text":"Вступление. Срок поставки 10 дней. Сумма 500 000 тенге."})", key));
    EXPECT_TRUE(text.at("lot_id").is_null());
    EXPECT_EQ(text.at("lines").as_array().size(), 3u);
    EXPECT_EQ(s.Call("POST", "/tldr", "{}", key).status, 422);
    EXPECT_EQ(s.Call("GET", "/tldr/abc", "", key).status, 422);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? "PostgreSQL" : "SQLite";
});

}  // namespace
}  // namespace zakupai::test
