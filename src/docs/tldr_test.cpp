#include "docs/tldr.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace zakupai::docs {
namespace {

namespace json = boost::json;

store::LotRecord PaperLot() {
    store::LotRecord lot;
    lot.id = 7;
    lot.row.title = "Бумага офисная А4, 80 г/м2";
    lot.row.price = 260'000'000;  // 2 600 000 tenge without VAT
    lot.row.customer_bin = "070340007367";
    lot.row.customer_name = "ГУ «Отдел образования»";
    lot.row.status = "accepting_bids";
    lot.row.method = "price_offers";
    lot.row.region = "г. Астана";
    lot.row.enstru = "171912.100.000001";
    lot.row.quantity = "1000";
    lot.row.unit = "пачка";
    // 2026-12-01 13:00 UTC = 18:00 in Astana.
    lot.deadline = std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours{13};
    return lot;
}

const Instant kNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + std::chrono::hours{9};

TEST(Tldr, RussianLinesAndStructuredFields) {
    const auto rules = *calc::ParseRuleBook(calc::EmbeddedRuleBookJson());
    const auto tldr = MakeLotTldr(PaperLot(), rules, kNow, Language::kRussian);
    EXPECT_EQ(tldr.lines,
              (std::vector<std::string>{
                  "Предмет закупки: Бумага офисная А4, 80 г/м2, 1000 пачка",
                  "Сумма: 2\u00A0600\u00A0000,00\u00A0₸ без НДС (3\u00A0016\u00A0000,00\u00A0₸ с НДС 16%)",
                  "Заказчик: ГУ «Отдел образования», БИН 070340007367",
                  "Способ: запрос ценовых предложений; статус: приём заявок",
                  "Окончание приёма заявок: 01.12.2026 18:00 (Астана), осталось дней: 6",
                  "Место поставки: г. Астана",
                  "Обеспечение заявки: 78\u00A0000,00\u00A0₸; обеспечение исполнения: 130\u00A0000,00\u00A0₸"}));
    EXPECT_EQ(tldr.lot_id, 7);
    EXPECT_EQ(tldr.amount_with_vat, 3'016'000'00);  // 3 016 000.00 tenge
    EXPECT_EQ(tldr.days_left, 6);
    EXPECT_EQ(tldr.deadline_astana, "01.12.2026 18:00");
    EXPECT_EQ(tldr.securities->bid, 78'000'00);
    EXPECT_FALSE(tldr.risks.has_value());
}

TEST(Tldr, KazakhAndAPassedDeadline) {
    const auto rules = *calc::ParseRuleBook(calc::EmbeddedRuleBookJson());
    const Instant later = kNow + std::chrono::days{10};
    const auto tldr = MakeLotTldr(PaperLot(), rules, later, Language::kKazakh);
    const auto& lines = tldr.lines;
    EXPECT_EQ(lines.at(3), "Тәсілі: баға ұсыныстарын сұрату; мәртебесі: өтінімдер қабылдануда");
    EXPECT_EQ(lines.at(4), "Өтінімдерді қабылдау аяқталады: 01.12.2026 18:00 (Астана), мерзімі өтті");
    EXPECT_EQ(LanguageCode(tldr.language), "kz");
    EXPECT_LT(*tldr.days_left, 0);
}

TEST(Tldr, KeySentencesKeepTheFactsInOrder) {
    const auto sentences = KeySentences(
        "Заказчик приглашает к участию. Срок поставки 30 дней с даты договора. Качество должно быть хорошим!\n"
        "Сумма 2 600 000 тенге без НДС. Спасибо.",
        2);
    EXPECT_EQ(sentences,
              (std::vector<std::string>{"Срок поставки 30 дней с даты договора.", "Сумма 2 600 000 тенге без НДС."}));
    EXPECT_TRUE(KeySentences("   \n  ", 3).empty());
    EXPECT_EQ(KeySentences("Одно предложение без точки", 3), (std::vector<std::string>{"Одно предложение без точки"}));
}

}  // namespace
}  // namespace zakupai::docs
