// The working-day calendar against tests/cases/calendar/working_days.json, and the rules every
// calendar file must keep.
#include "core/calendar.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

namespace zakupai {
namespace {

namespace json = boost::json;

json::object Cases() {
    std::ifstream in(std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/calendar/working_days.json");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return json::parse(buffer.str()).as_object();
}

Date D(const json::value& v) {
    return *ParseIsoDate(std::string(v.as_string()));
}

TEST(WorkCalendar, WorkingDaysAsTheCasesSay) {
    const auto& calendar = WorkCalendar::BuiltIn();
    const auto cases = Cases();
    for (const auto& c : cases.at("is_working").as_array()) {
        const auto& row = c.as_array();
        const std::string date(row[0].as_string());
        auto working = calendar.IsWorkingDay(D(row[0]));
        if (row[1].is_string()) {
            EXPECT_FALSE(working.has_value()) << date;
            continue;
        }
        ASSERT_TRUE(working.has_value()) << date << ": " << working.error().message;
        EXPECT_EQ(*working, row[1].as_bool()) << date;
        const auto* why = calendar.Explain(D(row[0]));
        if (row[2].is_null()) {
            EXPECT_EQ(why, nullptr) << date;
        } else {
            ASSERT_NE(why, nullptr) << date;
            EXPECT_EQ(why->name_ru, std::string(row[2].as_string())) << date;
        }
    }
    for (const auto& c : cases.at("between").as_array()) {
        const auto& row = c.as_array();
        auto n = calendar.WorkingDaysBetween(D(row[0]), D(row[1]));
        ASSERT_TRUE(n.has_value()) << row[0].as_string();
        EXPECT_EQ(*n, row[2].as_int64()) << row[0].as_string() << " .. " << row[1].as_string();
    }
    for (const auto& c : cases.at("add").as_array()) {
        const auto& row = c.as_array();
        auto day = calendar.AddWorkingDays(D(row[0]), static_cast<int>(row[1].as_int64()));
        if (row[2].as_string() == "error") {
            EXPECT_FALSE(day.has_value()) << row[0].as_string();
            continue;
        }
        ASSERT_TRUE(day.has_value()) << row[0].as_string() << ": " << day.error().message;
        EXPECT_EQ(*day, D(row[2])) << row[0].as_string() << " + " << row[1].as_int64();
    }
}

TEST(WorkCalendar, EveryCalendarFileIsConsistent) {
    const auto& calendar = WorkCalendar::BuiltIn();
    ASSERT_EQ(calendar.Years(), (std::vector<int>{2025, 2026}));
    for (int y : calendar.Years()) {
        const auto* year = calendar.Year(y);
        ASSERT_NE(year, nullptr);
        EXPECT_GE(year->sources.size(), 2u) << y;
        EXPECT_EQ(year->holidays.size(), 15u) << y;  // 14 state and national holiday days + Kurban Ait
        for (const auto& off : year->days_off) {
            // A day off that is already a weekend or a holiday would be a data mistake.
            const std::chrono::weekday wd{std::chrono::sys_days{off.date}};
            EXPECT_NE(wd, std::chrono::Saturday) << off.name_ru;
            EXPECT_NE(wd, std::chrono::Sunday) << off.name_ru;
        }
        for (const auto& working : year->working_days) {
            const std::chrono::weekday wd{std::chrono::sys_days{working.date}};
            EXPECT_TRUE(wd == std::chrono::Saturday || wd == std::chrono::Sunday) << working.name_ru;
        }
    }
}

TEST(WorkCalendar, MalformedFilesAreRejected) {
    for (const char* bad : {"[]",
                            R"({"year": 2026})",
                            R"({"year": 2026, "sources": ["x"], "holidays": [{"date": "2025-01-01"}], "days_off": [],)"
                            R"( "working_days": []})",
                            R"({"year": 2026, "sources": ["x"], "holidays": [{"name_ru": "?"}], "days_off": [],)"
                            R"( "working_days": []})",
                            R"({"year": 2026, "sources": [], "holidays": [], "days_off": [], "working_days": []})"}) {
        EXPECT_FALSE(WorkCalendar::ParseYear(bad).has_value()) << bad;
    }
}

}  // namespace
}  // namespace zakupai
