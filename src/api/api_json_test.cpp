// The API's JSON on its own: the calculators' golden cases (input -> expected fields or expected
// problems) and the field order the original clients read.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/api.hpp"
#include "api/calc_json.hpp"

namespace zakupai::api {
namespace {

namespace json = boost::json;

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
    const auto rules = *calc::ParseRuleBook(calc::EmbeddedRuleBookJson());
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
            auto result = EvaluateCalc(
                rules, c.at("calc").as_string(), c.at("input").as_object(), *ParseIsoDate(c.at("today").as_string()));
            if (auto it = c.find("error"); it != c.end()) {
                ASSERT_FALSE(result.has_value()) << name;
                json::array actual;
                for (const auto& p : result.error().details)
                    actual.push_back(json::object{{"field", p.field}, {"problem", p.problem}});
                EXPECT_EQ(json::serialize(it->value()), json::serialize(actual));
            } else {
                ASSERT_TRUE(result.has_value()) << name << ": " << result.error().message;
                JsonWriter w;
                w.BeginObject();
                WriteCalcFields(w, result->result);
                ExpectSubset(c.at("expect"), json::parse(w.EndObject().Take()), "");
            }
            ++count;
        }
    }
    EXPECT_GE(count, 50);
}

TEST(RnuAnswer, KeepsTheOriginalFieldsFirst) {
    ingest::RnuAnswer answer;
    answer.supplier_bin = "160440007161";
    answer.listed = true;
    answer.source = "api";
    answer.validated_at = std::chrono::sys_days{std::chrono::year{2026} / 11 / 25};
    answer.listings.push_back({"ТОО А", "2026-02-01 00:00:00", "2028-02-01 00:00:00", "r", "c", true});
    const std::string expected =
        R"({"supplier_bin":"160440007161","status":"BLACKLISTED","is_blocked":true,"source":"api",)"
        R"("validated_at":"2026-11-25T00:00:00.000Z",)";
    JsonWriter w;
    w.BeginObject();
    WriteRnuAnswer(w, answer);
    EXPECT_EQ(w.EndObject().Take().substr(0, expected.size()), expected);
}

}  // namespace
}  // namespace zakupai::api
