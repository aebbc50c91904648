// /ask black-box: offline answers from the rule book and the knowledge base with their sources,
// the asked-about lots' facts quoted (named, or the ones the key opened last when the question
// says "этот лот", across a restart), a polite refusal for questions outside it, the 4xx for bad
// input, and the providers (OpenAI-compatible chat, Flowise) from tests/fake_llm composing from
// the same facts, with a fallback to the offline answer when they fail. SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "service.hpp"

namespace zakupai::test {
namespace {

namespace json = boost::json;

std::size_t Characters(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

class AskTest : public BackendApiTest {
protected:
    json::object Ask(const std::string& body, const std::string& key) {
        auto r = service_->Call("POST", "/ask", body, key);
        EXPECT_EQ(r.status, 200) << body << ": " << r.body;
        return r.status == 200 ? json::parse(r.body).as_object() : json::object{};
    }
    std::string Problem(const std::string& body, const std::string& key) {
        auto r = service_->Call("POST", "/ask", body, key);
        EXPECT_EQ(r.status, 422) << body << ": " << r.body;
        return r.status == 422
                   ? std::string(json::parse(r.body).at("error").at("details").at(0).at("field").as_string())
                   : "";
    }
};

constexpr const char* kVat = R"({"question": "Какая ставка НДС в 2026 году?"})";

TEST_P(AskTest, AnswersFromTheKnowledgeBaseAndTheLotsOrDeclines) {
    ASSERT_EQ(RunCli(*db_, {"seed-demo", "--lots", "20"}, {}).exit_code, 0);
    Service& s = StartService();
    // Any plan may ask; the rest of the test runs on premium for the free plan's 10 a minute.
    EXPECT_EQ(s.Call("POST", "/ask", kVat, s.CreateKey(8002, "free")).status, 200);
    const std::string key = s.CreateKey(8001, "premium");

    auto vat = Ask(kVat, key);
    EXPECT_TRUE(vat.at("found").as_bool());
    EXPECT_EQ(vat.at("source").as_string(), "offline");
    EXPECT_FALSE(vat.contains("fallback_reason"));
    EXPECT_EQ(vat.at("language").as_string(), "ru");
    EXPECT_FALSE(vat.contains("context_lot_ids"));
    const std::string text(vat.at("answer").as_string());
    EXPECT_TRUE(text.starts_with("Ставка НДС в 2026 году — 16%. По 31 декабря 2025 года — 12%.")) << text;
    EXPECT_LE(Characters(text), 500U);
    ASSERT_EQ(vat.at("sources").as_array().size(), 2U);
    EXPECT_EQ(vat.at("sources").at(0).at("id").as_string(), "rules:vat");
    EXPECT_NE(std::string(vat.at("sources").at(0).at("reference").as_string()).find("214-VIII"), std::string::npos);
    EXPECT_EQ(vat.at("sources").at(1).at("id").as_string(), "vat");

    // Kazakh by the question's letters, or by the language asked for.
    auto kz = Ask(R"({"question": "2026 жылы ҚҚС мөлшерлемесі қандай?"})", key);
    EXPECT_EQ(kz.at("language").as_string(), "kz");
    EXPECT_TRUE(std::string(kz.at("answer").as_string()).starts_with("2026 жылы ҚҚС мөлшерлемесі — 16%."))
        << kz.at("answer");
    EXPECT_EQ(Ask(R"({"question": "Какая ставка НДС в 2026 году?", "language": "kz"})", key).at("language").as_string(),
              "kz");

    // About a lot: its TL;DR fact first, then the law.
    const auto lot = QueryNumber(*db_, "SELECT MIN(id) FROM lots WHERE method IN ('tender', 'auction')");
    auto about_lot = Ask(
        R"({"question": "Какое обеспечение заявки по этому лоту?", "lot_ids": [)" + std::to_string(lot) + "]}", key);
    const std::string lot_text(about_lot.at("answer").as_string());
    EXPECT_TRUE(lot_text.starts_with("**Лот " + std::to_string(lot) + "**: Обеспечение заявки: ")) << lot_text;
    EXPECT_EQ(about_lot.at("sources").at(0).at("id").as_string(), "lot:" + std::to_string(lot));
    EXPECT_EQ(about_lot.at("sources").at(0).at("reference").as_string(), "/tldr/" + std::to_string(lot));
    EXPECT_EQ(about_lot.at("sources").at(1).at("id").as_string(), "rules:bid_security");
    EXPECT_EQ(about_lot.at("sources").at(2).at("id").as_string(), "securities");
    EXPECT_FALSE(about_lot.contains("context_lot_ids"));  // named, not guessed

    // Outside the knowledge base: said plainly, nothing cited.
    auto pilaf = Ask(R"({"question": "Как приготовить плов?"})", key);
    EXPECT_FALSE(pilaf.at("found").as_bool());
    EXPECT_TRUE(pilaf.at("sources").as_array().empty());
    EXPECT_TRUE(std::string(pilaf.at("answer").as_string()).starts_with("Не нашёл ответа в базе знаний ZakupAI"));

    // Without a provider the free-text TL;DR is extractive and says so.
    EXPECT_EQ(json::parse(s.Call("POST", "/tldr", R"({"text": "Поставка бумаги. Срок 10 дней."})", key).body)
                  .at("source")
                  .as_string(),
              "offline");

    EXPECT_EQ(Problem(R"({"question": "ab"})", key), "question");
    EXPECT_EQ(Problem(R"({})", key), "question");
    EXPECT_EQ(Problem(R"({"question": "НДС?", "lot_ids": "5"})", key), "lot_ids");
    EXPECT_EQ(Problem(R"({"question": "НДС?", "lot_ids": [1, -2]})", key), "lot_ids[1]");
    EXPECT_EQ(Problem(R"({"question": "НДС?", "lot_ids": [999999]})", key), "lot_ids[0]");
    EXPECT_EQ(Problem(R"({"question": "НДС?", "lot_ids": [1,2,3,4,5,6,7,8,9,10,11]})", key), "lot_ids");
    EXPECT_EQ(s.Call("POST", "/ask", "{nope", key).status, 400);
}

TEST_P(AskTest, ProvidersComposeFromTheRetrievedTextAndFailuresFallBack) {
    FakeLlm llm;
    auto env = std::map<std::string, std::string>{{"ZAKUPAI_LLM_URL", llm.url()},
                                                  {"ZAKUPAI_LLM_KEY", FakeLlm::kKey},
                                                  {"ZAKUPAI_LLM_MODEL", "test-model"},
                                                  {"ZAKUPAI_LLM_TIMEOUT_MS", "1000"}};
    Service& s = StartService(env);
    const std::string key = s.CreateKey(8101, "premium");
    auto composed = Ask(kVat, key);
    EXPECT_EQ(composed.at("source").as_string(), "openai");
    // The fake repeats the context's first line: the rule book's fact, number included.
    EXPECT_TRUE(
        std::string(composed.at("answer").as_string()).starts_with("[fake test-model] Ставка НДС в 2026 году — 16%."))
        << composed.at("answer");
    EXPECT_EQ(composed.at("sources").at(0).at("id").as_string(), "rules:vat");
    auto stats = json::parse(llm.Control("stats")).as_object();
    EXPECT_EQ(stats.at("chat_requests").as_int64(), 1);
    EXPECT_NE(std::string(stats.at("last_prompt").as_string()).find("Вопрос: Какая ставка НДС в 2026 году?"),
              std::string::npos);

    // Free-text TL;DR by the same provider; the extractive lines when it fails.
    const std::string notice =
        R"({"text": "Закупка бумаги офисной А4, 500 пачек.\nСрок поставки 10 дней. Сумма 1 300 000 тенге."})";
    auto summary = json::parse(s.Call("POST", "/tldr", notice, key).body).as_object();
    EXPECT_EQ(summary.at("source").as_string(), "openai");
    EXPECT_EQ(json::serialize(summary.at("lines")), R"(["[fake test-model] Закупка бумаги офисной А4, 500 пачек."])");
    llm.Control("fault", R"({"kind": "500", "count": 2})");
    auto extract = json::parse(s.Call("POST", "/tldr", notice, key).body).as_object();
    EXPECT_EQ(extract.at("source").as_string(), "offline");
    EXPECT_EQ(extract.at("fallback_reason").as_string(), "openai: HTTP 500");
    EXPECT_EQ(extract.at("lines").as_array().size(), 3U);

    // Down (both attempts fail): the offline answer, and why.
    llm.Control("fault", R"({"kind": "500", "count": 2})");
    auto fallback = Ask(kVat, key);
    EXPECT_EQ(fallback.at("source").as_string(), "offline");
    EXPECT_EQ(fallback.at("fallback_reason").as_string(), "openai: HTTP 500");
    EXPECT_NE(std::string(fallback.at("answer").as_string()).find("16%"), std::string::npos);
    // Nothing retrieved: the provider is not asked, so it cannot make an answer up.
    EXPECT_FALSE(Ask(R"({"question": "Как приготовить плов?"})", key).at("found").as_bool());
    EXPECT_EQ(json::parse(llm.Control("stats")).at("chat_requests").as_int64(), 2);  // the answer and one summary
    ASSERT_EQ(s.Stop(), 0);

    // A wrong key is a refusal, not an outage: one call, then the offline answer.
    env["ZAKUPAI_LLM_KEY"] = "sk-wrong";
    Service& wrong = StartService(env);
    EXPECT_EQ(Ask(kVat, key).at("fallback_reason").as_string(), "openai: HTTP 401");
    ASSERT_EQ(wrong.Stop(), 0);

    // Flowise's prediction API when that is what is configured.
    Service& flowise = StartService({{"ZAKUPAI_FLOWISE_URL", llm.url()},
                                     {"ZAKUPAI_FLOWISE_KEY", FakeLlm::kKey},
                                     {"ZAKUPAI_FLOWISE_CHATFLOW", "zakupai-ask"}});
    auto predicted = Ask(kVat, key);
    EXPECT_EQ(predicted.at("source").as_string(), "flowise");
    EXPECT_TRUE(std::string(predicted.at("answer").as_string())
                    .starts_with("[flowise zakupai-ask] Ставка НДС в 2026 году — 16%."))
        << predicted.at("answer");
    ASSERT_EQ(flowise.Stop(), 0);

    // A Flowise URL without a chatflow is refused at start-up, by name.
    auto refused = RunCli(*db_, {"migrate"}, {{"ZAKUPAI_FLOWISE_URL", llm.url()}});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.output.find("ZAKUPAI_FLOWISE_CHATFLOW"), std::string::npos) << refused.output;
}

TEST_P(AskTest, ThisLotIsTheOneTheKeyOpenedLastEvenAfterARestart) {
    ASSERT_EQ(RunCli(*db_, {"seed-demo", "--lots", "20"}, {}).exit_code, 0);
    Service& s = StartService();
    const std::string key = s.CreateKey(8201, "premium");
    const std::string other = s.CreateKey(8202, "premium");
    const auto first = QueryNumber(*db_, "SELECT MIN(id) FROM lots WHERE method IN ('tender', 'auction')");
    const auto second = QueryNumber(*db_, "SELECT MAX(id) FROM lots WHERE method IN ('tender', 'auction')");
    ASSERT_NE(first, second);
    const std::string question = R"({"question": "Какое обеспечение заявки по этому лоту?"})";

    // Nothing opened yet: the law's answer, no lot.
    auto none = Ask(question, key);
    EXPECT_FALSE(none.contains("context_lot_ids"));
    EXPECT_EQ(none.at("sources").at(0).at("id").as_string(), "rules:bid_security");

    ASSERT_EQ(s.Call("GET", "/tldr/" + std::to_string(first), "", key).status, 200);
    ASSERT_EQ(s.Call("GET", "/risk/explain/" + std::to_string(second), "", key).status, 200);
    ASSERT_EQ(s.Call("GET", "/tldr/999999", "", key).status, 404);  // a lot that is not there is not "seen"
    auto latest = Ask(question, key);
    ASSERT_TRUE(latest.contains("context_lot_ids")) << json::serialize(latest);
    EXPECT_EQ(json::serialize(latest.at("context_lot_ids")), "[" + std::to_string(second) + "]");
    EXPECT_TRUE(std::string(latest.at("answer").as_string()).starts_with("**Лот " + std::to_string(second) + "**: "))
        << latest.at("answer");
    EXPECT_EQ(latest.at("sources").at(0).at("id").as_string(), "lot:" + std::to_string(second));
    // "My lots": the last five, the latest first. Another key's views are its own.
    auto recent = Ask(R"({"question": "Какое обеспечение заявки по моим лотам?"})", key);
    EXPECT_EQ(json::serialize(recent.at("context_lot_ids")),
              "[" + std::to_string(second) + "," + std::to_string(first) + "]");
    EXPECT_FALSE(Ask(question, other).contains("context_lot_ids"));
    // Named lots win; an empty list means "none", not "guess".
    EXPECT_FALSE(Ask(R"({"question": "Какое обеспечение заявки по этому лоту?", "lot_ids": []})", key)
                     .contains("context_lot_ids"));
    // A question not about a lot keeps to the law.
    EXPECT_FALSE(Ask(R"({"question": "Какая ставка НДС в 2026 году?"})", key).contains("context_lot_ids"));
    ASSERT_EQ(s.Stop(), 0);

    // Kept in the database: a restarted server still knows which lot is "this" one.
    StartService();
    EXPECT_EQ(json::serialize(Ask(question, key).at("context_lot_ids")), "[" + std::to_string(second) + "]");
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM lot_views"), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, AskTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? "PostgreSQL" : "SQLite";
});

}  // namespace
}  // namespace zakupai::test
