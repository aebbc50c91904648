// Alerts and the outbox against SQLite and PostgreSQL, with a scripted Bot API and a clock the
// test moves: which lots alert whom, exactly once, and how fast the sender may go.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <deque>
#include <filesystem>
#include <map>

#include "core/bin.hpp"
#include "ingest/rnu.hpp"
#include "notify/alerts.hpp"
#include "notify/sender.hpp"
#include "search/indexer.hpp"
#include "search/lot_index.hpp"
#include "store/goszakup_repository.hpp"
#include "store/lot_repository.hpp"
#include "store/notify_repository.hpp"
#include "store/search_repository.hpp"
#include "support/db_backend.hpp"

namespace zakupai::notify {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

class MovingClock : public Clock {
public:
    Instant Now() const override { return now; }
    Instant now = std::chrono::sys_days{std::chrono::year{2026} / 12 / 5} + std::chrono::hours{6};
};

// Answers every call with the next scripted reply (200 ok when none is left) and records it.
class ScriptedTelegram : public net::Transport {
public:
    std::deque<net::HttpReply> faults;
    std::vector<std::pair<std::string, json::object>> calls;
    net::TransportResult Get(const std::string& path) override { return PostJson(path, "{}"); }
    net::TransportResult PostJson(const std::string& path, const std::string& body) override {
        if (!faults.empty()) {
            auto reply = faults.front();
            faults.pop_front();
            return reply;
        }
        calls.emplace_back(path, json::parse(body).as_object());
        return net::HttpReply{200, R"({"ok":true,"result":{"message_id":1}})", std::nullopt};
    }
    std::vector<std::string> TextsTo(std::int64_t chat) const {
        std::vector<std::string> out;
        for (const auto& [path, body] : calls) {
            if (path == "/sendMessage" && body.at("chat_id").as_int64() == chat) {
                out.emplace_back(body.at("text").as_string());
            }
        }
        return out;
    }
};

store::LotRow Lot(std::string title, Tiyn price, std::string status = "accepting_bids") {
    store::LotRow lot;
    lot.title = std::move(title);
    lot.price = price;
    lot.status = std::move(status);
    lot.method = "price_offers";
    lot.customer_name = "КГУ \"Школа № 7\"";
    return lot;
}

class NotifyTest : public test::BackendTest {
protected:
    void SetUp() override {
        test::BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        db_ = backend_->Open();
        store::Migrate(*db_);
        dir_ = std::filesystem::temp_directory_path() /
               ("zk_notify_" + std::to_string(::getpid()) + "_" + std::to_string(GetParam()));
        std::filesystem::remove_all(dir_);
        index_ = std::move(*search::LotIndex::Open(dir_.string()));
        lots_ = std::make_unique<store::LotRepository>(*db_);
        search_ = std::make_unique<store::SearchRepository>(*db_);
        repository_ = std::make_unique<store::NotifyRepository>(*db_);
        indexer_ = std::make_unique<search::Indexer>(*search_, *index_);
    }
    void TearDown() override {
        indexer_.reset();
        index_.reset();
        std::filesystem::remove_all(dir_);
    }
    void Publish(const std::vector<store::LotRow>& rows) {
        clock_.now += seconds(1);
        lots_->InsertAll({}, rows, {}, clock_.now);
        indexer_->CatchUp();
    }
    std::int64_t Chat(std::int64_t chat_id, const std::string& language = "ru") {
        repository_->SaveChat({chat_id, chat_id, chat_id > 0 ? "private" : "group", language, 0, false}, clock_.now);
        return chat_id;
    }
    std::int64_t SubscribeWords(std::int64_t chat, const std::string& words) {
        const auto id = repository_->Subscribe(chat, "words", words, clock_.now);
        repository_->SetSubscriptionState(id, std::to_string(repository_->MaxLotId()));
        return id;
    }

