// The panel's pieces without a server: Telegram's login signature (cases in
// tests/cases/web/telegram_login.json, signed by Python's hmac), cookies and forms as browsers
// and attackers send them.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "web/internal/panel.hpp"

namespace zakupai::web {
namespace {

namespace json = boost::json;

http::Request WithCookie(const std::string& cookie) {
    http::Request request;
    request.headers.emplace_back("cookie", cookie);
    return request;
}

TEST(TelegramLogin, SignaturesAgeAndFieldsAsInTheCasesFile) {
    std::ifstream file(std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/web/telegram_login.json");
    std::stringstream text;
    text << file.rdbuf();
    const auto data = json::parse(text.str()).as_object();
    const std::string token(data.at("bot_token").as_string());
    const Instant now{std::chrono::seconds{data.at("now").as_int64()}};
    const auto& cases = data.at("cases").as_array();
    ASSERT_GE(cases.size(), 8U);
    for (const auto& item : cases) {
        const auto& c = item.as_object();
        const std::string name(c.at("name").as_string());
        std::map<std::string, std::string> fields;
        for (const auto& [key, value] : c.at("fields").as_object()) {
            fields[std::string(key)] = std::string(value.as_string());
        }
        const auto tg_id = CheckTelegramLogin(fields, token, now);
        if (const auto* expected = c.if_contains("tg_id")) {
            ASSERT_TRUE(tg_id.has_value()) << name << ": " << tg_id.error().message;
            EXPECT_EQ(*tg_id, expected->as_int64()) << name;
        } else {
            ASSERT_FALSE(tg_id.has_value()) << name;
            EXPECT_NE(tg_id.error().message.find(std::string(c.at("error").as_string())), std::string::npos)
                << name << ": " << tg_id.error().message;
        }
    }
    // Another bot's token never verifies this bot's logins.
    std::map<std::string, std::string> fields;
    for (const auto& [key, value] : cases.at(0).as_object().at("fields").as_object()) {
        fields[std::string(key)] = std::string(value.as_string());
    }
    EXPECT_FALSE(CheckTelegramLogin(fields, token + "x", now).has_value());
}

TEST(Cookies, TheNamedCookieAmongOthersAndNothingFromHostileHeaders) {
    EXPECT_EQ(CookieValue(WithCookie("a=1; zk_session=abc; b=2"), "zk_session"), "abc");
    EXPECT_EQ(CookieValue(WithCookie("zk_session=abc"), "zk_session"), "abc");
    EXPECT_EQ(CookieValue(WithCookie("xzk_session=abc; zk_sessionx=def"), "zk_session"), "");
    EXPECT_EQ(CookieValue(WithCookie(";;;=;zk_session"), "zk_session"), "");
    EXPECT_EQ(CookieValue(WithCookie(std::string(100'000, ';')), "zk_session"), "");
    EXPECT_EQ(CookieValue(WithCookie("zk_session="), "zk_session"), "");
    EXPECT_EQ(CookieValue(http::Request{}, "zk_session"), "");
    EXPECT_EQ(SetCookie("zk_session", "t", 60, false), "zk_session=t; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
    EXPECT_EQ(SetCookie("zk_session", "", 0, true), "zk_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure");
}

TEST(Forms, UrlEncodingRoundTripsRussianAndReservedCharacters) {
    EXPECT_EQ(UrlEncode("бумага А4 -картридж&x=1"),
              "%D0%B1%D1%83%D0%BC%D0%B0%D0%B3%D0%B0+%D0%904+-%D0%BA%D0%B0%D1%80%D1%82%D1%80%D0%B8%D0%B4%D0%B6%26x%3D1");
    http::Request request;
    request.body = "q=" + UrlEncode("бумага А4 -картридж&x=1") + "&csrf=abc";
    const auto form = FormFields(request);
    EXPECT_EQ(form.at("q"), "бумага А4 -картридж&x=1");
    EXPECT_EQ(form.at("csrf"), "abc");
}

TEST(Astana, DeadlinesInAstanaTime) {
    // 2026-12-19 05:51 UTC is 10:51 in Astana (UTC+5 since 2024).
    const Instant at =
        std::chrono::sys_days{std::chrono::year{2026} / 12 / 19} + std::chrono::hours{5} + std::chrono::minutes{51};
    EXPECT_EQ(FormatAstana(at), "19.12.2026 10:51");
}

}  // namespace
}  // namespace zakupai::web
