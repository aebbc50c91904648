#pragma once
// What a question asks, read the way a supplier writes it: in Russian or Kazakh, any word form,
// with or without a date. Words are matched by their beginnings ("обеспеч" is обеспечение,
// обеспечения, обеспечению), which serves both languages where a stemmer serves only one.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "core/vocabulary.hpp"

namespace zakupai::llm {

enum class Language { kRussian, kKazakh };

// What kind of answer fits: a number ("сколько", "какой размер"), a period ("как долго",
// "в какой срок"), yes or no ("нужно ли", "керек пе"), or anything.
enum class AnswerKind { kAny, kNumber, kPeriod, kYesNo };

struct Question {
    std::string text;
    std::vector<std::string> words;  // folded (text::Words)
    Language language = Language::kRussian;
    AnswerKind kind = AnswerKind::kAny;
    bool yes_no = false;       // asked as "…ли?" / "…ма?", whatever else is asked
    std::optional<Date> date;  // a day named in the question
    std::optional<int> year;   // a year named, or the date's year
    Date today;

    // A cue is a word beginning, or a whole word when written "=word".
    bool Has(std::string_view cue) const;
    bool HasAny(std::initializer_list<std::string_view> cues) const;
    // The procurement method named, if one is.
    std::optional<ProcurementMethod> Method() const;
};

// Which lots a question means when it names none: "этот лот" is the one looked at last, "мои
// лоты" or "по лоту" the last few.
enum class LotReference { kNone, kThisLot, kRecentLots };
LotReference ReferredLots(const Question& question);

// `language` forces the answer's language; without it a question with Kazakh letters is Kazakh.
Question Understand(std::string_view text, Date today, std::optional<Language> language = std::nullopt);

// 6 января 2026 года / 2026 жылғы 6 қаңтар (қаңтарға, қаңтардан: Russian keeps the genitive).
std::string WriteDate(Date date, Language language, KazakhCase kazakh_case = KazakhCase::kNominative);

// The words that ask "how long" or "by when" ("срок", "сколько дней", "қашан", "мерзім").
const std::vector<std::string_view>& PeriodCues();

}  // namespace zakupai::llm
