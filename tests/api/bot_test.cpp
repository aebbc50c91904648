// The Telegram bot end to end: the real binary against the fake Bot API and the fake portal.
#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <thread>

#include "api/service.hpp"

namespace zakupai::test {
namespace {

namespace json = boost::json;

constexpr std::int64_t kUser = 777001;

// Every call the fake recorded, as {method, body}.
json::array Calls(const FakeTelegram& tg) {
    return json::parse(tg.Control("calls")).at("calls").as_array();
}

// The texts sent to a chat, in order.
std::vector<std::string> Texts(const FakeTelegram& tg, std::int64_t chat) {
    std::vector<std::string> out;
    for (const auto& call : Calls(tg)) {
        const auto& body = call.at("body").as_object();
        if (call.at("method").as_string() == "sendMessage" && body.at("chat_id").as_int64() == chat) {
            out.emplace_back(body.at("text").as_string());
        }
    }
    return out;
}

std::size_t CountContaining(const std::vector<std::string>& texts, const std::string& part) {
    return static_cast<std::size_t>(std::count_if(
        texts.begin(), texts.end(), [&](const std::string& t) { return t.find(part) != std::string::npos; }));
}

bool WaitUntil(const std::function<bool()>& done, int timeout_ms = 20'000) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < until) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
}

std::string Message(std::int64_t chat, const std::string& text, const std::string& language = "ru") {
    return json::serialize(json::object{
        {"message",
         json::object{
             {"message_id", 1},
             {"date", 1764900000},
             {"chat", json::object{{"id", chat}, {"type", chat > 0 ? "private" : "group"}}},
             {"from",
              json::object{{"id", kUser}, {"is_bot", false}, {"first_name", "Айгуль"}, {"language_code", language}}},
             {"text", text}}}});
}

std::string Callback(std::int64_t chat, const std::string& data) {
    return json::serialize(
        json::object{{"callback_query",
                      json::object{{"id", "cb-" + data},
                                   {"from", json::object{{"id", kUser}, {"is_bot", false}, {"first_name", "Айгуль"}}},
                                   {"data", data},
                                   {"message",
                                    json::object{{"message_id", 5},
                                                 {"date", 1764900000},
                                                 {"chat", json::object{{"id", chat}, {"type", "private"}}}}}}}});
}

class BotTest : public BackendApiTest {
protected:
    std::map<std::string, std::string> Env(const FakeTelegram& tg, const FakeOws& ows) {
        return {{"ZAKUPAI_TELEGRAM_TOKEN", FakeTelegram::kToken},
                {"ZAKUPAI_TELEGRAM_API_URL", tg.url()},
                {"ZAKUPAI_TELEGRAM_POLL_TIMEOUT_S", "1"},
                {"ZAKUPAI_TELEGRAM_ALERT_INTERVAL_MS", "100"},
                {"ZAKUPAI_SEARCH_INDEX_INTERVAL_MS", "100"},
                {"ZAKUPAI_GOSZAKUP_URL", ows.url()},
                {"ZAKUPAI_GOSZAKUP_TOKEN", FakeOws::kToken},
                {"ZAKUPAI_GOSZAKUP_SYNC_INTERVAL_S", "0"},
                {"ZAKUPAI_GOSZAKUP_RPS", "1000"},
                {"ZAKUPAI_GOSZAKUP_TIMEOUT_MS", "2000"}};
    }
    void Sync() {
        auto r = service_->Call("POST", "/etl/goszakup/sync", "", service_->admin_key());
        ASSERT_EQ(r.status, 200) << r.body;
    }
    // The lots the search index has taken in.
    long long Indexed() {
        auto r = service_->Call("GET", "/search/lots?limit=1", "", service_->admin_key());
        return r.status == 200 ? json::parse(r.body).at("total_count").to_number<long long>() : -1;
    }
};

TEST_P(BotTest, StartLotSubscribeAndAlertsArriveOnceAlsoAfterARestart) {
    FakeTelegram tg;
    FakeOws ows(30);
    StartService(Env(tg, ows));
    Sync();
    ASSERT_TRUE(WaitUntil([&] { return Indexed() == 30; }));

    // /start registers the user and shows a Free key once; the key works on the API.
    tg.Control("update", Message(kUser, "/start"));
    ASSERT_TRUE(WaitUntil([&] { return CountContaining(Texts(tg, kUser), "<code>") == 1; })) << service_->Log();
    const auto start = Texts(tg, kUser).front();
    std::smatch key;
    ASSERT_TRUE(std::regex_search(start, key, std::regex("<code>([^<]+)</code>")));
    EXPECT_NE(start.find("тариф free"), std::string::npos) << start;
    EXPECT_EQ(service_->Call("POST", "/calc/vat", R"({"amount": 1160})", key[1].str()).status, 200);
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM users WHERE tg_id = 777001"), 1);

    // /lot: the card with its buttons.
    const long long lot_id = QueryNumber(*db_, "SELECT MIN(id) FROM lots");
    tg.Control("update", Message(kUser, "/lot " + std::to_string(lot_id)));
    ASSERT_TRUE(WaitUntil([&] { return CountContaining(Texts(tg, kUser), "<b>Лот " + std::to_string(lot_id)) == 1; }));
    json::object card;
    for (const auto& call : Calls(tg)) {
        const auto& body = call.at("body").as_object();
        if (body.contains("reply_markup")) {
            card = body;
        }
    }
    const auto& buttons = card.at("reply_markup").at("inline_keyboard").at(0).as_array();
    EXPECT_EQ(buttons.at(0).at("callback_data").as_string(), "risk:" + std::to_string(lot_id));
    EXPECT_EQ(buttons.at(1).at("callback_data").as_string(), "sublot:" + std::to_string(lot_id));
    EXPECT_EQ(card.at("parse_mode").as_string(), "HTML");

    // Subscriptions: words by command, the lot by its button (answered, so the spinner stops).
    const long long watched = QueryNumber(
        *db_, "SELECT l.id FROM lots l JOIN goszakup_lots g ON g.lot_id = l.id WHERE g.source_id = 40000007");
    tg.Control("update", Message(kUser, "/subscribe бумага"));
    tg.Control("update", Callback(kUser, "sublot:" + std::to_string(watched)));
    ASSERT_TRUE(WaitUntil([&] { return CountContaining(Texts(tg, kUser), "Буду") == 2; }));
    std::size_t answered = 0;
    for (const auto& call : Calls(tg)) {
        answered += call.at("method").as_string() == "answerCallbackQuery" ? 1 : 0;
    }
    EXPECT_EQ(answered, 1u);
    const long long before = QueryNumber(*db_, "SELECT MAX(id) FROM lots");

    // The portal publishes lots and changes the watched one: each alert arrives once.
    long long paper = 0;
    for (int round = 0; round < 5 && paper == 0; ++round) {
        ows.Control("add", R"({"count": 12})");
        if (round == 0) {
            ows.Control("change", R"({"id": 40000007, "status": 370, "amount": 1234.5})");
        }
        Sync();
        paper = QueryNumber(
            *db_, "SELECT COUNT(*) FROM lots WHERE id > " + std::to_string(before) + " AND title LIKE 'Бумага%'");
    }
    ASSERT_GT(paper, 0);
    ASSERT_TRUE(WaitUntil([&] {
        const auto texts = Texts(tg, kUser);
        return CountContaining(texts, "Новый лот") == static_cast<std::size_t>(paper) &&
               CountContaining(texts, "изменился") == 1;
    })) << service_->Log();
    const auto texts = Texts(tg, kUser);
    const auto changed = std::find_if(
        texts.begin(), texts.end(), [](const auto& t) { return t.find("изменился") != std::string::npos; });
    EXPECT_NE(changed->find("Статус: приём заявок → не состоялся\nСумма: "), std::string::npos) << *changed;
    EXPECT_NE(changed->find("→ 1\u00A0234,50\u00A0₸"), std::string::npos) << *changed;
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM telegram_outbox WHERE status <> 'sent'"), 0);

    // A restart neither repeats an alert nor an answer, and goes on answering.
    const auto sent_before = Calls(tg).size();
    service_->Stop();
    service_->Start();
    tg.Control("update", Message(kUser, "/help"));
    ASSERT_TRUE(WaitUntil([&] { return CountContaining(Texts(tg, kUser), "/subscriptions — ваши подписки") >= 2; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_EQ(Calls(tg).size(), sent_before + 1);

    // Kazakh by /lang; the list of subscriptions with its buttons.
    tg.Control("update", Message(kUser, "/lang kz"));
    tg.Control("update", Message(kUser, "/subscriptions"));
    ASSERT_TRUE(WaitUntil([&] { return CountContaining(Texts(tg, kUser), "Жазылымдарыңыз") == 1; }));
    EXPECT_EQ(CountContaining(Texts(tg, kUser), "Тіл: қазақша."), 1u);
    tg.Control("update", Message(kUser, "/digest 9:00"));
    tg.Control("update", Message(kUser, "/quiet 25-08"));
    ASSERT_TRUE(WaitUntil([&] { return CountContaining(Texts(tg, kUser), "09:00 кезінде бір жинақпен") == 1; }));
    ASSERT_TRUE(WaitUntil([&] { return CountContaining(Texts(tg, kUser), "/quiet 22:30-07:00") == 1; }));
    EXPECT_EQ(QueryNumber(*db_, "SELECT digest_at FROM telegram_chats WHERE chat_id = 777001"), 540);
    EXPECT_EQ(QueryNumber(*db_, "SELECT quiet_from FROM telegram_chats WHERE chat_id = 777001"), -1);
}

// The sendDocument calls recorded by the fake, in order.
std::vector<json::object> Documents(const FakeTelegram& tg, std::int64_t chat) {
    std::vector<json::object> out;
    for (const auto& call : Calls(tg)) {
        const auto& body = call.at("body").as_object();
        if (call.at("method").as_string() == "sendDocument" && body.at("chat_id").as_int64() == chat) {
            out.push_back(body);
        }
    }
    return out;
}

TEST_P(BotTest, KeysOnlyInPrivateAndComplaintsAsFilesOnPremium) {
    FakeTelegram tg;
    FakeOws ows(10);
    StartService(Env(tg, ows));
    Sync();
    const long long lot_id = QueryNumber(*db_, "SELECT MIN(id) FROM lots");
    const std::string lot = std::to_string(lot_id);

    // In a group, /start shows no key: everyone in the group would see it.
    constexpr std::int64_t kGroup = -100500;
    tg.Control("update", Message(kGroup, "/start@ZakupAIBot"));
    ASSERT_TRUE(WaitUntil([&] { return CountContaining(Texts(tg, kGroup), "только в личном чате") == 1; }));
    EXPECT_EQ(CountContaining(Texts(tg, kGroup), "<code>"), 0u);
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM users WHERE tg_id = 777001"), 0);
    tg.Control("update", Message(kUser, "/start"));
    ASSERT_TRUE(WaitUntil([&] { return CountContaining(Texts(tg, kUser), "<code>") == 1; }));

    // On Free, the complaint comes as text with the deadline, and no file.
    tg.Control("update", Message(kUser, "/complaint " + lot + " Заявку отклонили без оснований"));
    tg.Control("update", Message(kUser, "/complaint " + lot));
    ASSERT_TRUE(WaitUntil([&] { return CountContaining(Texts(tg, kUser), "на тарифе Premium") == 1; }));
    ASSERT_TRUE(WaitUntil([&] { return CountContaining(Texts(tg, kUser), "Укажите лот и суть нарушения") == 1; }));
    const auto texts = Texts(tg, kUser);
    const auto free =
        *std::find_if(texts.begin(), texts.end(), [](const auto& t) { return t.find("Premium") != std::string::npos; });
    EXPECT_NE(free.find("<b>Жалоба по лоту " + lot + "</b>\nСрок подачи: "), std::string::npos) << free;
    EXPECT_NE(free.find("Заявку отклонили без оснований"), std::string::npos) << free;
    EXPECT_TRUE(Documents(tg, kUser).empty());

    // On Premium: the PDF by command, the PDF and the DOCX by the card's buttons.
    auto paid =
        service_->Call("POST",
                       "/billing/payments",
                       R"({"tg_id":777001,"amount":4990,"plan":"premium","method":"kaspi","external_id":"tg-1"})",
                       service_->admin_key());
    ASSERT_EQ(paid.status, 201) << paid.body;
    tg.Control("update", Message(kUser, "/complaint " + lot + " Заявку отклонили без оснований"));
    ASSERT_TRUE(WaitUntil([&] { return Documents(tg, kUser).size() == 1; })) << service_->Log();
    tg.Control("update", Callback(kUser, "cmw:" + lot));
    tg.Control("update", Callback(kUser, "cmp:999999999"));
    ASSERT_TRUE(WaitUntil([&] { return Documents(tg, kUser).size() == 2; }));
    ASSERT_TRUE(WaitUntil([&] { return CountContaining(Texts(tg, kUser), "Лот 999999999 не найден.") == 1; }));
    const auto files = Documents(tg, kUser);
    const auto& pdf = files[0].at("document").as_object();
    EXPECT_EQ(pdf.at("content_type").as_string(), "application/pdf");
    EXPECT_EQ(std::string(pdf.at("filename").as_string()).rfind("complaint_" + lot + "_", 0), 0u) << pdf;
    EXPECT_NE(std::string(files[0].at("caption").as_string()).find("Жалоба по лоту " + lot), std::string::npos);
    EXPECT_EQ(files[0].at("parse_mode").as_string(), "HTML");
    const auto& docx = files[1].at("document").as_object();
    EXPECT_EQ(docx.at("content_type").as_string(),
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    EXPECT_EQ(std::string(docx.at("filename").as_string()).substr(docx.at("filename").as_string().size() - 5), ".docx");

    // The bytes are the documents: pdftotext reads the reason back; the DOCX is a zip package.
    const auto pdf_path = (std::filesystem::temp_directory_path() / ("bot-complaint-" + lot + ".pdf")).string();
    std::ofstream(pdf_path, std::ios::binary) << tg.Control("file/0");
    const auto text = Shell("pdftotext -enc UTF-8 '" + pdf_path + "' -");
    std::filesystem::remove(pdf_path);
    EXPECT_EQ(text.exit_code, 0) << text.output;
    EXPECT_NE(text.output.find("Заявку отклонили без оснований"), std::string::npos) << text.output;
    EXPECT_EQ(tg.Control("file/1").substr(0, 2), "PK");
    EXPECT_EQ(
        QueryNumber(*db_, "SELECT COUNT(*) FROM telegram_outbox WHERE method = 'sendDocument' AND status = 'sent'"), 2);
}

TEST_P(BotTest, SubscriptionsTakeFiltersAndSuppliersAndRefuseWhatTheyCannotWatch) {
    FakeTelegram tg;
    FakeOws ows(10);
    ows.Control("rnu", R"({"biin": "191240012426", "name": "ТОО \"Срыв\""})");
    StartService(Env(tg, ows));

    tg.Control("update", Message(kUser, "/subscribe способ:аукцион от:5000000 -ремонт"));
    tg.Control("update", Message(kUser, "/subscribe бумага до:сто"));
    tg.Control("update", Message(kUser, "/subscribe поставщик 191240012426"));
    tg.Control("update", Message(kUser, "/subscribe supplier 191240012427"));
    tg.Control("update", Message(kUser, "/subscribe -ремонт"));
    ASSERT_TRUE(WaitUntil([&] { return Texts(tg, kUser).size() == 5; })) << service_->Log();
    const auto texts = Texts(tg, kUser);  // answered in the order sent, one chat at a time
    EXPECT_NE(texts[0].find("Буду присылать новые лоты"), std::string::npos) << texts[0];
    EXPECT_EQ(texts[1].find("Фильтр не принят: "), 0u) << texts[1];
    EXPECT_NE(texts[1].find("Пример: /search бумага регион:75"), std::string::npos) << texts[1];
    EXPECT_EQ(texts[2],
              "Сообщу, если 191240012426 внесут в реестр недобросовестных поставщиков или исключат из него. "
              "Сейчас он в реестре.");
    EXPECT_EQ(texts[3].find("БИН не принят: "), 0u) << texts[3];
    EXPECT_EQ(texts[4], "Нужны слова или фильтр, не только исключения.");
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM alert_subscriptions WHERE kind = 'supplier'"), 1);
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM alert_subscriptions"), 2);

    tg.Control("update", Message(kUser, "/subscriptions"));
    ASSERT_TRUE(WaitUntil([&] { return Texts(tg, kUser).size() == 6; }));
    const auto list = Texts(tg, kUser).back();
    EXPECT_NE(list.find("способ:аукцион от:5000000 -ремонт"), std::string::npos) << list;
    EXPECT_NE(list.find("поставщик в РНУ"), std::string::npos) << list;
}

TEST_P(BotTest, WebhookChecksItsSecretAndEveryUpdateIsAnsweredOnce) {
    FakeTelegram tg;
    FakeOws ows(5);
    auto env = Env(tg, ows);
    env["ZAKUPAI_TELEGRAM_MODE"] = "webhook";
    env["ZAKUPAI_TELEGRAM_WEBHOOK_SECRET"] = "s3cret_Token-1";
    Service& s = StartService(env);
    const std::string update = R"({"update_id": 5001, )" + Message(kUser, "/rnu 123").substr(1);
    EXPECT_EQ(s.Call("POST", "/telegram/webhook", update, "", {{"X-Telegram-Bot-Api-Secret-Token", "wrong"}}).status,
              403);
    EXPECT_EQ(s.Call("POST", "/telegram/webhook", update).status, 403);
    auto bad = s.Call(
        "POST", "/telegram/webhook", R"({"message": {}})", "", {{"X-Telegram-Bot-Api-Secret-Token", "s3cret_Token-1"}});
    EXPECT_EQ(bad.status, 422) << bad.body;
    EXPECT_NE(bad.body.find("update_id"), std::string::npos);
    for (int i = 0; i < 2; ++i) {  // Telegram repeats an update it saw no answer to
        auto r =
            s.Call("POST", "/telegram/webhook", update, "", {{"X-Telegram-Bot-Api-Secret-Token", "s3cret_Token-1"}});
        EXPECT_EQ(r.status, 200) << r.body;
    }
    ASSERT_TRUE(WaitUntil([&] { return !Texts(tg, kUser).empty(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    const auto texts = Texts(tg, kUser);
    ASSERT_EQ(texts.size(), 1u);
    EXPECT_NE(texts[0].find("БИН не принят"), std::string::npos) << texts[0];

    // Hostile payloads never crash it and are answered with help where there is a chat.
    int id = 6000;
    for (const std::string& hostile :
         {std::string(R"({"message": {"chat": {"id": "x"}}})"),
          std::string(R"({"message": {"chat": {"id": 777001}, "text": 42}})"),
          std::string(R"({"callback_query": {"id": 5, "data": "pause:abc"}})"),
          std::string(
              R"({"message": {"chat": {"id": 777001, "type": "private"}, "text": "/subscribe lot 999999999"}})"),
          std::string(R"({"message": {"chat": {"id": 777001, "type": "private"}, "text": "<b>&amp;"}})")}) {
        const std::string body = R"({"update_id": )" + std::to_string(++id) + ", " + hostile.substr(1);
        EXPECT_EQ(s.Call("POST", "/telegram/webhook", body, "", {{"X-Telegram-Bot-Api-Secret-Token", "s3cret_Token-1"}})
                      .status,
                  200);
    }
    ASSERT_TRUE(WaitUntil([&] { return Texts(tg, kUser).size() == 4; })) << service_->Log();
    EXPECT_EQ(CountContaining(Texts(tg, kUser), "Такого лота нет."), 1u);
    EXPECT_EQ(s.Call("GET", "/health").status, 200);

    // A 429 waits its retry_after; a 403 (blocked) pauses the chat and is not retried.
    tg.Control("fault", R"({"kind": "429", "retry_after": 1})");
    const auto t0 = std::chrono::steady_clock::now();
    s.Call("POST",
           "/telegram/webhook",
           R"({"update_id": 7001, )" + Message(kUser, "/help").substr(1),
           "",
           {{"X-Telegram-Bot-Api-Secret-Token", "s3cret_Token-1"}});
    ASSERT_TRUE(WaitUntil([&] { return Texts(tg, kUser).size() == 5; }));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(900));
    tg.Control("fault", R"({"kind": "403"})");
    s.Call("POST",
           "/telegram/webhook",
           R"({"update_id": 7002, )" + Message(kUser, "/key").substr(1),
           "",
           {{"X-Telegram-Bot-Api-Secret-Token", "s3cret_Token-1"}});
    ASSERT_TRUE(
        WaitUntil([&] { return QueryNumber(*db_, "SELECT blocked FROM telegram_chats WHERE chat_id = 777001") == 1; }));
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM telegram_outbox WHERE status = 'failed'"), 1);
}

TEST_P(BotTest, ALongPollInProgressDoesNotHoldUpTheShutdown) {
    FakeTelegram tg;
    FakeOws ows(1);
    auto env = Env(tg, ows);
    env["ZAKUPAI_TELEGRAM_POLL_TIMEOUT_S"] = "25";
    Service& s = StartService(env);
    ASSERT_TRUE(WaitUntil([&] { return json::parse(tg.Control("calls")).at("polls").as_int64() >= 1; }));
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(s.Stop(), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

// Telegram's login signature as Telegram makes it: HMAC-SHA256 of the sorted fields, keyed by
// SHA-256 of the bot token.
std::string TelegramSignature(const std::map<std::string, std::string>& fields, const std::string& token) {
    std::string check;
    for (const auto& [name, value] : fields) {
        check += (check.empty() ? "" : "\n") + name + "=" + value;
    }
    unsigned char key[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), key);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(),
         key,
         sizeof key,
         reinterpret_cast<const unsigned char*>(check.data()),
         check.size(),
         mac,
         &length);
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += "0123456789abcdef"[mac[i] >> 4];
        hex += "0123456789abcdef"[mac[i] & 0x0F];
    }
    return hex;
}

TEST_P(BotTest, StartOffersTheWebPanelAndTelegramsSignedLoginReachesTheSameUser) {
    FakeTelegram tg;
    FakeOws ows(5);
    auto env = Env(tg, ows);
    env["ZAKUPAI_TELEGRAM_WEB_URL"] = "https://panel.example/";
    StartService(env);
    tg.Control("update", Message(kUser, "/start"));
    ASSERT_TRUE(WaitUntil([&] { return CountContaining(Texts(tg, kUser), "<code>") == 1; })) << service_->Log();
    std::smatch key;
    const auto start = Texts(tg, kUser).front();
    ASSERT_TRUE(std::regex_search(start, key, std::regex("<code>([^<]+)</code>")));
    json::object reply;
    for (const auto& call : Calls(tg)) {
        if (call.at("body").as_object().contains("reply_markup")) {
            reply = call.at("body").as_object();
        }
    }
    const auto& button = reply.at("reply_markup").at("inline_keyboard").at(0).at(0).as_object();
    EXPECT_EQ(button.at("text").as_string(), "Открыть веб-панель");
    EXPECT_EQ(button.at("login_url").at("url").as_string(), "https://panel.example/login/telegram");

    // Telegram redirects the browser with the signed fields; the session acts for the bot's user.
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::map<std::string, std::string> fields{
        {"id", std::to_string(kUser)}, {"first_name", "Айгуль"}, {"auth_date", std::to_string(now)}};
    const std::string signature = TelegramSignature(fields, FakeTelegram::kToken);
    std::string query;
    for (const auto& [name, value] : fields) {
        query += name + "=" + PercentEncode(value) + "&";
    }
    auto forged = service_->Call("GET", "/login/telegram?" + query + "hash=" + std::string(64, '0'));
    EXPECT_EQ(forged.status, 401);
    EXPECT_NE(forged.body.find("signature does not match"), std::string::npos);
    auto login = service_->Call("GET", "/login/telegram?" + query + "hash=" + signature);
    ASSERT_EQ(login.status, 303) << login.body;
    EXPECT_EQ(login.Header("location"), "/app/search");
    const std::string cookie = login.Header("set-cookie");
    const auto value = cookie.find("zk_session=");
    ASSERT_NE(value, std::string::npos);
    const std::string session = cookie.substr(value + 11, 64);
    auto account = service_->Call("GET", "/app/account", "", "", {{"Cookie", "zk_session=" + session}});
    ASSERT_EQ(account.status, 200);
    // The bot's key (by its prefix) is the session's: one user, no second key made.
    EXPECT_NE(account.body.find("<code>" + key[1].str().substr(0, 9) + "…</code> (этот вход)"), std::string::npos)
        << account.body;
    EXPECT_EQ(
        QueryNumber(*db_, "SELECT COUNT(*) FROM api_keys k JOIN users u ON u.id = k.user_id WHERE u.tg_id = 777001"),
        1);
}

INSTANTIATE_TEST_SUITE_P(Backends, BotTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? std::string("PostgreSQL") : std::string("SQLite");
});

}  // namespace
}  // namespace zakupai::test
