#pragma once
// /ask: a short answer (at most 500 characters, Markdown) with its sources. Offline it is
// extractive — the knowledge-base paragraphs and the asked-about lots' facts that share the
// question's words, quoted, never composed — and it says so politely when nothing matches.
// With a provider configured, the same retrieved text is the only context the model gets, and
// any provider failure falls back to the offline answer.
#include <optional>
#include <string>
#include <vector>

#include "llm/chat.hpp"
#include "llm/knowledge_base.hpp"

namespace zakupai::llm {

inline constexpr std::size_t kMaxAnswerCharacters = 500;

// What the caller knows about a lot it asks about (the TL;DR's lines).
struct LotFacts {
    std::int64_t lot_id = 0;
    std::string title;
    std::vector<std::string> lines;
};

struct Source {
    std::string id;  // article id, or "lot:<id>"
    std::string title;
    std::string reference;  // the law's articles, or the API path of the lot
};

struct Answer {
    std::string text;  // Markdown, ≤ 500 characters
    std::vector<Source> sources;
    bool found = false;
    std::string source = "offline";  // offline | openai | flowise
    std::string fallback_reason;     // why the provider's answer was not used
};

class AskService {
public:
    // `provider` may be null (offline only).
    AskService(const KnowledgeBase& kb, const ChatProvider* provider) : kb_(kb), provider_(provider) {}
    Answer Ask(const std::string& question, const std::vector<LotFacts>& lots) const;

private:
    const KnowledgeBase& kb_;
    const ChatProvider* provider_;
};

// A procurement text in at most three short lines (what, how much, when), by the provider; the
// lines are cut to 200 characters each. 503 when the provider fails or says nothing.
Result<std::vector<std::string>> SummarizeLines(const ChatProvider& provider, const std::string& text, bool kazakh);

// The first `limit` characters, cut at a sentence or word end, with "…" when cut.
std::string Shorten(const std::string& text, std::size_t limit);

}  // namespace zakupai::llm
