#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <deque>
#include <fstream>
#include <sstream>

#include "notify/attachment.hpp"
#include "notify/bot.hpp"
#include "notify/bot_api.hpp"
#include "notify/delivery.hpp"
#include "notify/sender.hpp"
#include "notify/telegram_text.hpp"
#include "notify/webhook.hpp"

namespace zakupai::notify {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

TEST(TelegramText, HtmlSpecialsAreEscapedAndNothingElse) {
    EXPECT_EQ(EscapeHtml("ТОО \"Альфа & Co\" <b>*_[]()~`>#+-=|{}.!"),
              "ТОО \"Альфа &amp; Co\" &lt;b&gt;*_[]()~`&gt;#+-=|{}.!");
}

TEST(Attachment, BytesSurviveTheOutboxAndHostileRowsAreRefused) {
    for (const std::string& bytes : {std::string("%PDF-1.7\n\0\xff", 11), std::string("PK\x03"), std::string("a")}) {
        EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes);
    }
    EXPECT_EQ(Base64Encode("Лот"), "0JvQvtGC");
    const auto stored = AttachmentJson({"complaint_7.pdf", "application/pdf", "%PDF-1.7"});
    const auto back = ReadAttachment(stored);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->filename, "complaint_7.pdf");
    EXPECT_EQ(back->content_type, "application/pdf");
    EXPECT_EQ(back->bytes, "%PDF-1.7");
    EXPECT_EQ(Base64Decode("abc"), std::nullopt);  // not a multiple of four
    EXPECT_EQ(Base64Decode("ab$="), std::nullopt);
    json::object broken = stored;
    broken["base64"] = "!!!!";
    EXPECT_FALSE(ReadAttachment(broken).has_value());
    broken = stored;
    broken["filename"] = "";
    EXPECT_FALSE(ReadAttachment(broken).has_value());
    broken = stored;
    broken["base64"] = 5;
    EXPECT_FALSE(ReadAttachment(broken).has_value());
    EXPECT_FALSE(ReadAttachment(json::object{}).has_value());
}

TEST(TelegramText, LengthCountsCharactersAsTelegramDoes) {
    EXPECT_EQ(TelegramLength("abc"), 3u);
    EXPECT_EQ(TelegramLength("Лот"), 3u);
    EXPECT_EQ(TelegramLength("₸"), 1u);
    EXPECT_EQ(TelegramLength("🆕"), 2u);  // outside the BMP: two UTF-16 units
}

TEST(TelegramText, LongMessagesSplitAtLinesThenSpacesNeverInsideACharacter) {
    EXPECT_EQ(SplitMessage("short"), std::vector<std::string>{"short"});
    EXPECT_EQ(SplitMessage("строка один\nстрока два", 15), (std::vector<std::string>{"строка один", "строка два"}));
    EXPECT_EQ(SplitMessage("один два три", 8), (std::vector<std::string>{"один два", "три"}));
    // No break anywhere: cut between characters.
    EXPECT_EQ(SplitMessage("ааааа", 2), (std::vector<std::string>{"аа", "аа", "а"}));
    std::string big;
    for (int i = 0; i < 600; ++i) {
        big += (i == 0 ? "" : "\n") + ("Лот " + std::to_string(i) + ": бумага офисная");
    }
    const auto parts = SplitMessage(big);
    ASSERT_EQ(parts.size(), 4u);  // 14 290 characters
    std::string joined;
    for (const auto& p : parts) {
        EXPECT_LE(TelegramLength(p), kMaxMessageCharacters);
        EXPECT_TRUE(p.ends_with("офисная"));  // every part ends with a whole line
        joined += (joined.empty() ? "" : "\n") + p;
    }
    EXPECT_EQ(joined, big);
    EXPECT_EQ(Clip("Бумага для офисной техники", 12), "Бумага для…");
    EXPECT_EQ(Clip("Бумага", 12), "Бумага");
}

