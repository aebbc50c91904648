#pragma once
// /ask: a short answer (at most 500 characters, Markdown) with its sources. Offline it is never
// composed: a fact from the rule book or the calendar when the question asks for one (the number
// first, then the condition, then the source), else the knowledge-base passages that answer it,
// quoted; the asked-about lots' TL;DR lines come first; a polite refusal when nothing matches.
// With a provider configured, the same facts and passages are the only context the model gets;
// an answer that drops or changes a stated number, or any failure, falls back to the offline one.
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "llm/chat.hpp"
#include "llm/facts.hpp"
#include "llm/knowledge_base.hpp"
#include "llm/question.hpp"

namespace zakupai::llm {

inline constexpr std::size_t kMaxAnswerCharacters = 500;

// What the caller knows about a lot it asks about (the TL;DR's lines).
struct LotFacts {
    std::int64_t lot_id = 0;
    std::string title;
    std::vector<std::string> lines;
};

struct Answer {
    std::string text;  // Markdown, ≤ 500 characters
    std::vector<Source> sources;
    bool found = false;
    Language language = Language::kRussian;
    std::string source = "offline";  // offline | openai | flowise
    std::string fallback_reason;     // why the provider's answer was not used
};

struct AskContext {
    Date today;                        // Astana's date: "сейчас" in a question means it
    std::optional<Language> language;  // as asked for; else read from the question
};

// Unit-length meaning vectors for texts (the semantic index's model), or an error while there is
// none: a second opinion on which passage answers, after shared words and BM25.
using Meaning = std::function<Result<std::vector<std::vector<float>>>(const std::vector<std::string>&)>;

class AskService {
public:
    // `facts` and `provider` may be null (passages only; offline only), `meaning` empty.
    AskService(const KnowledgeBase& kb, const FactBook* facts, const ChatProvider* provider, Meaning meaning = {})
        : kb_(kb), facts_(facts), provider_(provider), meaning_(std::move(meaning)) {}
    Answer Ask(const std::string& question, const std::vector<LotFacts>& lots, const AskContext& context) const;

private:
    struct Retrieved;
    Retrieved Passages(const Question& question, const std::set<std::string>& asked) const;

    const KnowledgeBase& kb_;
    const FactBook* facts_;
    const ChatProvider* provider_;
    Meaning meaning_;
};

// A procurement text in at most three short lines (what, how much, when), by the provider; the
// lines are cut to 200 characters each. 503 when the provider fails or says nothing.
Result<std::vector<std::string>> SummarizeLines(const ChatProvider& provider, const std::string& text, bool kazakh);

// The first `limit` characters, cut at a sentence or word end, with "…" when cut.
std::string Shorten(const std::string& text, std::size_t limit);

}  // namespace zakupai::llm
