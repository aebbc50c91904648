// The configuration read as a whole: every module's section, from the file and the environment.
#include "app/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace zakupai::app {
namespace {
TEST(Config, EnvironmentOverridesAndEveryProblemIsReported) {
    auto ok = LoadConfig("",
                         {{"ZAKUPAI_PORT", "9000"},
                          {"ZAKUPAI_CORS_ORIGINS", "https://a.kz,http://b.kz"},
                          {"ZAKUPAI_PLAN_FREE_PER_DAY", "50"},
                          {"ZAKUPAI_DATABASE_URL", "postgresql://u:secret@h/db"}});
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ(ok->http.port, 9000);
    EXPECT_EQ(ok->http.cors_origins, (std::vector<std::string>{"https://a.kz", "http://b.kz"}));
    EXPECT_EQ(ok->billing.plans.at(Plan::kFree).per_day, 50);
    EXPECT_EQ(ok->billing.plans.at(Plan::kFree).per_hour, 20);
    EXPECT_EQ(ok->database.Redacted(), "postgresql://u:***@h/db");

    auto bad = LoadConfig("",
                          {{"ZAKUPAI_PORT", "http"},
                           {"ZAKUPAI_THREADS", "-1"},
                           {"ZAKUPAI_DATABASE_URL", "mysql://x"},
                           {"ZAKUPAI_ADMIN_KEY", "short"},
                           {"ZAKUPAI_CORS_ORIGINS", "evil.com"}});
    ASSERT_FALSE(bad.has_value());
    const std::vector<FieldProblem> expected{
        {"ZAKUPAI_PORT", "must be an integer, got 'http'"},
        {"ZAKUPAI_THREADS", "must be between 0 and 256, got -1"},
        {"ZAKUPAI_CORS_ORIGINS", "each origin must start with http:// or https:// (got 'evil.com')"},
        {"ZAKUPAI_DATABASE_URL", "must start with sqlite:// or postgresql://"},
        {"ZAKUPAI_ADMIN_KEY", "must be at least 16 characters"}};
    EXPECT_EQ(bad.error().details, expected);
    EXPECT_EQ(LoadConfig("/no/such/file.json", {}).error().details.front().problem, "cannot read /no/such/file.json");
}

TEST(Config, SwitchesTakeEveryUsualSpelling) {
    auto off = LoadConfig("", {{"ZAKUPAI_SEMANTIC", "0"}, {"ZAKUPAI_ACCESS_LOG", "off"}});
    ASSERT_TRUE(off.has_value());
    EXPECT_FALSE(off->search.semantic);
    EXPECT_FALSE(off->http.access_log);
    auto on = LoadConfig("", {{"ZAKUPAI_SEMANTIC", "true"}, {"ZAKUPAI_ACCESS_LOG", "1"}});
    ASSERT_TRUE(on.has_value());
    EXPECT_TRUE(on->search.semantic);
    EXPECT_TRUE(on->http.access_log);
    auto bad = LoadConfig("", {{"ZAKUPAI_SEMANTIC", "maybe"}});
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().details,
              (std::vector<FieldProblem>{{"ZAKUPAI_SEMANTIC", "must be on or off (true/false, 1/0), got 'maybe'"}}));
}
}  // namespace
}  // namespace zakupai::app

namespace zakupai::app {
namespace {
TEST(Config, FileValuesAreReadAndTheEnvironmentWins) {
    const std::string path = ::testing::TempDir() + "zakupai_config_test.json";
    std::ofstream(path) << R"({"http": {"port": 9100, "cors_origins": ["https://a.kz"], "access_log": false},
                               "database": {"pool_size": 8}, "plans": {"premium": {"per_day": 7000}},
                               "data_dir": "/srv/zakupai"})";
    auto config = LoadConfig(path, {{"ZAKUPAI_PORT", "9200"}});
    ASSERT_TRUE(config.has_value()) << config.error().message;
    EXPECT_EQ(config->http.port, 9200);
    EXPECT_EQ(config->http.cors_origins, std::vector<std::string>{"https://a.kz"});
    EXPECT_FALSE(config->http.access_log);
    EXPECT_EQ(config->database.pool_size, 8);
    EXPECT_EQ(config->billing.plans.at(Plan::kPremium).per_day, 7000);
    EXPECT_EQ(config->billing.plans.at(Plan::kPremium).per_hour, 500);
    EXPECT_EQ(config->data_dir, "/srv/zakupai");
    std::ofstream(path) << R"({"http": {"port": "eighty"}})";
    EXPECT_EQ(LoadConfig(path, {}).error().details.front(),
              (FieldProblem{"http.port", "must be an integer, got 'eighty'"}));
    std::ofstream(path) << "[1, 2";
    EXPECT_EQ(LoadConfig(path, {}).error().details.front().problem, "is not a JSON object");
}
}  // namespace
}  // namespace zakupai::app