TEST(Words, WordsExclusionsAndFiltersAsInTheCasesFile) {
    std::ifstream file(std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/notify/words.json");
    std::stringstream text;
    text << file.rdbuf();
    const auto cases = json::parse(text.str()).at("cases").as_array();
    ASSERT_GE(cases.size(), 10u);
    for (const auto& item : cases) {
        const auto& c = item.as_object();
        const std::string input(c.at("input").as_string());
        const auto q = WordsQuery(input);
        if (const auto* error = c.if_contains("error")) {
            ASSERT_FALSE(q.has_value()) << input;
            ASSERT_EQ(q.error().details.size(), 1u) << input;
            EXPECT_EQ(q.error().details[0].field, error->as_string()) << input;
            continue;
        }
        ASSERT_TRUE(q.has_value()) << input << ": " << q.error().message;
        EXPECT_EQ(q->text, c.at("text").as_string()) << input;
        std::vector<std::string> exclude;
        if (const auto* e = c.if_contains("exclude")) {
            for (const auto& word : e->as_array()) {
                exclude.emplace_back(word.as_string());
            }
        }
        EXPECT_EQ(q->exclude, exclude) << input;
        std::vector<std::string> methods;
        if (const auto* m = c.if_contains("methods")) {
            for (const auto& method : m->as_array()) {
                methods.emplace_back(method.as_string());
            }
        }
        EXPECT_EQ(q->methods, methods) << input;
        EXPECT_EQ(q->region, c.contains("region") ? std::string(c.at("region").as_string()) : "") << input;
        EXPECT_EQ(q->min_amount,
                  c.contains("min_amount") ? std::optional<Tiyn>(c.at("min_amount").as_int64()) : std::nullopt)
            << input;
        EXPECT_EQ(q->max_amount,
                  c.contains("max_amount") ? std::optional<Tiyn>(c.at("max_amount").as_int64()) : std::nullopt)
            << input;
    }
}

TEST(Webhook, TheSecretMustMatchWholly) {
    EXPECT_TRUE(WebhookSecretMatches("s3cret_Token-1", "s3cret_Token-1"));
    EXPECT_FALSE(WebhookSecretMatches("s3cret_Token-2", "s3cret_Token-1"));
    EXPECT_FALSE(WebhookSecretMatches("s3cret_Token", "s3cret_Token-1"));
    EXPECT_FALSE(WebhookSecretMatches("", ""));  // no secret configured: nothing matches
    EXPECT_EQ(ReadWebhookUpdate(R"({"update_id": 12, "message": {}})")->update_id, 12);
    EXPECT_EQ(ReadWebhookUpdate("{").error().code, ErrorCode::kMalformed);
    EXPECT_EQ(ReadWebhookUpdate("[1]").error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(ReadWebhookUpdate(R"({"update_id": -1})").error().details.at(0).field, "update_id");
    EXPECT_EQ(ReadWebhookUpdate(R"({"update_id": "12"})").error().details.at(0).field, "update_id");
}

TEST(Pacer, KeepsOneASecondPerChatThirtyASecondAndTwentyAMinutePerGroup) {
    SendPacer pacer;
    const Instant t0{};
    EXPECT_TRUE(pacer.TryAcquire(1, t0));
    EXPECT_FALSE(pacer.TryAcquire(1, t0 + milliseconds(999)));
    EXPECT_TRUE(pacer.TryAcquire(1, t0 + milliseconds(1000)));

    SendPacer all;
    int sent = 0;
    for (int chat = 100; chat < 200; ++chat) {
        sent += all.TryAcquire(chat, t0) ? 1 : 0;
    }
    EXPECT_EQ(sent, 30);
    EXPECT_FALSE(all.TryAcquire(500, t0 + milliseconds(999)));
    EXPECT_TRUE(all.TryAcquire(500, t0 + milliseconds(1000)));

    SendPacer group;
    int to_group = 0;
    for (int s = 0; s < 120; ++s) {
        to_group += group.TryAcquire(-100, t0 + std::chrono::seconds(s)) ? 1 : 0;
    }
    EXPECT_EQ(to_group, 40);  // 20 in each of the two minutes

    SendPacer held;
    held.HoldAll(t0 + std::chrono::seconds(5));
    EXPECT_FALSE(held.TryAcquire(1, t0 + std::chrono::seconds(4)));
    EXPECT_TRUE(held.TryAcquire(1, t0 + std::chrono::seconds(5)));
}

class ScriptedTransport : public net::Transport {
public:
    std::deque<net::TransportResult> replies;
    std::vector<std::pair<std::string, std::string>> calls;
    net::TransportResult Get(const std::string& path) override { return PostJson(path, ""); }
    net::TransportResult PostJson(const std::string& path, const std::string& body) override {
        calls.emplace_back(path, body);
        auto r = replies.front();
        replies.pop_front();
        return r;
    }
};

TEST(BotApi, AnswersErrorsAndParametersAreRead) {
    ScriptedTransport t;
    BotApi api(t);
    t.replies.push_back(net::HttpReply{200, R"({"ok":true,"result":{"message_id":7}})", std::nullopt});
    auto ok = api.Call("sendMessage", "{}");
    EXPECT_TRUE(ok.ok);
    EXPECT_EQ(ok.result.at("message_id").as_int64(), 7);
    EXPECT_EQ(t.calls.at(0).first, "/sendMessage");

    t.replies.push_back(net::HttpReply{
        429,
        R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})",
        std::nullopt});
    auto limited = api.Call("sendMessage", "{}");
    EXPECT_EQ(limited.error_code, 429);
    EXPECT_EQ(limited.retry_after, 7);
    EXPECT_FALSE(limited.Outage());

    t.replies.push_back(net::HttpReply{
        400,
        R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded","parameters":{"migrate_to_chat_id":-1001234}})",
        std::nullopt});
    EXPECT_EQ(api.Call("sendMessage", "{}").migrate_to_chat_id, -1001234);

    t.replies.push_back(net::HttpReply{
        403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})", std::nullopt});
    EXPECT_TRUE(api.Call("sendMessage", "{}").Blocked());

    t.replies.push_back(net::HttpReply{502, "<html>Bad Gateway</html>", std::nullopt});
    auto gateway = api.Call("sendMessage", "{}");
    EXPECT_EQ(gateway.error_code, 502);
    EXPECT_TRUE(gateway.Outage());

    t.replies.push_back(tl::unexpected(net::TransportFailure{"timeout", "Operation timed out"}));
    auto timeout = api.Call("sendMessage", "{}");
    EXPECT_EQ(timeout.error_code, 0);
    EXPECT_TRUE(timeout.Outage());
    EXPECT_EQ(timeout.description, "timeout: Operation timed out");
}

