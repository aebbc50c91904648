#include "text/text.hpp"

#include <xapian.h>

#include <algorithm>
#include <array>

namespace zakupai::text {

namespace {

// Sorted, folded: binary-searched by IsStopWord, loaded into the Xapian stopper once.
constexpr auto kStopWords = [] {
    // clang-format off
    auto words = std::to_array<std::string_view>({
        // Russian prepositions and conjunctions
        "а", "без", "в", "во", "для", "до", "за", "и", "из", "или", "к", "ко", "на", "над", "о", "об", "от", "по",
        "под", "при", "с", "со", "у", "так", "как", "что", "это", "все", "ли", "не", "же", "бы", "чем",
        // pronouns and the words of a question (matter for /ask, never for a lot)
        "мне", "я", "мы", "вы", "его", "ее", "их", "этот", "этом", "какой", "какая", "какие", "каков", "какое",
        "каким", "сколько", "когда", "где", "кто", "нужно", "надо", "можно", "должно", "должен", "должна", "быть",
        "будет", "есть", "такое",
        // Kazakh conjunctions and postpositions
        "мен", "және", "үшін",
        // counting words in price-list names
        "шт", "упак",
        // English glue words in imported names
        "the", "and", "of", "for", "with", "to", "in", "on", "a", "an", "or"});
    // clang-format on
    std::sort(words.begin(), words.end());
    return words;
}();

struct ListStopper : Xapian::SimpleStopper {
    ListStopper() {
        for (auto word : kStopWords) {
            add(std::string(word));
        }
    }
};

template <class OnWord>
void ForEachWord(std::string_view text, OnWord on_word) {
    std::string word;
    for (Xapian::Utf8Iterator it(text.data(), text.size()); it != Xapian::Utf8Iterator(); ++it) {
        const unsigned ch = *it;
        if (Xapian::Unicode::is_wordchar(ch)) {
            Xapian::Unicode::append_utf8(word, FoldCodePoint(ch));
        } else if (!word.empty()) {
            on_word(word);
            word.clear();
        }
    }
    if (!word.empty()) {
        on_word(word);
    }
}

}  // namespace

unsigned FoldCodePoint(unsigned code_point) {
    const unsigned lower = Xapian::Unicode::tolower(code_point);
    return lower == 0x451 ? 0x435 : lower;  // ё → е
}

std::string Fold(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (Xapian::Utf8Iterator it(text.data(), text.size()); it != Xapian::Utf8Iterator(); ++it) {
        Xapian::Unicode::append_utf8(out, FoldCodePoint(*it));
    }
    return out;
}

std::vector<std::string> Words(std::string_view text) {
    std::vector<std::string> out;
    ForEachWord(text, [&](std::string& word) { out.push_back(std::move(word)); });
    return out;
}

bool IsStopWord(std::string_view folded_word) {
    return std::binary_search(kStopWords.begin(), kStopWords.end(), folded_word);
}

const Xapian::Stopper& Stopper() {
    static const ListStopper kStopper;
    return kStopper;
}

std::string Stem(const std::string& folded_word) {
    thread_local Xapian::Stem stemmer("russian");
    return stemmer(folded_word);
}

std::vector<std::string> Stems(std::string_view text) {
    std::vector<std::string> out;
    ForEachWord(text, [&](const std::string& word) {
        if (!IsStopWord(word)) {
            out.push_back(Stem(word));
        }
    });
    return out;
}

std::size_t Length(std::string_view utf8) {
    return static_cast<std::size_t>(
        std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace zakupai::text
