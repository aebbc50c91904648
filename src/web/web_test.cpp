// The panel's pieces without a server: Telegram's login signature (cases in
// tests/cases/web/telegram_login.json, signed by Python's hmac), cookies and forms as browsers
// and attackers send them.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
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
    EXPECT_EQ(FormatAlmatyMinute(at), "19.12.2026 10:51");
}

std::string ReadSource(const std::string& path) {
    std::ifstream file(std::string(ZAKUPAI_SOURCE_DIR) + "/" + path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

// Every label a template or the code asks for exists in Russian and in Kazakh (a missing one
// would render as nothing, or as its key).
TEST(Labels, EveryLabelAskedForExistsInBothLanguages) {
    const auto labels = json::parse(ReadSource("web/i18n.json")).as_object();
    const auto& ru = labels.at("ru").as_object();
    const auto& kk = labels.at("kk").as_object();
    EXPECT_EQ(ru.size(), kk.size());
    std::vector<std::string> asked;
    const std::regex in_template(R"(\{\{[#^/]?t\.([a-z_]+)\}\})");
    for (const auto& entry : std::filesystem::directory_iterator(std::string(ZAKUPAI_SOURCE_DIR) + "/web/templates")) {
        const std::string text = ReadSource("web/templates/" + entry.path().filename().string());
        for (auto m = std::sregex_iterator(text.begin(), text.end(), in_template); m != std::sregex_iterator(); ++m) {
            asked.push_back((*m)[1].str());
        }
    }
    const std::regex in_code(R"re(Label\([a-z_]+, "([a-z_]+)"\))re");
    for (const auto& entry : std::filesystem::directory_iterator(std::string(ZAKUPAI_SOURCE_DIR) + "/src/web")) {
        if (entry.path().extension() != ".cpp") {
            continue;
        }
        const std::string text = ReadSource("src/web/" + entry.path().filename().string());
        for (auto m = std::sregex_iterator(text.begin(), text.end(), in_code); m != std::sregex_iterator(); ++m) {
            asked.push_back((*m)[1].str());
        }
    }
    ASSERT_GT(asked.size(), 100U);
    // Labels made from a prefix and a vocabulary word.
    for (const auto method : AllOf<ProcurementMethod>()) {
        asked.push_back("method_" + std::string(Name(method)));
    }
    for (const auto status : AllOf<LotStatus>()) {
        asked.push_back("status_" + std::string(Name(status)));
    }
    for (const auto level : AllOf<RiskLevel>()) {
        asked.push_back("level_" + std::string(Name(level)));
    }
    for (const char* name :
         {"facet_status", "facet_method", "facet_region", "kind_words", "kind_lot", "kind_customer", "kind_supplier"}) {
        asked.emplace_back(name);
    }
    const auto manifest = json::parse(ReadSource("data/templates/letters/manifest.json")).as_object();
    for (const auto& [name, letter] : manifest.at("templates").as_object()) {
        for (const auto& field : letter.at("fields").as_array()) {
            asked.push_back("field_" + std::string(field.at("name").as_string()));
        }
    }
    for (const auto& key : asked) {
        EXPECT_TRUE(ru.contains(key)) << "ru lacks " << key;
        EXPECT_TRUE(kk.contains(key)) << "kk lacks " << key;
    }
}

}  // namespace
}  // namespace zakupai::web
