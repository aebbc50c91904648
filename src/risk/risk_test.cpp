// Each indicator at, just under and just over its threshold, and with missing data; the score
// is monotonic and counts exactly the triggered findings.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "calc/rules.hpp"
#include "risk/indicators.hpp"

namespace zakupai::risk {
namespace {

const calc::RuleBook& Rules() {
    static const calc::RuleBook kRules = *calc::ParseRuleBook(calc::EmbeddedRuleBookJson());
    return kRules;
}

RiskContext Context() {
    return RiskContext{Rules(), WorkCalendar::BuiltIn()};
}

Instant At(int y, unsigned m, unsigned d, int hour_almaty = 18) {
    return AlmatyStartOfDay(Date{std::chrono::year{y} / m / d}) + std::chrono::hours{hour_almaty};
}

LotFacts Base() {
    LotFacts f;
    f.lot_id = 1;
    f.title = "Бумага офисная";
    f.method = ProcurementMethod::kPriceOffers;
    f.customer_bin = "990640001201";
    f.enstru = "171211.100.000001";
    f.price = 100'000'000;  // 1 000 000 tenge
    f.quantity = Quantity::Whole(100);
    f.created = At(2026, 11, 2);
    return f;
}

TEST(ShortWindow, WorkingDaysAgainstTheLegalMinimum) {
    LotFacts f = Base();
    f.start = At(2026, 3, 20, 10);  // Friday before Nauryz
    f.deadline = At(2026, 3, 26);   // Thursday: 21-25 are days off, so 1 working day
    EXPECT_EQ(ShortSubmissionWindow(f, Context()).status, Status::kTriggered);
    f.deadline = At(2026, 3, 27);  // 2 working days: exactly the RFQ minimum
    EXPECT_EQ(ShortSubmissionWindow(f, Context()).status, Status::kClear);
    f.method = ProcurementMethod::kTender;  // the same window is short for a tender (5)
    const auto tender = ShortSubmissionWindow(f, Context());
    EXPECT_EQ(tender.status, Status::kTriggered);
    EXPECT_EQ(tender.evidence.at(2), (std::pair<std::string, std::string>{"рабочих дней", "2"}));
    f.deadline.reset();
    EXPECT_EQ(ShortSubmissionWindow(f, Context()).status, Status::kNoData);
    f = Base();
    f.method = ProcurementMethod::kSingleSource;
    f.start = At(2026, 3, 20);
    f.deadline = At(2026, 3, 21);
    EXPECT_EQ(ShortSubmissionWindow(f, Context()).status, Status::kNoData);
    f.method = ProcurementMethod::kTender;
    f.start = At(2027, 1, 4);
    f.deadline = At(2027, 1, 20);
    EXPECT_EQ(ShortSubmissionWindow(f, Context()).status, Status::kNoData);  // no 2027 calendar yet
}

TEST(DeadlineDayOff, HolidaysAndMovedDaysOffCount) {
    LotFacts f = Base();
    f.deadline = At(2026, 3, 25);  // Nauryz moved day off
    auto finding = DeadlineOnDayOff(f, Context());
    EXPECT_EQ(finding.status, Status::kTriggered);
    EXPECT_EQ(finding.evidence.at(1).second, "Наурыз: 22 марта выпало на воскресенье");
    f.deadline = At(2026, 3, 26);
    EXPECT_EQ(DeadlineOnDayOff(f, Context()).status, Status::kClear);
    f.deadline = At(2026, 11, 29);  // Sunday
    EXPECT_EQ(DeadlineOnDayOff(f, Context()).status, Status::kTriggered);
    f.deadline.reset();
    EXPECT_EQ(DeadlineOnDayOff(f, Context()).status, Status::kNoData);
}

TEST(DumpingFlag, TenPercentForPriceOffersStrictlyBelow) {
    LotFacts f = Base();
    f.bid = 90'000'000;  // exactly 10% below: not dumping ("более чем на")
    EXPECT_EQ(Dumping(f, Context()).status, Status::kClear);
    f.bid = 89'999'999;  // one tiyn under: dumping, but the sum rounds to whole tenge (p. 549)
    EXPECT_EQ(Dumping(f, Context()).status, Status::kTriggered);
    EXPECT_EQ(Dumping(f, Context()).evidence.at(4).second, "0,00\u00a0₸");
    f.bid = 89'999'900;
    const auto below = Dumping(f, Context());
    EXPECT_EQ(below.status, Status::kTriggered);
    EXPECT_EQ(below.evidence.at(4).second, "1,00\u00a0₸");  // the anti-dumping sum
    f.bid.reset();
    EXPECT_EQ(Dumping(f, Context()).status, Status::kNoData);
    f.bid = 1;
    f.method = ProcurementMethod::kEshop;
    EXPECT_EQ(Dumping(f, Context()).status, Status::kNoData);
}

TEST(PriceAboveMarket, TukeyUpperFence) {
    LotFacts f = Base();                                        // 10 000 tenge per unit
    f.peer_unit_prices = {600'000, 700'000, 800'000, 900'000};  // Q1 675 000, Q3 825 000, fence 1 050 000 tiyn
    EXPECT_EQ(PriceAboveMarket(f, Context()).status, Status::kClear);
    f.price = 105'000'000;  // 1 050 000 tiyn per unit: on the fence, not above
    EXPECT_EQ(PriceAboveMarket(f, Context()).status, Status::kClear);
    f.price = 105'000'200;
    EXPECT_EQ(PriceAboveMarket(f, Context()).status, Status::kTriggered);
    f.peer_unit_prices.pop_back();
    EXPECT_EQ(PriceAboveMarket(f, Context()).status, Status::kNoData);  // 3 peers are too few
    f.peer_unit_prices = {1, 2, 3, 4};
    f.quantity.reset();
    EXPECT_EQ(PriceAboveMarket(f, Context()).status, Status::kNoData);
    EXPECT_EQ(*Quartiles({1, 2, 3, 4}), (std::pair<double, double>{1.75, 3.25}));
}

TEST(AboveSupplierOffers, TwentyPercentOverTheCheapest) {
    LotFacts f = Base();
    f.cheapest_supplier_cost = 83'333'334;  // 120% = 100 000 000.8 -> 100 000 001 tiyn
    EXPECT_EQ(PriceAboveSupplierOffers(f, Context()).status, Status::kClear);
    f.cheapest_supplier_cost = 80'000'000;  // 120% = 96 000 000 < 100 000 000
    EXPECT_EQ(PriceAboveSupplierOffers(f, Context()).status, Status::kTriggered);
    f.cheapest_supplier_cost.reset();
    EXPECT_EQ(PriceAboveSupplierOffers(f, Context()).status, Status::kNoData);
}

TEST(SplittingFlag, SeveralLotsJustUnderTheRfqLimit) {
    LotFacts f = Base();
    const Tiyn limit = Rules().Mrp(2026) * 8'000;  // 34 600 000 tenge
    f.price = limit - 100;
    f.same_code_lots = {{2, limit - 5'000'00}, {3, 1'000'00}};
    const auto finding = Splitting(f, Context());
    EXPECT_EQ(finding.status, Status::kTriggered);
    EXPECT_EQ(finding.evidence.at(2).second, "2");
    f.same_code_lots = {{3, 1'000'00}};
    EXPECT_EQ(Splitting(f, Context()).status, Status::kClear);
    f.same_code_lots = {{2, limit - 100}};
    f.price = limit;  // at the limit, not under it
    EXPECT_EQ(Splitting(f, Context()).status, Status::kClear);
    f.customer_bin.clear();
    EXPECT_EQ(Splitting(f, Context()).status, Status::kNoData);
}

TEST(Rnu, OnlyWhenParticipantsAreKnownAndTheRegisterWasConsulted) {
    LotFacts f = Base();
    EXPECT_EQ(SupplierInRnu(f, Context()).status, Status::kNoData);
    f.supplier_bins = {"160440007161"};
    EXPECT_EQ(SupplierInRnu(f, Context()).status, Status::kNoData);  // not consulted
    f.rnu_checked = true;
    EXPECT_EQ(SupplierInRnu(f, Context()).status, Status::kClear);
    f.rnu_listed = {"160440007161"};
    EXPECT_EQ(SupplierInRnu(f, Context()).status, Status::kTriggered);
}

TEST(Score, MonotonicAndCountsExactlyTheTriggeredFindings) {
    std::mt19937 rng(11);
    for (int round = 0; round < 300; ++round) {
        LotFacts f = Base();
        f.method = std::array{ProcurementMethod::kTender,
                              ProcurementMethod::kAuction,
                              ProcurementMethod::kPriceOffers,
                              ProcurementMethod::kEshop,
                              ProcurementMethod::kSingleSource}[rng() % 5];
        f.start = At(2026, 1 + rng() % 11, 1 + rng() % 27, 10);
        f.deadline = *f.start + std::chrono::days{rng() % 15};
        if (rng() % 2 == 0) {
            f.bid = f.price * static_cast<Tiyn>(70 + rng() % 40) / 100;
        }
        for (int i = 0; i < static_cast<int>(rng() % 8); ++i) {
            f.peer_unit_prices.push_back(static_cast<double>(500'000 + rng() % 1'000'000));
        }
        if (rng() % 2 == 0) {
            std::vector<Bid> bids;
            const std::vector<std::string> bins{"160440007161", "990640001201", "000740001307"};
            for (std::size_t i = 0; i < rng() % 4; ++i) {
                bids.push_back(Bid{bins[i],
                                   f.price * static_cast<Tiyn>(80 + rng() % 30) / 100,
                                   rng() % 5 == 0 ? BidStatus::kRejected : BidStatus::kValid});
            }
            f.bids = bids;
        }
        if (rng() % 3 == 0) {
            f.concentration = Concentration{2026, "160440007161", static_cast<std::int64_t>(rng() % 10), 10, {}};
        }
        const auto base = Evaluate(f, Context());
        int sum = 0;
        for (const auto& finding : base.findings) {
            sum += finding.status == Status::kTriggered ? finding.weight : 0;
        }
        ASSERT_EQ(base.score, std::min(sum, 100));
        ASSERT_EQ(base.findings.size(), 16u);
        // The explanation lists every indicator once, and the score's flags are exactly the
        // triggered ones.
        std::set<std::string> ids;
        for (const auto& finding : base.findings) {
            ASSERT_TRUE(ids.insert(finding.id).second) << finding.id;
            ASSERT_NE(finding.explanation_ru.empty(), true) << finding.id;
        }
        // One more red flag (a listed supplier) never lowers the score.
        LotFacts worse = f;
        worse.supplier_bins = {"160440007161"};
        worse.rnu_checked = true;
        worse.rnu_listed = worse.supplier_bins;
        const auto more = Evaluate(worse, Context());
        ASSERT_GE(more.score, base.score);
        EXPECT_EQ(Name(more.level), more.score >= 60 ? "high" : more.score >= 30 ? "medium" : "low");
    }
}

}  // namespace
}  // namespace zakupai::risk
