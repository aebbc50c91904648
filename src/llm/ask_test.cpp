// /ask without a server: every knowledge-base topic answers its questions from the right article
// (tests/cases/llm/ask.json), unrelated questions get a polite refusal with no sources, answers
// stay within 500 characters, the asked-about lots' facts are quoted, and a provider's answer
// replaces the extract only when it works.
#include "llm/ask.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

namespace zakupai::llm {
namespace {

namespace json = boost::json;

std::size_t Characters(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

const KnowledgeBase& Kb() {
    static const auto kb = [] {
        auto loaded = KnowledgeBase::LoadEmbedded();
        EXPECT_TRUE(loaded.has_value()) << loaded.error().message;
        return std::move(*loaded);
    }();
    return *kb;
}

TEST(KnowledgeBase, EveryTopicIsThere) {
    std::vector<std::string> ids;
    for (const auto& a : Kb().articles()) {
        ids.push_back(a.id);
        EXPECT_FALSE(a.sources.empty()) << a.id;
        for (const auto& p : a.paragraphs) {
            EXPECT_LE(Characters(p), kMaxAnswerCharacters + 100) << a.id << ": a paragraph too long to quote";
        }
    }
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(
        ids, (std::vector<std::string>{"complaints", "deadlines", "dumping", "penalties", "rnu", "securities", "vat"}));
}

TEST(KnowledgeBase, BrokenArticlesAreRefusedByName) {
    EXPECT_EQ(KnowledgeBase::FromFiles({{"a.md", "no front matter"}}).error().message, "kb/a.md: no front matter");
    EXPECT_EQ(KnowledgeBase::FromFiles({{"a.md", "---\nid: a\n"}}).error().message,
              "kb/a.md: front matter is not closed");
    EXPECT_EQ(KnowledgeBase::FromFiles({{"a.md", "---\ntitle: A\n---\ntext"}}).error().message,
              "kb/a.md: id and title are required");
    EXPECT_EQ(KnowledgeBase::FromFiles({{"a.md", "---\nid: a\ntitle: A\n---\n\n"}}).error().message,
              "kb/a.md: no text");
    EXPECT_EQ(
        KnowledgeBase::FromFiles({{"a.md", "---\nid: a\ntitle: A\n---\nx"}, {"b.md", "---\nid: a\ntitle: B\n---\ny"}})
            .error()
            .message,
        "kb/b.md: duplicate id a");
}

TEST(Ask, EachTopicAnswersFromItsArticleAndOtherQuestionsAreDeclined) {
    std::ifstream in(std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/llm/ask.json");
    std::stringstream text;
    text << in.rdbuf();
    const auto cases = json::parse(text.str()).at("cases").as_array();
    const AskService ask(Kb(), nullptr);
    for (const auto& item : cases) {
        const auto& c = item.as_object();
        const std::string question(c.at("question").as_string());
        const auto answer = ask.Ask(question, {});
        EXPECT_EQ(answer.source, "offline");
        EXPECT_LE(Characters(answer.text), kMaxAnswerCharacters) << question;
        if (c.at("article").as_string() == "none") {
            EXPECT_FALSE(answer.found) << question << " → " << answer.text;
            EXPECT_TRUE(answer.sources.empty()) << question;
            EXPECT_TRUE(answer.text.starts_with("Не нашёл ответа в базе знаний ZakupAI")) << answer.text;
            continue;
        }
        EXPECT_TRUE(answer.found) << question;
        ASSERT_FALSE(answer.sources.empty()) << question;
        EXPECT_EQ(answer.sources.front().id, c.at("article").as_string()) << question << " → " << answer.text;
        EXPECT_NE(answer.text.find(std::string(c.at("answer").as_string())), std::string::npos)
            << question << " → " << answer.text;
        EXPECT_FALSE(answer.sources.front().reference.empty());
    }
}

TEST(Ask, TheAskedAboutLotsFactsAreQuotedFirst) {
    const AskService ask(Kb(), nullptr);
    const std::vector<LotFacts> lots{{5,
                                      "Бумага офисная",
                                      {"Предмет закупки: Бумага офисная",
                                       "Сумма без НДС: 1 000 000,00 ₸",
                                       "Обеспечение заявки: 10 000,00 ₸; обеспечение исполнения: 30 000,00 ₸"}}};
    const auto answer = ask.Ask("Какое обеспечение заявки по этому лоту?", lots);
    ASSERT_TRUE(answer.found);
    EXPECT_TRUE(answer.text.starts_with("**Лот 5**: Обеспечение заявки: 10 000,00 ₸")) << answer.text;
    ASSERT_EQ(answer.sources.size(), 2U);
    EXPECT_EQ(answer.sources[0].id, "lot:5");
    EXPECT_EQ(answer.sources[0].reference, "/tldr/5");
    EXPECT_EQ(answer.sources[1].id, "securities");
    EXPECT_LE(Characters(answer.text), kMaxAnswerCharacters);
}

class ScriptedProvider : public ChatProvider {
public:
    explicit ScriptedProvider(Result<std::string> reply) : reply_(std::move(reply)) {}
    std::string Name() const override { return "openai"; }
    Result<std::string> Complete(const std::string& system, const std::string& user) const override {
        last_system = system;
        last_user = user;
        ++calls;
        return reply_;
    }
    mutable std::string last_system;
    mutable std::string last_user;
    mutable int calls = 0;

private:
    Result<std::string> reply_;
};

TEST(Ask, AProviderComposesFromTheRetrievedTextOnlyAndFailuresFallBack) {
    ScriptedProvider good(std::string(700, 'x'));
    const auto answer = AskService(Kb(), &good).Ask("Какая ставка НДС в 2026 году?", {});
    EXPECT_EQ(answer.source, "openai");
    EXPECT_LE(Characters(answer.text), kMaxAnswerCharacters);
    EXPECT_NE(good.last_user.find("16%"), std::string::npos);  // the context carries the article
    EXPECT_NE(good.last_user.find("Вопрос: Какая ставка НДС в 2026 году?"), std::string::npos);
    EXPECT_NE(good.last_system.find("только по приведённому контексту"), std::string::npos);
    EXPECT_EQ(answer.sources.front().id, "vat");

    ScriptedProvider down(Fail(Error{ErrorCode::kUnavailable, "timeout: timed out", {}}));
    const auto fallback = AskService(Kb(), &down).Ask("Какая ставка НДС в 2026 году?", {});
    EXPECT_EQ(fallback.source, "offline");
    EXPECT_EQ(fallback.fallback_reason, "openai: timeout: timed out");
    EXPECT_NE(fallback.text.find("16%"), std::string::npos);

    // Nothing retrieved: the provider is not asked at all, so it cannot invent an answer.
    ScriptedProvider unused(std::string("выдумка"));
    const auto refused = AskService(Kb(), &unused).Ask("Как приготовить плов?", {});
    EXPECT_FALSE(refused.found);
    EXPECT_EQ(unused.calls, 0);
}

TEST(Shorten, CutsAtSentencesOrWordsAndCountsCharacters) {
    EXPECT_EQ(Shorten("Коротко.", 500), "Коротко.");
    const std::string sentences = "Первое предложение здесь. Второе предложение тоже длинное.";
    EXPECT_EQ(Shorten(sentences, 40), "Первое предложение здесь.");
    EXPECT_EQ(Shorten("слово слово слово слово", 12), "слово слово…");
    EXPECT_LE(Characters(Shorten(std::string(1000, 'a'), 500)), 500U);
}

}  // namespace
}  // namespace zakupai::llm
