#include "llm/question.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <regex>

#include "text/text.hpp"

namespace zakupai::llm {

namespace {

// Russian month names by their beginnings, for every case a date can be written in.
constexpr std::array<std::string_view, 12> kMonthsRu{
    "январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр"};

std::optional<int> Number(std::string_view word) {
    int value = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
    if (ec != std::errc{} || end != word.data() + word.size()) {
        return std::nullopt;
    }
    return value;
}

// 1..12 when the word names a month. "ма" alone would take "максимальный": May is "мая"/"май".
std::optional<unsigned> MonthOf(std::string_view word) {
    for (unsigned m = 0; m < 12; ++m) {
        if (m == 4) {
            if (word == "мая" || word == "май" || word == "мае") {
                return 5;
            }
            continue;
        }
        if (word.starts_with(kMonthsRu[m]) || word.starts_with(MonthKz(m + 1))) {
            return m + 1;
        }
    }
    return std::nullopt;
}

std::optional<Date> MakeDate(int year, unsigned month, int day) {
    if (year < 2000 || year > 2100 || day < 1 || day > 31) {
        return std::nullopt;
    }
    const Date date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{static_cast<unsigned>(day)}};
    return date.ok() ? std::optional<Date>(date) : std::nullopt;
}

bool IsYear(std::string_view word) {
    const auto n = Number(word);
    return word.size() == 4 && n && *n >= 2000 && *n <= 2100;
}

// "8 марта 2026", "2026 жылғы 8 наурыз", "8 марта" (this year), 08.03.2026, 2026-03-08.
std::optional<Date> FindDate(const std::string& folded, const std::vector<std::string>& words, Date today) {
    static const std::regex kDotted(R"((^|[^0-9])([0-3]?[0-9])\.([01]?[0-9])\.(20[0-9][0-9])($|[^0-9]))");
    static const std::regex kIso(R"((^|[^0-9])(20[0-9][0-9])-([01][0-9])-([0-3][0-9])($|[^0-9]))");
    std::smatch m;
    if (std::regex_search(folded, m, kDotted)) {
        return MakeDate(std::stoi(m[4]), static_cast<unsigned>(std::stoi(m[3])), std::stoi(m[2]));
    }
    if (std::regex_search(folded, m, kIso)) {
        return MakeDate(std::stoi(m[2]), static_cast<unsigned>(std::stoi(m[3])), std::stoi(m[4]));
    }
    for (std::size_t i = 0; i < words.size(); ++i) {
        const auto month = MonthOf(words[i]);
        if (!month) {
            continue;
        }
        std::optional<int> day;
        if (i > 0 && !IsYear(words[i - 1])) {
            day = Number(words[i - 1]);
        }
        if (!day && i + 1 < words.size() && !IsYear(words[i + 1])) {
            day = Number(words[i + 1]);
        }
        if (!day) {
            continue;
        }
        int year = static_cast<int>(today.year());
        for (std::size_t j = i >= 3 ? i - 3 : 0; j < std::min(words.size(), i + 4); ++j) {
            if (IsYear(words[j])) {
                year = *Number(words[j]);
                break;
            }
        }
        if (auto date = MakeDate(year, *month, *day)) {
            return date;
        }
    }
    return std::nullopt;
}

bool HasKazakhLetters(std::string_view folded) {
    for (const std::string_view letter : {"ә", "ғ", "қ", "ң", "ө", "ұ", "ү", "һ", "і"}) {
        if (folded.find(letter) != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace

bool Question::Has(std::string_view cue) const {
    if (cue.starts_with('=')) {
        cue.remove_prefix(1);
        return std::find(words.begin(), words.end(), cue) != words.end();
    }
    return std::any_of(words.begin(), words.end(), [cue](const std::string& w) { return w.starts_with(cue); });
}

bool Question::HasAny(std::initializer_list<std::string_view> cues) const {
    return std::any_of(cues.begin(), cues.end(), [this](std::string_view cue) { return Has(cue); });
}

std::optional<ProcurementMethod> Question::Method() const {
    if (HasAny({"ключ", "кілт"})) {
        return ProcurementMethod::kTurnkey;
    }
    if (HasAny({"ценов", "=зцп", "сұрату"}) || (Has("запрос") && Has("предложен"))) {
        return ProcurementMethod::kPriceOffers;
    }
    if (HasAny({"магазин", "дүкен"})) {
        return ProcurementMethod::kEshop;
    }
    if (HasAny({"источник", "көзден"})) {
        return ProcurementMethod::kSingleSource;
    }
    if (Has("аукцион")) {
        return ProcurementMethod::kAuction;
    }
    if (HasAny({"конкурс", "тендер"})) {
        return ProcurementMethod::kTender;
    }
    return std::nullopt;
}

Question Understand(std::string_view text, Date today, std::optional<Language> language) {
    Question q;
    q.text = std::string(text);
    q.today = today;
    const auto folded = text::Fold(text);
    q.words = text::Words(folded);
    q.language = language.value_or(HasKazakhLetters(folded) ? Language::kKazakh : Language::kRussian);
    q.date = FindDate(folded, q.words, today);
    if (q.date) {
        q.year = static_cast<int>(q.date->year());
    } else {
        for (const auto& word : q.words) {
            if (IsYear(word)) {
                q.year = *Number(word);
                break;
            }
        }
    }
    q.yes_no = q.HasAny({"=ли", "=ма", "=ме", "=ба", "=бе", "=па", "=пе"});
    if (q.yes_no) {
        q.kind = AnswerKind::kYesNo;
    } else if (std::any_of(
                   PeriodCues().begin(), PeriodCues().end(), [&q](std::string_view cue) { return q.Has(cue); })) {
        q.kind = AnswerKind::kPeriod;
    } else if (q.HasAny({"сколько",
                         "размер",
                         "процент",
                         "ставк",
                         "порог",
                         "предел",
                         "максимальн",
                         "минимальн",
                         "қанша",
                         "мөлшер",
                         "пайыз",
                         "шег"})) {
        q.kind = AnswerKind::kNumber;
    }
    return q;
}

LotReference ReferredLots(const Question& question) {
    const bool lot = question.HasAny({"=лот",
                                      "=лота",
                                      "=лоту",
                                      "=лоте",
                                      "=лотом",
                                      "лоты",
                                      "лотам",
                                      "лотов",
                                      "лотах",
                                      "закупк",
                                      "тендер",
                                      "=лотқа",
                                      "=лоттың",
                                      "=лотта"});
    if (!lot) {
        return LotReference::kNone;
    }
    return question.HasAny({"=этот",
                            "=этому",
                            "=этого",
                            "=этом",
                            "=эта",
                            "=эту",
                            "=этой",
                            "=данный",
                            "=данному",
                            "=данного",
                            "=данном",
                            "=осы"})
               ? LotReference::kThisLot
               : LotReference::kRecentLots;
}

std::string WriteDate(Date date, Language language, KazakhCase kazakh_case) {
    const auto month = static_cast<unsigned>(date.month());
    if (language == Language::kKazakh) {
        return fmt::format("{} жылғы {} {}",
                           static_cast<int>(date.year()),
                           static_cast<unsigned>(date.day()),
                           MonthKz(month, kazakh_case));
    }
    return fmt::format(
        "{} {} {} года", static_cast<unsigned>(date.day()), MonthGenitiveRu(month), static_cast<int>(date.year()));
}

const std::vector<std::string_view>& PeriodCues() {
    static const std::vector<std::string_view> kCues{"срок",
                                                     "когда",
                                                     "долго",
                                                     "=дней",
                                                     "=дня",
                                                     "=день",
                                                     "=дни",
                                                     "недел",
                                                     "месяц",
                                                     "=лет",
                                                     "числ",
                                                     "қашан",
                                                     "мерзім",
                                                     "=күн",
                                                     "күнде",
                                                     "ұзақ",
                                                     "=ай",
                                                     "айға",
                                                     "айдан"};
    return kCues;
}

}  // namespace zakupai::llm
