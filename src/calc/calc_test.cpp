#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "calc/calculators.hpp"

namespace zakupai::calc {
namespace {

namespace json = boost::json;

RuleBook Rules() {
    auto rules = ParseRuleBook(EmbeddedRuleBookJson());
    EXPECT_TRUE(rules.has_value()) << rules.error().message;
    return *rules;
}

Date Day(std::string_view text) {
    return *ParseIsoDate(text);
}

TEST(RuleBook, EmbeddedRulesParseAndSwitchVatAtNewYear) {
    const RuleBook rules = Rules();
    EXPECT_EQ(rules.FindVat("standard", Day("2025-12-31"))->rate, 1200);
    EXPECT_EQ(rules.FindVat("standard", Day("2026-01-01"))->rate, 1600);
    EXPECT_EQ(rules.FindVat("medicines", Day("2025-12-31")), nullptr);
    EXPECT_EQ(rules.Mrp(2026), 432500);
    EXPECT_EQ(rules.Mrp(2031), 432500);  // the latest known year stands in for the future
}

TEST(RuleBook, BrokenRuleFilesAreReported) {
    EXPECT_EQ(ParseRuleBook("{").error().message, "calc rules are not a JSON object");
    EXPECT_EQ(
        ParseRuleBook(
            R"({"version":"x","mrp":[],"vat":[{"category":"standard","from":"2026-13-01","rate_pct":"16","source":"s"}]})")
            .error()
            .message,
        "calc rules: vat[].from is not a real calendar date");
}

TEST(Penalty, CapDayIsTheFirstDayTheCapIsReached) {
    const RuleBook rules = Rules();
    PenaltyInput in;
    in.contract_sum = 100'000'000;
    in.daily_rate = 10;
    in.days_overdue = 149;
    auto before = CalculatePenalty(rules, in);
    EXPECT_EQ(before->cap_day, 150);
    EXPECT_EQ(before->penalty, 14'900'000);
    in.days_overdue = 150;
    EXPECT_EQ(CalculatePenalty(rules, in)->penalty, 15'000'000);
    EXPECT_FALSE(CalculatePenalty(rules, in)->capped);
    in.days_overdue = 151;
    EXPECT_TRUE(CalculatePenalty(rules, in)->capped);
    EXPECT_EQ(DaysOverdue(Day("2026-02-27"), Day("2026-03-01")), 2);
}

TEST(Dumping, ThresholdComparisonIsExactForOddAmounts) {
    const RuleBook rules = Rules();
    DumpingInput in;
    in.method = ProcurementMethod::kTender;
    in.reference = 333;  // 3.33 tenge; 90% = 2.997 tenge, not a whole number of tiyn
    in.bid = 300;        // 3.00 > 2.997: not dumping
    EXPECT_FALSE(CalculateDumping(rules, in)->is_dumping);
    in.bid = 299;  // 2.99 < 2.997
    EXPECT_TRUE(CalculateDumping(rules, in)->is_dumping);
}

}  // namespace
}  // namespace zakupai::calc