    MovingClock clock_;
    std::unique_ptr<store::Database> db_;
    std::filesystem::path dir_;
    std::unique_ptr<search::LotIndex> index_;
    std::unique_ptr<store::LotRepository> lots_;
    std::unique_ptr<store::SearchRepository> search_;
    std::unique_ptr<store::NotifyRepository> repository_;
    std::unique_ptr<search::Indexer> indexer_;
};

TEST_P(NotifyTest, NewLotsAlertTheirSubscribersOnceAndChangesAlertTheWatchers) {
    Publish({Lot("Бумага офисная А4", 100'000'00), Lot("Ремонт кровли школы", 5'000'000'00)});
    AlertMatcher alerts(*repository_, *search_, *index_, nullptr, WorkCalendar::BuiltIn(), clock_);
    EXPECT_EQ(alerts.RunOnce().enqueued, 0);  // the first pass marks where alerts start

    SubscribeWords(Chat(11), "бумаги -картридж");
    SubscribeWords(Chat(22, "kz"), "ремонт");
    const auto watched = repository_->Subscribe(Chat(33), "lot", "2", clock_.now);
    repository_->SetSubscriptionState(watched, "accepting_bids|500000000");
    const auto paused = SubscribeWords(Chat(44), "бумага");
    ASSERT_TRUE(repository_->SetSubscriptionPaused(44, paused, true));

    Publish({Lot("Бумага для принтера", 50'000'00),
             Lot("Картридж и бумага", 70'000'00),
             Lot("Ремонт фасада", 900'000'00),
             Lot("Уголь каменный", 1'000'00)});
    auto pass = alerts.RunOnce();
    EXPECT_EQ(pass.new_lots, 4);
    EXPECT_EQ(pass.enqueued, 2);  // paper for 11 (not the cartridge), repair for 22; 44 is paused
    EXPECT_EQ(alerts.RunOnce().enqueued, 0);

    // A crash after the messages were stored but before the cursor moved repeats nothing.
    repository_->SetState("alerts_cursor", "0|");
    repository_->SetState("alerts_max_lot_id", "2");
    EXPECT_EQ(alerts.RunOnce().enqueued, 0);
    EXPECT_EQ(repository_->CountOutbox().pending, 2);

    // The watched lot changes status and amount: one alert; the same state again: none.
    clock_.now += seconds(1);
    {
        store::Database::Lease s(*db_);
        const std::string ts = FormatUtcTimestamp(clock_.now);
        *s << "UPDATE lots SET status = 'failed', price = 450000000, updated_at = :u WHERE id = 2", soci::use(ts);
    }
    indexer_->CatchUp();
    EXPECT_EQ(alerts.RunOnce().enqueued, 1);
    EXPECT_EQ(repository_->Subscriptions(33).at(0).last_state, "failed|450000000");

    ScriptedTelegram telegram;
    BotApi api(telegram);
    OutboxSender sender(*repository_, api, clock_);
    EXPECT_EQ(sender.RunOnce().sent, 3);
    ASSERT_EQ(telegram.TextsTo(11).size(), 1u);
    EXPECT_NE(telegram.TextsTo(11)[0].find("Бумага для принтера"), std::string::npos);
    ASSERT_EQ(telegram.TextsTo(22).size(), 1u);
    EXPECT_NE(telegram.TextsTo(22)[0].find("Жаңа лот"), std::string::npos);  // in the chat's language
    ASSERT_EQ(telegram.TextsTo(33).size(), 1u);
    EXPECT_NE(telegram.TextsTo(33)[0].find("Статус: приём заявок → не состоялся"), std::string::npos)
        << telegram.TextsTo(33)[0];
    // Saturday 5 December in Astana: three working days are Monday to Wednesday.
    EXPECT_NE(telegram.TextsTo(33)[0].find("Обжаловать итоги можно до 09.12.2026 включительно"), std::string::npos)
        << telegram.TextsTo(33)[0];
    for (const auto& [path, body] : telegram.calls) {
        if (body.at("chat_id").as_int64() == 33) {
            EXPECT_EQ(body.at("reply_markup").at("inline_keyboard").at(1).at(0).at("callback_data").as_string(),
                      "cmp:2");
        }
    }
    EXPECT_TRUE(telegram.TextsTo(44).empty());
    EXPECT_EQ(sender.RunOnce().sent, 0);
    EXPECT_EQ(repository_->CountOutbox().sent, 3);
}

TEST_P(NotifyTest, TheSenderWaitsOnA429StopsForABlockedChatAndFollowsAMovedGroup) {
    ScriptedTelegram telegram;
    BotApi api(telegram);
    OutboxSender sender(*repository_, api, clock_);
    const auto group = Chat(-500);
    const auto sub = SubscribeWords(group, "бумага");
    Chat(7);
    for (int i = 0; i < 3; ++i) {
        repository_->Enqueue(
            {0, "m" + std::to_string(i), 7, "sendMessage", R"({"chat_id":7,"text":"t"})", 0, std::nullopt}, clock_.now);
    }
    // One a second to a chat.
    EXPECT_EQ(sender.RunOnce().sent, 1);
    clock_.now += milliseconds(500);
    EXPECT_EQ(sender.RunOnce().sent, 0);
    clock_.now += milliseconds(500);
    // 429: nothing more until retry_after has passed.
    telegram.faults.push_back(
        {429,
         R"({"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":3}})",
         std::nullopt});
    EXPECT_EQ(sender.RunOnce().sent, 0);
    clock_.now += seconds(2);
    EXPECT_EQ(sender.RunOnce().sent, 0);
    clock_.now += seconds(1);
    EXPECT_EQ(sender.RunOnce().sent, 1);
    // 5xx: tried again later, not lost.
    clock_.now += seconds(1);
    telegram.faults.push_back({502, "<html>Bad Gateway</html>", std::nullopt});
    EXPECT_EQ(sender.RunOnce().deferred, 1);
    clock_.now += seconds(1);
    EXPECT_EQ(sender.RunOnce().sent, 1);
    EXPECT_EQ(telegram.TextsTo(7).size(), 3u);

    // A group that became a supergroup: its subscription and its message follow it.
    repository_->Enqueue({0, "g1", group, "sendMessage", R"({"chat_id":-500,"text":"g"})", 0, std::nullopt},
                         clock_.now);
    telegram.faults.push_back(
        {400,
         R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a )"
         R"(supergroup chat","parameters":{"migrate_to_chat_id":-1009000}})",
         std::nullopt});
    EXPECT_EQ(sender.RunOnce().sent, 0);
    EXPECT_EQ(sender.RunOnce().sent, 1);
    EXPECT_EQ(telegram.TextsTo(-1009000).size(), 1u);
    EXPECT_TRUE(repository_->Subscriptions(group).empty());
    ASSERT_EQ(repository_->Subscriptions(-1009000).size(), 1u);
    EXPECT_EQ(repository_->Subscriptions(-1009000)[0].id, sub);

    // 403: the chat is blocked, the message failed for good, its alerts stop.
    clock_.now += seconds(2);
    repository_->Enqueue({0, "g2", -1009000, "sendMessage", R"({"chat_id":-1009000,"text":"g2"})", 0, std::nullopt},
                         clock_.now);
    telegram.faults.push_back(
        {403,
         R"({"ok":false,"error_code":403,"description":"Forbidden: bot was kicked from the group chat"})",
         std::nullopt});
    EXPECT_EQ(sender.RunOnce().failed, 1);
    EXPECT_TRUE(repository_->ActiveSubscriptions("words").empty());
    EXPECT_EQ(repository_->CountOutbox().failed, 1);

    // Everything above is in the database: a new process sees the same outbox.
    db_ = backend_->Open();
    store::NotifyRepository reopened(*db_);
    EXPECT_EQ(reopened.CountOutbox().sent, 4);
    EXPECT_EQ(reopened.CountOutbox().pending, 0);
    EXPECT_TRUE(reopened.FindChat(-1009000)->blocked);
}

TEST_P(NotifyTest, OneLotFannedOutToAThousandChatsIsEnqueuedInOnePassAndSentWithinTheLimits) {
    Publish({Lot("Молоко питьевое", 10'000'00)});
    AlertMatcher alerts(*repository_, *search_, *index_, nullptr, WorkCalendar::BuiltIn(), clock_);
    alerts.RunOnce();
    for (std::int64_t chat = 1; chat <= 1000; ++chat) {
        SubscribeWords(Chat(chat), chat % 2 == 0 ? "бумага" : "бумага -офисная");
    }
    Publish({Lot("Бумага офисная", 20'000'00)});
    EXPECT_EQ(alerts.RunOnce().enqueued, 500);  // the odd chats exclude "офисная"

    ScriptedTelegram telegram;
    BotApi api(telegram);
    OutboxSender sender(*repository_, api, clock_);
    // Ten seconds in steps of 50 ms: never more than 30 in any second.
    std::vector<Instant> sent_at;
    for (int step = 0; step < 200; ++step) {
        const auto pass = sender.RunOnce();
        for (int i = 0; i < pass.sent; ++i) {
            sent_at.push_back(clock_.now);
        }
        clock_.now += milliseconds(50);
    }
    EXPECT_EQ(sent_at.size(), 300u);
    for (std::size_t i = 30; i < sent_at.size(); ++i) {
        EXPECT_GE(sent_at[i] - sent_at[i - 30], seconds(1)) << i;
    }
}

TEST_P(NotifyTest, QuietHoursWaitDigestsGatherCustomersAlertAndDeadlinesRemindOnce) {
    // 06:00 UTC: 11:00 in Astana.
    auto closing = Lot("Ремонт спортзала", 900'000'00);
    closing.deadline = clock_.now + std::chrono::hours(20);
    Publish({Lot("Молоко", 1'000'00), closing});
    AlertMatcher alerts(*repository_, *search_, *index_, nullptr, WorkCalendar::BuiltIn(), clock_);
    alerts.RunOnce();

    const auto quiet = Chat(1);
    repository_->SetChatQuiet(quiet, 10 * 60, 12 * 60, clock_.now);
    SubscribeWords(quiet, "бумага");
    const auto digest = Chat(2);
    repository_->SetChatDigest(digest, 18 * 60, clock_.now);
    SubscribeWords(digest, "бумага");
    const auto customer = Chat(3);
    repository_->SetSubscriptionState(repository_->Subscribe(customer, "customer", "990440001234", clock_.now),
                                      std::to_string(repository_->MaxLotId()));
    const auto watcher = Chat(4, "kz");
    repository_->Subscribe(watcher, "lot", "2", clock_.now);

    auto from_customer = Lot("Бумага для школы", 30'000'00);
    from_customer.customer_bin = "990440001234";
    Publish({Lot("Бумага А4", 10'000'00), Lot("Бумага А3", 20'000'00), from_customer});
    EXPECT_EQ(alerts.RunOnce().enqueued, 3 + 3 + 1 + 1);

    ScriptedTelegram telegram;
    BotApi api(telegram);
    OutboxSender sender(*repository_, api, clock_);
    EXPECT_EQ(sender.RunOnce().sent, 2);  // the customer's lot and the deadline; the others wait
    ASSERT_EQ(telegram.TextsTo(watcher).size(), 1u);
    EXPECT_NE(telegram.TextsTo(watcher)[0].find("2 лоты</b>: өтінімдер қабылдау"), std::string::npos)
        << telegram.TextsTo(watcher)[0];
    EXPECT_NE(telegram.TextsTo(customer).at(0).find("заказчик 990440001234"), std::string::npos);

    // 12:00 in Astana: the quiet chat gets its three, a second apart.
    clock_.now = std::chrono::sys_days{std::chrono::year{2026} / 12 / 5} + std::chrono::hours{7};
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(sender.RunOnce().sent, 1);
        clock_.now += seconds(1);
    }
    EXPECT_EQ(telegram.TextsTo(quiet).size(), 3u);
    EXPECT_TRUE(telegram.TextsTo(digest).empty());

