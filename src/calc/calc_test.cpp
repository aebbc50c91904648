#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "calc/calculators.hpp"
#include "calc/evaluate.hpp"

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
    in.method = "tender";
    in.reference = 333;  // 3.33 tenge; 90% = 2.997 tenge, not a whole number of tiyn
    in.bid = 300;        // 3.00 > 2.997: not dumping
    EXPECT_FALSE(CalculateDumping(rules, in)->is_dumping);
    in.bid = 299;  // 2.99 < 2.997
    EXPECT_TRUE(CalculateDumping(rules, in)->is_dumping);
}

// Every file under tests/cases/calc holds cases: input -> expected fields or expected problems.
std::vector<std::filesystem::path> CaseFiles() {
    std::vector<std::filesystem::path> files;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/calc")) {
        if (entry.path().extension() == ".json")
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// Expected is a subset of actual: every expected key must be present with an equal value.
void ExpectSubset(const json::value& expected, const json::value& actual, const std::string& path) {
    if (expected.is_object()) {
        ASSERT_TRUE(actual.is_object()) << path;
        for (const auto& [key, value] : expected.get_object()) {
            auto it = actual.get_object().find(key);
            ASSERT_NE(it, actual.get_object().end()) << "missing " << path << "." << key;
            ExpectSubset(value, it->value(), path + "." + std::string(key));
        }
        return;
    }
    if (expected.is_number() && actual.is_number()) {
        EXPECT_EQ(expected.to_number<double>(), actual.to_number<double>()) << path;
        return;
    }
    EXPECT_EQ(json::serialize(expected), json::serialize(actual)) << path;
}

TEST(GoldenCases, EveryCaseMatches) {
    const RuleBook rules = Rules();
    int count = 0;
    for (const auto& file : CaseFiles()) {
        std::ifstream in(file);
        std::stringstream text;
        text << in.rdbuf();
        const json::value cases = json::parse(text.str());
        for (const auto& item : cases.as_array()) {
            const auto& c = item.as_object();
            const std::string name = file.filename().string() + ": " + std::string(c.at("name").as_string());
            SCOPED_TRACE(name);
            auto result =
                Evaluate(rules, c.at("calc").as_string(), c.at("input").as_object(), Day(c.at("today").as_string()));
            if (auto it = c.find("error"); it != c.end()) {
                ASSERT_FALSE(result.has_value()) << name;
                json::array actual;
                for (const auto& p : result.error().details)
                    actual.push_back(json::object{{"field", p.field}, {"problem", p.problem}});
                EXPECT_EQ(json::serialize(it->value()), json::serialize(actual));
            } else {
                ASSERT_TRUE(result.has_value()) << name << ": " << result.error().message;
                ExpectSubset(c.at("expect"), json::parse(result->result_json), "");
            }
            ++count;
        }
    }
    EXPECT_GE(count, 50);
}

}  // namespace
}  // namespace zakupai::calc
