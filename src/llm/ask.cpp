#include "llm/ask.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
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
constexpr const char* kNothingKz =
    "ZakupAI білім қорынан жауап таппадым, ал ойдан шығармаймын. Демпинг, өтінімді және шарттың орындалуын "
    "қамтамасыз ету, өтінім беру мерзімдері, жосықсыз қатысушылар тізілімі, шағымдар, тұрақсыздық айыбы немесе ҚҚС "
    "туралы сұраңыз.";

constexpr const char* kSystemPrompt =
    "Ты помощник поставщика в государственных закупках Казахстана. Отвечай не длиннее 500 символов, в Markdown, "
    "только по приведённому контексту. Если в контексте есть число или срок, назови его точно таким же в первом "
    "предложении. Если в контексте нет ответа, так и скажи. Не придумывай чисел, сроков и норм.";

// More than two thirds of the question's words are the article's: "договор аренды квартиры"
// shares "договор" with the penalties article, "базовая ставка Нацбанка" shares two words of
// three with the VAT article, and neither is enough to answer from it.
bool Covers(const Article& article, const std::set<std::string>& asked) {
    std::size_t known = 0;
    for (const auto& stem : asked) {
        known += article.vocabulary.count(stem);
    }
    return 3 * known > 2 * asked.size();
}

// Whether a passage holds the kind of answer asked for.
bool Fits(const Paragraph& paragraph, AnswerKind kind) {
    switch (kind) {
        case AnswerKind::kNumber:
            return paragraph.states_number;
        case AnswerKind::kPeriod:
            return paragraph.states_period;
        case AnswerKind::kYesNo:
        case AnswerKind::kAny:
            return false;
    }
    return false;
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

struct AskService::Retrieved {
    const Article* article = nullptr;
    std::vector<std::size_t> paragraphs;  // best first, at most two
};

// The article the index ranks first (title and keywords count), if it covers the question; then
// its passages by shared words, the index's BM25 and whether they hold the kind of answer asked
// for (a number for "сколько", a period for "как долго").
AskService::Retrieved AskService::Passages(const Question& question, const std::set<std::string>& asked) const {
    Retrieved out;
    const auto passages = kb_.Search(question.text, 20);
    if (passages.empty() || passages.front().percent < kMinPercent ||
        !Covers(kb_.articles()[passages.front().article], asked)) {
        return out;
    }
    out.article = &kb_.articles()[passages.front().article];
    struct Ranked {
        int score = 0;
        std::size_t index_rank = 0;  // the index's order among this article's passages
        std::size_t paragraph = 0;
        std::size_t shared = 0;
    };
    std::vector<Ranked> ranked;
    for (std::size_t p = 0; p < out.article->paragraphs.size(); ++p) {
        const auto& paragraph = out.article->paragraphs[p];
        const auto shared = static_cast<std::size_t>(std::count_if(
            asked.begin(), asked.end(), [&](const std::string& stem) { return paragraph.stems.contains(stem); }));
        Ranked r{static_cast<int>(shared) * 10, passages.size(), p, shared};
        // A heading that reads like the question ("Что должно быть в жалобе") names the passage
        // that answers it, stop words and all: up to 10 points for the share of its words asked.
        const auto& heading = paragraph.heading_words;
        if (!heading.empty()) {
            const auto asked_words = std::count_if(heading.begin(), heading.end(), [&](const std::string& w) {
                return std::find(question.words.begin(), question.words.end(), w) != question.words.end();
            });
            r.score += static_cast<int>(10 * asked_words / static_cast<std::ptrdiff_t>(heading.size()));
        }
        for (std::size_t i = 0; i < passages.size(); ++i) {
            if (passages[i].article == passages.front().article && passages[i].paragraph == p) {
                r.index_rank = i;
                r.score += passages[i].percent / 10;
                break;
            }
        }
        if (Fits(paragraph, question.kind)) {
            r.score += 15;
        }
        ranked.push_back(r);
    }
    // Meaning breaks near ties only: at most 8 points, less than one shared word.
    if (meaning_) {
        std::vector<std::string> texts{question.text};
        for (const auto& paragraph : out.article->paragraphs) {
            texts.push_back(paragraph.heading + ". " + paragraph.text);
        }
        if (const auto vectors = meaning_(texts); vectors && vectors->size() == texts.size()) {
            for (auto& r : ranked) {
                const auto& a = vectors->front();
                const auto& b = (*vectors)[r.paragraph + 1];
                float cosine = 0;
                for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
                    cosine += a[i] * b[i];
                }
                r.score += static_cast<int>(std::lround(8.0F * std::clamp(cosine, 0.0F, 1.0F)));
            }
        }
    }
    std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
        return a.score != b.score ? a.score > b.score : a.index_rank < b.index_rank;
    });
    for (const auto& r : ranked) {
        if (out.paragraphs.size() < 2 && (r.shared > 0 || out.paragraphs.empty())) {
            out.paragraphs.push_back(r.paragraph);
        }
    }
    return out;
}