    // 18:00: one digest message carries all three.
    clock_.now = std::chrono::sys_days{std::chrono::year{2026} / 12 / 5} + std::chrono::hours{13};
    EXPECT_EQ(sender.RunOnce().sent, 3);
    ASSERT_EQ(telegram.TextsTo(digest).size(), 1u);
    const std::string text = telegram.TextsTo(digest)[0];
    EXPECT_EQ(text.find("📬 <b>Сводка за день</b>: 3 уведомл."), 0u) << text;
    for (const char* title : {"Бумага А4", "Бумага А3", "Бумага для школы"}) {
        EXPECT_NE(text.find(title), std::string::npos) << title;
    }
    EXPECT_EQ(repository_->CountOutbox().pending, 0);

    // The reminder is not repeated for the same deadline.
    clock_.now += std::chrono::minutes(5);
    EXPECT_EQ(alerts.RunOnce().enqueued, 0);
}

TEST_P(NotifyTest, AWatchedSupplierEnteringOrLeavingTheRegisterIsToldOnce) {
    store::GoszakupRepository registers(*db_);
    const store::RnuEntry other{1, "160440007161", "ТОО \"Другой\"", "", "2026-01-10", "2028-01-10", "Ст. 12", "", ""};
    registers.ReplaceRnu({other}, clock_.now);
    ingest::RnuService rnu(nullptr, registers, clock_, 24);
    AlertMatcher alerts(*repository_, *search_, *index_, &rnu, WorkCalendar::BuiltIn(), clock_);
    alerts.RunOnce();

    const std::string watched = "191240012426";
    ASSERT_TRUE(NormalizeBin(watched)) << "the test's BIN must carry a valid check digit";
    repository_->Subscribe(Chat(5), "supplier", watched, clock_.now);
    repository_->Subscribe(Chat(6, "kz"), "supplier", watched, clock_.now);
    EXPECT_EQ(alerts.RunOnce().enqueued, 0);  // the first look only notes the state
    EXPECT_EQ(repository_->Subscriptions(5).at(0).last_state, "clear");

    const store::RnuEntry listed{2,
                                 watched,
                                 "ТОО \"Недобросовестный <Поставщик>\"",
                                 "",
                                 "2026-12-04",
                                 "2028-12-04",
                                 "Уклонение от договора",
                                 "",
                                 ""};
    registers.ReplaceRnu({other, listed}, clock_.now);
    clock_.now += std::chrono::minutes(1);
    EXPECT_EQ(alerts.RunOnce().enqueued, 0);  // looked at every five minutes, not every pass
    clock_.now += std::chrono::minutes(5);
    EXPECT_EQ(alerts.RunOnce().enqueued, 2);
    clock_.now += std::chrono::minutes(5);
    EXPECT_EQ(alerts.RunOnce().enqueued, 0);  // still listed: nothing new

    registers.ReplaceRnu({other}, clock_.now);
    clock_.now += std::chrono::minutes(5);
    EXPECT_EQ(alerts.RunOnce().enqueued, 2);

    ScriptedTelegram telegram;
    BotApi api(telegram);
    OutboxSender sender(*repository_, api, clock_);
    for (int i = 0; i < 4 && sender.RunOnce().sent > 0; ++i) {
        clock_.now += seconds(1);
    }
    const auto ru = telegram.TextsTo(5);
    ASSERT_EQ(ru.size(), 2u);
    EXPECT_EQ(ru[0].find("⚠️ <b>191240012426</b> внесён в реестр недобросовестных "
                         "поставщиков\n"),
              0u)
        << ru[0];
    EXPECT_NE(ru[0].find("&lt;Поставщик&gt;"), std::string::npos) << ru[0];
    EXPECT_NE(ru[0].find("Уклонение от договора"), std::string::npos) << ru[0];
    EXPECT_EQ(ru[1].find("✅ <b>191240012426</b> исключён из реестра"), 0u) << ru[1];
    const auto kz = telegram.TextsTo(6);
    ASSERT_EQ(kz.size(), 2u);
    EXPECT_NE(kz[0].find("тізіліміне енгізілді"), std::string::npos) << kz[0];
    for (const auto& [path, body] : telegram.calls) {
        EXPECT_FALSE(body.contains("reply_markup")) << "an alert about no one lot has no lot buttons";
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, NotifyTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? std::string("PostgreSQL") : std::string("SQLite");
});

}  // namespace
}  // namespace zakupai::notify
