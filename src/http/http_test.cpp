#include <gtest/gtest.h>

#include "http/message.hpp"
#include "http/metrics.hpp"
#include "http/multipart.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace zakupai::http {
namespace {

Response Named(const char* name) {
    return Response::Json(std::string("\"") + name + "\"");
}

TEST(Router, ExactPatternsMethodsAndParameters) {
    Router router;
    router.Add("GET", "/health", [](Request&) { return Named("health"); });
    router.Add("POST", "/calc/vat", [](Request&) { return Named("vat"); });
    router.Add("GET", "/billing/stats/{tg_id}", [](Request&) { return Named("stats"); });
    router.Add("DELETE", "/billing/keys/{key_id}", [](Request&) { return Named("revoke"); });
    router.Add("GET", "/risk/explain/{lot_id}", [](Request&) { return Named("explain"); });

    auto vat = router.Find("POST", "/calc/vat");
    ASSERT_NE(vat.route, nullptr);
    EXPECT_EQ(vat.route->pattern, "/calc/vat");

    auto stats = router.Find("GET", "/billing/stats/42");
    ASSERT_NE(stats.route, nullptr);
    EXPECT_EQ(stats.params.at("tg_id"), "42");

    auto decoded = router.Find("GET", "/risk/explain/%D0%BB%D0%BE%D1%82%201");
    EXPECT_EQ(decoded.params.at("lot_id"), "лот 1");

    auto wrong_method = router.Find("GET", "/calc/vat");
    EXPECT_EQ(wrong_method.route, nullptr);
    EXPECT_EQ(wrong_method.allowed_methods, std::vector<std::string>{"POST"});

    EXPECT_EQ(router.Find("GET", "/billing/stats/").route, nullptr);         // empty parameter
    EXPECT_EQ(router.Find("GET", "/billing/stats/1/extra").route, nullptr);  // too long
    EXPECT_TRUE(router.Find("GET", "/nothing").allowed_methods.empty());
}

TEST(Query, DecodesPercentAndPlus) {
    auto q = ParseQuery("query=%D0%B1%D1%83%D0%BC%D0%B0%D0%B3%D0%B0+A4&limit=10&empty=&flag&bad=%zz&x=1&x=2");
    EXPECT_EQ(q.at("query"), "бумага A4");
    EXPECT_EQ(q.at("limit"), "10");
    EXPECT_EQ(q.at("empty"), "");
    EXPECT_EQ(q.at("flag"), "");
    EXPECT_EQ(q.at("bad"), "%zz");
    EXPECT_EQ(q.at("x"), "2");
    EXPECT_EQ(PercentDecode("a+b%2"), "a+b%2");  // paths keep '+', a cut escape stays as is
}

TEST(RequestId, KeepsSaneValuesOnly) {
    EXPECT_EQ(ChooseRequestId("abc-123.X_y:z"), "abc-123.X_y:z");
    const std::string generated = ChooseRequestId("has space");
    EXPECT_EQ(generated.size(), 36u);
    EXPECT_EQ(generated[8], '-');
    EXPECT_EQ(generated[14], '4');
    EXPECT_NE(ChooseRequestId(""), ChooseRequestId(""));
    EXPECT_EQ(ChooseRequestId(std::string(129, 'a')).size(), 36u);
}

TEST(ErrorBody, HasOneShape) {
    Error error = Error::Invalid({{"amount", "must be >= 0"}, {"date", "is required"}});
    Response r = ErrorResponse(error, "rid-1");
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.body,
              R"({"detail":"amount: must be >= 0; date: is required","error":{"code":"validation_error",)"
              R"("message":"amount: must be >= 0; date: is required","request_id":"rid-1","details":[)"
              R"({"field":"amount","problem":"must be >= 0"},{"field":"date","problem":"is required"}]}})");
    Error limited{ErrorCode::kQuotaExceeded, "slow down", {}};
    limited.retry_after_seconds = 12;
    Response r429 = ErrorResponse(limited, "rid-2");
    EXPECT_EQ(r429.status, 429);
    ASSERT_EQ(r429.headers.size(), 1u);
    EXPECT_EQ(r429.headers[0], (std::pair<std::string, std::string>{"Retry-After", "12"}));
}

TEST(Metrics, RendersCountsHistogramsAndCounters) {
    metrics::Registry registry;
    RequestMetrics metrics(registry);
    metrics.BeginRequest();
    metrics.EndRequest("POST", "/calc/vat", 200, std::chrono::microseconds{700});
    metrics.BeginRequest();
    metrics.EndRequest("POST", "/calc/vat", 422, std::chrono::milliseconds{3});
    registry.GetCounter("finance_calcs_total", "Calcs.", R"(kind="vat")").Add(2);
    registry.AddGaugeCallback("pool", "Pool.", [] { return std::vector<metrics::Sample>{{R"(state="idle")", 3}}; });
    const std::string text = registry.Render();
    EXPECT_NE(text.find(R"(http_requests_total{method="POST",route="/calc/vat",status="200"} 1)"), std::string::npos);
    EXPECT_NE(text.find(R"(http_requests_total{method="POST",route="/calc/vat",status="422"} 1)"), std::string::npos);
    EXPECT_NE(text.find(R"(http_request_duration_seconds_bucket{method="POST",route="/calc/vat",le="0.001"} 1)"),
              std::string::npos);
    EXPECT_NE(text.find(R"(http_request_duration_seconds_bucket{method="POST",route="/calc/vat",le="0.005"} 2)"),
              std::string::npos);
    EXPECT_NE(text.find(R"(http_request_duration_seconds_count{method="POST",route="/calc/vat"} 2)"),
              std::string::npos);
    EXPECT_NE(text.find(R"(finance_calcs_total{kind="vat"} 2)"), std::string::npos);
    EXPECT_NE(text.find("http_requests_in_flight 0"), std::string::npos);
    EXPECT_NE(text.find(R"(pool{state="idle"} 3)"), std::string::npos);
}