TEST(BotApi, UpdatesWithoutAnIdAreLeftOut) {
    const auto updates = ReadUpdates(json::parse(
        R"([{"update_id": 5, "message": {"text": "/start"}}, {"message": {}}, 7, {"update_id": "8"}, {"update_id": 9}])"));
    ASSERT_EQ(updates.size(), 2u);
    EXPECT_EQ(updates[0].update_id, 5);
    EXPECT_EQ(json::parse(updates[0].payload).at("message").at("text").as_string(), "/start");
    EXPECT_EQ(updates[1].update_id, 9);
    EXPECT_TRUE(ReadUpdates(json::parse(R"({"not": "an array"})")).empty());
}

TEST(Messages, BodiesCarryHtmlAndButtons) {
    const auto body = json::parse(MessageBody(42, "<b>Лот</b>", {{{"Риски", "risk:7"}, {"Следить", "sublot:7"}}}));
    EXPECT_EQ(body.at("chat_id").as_int64(), 42);
    EXPECT_EQ(body.at("parse_mode").as_string(), "HTML");
    EXPECT_EQ(body.at("link_preview_options").at("is_disabled").as_bool(), true);
    const auto& row = body.at("reply_markup").at("inline_keyboard").at(0).as_array();
    EXPECT_EQ(row.at(1).at("callback_data").as_string(), "sublot:7");
    EXPECT_FALSE(json::parse(MessageBody(42, "x")).as_object().contains("reply_markup"));
}

}  // namespace
}  // namespace zakupai::notify

namespace zakupai::notify {
namespace {

Instant Utc(int day, int hour, int minute) {
    return std::chrono::sys_days{std::chrono::year{2026} / 12 / day} + std::chrono::hours{hour} +
           std::chrono::minutes{minute};
}

TEST(Delivery, QuietHoursAndDigestTimesAreAstanaTimes) {
    EXPECT_EQ(ParseQuietHours("22-08"), (std::pair{22 * 60, 8 * 60}));
    EXPECT_EQ(ParseQuietHours("22:30-7:15"), (std::pair{22 * 60 + 30, 7 * 60 + 15}));
    for (const char* bad : {"", "22", "22-22", "24-08", "22-08:60", "a-b", "22--08", "-1-08", "220-08"}) {
        EXPECT_FALSE(ParseQuietHours(bad)) << bad;
    }
    EXPECT_EQ(ParseTimeOfDay("09:00"), 540);
    EXPECT_EQ(ParseTimeOfDay("9"), 540);
    EXPECT_FALSE(ParseTimeOfDay("9:5:0"));
    EXPECT_EQ(FormatTimeOfDay(7 * 60 + 5), "07:05");

    EXPECT_TRUE(InQuietHours(23 * 60, 22 * 60, 8 * 60));
    EXPECT_TRUE(InQuietHours(3 * 60, 22 * 60, 8 * 60));
    EXPECT_FALSE(InQuietHours(8 * 60, 22 * 60, 8 * 60));
    EXPECT_TRUE(InQuietHours(13 * 60, 13 * 60, 14 * 60));
    EXPECT_FALSE(InQuietHours(14 * 60, 13 * 60, 14 * 60));
    EXPECT_FALSE(InQuietHours(3 * 60, -1, -1));

    // 18:00 UTC is 23:00 in Astana (UTC+5).
    EXPECT_EQ(AlmatyMinute(Utc(5, 18, 0)), 23 * 60);
    EXPECT_EQ(NextAlmatyMinute(Utc(5, 18, 0), 8 * 60), Utc(6, 3, 0));
    EXPECT_EQ(NextAlmatyMinute(Utc(5, 2, 0), 8 * 60), Utc(5, 3, 0));
    EXPECT_EQ(NextAlmatyMinute(Utc(5, 3, 0), 8 * 60), Utc(6, 3, 0));  // the same minute: tomorrow's

    store::SubscriptionRecord chat;
    EXPECT_EQ(PlanDelivery(chat, Utc(5, 18, 0)).method, "sendMessage");
    EXPECT_FALSE(PlanDelivery(chat, Utc(5, 18, 0)).due);
    chat.quiet_from = 22 * 60;
    chat.quiet_to = 8 * 60;
    EXPECT_EQ(PlanDelivery(chat, Utc(5, 18, 0)).due, Utc(6, 3, 0));
    EXPECT_FALSE(PlanDelivery(chat, Utc(5, 10, 0)).due);  // 15:00 in Astana
    chat.digest_at = 9 * 60;
    EXPECT_EQ(PlanDelivery(chat, Utc(5, 10, 0)).method, "digest");
    EXPECT_EQ(PlanDelivery(chat, Utc(5, 10, 0)).due, Utc(6, 4, 0));
}

}  // namespace
}  // namespace zakupai::notify
