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
    // The periods /ask quotes: named by id when a unit, a count or the id itself is wrong.
    const std::string head = R"({"version":"x","mrp":[{"year":2026,"tenge":"4325","source":"s"}],)"
                             R"("vat":[{"category":"standard","from":"2026-01-01","rate_pct":"16","source":"s"}],)"
                             R"("bid_security":[],"dumping":[],"terms":[)";
    const std::string term = R"({"id":"complaint","unit":"working_days","count":3,"ru":"3","kz":"3","source":"s"})";
    EXPECT_TRUE(ParseRuleBook(head + term + "]}").has_value());
    EXPECT_EQ(ParseRuleBook(head + term + "," + term + "]}").error().message,
              "calc rules: terms[complaint] is listed twice");
    EXPECT_EQ(
        ParseRuleBook(head + R"({"id":"t","unit":"weeks","count":3,"ru":"","kz":"","source":""}]})").error().message,
        "calc rules: terms[t].unit 'weeks' is not one of working_days, calendar_days, months");
    EXPECT_EQ(
        ParseRuleBook(head + R"({"id":"t","unit":"months","count":0,"ru":"","kz":"","source":""}]})").error().message,
        "calc rules: terms[t].count must be an integer from 1 to 1000");
    EXPECT_EQ(
        ParseRuleBook(head + R"({"id":"t","method":"lottery","unit":"months","count":1,"ru":"","kz":"","source":""}]})")
            .error()
            .message,
        "calc rules: terms[t].method 'lottery' is not one of tender, auction, price_offers, turnkey, eshop, "
        "single_source");
    const auto rules = Rules();
    ASSERT_NE(rules.FindTerm("rnu_listing"), nullptr);
    EXPECT_EQ(rules.FindTerm("rnu_listing")->count, 24);
    EXPECT_EQ(rules.FindTerm("rnu_listing")->unit, LegalTerm::Unit::kMonths);
    EXPECT_EQ(rules.FindTerm("bids_auction")->method, ProcurementMethod::kAuction);
    EXPECT_EQ(rules.FindTerm("nothing"), nullptr);
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