TEST(Pipeline, HooksRunAroundTheHandlerAndErrorsBecomeOneBody) {
    Router router;
    router.Add("GET", "/boom", [](Request&) -> Response { throw std::runtime_error("database is down"); });
    router.Add("GET", "/secret", [](Request&) { return Named("secret"); });
    metrics::Registry registry;
    RequestMetrics metrics(registry);
    HttpConfig config;
    config.access_log = false;
    int after_calls = 0;
    Hooks hooks;
    hooks.before = [](Request& request, const Route& route) -> std::optional<Response> {
        if (route.pattern == "/secret")
            return ErrorResponse(401, "unauthorized", "no key", request.request_id);
        return std::nullopt;
    };
    hooks.after = [&](const Request&, const Route*, const Response&, std::chrono::microseconds) { ++after_calls; };
    Server server(config, router, metrics, hooks);
    Request boom;
    boom.method = "GET";
    boom.path = "/boom";
    boom.request_id = "r1";
    Response outage = server.Handle(boom);
    EXPECT_EQ(outage.status, 503);
    EXPECT_NE(outage.body.find("service temporarily unavailable"), std::string::npos);
    EXPECT_EQ(outage.body.find("database is down"), std::string::npos);  // details stay in the log
    Request secret = boom;
    secret.path = "/secret";
    EXPECT_EQ(server.Handle(secret).status, 401);
    EXPECT_EQ(after_calls, 2);
}

TEST(Pipeline, AFailingAfterHookDoesNotLoseTheAnswer) {
    Router router;
    router.Add("GET", "/ok", [](Request&) { return Named("ok"); });
    metrics::Registry registry;
    RequestMetrics metrics(registry);
    HttpConfig config;
    config.access_log = false;
    Hooks hooks;
    hooks.after = [](const Request&, const Route*, const Response&, std::chrono::microseconds) {
        throw std::runtime_error("audit queue unavailable");
    };
    Server server(config, router, metrics, hooks);
    Request request;
    request.method = "GET";
    request.path = "/ok";
    request.request_id = "r2";
    const Response response = server.Handle(request);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "\"ok\"");
}

}  // namespace
}  // namespace zakupai::http

namespace zakupai::http {
namespace {

const std::string kBoundary = "----zk7MA4YWxkTrZu0gW";

std::string Form(const std::vector<std::string>& parts) {
    std::string body;
    for (const auto& p : parts) {
        body += "--" + kBoundary + "\r\n" + p;
    }
    return body + "--" + kBoundary + "--\r\n";
}

TEST(Multipart, FilesAndFieldsAsCurlSendsThem) {
    const std::string body = Form({
        "Content-Disposition: form-data; name=\"file\"; filename=\"прайс \\\"v2\\\".csv\"\r\n"
        "Content-Type: text/csv\r\n\r\nsku;price\r\n--not-a-boundary\r\nA;1\r\n",
        "Content-Disposition: form-data; name=strict\r\n\r\ntrue\r\n",
    });
    auto parts = ParseMultipart("multipart/form-data; boundary=" + kBoundary, body);
    ASSERT_TRUE(parts.has_value()) << parts.error().message;
    ASSERT_EQ(parts->size(), 2u);
    EXPECT_EQ((*parts)[0].name, "file");
    EXPECT_EQ((*parts)[0].filename, "прайс \"v2\".csv");
    EXPECT_EQ((*parts)[0].content_type, "text/csv");
    EXPECT_EQ((*parts)[0].body, "sku;price\r\n--not-a-boundary\r\nA;1");
    EXPECT_EQ((*parts)[1].name, "strict");
    EXPECT_EQ((*parts)[1].body, "true");
    auto quoted = ParseMultipart("Multipart/Form-Data; charset=utf-8; boundary=\"" + kBoundary + "\"", body);
    ASSERT_TRUE(quoted.has_value());
    EXPECT_EQ(quoted->size(), 2u);
}

TEST(Multipart, HostileBodiesAreRejectedWithAReason) {
    const std::string type = "multipart/form-data; boundary=" + kBoundary;
    const std::vector<std::pair<std::string, std::string>> cases{
        {"text/csv", "a,b"},
        {"multipart/form-data", "--x\r\n"},
        {type, "no boundary here"},
        {type, "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nbody without end"},
        {type, "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"f\"\r\nno blank line"},
        {type, "--" + kBoundary + "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" + kBoundary + "--"},
        {type, "--" + kBoundary + "garbage"},
    };
    for (const auto& [content_type, body] : cases) {
        auto parts = ParseMultipart(content_type, body);
        ASSERT_FALSE(parts.has_value()) << body;
        EXPECT_EQ(parts.error().code, ErrorCode::kMalformed);
        EXPECT_EQ(parts.error().message.rfind("malformed multipart body: ", 0), 0u);
    }
    std::vector<std::string> many(40, "Content-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n");
    EXPECT_FALSE(ParseMultipart(type, Form(many)).has_value());
}

}  // namespace
}  // namespace zakupai::http
