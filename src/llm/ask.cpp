#include "llm/ask.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "text/text.hpp"

namespace zakupai::llm {

namespace {

// Below this, a paragraph shares a word or two with the question by chance.
constexpr int kMinPercent = 45;

std::size_t Characters(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

// Byte offset of the n-th character.
std::size_t OffsetOf(const std::string& text, std::size_t n) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U && seen++ == n) {
            return i;
        }
    }
    return text.size();
}

constexpr const char* kNothing =
    "Не нашёл ответа в базе знаний ZakupAI, а придумывать не буду. Спросите о демпинге, обеспечении заявки и "
    "исполнения договора, сроках подачи заявок, реестре недобросовестных участников, жалобах, неустойке или НДС.";

constexpr const char* kSystemPrompt =
    "Ты помощник поставщика в государственных закупках Казахстана. Отвечай по-русски, не длиннее 500 символов, в "
    "Markdown, только по приведённому контексту. Если в контексте нет ответа, так и скажи. Не придумывай чисел, "
    "сроков и норм.";

// More than half of the question's words are the article's: "договор аренды квартиры" shares
// "договор" with the penalties article, and that is not enough to answer from it.
bool Covers(const Article& article, const std::set<std::string>& asked) {
    std::size_t known = 0;
    for (const auto& stem : asked) {
        known += article.vocabulary.count(stem);
    }
    return 2 * known > asked.size();
}

}  // namespace

std::string Shorten(const std::string& text, std::size_t limit) {
    if (Characters(text) <= limit) {
        return text;
    }
    const auto end = OffsetOf(text, limit - 1);  // room for "…"
    const std::string head = text.substr(0, end);
    // A sentence end if there is one in the second half, else a word end.
    auto cut = head.rfind(". ");
    if (cut != std::string::npos && Characters(head.substr(0, cut)) > limit / 2) {
        return head.substr(0, cut + 1);
    }
    if (text[end] == ' ') {
        return head + "…";  // the cut falls between words already
    }
    cut = head.rfind(' ');
    return (cut != std::string::npos ? head.substr(0, cut) : head) + "…";
}

Answer AskService::Ask(const std::string& question, const std::vector<LotFacts>& lots) const {
    Answer answer;
    const auto asked = text::Stems(question);
    const std::set<std::string> asked_set(asked.begin(), asked.end());

    // The lots' facts that share a word with the question, one line per lot at most.
    std::vector<std::string> parts;
    for (const auto& lot : lots) {
        const std::string* best = nullptr;
        std::size_t best_shared = 0;
        for (const auto& line : lot.lines) {
            std::size_t shared = 0;
            for (const auto& stem : text::Stems(line)) {
                shared += asked_set.count(stem);
            }
            if (shared > best_shared) {
                best_shared = shared;
                best = &line;
            }
        }
        if (best != nullptr) {
            parts.push_back(fmt::format("**Лот {}**: {}", lot.lot_id, *best));
            answer.sources.push_back(
                Source{"lot:" + std::to_string(lot.lot_id), lot.title, fmt::format("/tldr/{}", lot.lot_id)});
        }
    }
    // Then the best article, found by the index (title and keywords count), and within it the
    // paragraphs sharing most of the question's words; on a tie the one the index ranks higher.
    const auto passages = kb_.Search(question, 20);
    std::vector<std::size_t> chosen;
    const Article* article = nullptr;
    if (!passages.empty() && passages.front().percent >= kMinPercent &&
        Covers(kb_.articles()[passages.front().article], asked_set)) {
        article = &kb_.articles()[passages.front().article];
        struct Ranked {
            std::size_t shared = 0;      // distinct question words in the paragraph
            std::size_t index_rank = 0;  // the index's order among this article's paragraphs
            std::size_t paragraph = 0;
        };
        std::vector<Ranked> ranked;
        for (std::size_t p = 0; p < article->paragraphs.size(); ++p) {
            std::set<std::string> shared;
            for (const auto& stem : text::Stems(article->paragraphs[p])) {
                if (asked_set.contains(stem)) {
                    shared.insert(stem);
                }
            }
            std::size_t index_rank = passages.size();
            for (std::size_t i = 0; i < passages.size(); ++i) {
                if (passages[i].article == passages.front().article && passages[i].paragraph == p) {
                    index_rank = i;
                    break;
                }
            }
            ranked.push_back(Ranked{shared.size(), index_rank, p});
        }
        std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
            return a.shared != b.shared ? a.shared > b.shared : a.index_rank < b.index_rank;
        });
        for (const auto& r : ranked) {
            if (chosen.size() < 2 && (r.shared > 0 || chosen.empty())) {
                chosen.push_back(r.paragraph);
            }
        }
        answer.sources.push_back(Source{article->id, article->title, article->sources});
    }
    answer.found = !parts.empty() || !chosen.empty();
    if (!answer.found) {
        answer.text = kNothing;
        return answer;
    }
    std::string text;
    for (const auto& part : parts) {
        text += (text.empty() ? "" : "\n\n") + part;
    }
    std::string context = text;
    for (const auto p : chosen) {
        const auto& paragraph = article->paragraphs[p];
        context += (context.empty() ? "" : "\n\n") + article->title + ": " + paragraph;
        const std::string quoted = (text.empty() ? "**" + article->title + ".** " : "") + paragraph;
        if (Characters(text) + Characters(quoted) + 2 <= kMaxAnswerCharacters || text.empty()) {
            text += (text.empty() ? "" : "\n\n") + quoted;
        }
    }
    answer.text = Shorten(text, kMaxAnswerCharacters);
    if (provider_ != nullptr) {
        auto composed = provider_->Complete(kSystemPrompt, "Контекст:\n" + context + "\n\nВопрос: " + question);
        if (composed) {
            answer.text = Shorten(*composed, kMaxAnswerCharacters);
            answer.source = provider_->Name();
        } else {
            answer.fallback_reason = provider_->Name() + ": " + composed.error().message;
        }
    }
    return answer;
}

Result<std::vector<std::string>> SummarizeLines(const ChatProvider& provider, const std::string& text, bool kazakh) {
    const std::string system =
        std::string(
            "Сократи текст государственной закупки до трёх коротких строк: что закупают, сколько и на какую "
            "сумму, какие сроки. Только факты из текста, без вступлений. ") +
        (kazakh ? "Жауапты қазақ тілінде жаз." : "Пиши по-русски.");
    auto composed = provider.Complete(system, "Контекст:\n" + text);
    if (!composed) {
        return Fail(composed.error());
    }
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < composed->size() && lines.size() < 3) {
        const auto end = std::min(composed->find('\n', start), composed->size());
        std::string line = composed->substr(start, end - start);
        start = end + 1;
        // Models like list markers; the TL;DR's lines have none.
        const auto first = line.find_first_not_of(" \t-*•0123456789.)");
        if (first == std::string::npos) {
            continue;
        }
        lines.push_back(Shorten(line.substr(first), 200));
    }
    if (lines.empty()) {
        return Fail(Error{ErrorCode::kUnavailable, "an empty summary", {}});
    }
    return lines;
}

}  // namespace zakupai::llm
