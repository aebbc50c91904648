#include "text/text.hpp"

#include <gtest/gtest.h>

namespace zakupai::text {
namespace {

TEST(Text, FoldsCaseAndYoLikeEveryMatcher) {
    EXPECT_EQ(Fold("ЁЛКА Ёжик, ёмкость"), "елка ежик, емкость");
    EXPECT_EQ(Fold("ҚАЗАҚСТАН Әуе"), "қазақстан әуе");  // Kazakh letters lower-cased too
    EXPECT_EQ(Fold("Paper A4"), "paper a4");
}

TEST(Text, WordsAreRunsOfLettersAndDigits) {
    EXPECT_EQ(Words("Бумага офисная А4, 80 г/м²; «Снегурочка»!"),
              (std::vector<std::string>{"бумага", "офисная", "а4", "80", "г", "м²", "снегурочка"}));
    EXPECT_TRUE(Words(" ,.;- ").empty());
    EXPECT_EQ(Length("тенге ₸"), 7u);
}

TEST(Text, OneStopListForEveryMatcher) {
    for (const char* word : {"для", "и", "сколько", "шт", "және", "the"}) {
        EXPECT_TRUE(IsStopWord(word)) << word;
    }
    for (const char* word : {"бумага", "демпинг", "обеспечение", "а4"}) {
        EXPECT_FALSE(IsStopWord(word)) << word;
    }
}

TEST(Text, RussianWordFormsShareAStem) {
    EXPECT_EQ(Stems("Бумаги для принтера"), Stems("бумага принтер"));
    EXPECT_EQ(Stems("Ёлка для дома"), Stems("елки дом"));
    EXPECT_EQ(Stems("сколько процентов обеспечения"), Stems("процент обеспечение"));
}

}  // namespace
}  // namespace zakupai::text
