// The web panel through HTTP on SQLite and PostgreSQL: login with its CSRF cookie, pages on both
// backends' SQL, a session across a restart and after its key is revoked, hostile cookies,
// forms and paths. (web/tests/ drives the same pages in a real browser.)
#include <boost/json.hpp>
#include <regex>
#include <thread>

#include "api/service.hpp"

namespace zakupai::test {
namespace {

namespace json = boost::json;

class WebTest : public BackendApiTest {
protected:
    // The value of a Set-Cookie for `name` in the answer ("" when none).
    static std::string SetCookieValue(const HttpResult& r, const std::string& name) {
        const std::string header = r.Header("set-cookie");
        const auto start = header.find(name + "=");
        if (start == std::string::npos) {
            return "";
        }
        const auto value = start + name.size() + 1;
        return header.substr(value, header.find(';', value) - value);
    }
    static std::string Field(const std::string& html, const std::string& name) {
        std::smatch m;
        const std::regex pattern("name=\"" + name + "\" value=\"([^\"]*)\"");
        return std::regex_search(html, m, pattern) ? m[1].str() : "";
    }
    // Logs in with the key; returns the session cookie ("" when refused).
    std::string Login(const Service& s, const std::string& key, const std::string& next = "") {
        auto page = s.Call("GET", "/login" + (next.empty() ? "" : "?next=" + PercentEncode(next)));
        EXPECT_EQ(page.status, 200);
        const std::string csrf_cookie = SetCookieValue(page, "zk_login_csrf");
        EXPECT_EQ(csrf_cookie.size(), 64U);
        EXPECT_EQ(Field(page.body, "csrf"), csrf_cookie);
        auto login =
            s.Call("POST",
                   "/login",
                   "api_key=" + PercentEncode(key) + "&csrf=" + csrf_cookie +
                       "&next=" + PercentEncode(Field(page.body.substr(page.body.find("action=\"/login\"")), "next")),
                   "",
                   {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", "zk_login_csrf=" + csrf_cookie}});
        last_login_ = login;
        return login.status == 303 ? SetCookieValue(login, "zk_session") : "";
    }
    static HttpResult Page(const Service& s, const std::string& target, const std::string& session) {
        return s.Call("GET", target, "", "", {{"Cookie", "zk_session=" + session}});
    }
    static HttpResult Post(const Service& s,
                           const std::string& target,
                           const std::string& form,
                           const std::string& session) {
        return s.Call("POST",
                      target,
                      form,
                      "",
                      {{"Cookie", "zk_session=" + session}, {"Content-Type", "application/x-www-form-urlencoded"}});
    }
    HttpResult last_login_;
};

TEST_P(WebTest, LoginPagesSessionsAndTheirEnd) {
    Service& s = StartService();
    const std::string key = s.CreateKey(8101, "premium");
    auto upload = s.Call("POST",
                         "/etl/upload-batch?kind=lots",
                         "Наименование лота;Сумма лота;Количество;БИН заказчика;Срок приема заявок\n"
                         "Бумага офисная А4;\"1 250 000,00\";100;990640001201;20.12.2026 18:00\n"
                         "Картридж для принтера;\"450 000,00\";10;990640001201;21.12.2026 18:00\n",
                         key);
    ASSERT_EQ(upload.status, 200) << upload.body;

    // Without a session a page sends to the login page and back; the login form's token must
    // come with its cookie.
    auto anonymous = s.Call("GET", "/app/account");
    EXPECT_EQ(anonymous.status, 303);
    EXPECT_EQ(anonymous.Header("location"), "/login?next=%2Fapp%2Faccount");
    auto forged = s.Call("POST",
                         "/login",
                         "api_key=" + key + "&csrf=" + std::string(64, 'a'),
                         "",
                         {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(forged.status, 403);
    EXPECT_NE(forged.body.find("Форма устарела"), std::string::npos);
    EXPECT_EQ(Login(s, "zk_not_a_real_key_0123456789"), "");
    EXPECT_EQ(last_login_.status, 401);
    EXPECT_NE(last_login_.body.find("Ключ не принят: invalid API key"), std::string::npos);

    const std::string session = Login(s, key, "/app/account");
    ASSERT_EQ(session.size(), 64U);
    EXPECT_EQ(last_login_.Header("location"), "/app/account");
    EXPECT_NE(last_login_.Header("set-cookie").find("HttpOnly; SameSite=Lax"), std::string::npos);
    // Only the token's hash is stored.
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM web_sessions WHERE token_hash = '" + session + "'"), 0);
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM web_sessions"), 1);

    auto account = Page(s, "/app/account", session);
    ASSERT_EQ(account.status, 200);
    EXPECT_NE(account.body.find("id=\"plan\">premium<"), std::string::npos);
    EXPECT_NE(account.Header("content-security-policy").find("script-src 'self';"), std::string::npos);
    EXPECT_EQ(account.Header("x-frame-options"), "DENY");
    const std::string csrf = Field(account.body, "csrf");
    ASSERT_EQ(csrf.size(), 64U);

    // The index takes the lots in within seconds.
    HttpResult search;
    for (int i = 0; i < 100; ++i) {
        search = Page(s, "/app/search?q=" + PercentEncode("бумага -картридж") + "&min_amount=1000", session);
        if (search.body.find("id=\"total\">Найдено лотов: <b>1<") != std::string::npos) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_NE(search.body.find("id=\"total\">Найдено лотов: <b>1<"), std::string::npos) << search.body;
    EXPECT_NE(search.body.find("Бумага офисная А4"), std::string::npos);
    EXPECT_EQ(search.body.find("Картридж для принтера</a>"), std::string::npos);
    auto bad = Page(s, "/app/search?q=x&deadline_from=31.02.2026", session);
    EXPECT_EQ(bad.status, 422);
    EXPECT_NE(bad.body.find("<b>deadline_from</b>"), std::string::npos);
    auto customer = Page(s, "/app/customers/990640001201", session);
    EXPECT_EQ(customer.status, 200);
    EXPECT_NE(customer.body.find("id=\"lots-total\">2<"), std::string::npos);
    EXPECT_EQ(Page(s, "/app/customers/990640001202", session).status, 422);  // wrong check digit
    auto saved = Post(s, "/app/searches", "csrf=" + csrf + "&name=paper&query=" + PercentEncode("q=бумага"), session);
    EXPECT_EQ(saved.status, 303);
    EXPECT_EQ(Post(s, "/app/searches", "name=paper2&query=q%3Dx", session).status, 403);
    EXPECT_EQ(Post(s, "/app/searches", "csrf=" + std::string(64, '0') + "&name=p3&query=q%3Dx", session).status, 403);

    // "Alert me" needs the user's private chat with the bot; then the search becomes its words
    // subscription, with what the bot cannot watch named.
    const std::string alert_form = "csrf=" + csrf + "&query=" +
                                   PercentEncode("q=бумага -картридж&method=auction&min_amount=1000&status=published");
    EXPECT_EQ(Post(s, "/app/alerts", alert_form, session).status, 409);
    ExecuteSql(*db_,
               "INSERT INTO telegram_chats (chat_id, user_tg_id, chat_type, language, created_at, updated_at) "
               "VALUES (8101, 8101, 'private', 'ru', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')");
    auto alert = Post(s, "/app/alerts", alert_form, session);
    EXPECT_EQ(alert.status, 303);
    EXPECT_NE(alert.Header("location").find("alerted=1&not_watched=status"), std::string::npos)
        << alert.Header("location");
    EXPECT_EQ(QueryText(*db_, "SELECT target FROM alert_subscriptions WHERE chat_id = 8101"),
              "бумага -картридж способ:auction от:1000");
    EXPECT_EQ(Post(s, "/app/alerts", "csrf=" + csrf + "&query=" + PercentEncode("q=-картридж"), session).status, 422);
    EXPECT_NE(Page(s, "/app/account", session).body.find("слова: бумага -картридж способ:auction от:1000"),
              std::string::npos);

    // A price list with a bad row: the table names its line, column and reason.
    const std::string boundary = "zkboundary";
    const std::string multipart =
        "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf + "\r\n--" + boundary +
        "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\n"
        "Content-Type: text/csv\r\n\r\nsku;name;price\nA1;Бумага;100\nA2;Ручка;дорого\n\r\n--" +
        boundary + "--\r\n";
    auto prices =
        s.Call("POST",
               "/app/prices",
               multipart,
               "",
               {{"Cookie", "zk_session=" + session}, {"Content-Type", "multipart/form-data; boundary=" + boundary}});
    EXPECT_EQ(prices.status, 200) << prices.body;
    EXPECT_NE(prices.body.find("id=\"rows-rejected\">1<"), std::string::npos);
    EXPECT_NE(prices.body.find("<td>3</td><td>3</td><td>price</td>"), std::string::npos) << prices.body;
    EXPECT_NE(Page(s, "/app/prices", session).body.find("p.csv"), std::string::npos);
    EXPECT_NE(Page(s, "/app/account", session).body.find(">paper</a>"), std::string::npos);

    // Sessions are rows: a restart keeps them.
    s.Stop();
    s.Start();
    EXPECT_EQ(Page(s, "/app/account", session).status, 200);
    // A rotated key carries its sessions over; a revoked one ends them.
    auto rotated = Post(s, "/app/account/rotate", "csrf=" + csrf, session);
    EXPECT_EQ(rotated.status, 200);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(rotated.body, m, std::regex("id=\"new-key\">(zk_[^<]+)<")));
    const std::string new_key = m[1].str();
    EXPECT_EQ(s.Call("GET", "/billing/me", "", key).status, 401);
    EXPECT_EQ(Page(s, "/app/account", session).status, 200);
    auto me = json::parse(s.Call("GET", "/billing/me", "", new_key).body).as_object();
    EXPECT_EQ(s.Call("DELETE", "/billing/keys/" + std::to_string(me.at("key_id").as_int64()), "", new_key).status, 200);
    EXPECT_EQ(Page(s, "/app/account", session).status, 303);
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM web_sessions"), 0);
}

TEST_P(WebTest, LogoutEverywhereAndHostileInput) {
    Service& s = StartService();
    const std::string key = s.CreateKey(8102, "free");
    const std::string first = Login(s, key);
    const std::string second = Login(s, key, "//evil.example/steal");
    EXPECT_EQ(last_login_.Header("location"), "/app/search");  // only this site's paths are followed
    ASSERT_FALSE(first.empty());
    ASSERT_FALSE(second.empty());
    const std::string csrf = Field(Page(s, "/app/account", first).body, "csrf");
    // Another session's token does not pass for this one.
    EXPECT_EQ(Post(s, "/logout-all", "csrf=" + Field(Page(s, "/app/account", second).body, "csrf"), first).status, 403);
    EXPECT_EQ(Post(s, "/logout-all", "csrf=" + csrf, first).status, 303);
    EXPECT_EQ(Page(s, "/app/account", first).status, 303);
    EXPECT_EQ(Page(s, "/app/account", second).status, 303);

    // Nothing a browser or an attacker sends gets past a 4xx or a redirect to the login page.
    for (const std::string& cookie : {std::string("zk_session="),
                                      std::string("zk_session=") + std::string(64, 'z'),
                                      std::string(4000, ';'),
                                      std::string("zk_session=\"><script>")}) {
        const auto r = s.Call("GET", "/app/search", "", "", {{"Cookie", cookie}});
        EXPECT_EQ(r.status, 303) << cookie;
    }
    const std::string session = Login(s, key);
    for (const std::string target : {"/app/lots/abc",
                                     "/app/lots/0",
                                     "/app/lots/99999999999999999999",
                                     "/app/lots/12345",
                                     "/static/..%2F..%2Fetc%2Fpasswd",
                                     "/static/nothing.js"}) {
        const auto r = Page(s, target, session);
        EXPECT_EQ(r.status, 404) << target;
    }
    const auto script = Page(s, "/app/search?q=" + PercentEncode("<script>alert(1)</script>"), session);
    EXPECT_EQ(script.status, 200);
    EXPECT_EQ(script.body.find("<script>alert(1)"), std::string::npos);
    EXPECT_NE(script.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_EQ(Post(s, "/login", std::string(100'000, '&'), "").status, 403);
    EXPECT_EQ(s.Call("POST", "/lang", "lang=kk", "", {{"Content-Type", "application/x-www-form-urlencoded"}}).status,
              303);
    // A script guessing keys meets a wall: 30 login attempts a minute from one address (80 in
    // a second cannot all pass, even across the minute's edge).
    int refused = 0;
    for (int i = 0; i < 80; ++i) {
        const auto r =
            s.Call("POST", "/login", "api_key=x&csrf=y", "", {{"Content-Type", "application/x-www-form-urlencoded"}});
        if (r.status == 429) {
            ++refused;
            EXPECT_FALSE(r.Header("retry-after").empty());
        } else {
            EXPECT_EQ(r.status, 403);  // no CSRF cookie
        }
    }
    EXPECT_GE(refused, 20);
    // The free plan's daily quota counts panel searches too.
    EXPECT_EQ(Page(s, "/app/search?q=x", session).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? "PostgreSQL" : "SQLite";
});

}  // namespace
}  // namespace zakupai::test