Answer AskService::Ask(const std::string& question,
                       const std::vector<LotFacts>& lots,
                       const AskContext& context) const {
    Answer answer;
    const auto q = Understand(question, context.today, context.language);
    answer.language = q.language;
    const auto asked = text::Stems(question);
    const std::set<std::string> asked_set(asked.begin(), asked.end());

    // The lots' facts that share a word with the question, one line per lot at most.
    std::string text;
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
            text += (text.empty() ? "" : "\n\n") + fmt::format("**Лот {}**: {}", lot.lot_id, *best);
            answer.sources.push_back(
                Source{"lot:" + std::to_string(lot.lot_id), lot.title, fmt::format("/tldr/{}", lot.lot_id)});
        }
    }
    std::string context_text = text;
    const auto fact = facts_ != nullptr ? facts_->Answer(q) : std::nullopt;
    if (fact) {
        // The number from the rule book, then the article on the same subject for the provider.
        text += (text.empty() ? "" : "\n\n") + fact->text;
        context_text = fact->text + (context_text.empty() ? "" : "\n\n" + context_text);
        answer.sources.push_back(fact->source);
        if (const auto* article = kb_.Find(fact->article)) {
            answer.sources.push_back(Source{article->id, article->title, article->sources});
        }
    } else if (const auto retrieved = Passages(q, asked_set); retrieved.article != nullptr) {
        const auto& article = *retrieved.article;
        for (const auto p : retrieved.paragraphs) {
            const auto& paragraph = article.paragraphs[p];
            const auto& heading = paragraph.heading.empty() ? article.title : paragraph.heading;
            context_text += (context_text.empty() ? "" : "\n\n") + heading + ": " + paragraph.text;
            const std::string quoted = (text.empty() ? "**" + heading + ".** " : "") + paragraph.text;
            if (Characters(text) + Characters(quoted) + 2 <= kMaxAnswerCharacters || text.empty()) {
                text += (text.empty() ? "" : "\n\n") + quoted;
            }
        }
        answer.sources.push_back(Source{article.id, article.title, article.sources});
    }
    answer.found = !text.empty();
    if (!answer.found) {
        answer.text = q.language == Language::kKazakh ? kNothingKz : kNothing;
        return answer;
    }
    answer.text = Shorten(text, kMaxAnswerCharacters);
    if (provider_ != nullptr) {
        const std::string system =
            std::string(kSystemPrompt) +
            (q.language == Language::kKazakh ? " Жауапты қазақ тілінде жаз." : " Отвечай по-русски.");
        auto composed = provider_->Complete(system, "Контекст:\n" + context_text + "\n\nВопрос: " + question);
        if (!composed) {
            answer.fallback_reason = provider_->Name() + ": " + composed.error().message;
        } else if (fact && !KeepsNumbers(*composed, fact->numbers)) {
            std::string numbers;
            for (const auto& n : fact->numbers) {
                numbers += (numbers.empty() ? "" : ", ") + n;
            }
            answer.fallback_reason = provider_->Name() + ": the answer did not keep " + numbers;
        } else {
            answer.text = Shorten(*composed, kMaxAnswerCharacters);
            answer.source = provider_->Name();
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
