#include "docs/locale.hpp"

#include <fmt/format.h>

#include <array>

namespace zakupai::docs {

namespace {

constexpr std::string_view kNbsp = "\u00A0";

// Grammatical gender matters in Russian only: тысяча is feminine (одна, две).
enum class Gender { kMasculine, kFeminine };

struct Scale {
    std::string_view one;   // 1, 21, 31 ...
    std::string_view few;   // 2-4, 22-24 ...
    std::string_view many;  // 0, 5-20, 25-30 ...
    Gender gender;
};

constexpr std::array<std::string_view, 20> kRuUnits{
    "",           "один",        "два",        "три",          "четыре",
    "пять",       "шесть",       "семь",       "восемь",       "девять",
    "десять",     "одиннадцать", "двенадцать", "тринадцать",   "четырнадцать",
    "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"};
constexpr std::array<std::string_view, 10> kRuTens{
    "", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"};
constexpr std::array<std::string_view, 10> kRuHundreds{
    "", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"};
constexpr std::array<Scale, 3> kRuScales{{{"тысяча", "тысячи", "тысяч", Gender::kFeminine},
                                          {"миллион", "миллиона", "миллионов", Gender::kMasculine},
                                          {"миллиард", "миллиарда", "миллиардов", Gender::kMasculine}}};

constexpr std::array<std::string_view, 10> kKkUnits{
    "", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"};
constexpr std::array<std::string_view, 10> kKkTens{
    "", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан"};
constexpr std::array<std::string_view, 3> kKkScales{"мың", "миллион", "миллиард"};

void Append(std::string& out, std::string_view word) {
    if (word.empty()) {
        return;
    }
    if (!out.empty()) {
        out += ' ';
    }
    out += word;
}

// 0..999 in Russian words; units 1 and 2 agree with the gender of what follows.
void RussianTriple(std::string& out, int value, Gender gender) {
    Append(out, kRuHundreds[static_cast<std::size_t>(value / 100)]);
    const int rest = value % 100;
    if (rest < 20) {
        if (gender == Gender::kFeminine && rest == 1) {
            Append(out, "одна");
        } else if (gender == Gender::kFeminine && rest == 2) {
            Append(out, "две");
        } else {
            Append(out, kRuUnits[static_cast<std::size_t>(rest)]);
        }
        return;
    }
    Append(out, kRuTens[static_cast<std::size_t>(rest / 10)]);
    const int unit = rest % 10;
    if (gender == Gender::kFeminine && unit == 1) {
        Append(out, "одна");
    } else if (gender == Gender::kFeminine && unit == 2) {
        Append(out, "две");
    } else {
        Append(out, kRuUnits[static_cast<std::size_t>(unit)]);
    }
}

std::string_view RussianPlural(const Scale& scale, int value) {
    const int last_two = value % 100;
    const int last = value % 10;
    if (last_two >= 11 && last_two <= 14) {
        return scale.many;
    }
    if (last == 1) {
        return scale.one;
    }
    if (last >= 2 && last <= 4) {
        return scale.few;
    }
    return scale.many;
}

// 0..999 in Kazakh words: numerals do not inflect; 100 is "жүз", 200 "екі жүз".
void KazakhTriple(std::string& out, int value) {
    const int hundreds = value / 100;
    if (hundreds > 0) {
        if (hundreds > 1) {
            Append(out, kKkUnits[static_cast<std::size_t>(hundreds)]);
        }
        Append(out, "жүз");
    }
    Append(out, kKkTens[static_cast<std::size_t>(value % 100 / 10)]);
    Append(out, kKkUnits[static_cast<std::size_t>(value % 10)]);
}

std::string WholeInWords(std::int64_t whole, Language language) {
    if (whole == 0) {
        return language == Language::kRussian ? "ноль" : "нөл";
    }
    std::array<int, 4> triples{};  // units, thousands, millions, billions
    for (auto& t : triples) {
        t = static_cast<int>(whole % 1000);
        whole /= 1000;
    }
    std::string out;
    for (int i = 3; i >= 1; --i) {
        const int value = triples[static_cast<std::size_t>(i)];
        if (value == 0) {
            continue;
        }
        if (language == Language::kRussian) {
            const Scale& scale = kRuScales[static_cast<std::size_t>(i - 1)];
            RussianTriple(out, value, scale.gender);
            Append(out, RussianPlural(scale, value));
        } else {
            // "бір мың", "бір миллион": the one is spoken before every scale word.
            if (value == 1) {
                Append(out, "бір");
            } else {
                KazakhTriple(out, value);
            }
            Append(out, kKkScales[static_cast<std::size_t>(i - 1)]);
        }
    }
    if (language == Language::kRussian) {
        RussianTriple(out, triples[0], Gender::kMasculine);  // тенге is masculine: "один тенге"
    } else {
        KazakhTriple(out, triples[0]);
    }
    return out;
}

std::string GroupDigits(std::int64_t whole) {
    std::string digits = std::to_string(whole);
    std::string out;
    const std::size_t first = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
    out += digits.substr(0, first);
    for (std::size_t i = first; i < digits.size(); i += 3) {
        out += kNbsp;
        out += digits.substr(i, 3);
    }
    return out;
}

std::string Capitalised(std::string text) {
    // Number words begin with one of these Cyrillic letters; a table avoids pulling in ICU for
    // upper-casing one UTF-8 character.
    static const std::array<std::pair<std::string_view, std::string_view>, 16> kCapitals{{{"о", "О"},
                                                                                          {"д", "Д"},
                                                                                          {"т", "Т"},
                                                                                          {"ч", "Ч"},
                                                                                          {"п", "П"},
                                                                                          {"ш", "Ш"},
                                                                                          {"с", "С"},
                                                                                          {"в", "В"},
                                                                                          {"н", "Н"},
                                                                                          {"б", "Б"},
                                                                                          {"е", "Е"},
                                                                                          {"ү", "Ү"},
                                                                                          {"ж", "Ж"},
                                                                                          {"а", "А"},
                                                                                          {"қ", "Қ"},
                                                                                          {"м", "М"}}};
    for (const auto& [lower, upper] : kCapitals) {
        if (text.rfind(lower, 0) == 0) {
            return std::string(upper) + text.substr(lower.size());
        }
    }
    return text;
}

}  // namespace

std::string FormatMoney(Tiyn amount) {
    const bool negative = amount < 0;
    const std::uint64_t magnitude =
        negative ? 0 - static_cast<std::uint64_t>(amount) : static_cast<std::uint64_t>(amount);
    return fmt::format("{}{},{:02}{}₸",
                       negative ? "-" : "",
                       GroupDigits(static_cast<std::int64_t>(magnitude / 100)),
                       magnitude % 100,
                       kNbsp);
}

std::string FormatShortDate(Date date) {
    return FormatDottedDate(date);
}

std::string FormatLongDate(Date date, Language language) {
    const auto month = static_cast<unsigned>(date.month());
    const int year = static_cast<int>(date.year());
    const unsigned day = static_cast<unsigned>(date.day());
    if (language == Language::kRussian) {
        return fmt::format("{} {} {} г.", day, MonthGenitiveRu(month), year);
    }
    return fmt::format("{} ж. {} {}", year, day, MonthKz(month));
}

Result<std::string> AmountInWords(Tiyn amount, Language language) {
    if (amount < 0) {
        return Fail(Error::Invalid("amount", "must be >= 0"));
    }
    if (amount > kMaxWordsAmount) {
        return Fail(Error::Invalid("amount", "must be <= 999999999999.99 to be written in words"));
    }
    const std::string currency = language == Language::kRussian ? "тенге" : "теңге";
    return fmt::format("{} {} {:02} тиын", WholeInWords(amount / 100, language), currency, amount % 100);
}

Result<std::string> AmountWithWords(Tiyn amount, Language language) {
    if (amount < 0) {
        return Fail(Error::Invalid("amount", "must be >= 0"));
    }
    if (amount > kMaxWordsAmount) {
        return Fail(Error::Invalid("amount", "must be <= 999999999999.99 to be written in words"));
    }
    const std::string currency = language == Language::kRussian ? "тенге" : "теңге";
    return fmt::format("{},{:02} ({}) {} {:02} тиын",
                       GroupDigits(amount / 100),
                       amount % 100,
                       Capitalised(WholeInWords(amount / 100, language)),
                       currency,
                       amount % 100);
}

}  // namespace zakupai::docs
