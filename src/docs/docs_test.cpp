#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>

#include "docs/locale.hpp"

namespace zakupai::docs {
namespace {

Date Day(std::string_view text) {
    return *ParseIsoDate(text);
}

TEST(Locale, MoneyUsesNoBreakSpacesAndADecimalComma) {
    // Code points checked against CLDR 48: 31 a0 32 33 34 a0 35 36 37 2c 38 39 a0 20b8.
    EXPECT_EQ(FormatMoney(123456789), "1\u00A0234\u00A0567,89\u00A0₸");
    EXPECT_EQ(FormatMoney(0), "0,00\u00A0₸");
    EXPECT_EQ(FormatMoney(5), "0,05\u00A0₸");
    EXPECT_EQ(FormatMoney(99900), "999,00\u00A0₸");
    EXPECT_EQ(FormatMoney(100000), "1\u00A0000,00\u00A0₸");
    EXPECT_EQ(FormatMoney(-250), "-2,50\u00A0₸");
}

TEST(Locale, Dates) {
    EXPECT_EQ(FormatShortDate(Day("2026-01-15")), "15.01.2026");
    EXPECT_EQ(FormatLongDate(Day("2026-01-15"), Language::kRussian), "15 января 2026 г.");
    EXPECT_EQ(FormatLongDate(Day("2026-01-15"), Language::kKazakh), "2026 ж. 15 қаңтар");
    EXPECT_EQ(FormatLongDate(Day("2026-11-25"), Language::kRussian), "25 ноября 2026 г.");
    EXPECT_EQ(FormatLongDate(Day("2026-12-01"), Language::kKazakh), "2026 ж. 1 желтоқсан");
}

TEST(Locale, AmountInWordsTable) {
    std::ifstream in(std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/locale/amount_in_words.json");
    std::stringstream text;
    text << in.rdbuf();
    const auto cases = boost::json::parse(text.str()).as_array();
    ASSERT_GE(cases.size(), 20u);
    for (const auto& item : cases) {
        const auto& c = item.as_object();
        const Tiyn amount = c.at("tiyn").as_int64();
        SCOPED_TRACE(amount);
        EXPECT_EQ(*AmountInWords(amount, Language::kRussian), c.at("ru").as_string());
        EXPECT_EQ(*AmountInWords(amount, Language::kKazakh), c.at("kk").as_string());
    }
}

TEST(Locale, AmountWithWordsAsContractsWriteIt) {
    EXPECT_EQ(
        *AmountWithWords(123456789, Language::kRussian),
        "1\u00A0234\u00A0567,89 (Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь) тенге 89 тиын");
    EXPECT_EQ(*AmountWithWords(123456789, Language::kKazakh),
              "1\u00A0234\u00A0567,89 (Бір миллион екі жүз отыз төрт мың бес жүз алпыс жеті) теңге 89 тиын");
    EXPECT_EQ(*AmountWithWords(0, Language::kKazakh), "0,00 (Нөл) теңге 00 тиын");
    EXPECT_EQ(*AmountWithWords(30000, Language::kKazakh), "300,00 (Үш жүз) теңге 00 тиын");
}

TEST(Locale, AmountsOutsideTheRangeAreRefused) {
    EXPECT_EQ(AmountInWords(kMaxWordsAmount + 1, Language::kRussian).error().details.front().problem,
              "must be <= 999999999999.99 to be written in words");
    EXPECT_EQ(AmountInWords(-1, Language::kKazakh).error().details.front().problem, "must be >= 0");
}

// Every amount up to the maximum: words are non-empty, single-spaced, and the Russian
// feminine forms appear only before тысяча.
TEST(Locale, SampledAmountsAreWellFormed) {
    for (Tiyn amount = 0; amount <= kMaxWordsAmount; amount = amount * 7 + 1234567) {
        for (auto language : {Language::kRussian, Language::kKazakh}) {
            const std::string words = *AmountInWords(amount, language);
            EXPECT_EQ(words.find("  "), std::string::npos) << words;
            EXPECT_NE(words.front(), ' ');
            if (language == Language::kRussian && words.find("одна") != std::string::npos) {
                EXPECT_NE(words.find("одна тысяча"), std::string::npos) << words;
            }
        }
    }
}

}  // namespace
}  // namespace zakupai::docs
