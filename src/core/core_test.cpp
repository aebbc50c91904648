#include <gtest/gtest.h>

#include <fstream>

#include "core/bin.hpp"
#include "core/json.hpp"
#include "core/money.hpp"
#include "core/time.hpp"

namespace zakupai {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

TEST(Money, ParsesScaledDecimalsExactly) {
    EXPECT_EQ(*ParseScaledDecimal("1234.56", 2), 123456);
    EXPECT_EQ(*ParseScaledDecimal("0.5", 2), 50);
    EXPECT_EQ(*ParseScaledDecimal("7", 2), 700);
    EXPECT_EQ(*ParseScaledDecimal("-3.10", 2), -310);
    EXPECT_EQ(*ParseScaledDecimal("12.500", 2), 1250);  // trailing zeros are not extra precision
    EXPECT_EQ(*ParseScaledDecimal(".5", 2), 50);
}

TEST(Money, RejectsExtraPrecisionAndGarbage) {
    EXPECT_EQ(ParseScaledDecimal("1.005", 2).error().message, "must have at most 2 decimal places");
    EXPECT_EQ(ParseScaledDecimal("abc", 2).error().message, "must be a plain decimal number");
    EXPECT_EQ(ParseScaledDecimal("", 2).error().message, "must be a number");
    EXPECT_EQ(ParseScaledDecimal("1e5", 2).error().message, "must be a plain decimal number");
    EXPECT_EQ(ParseScaledDecimal("1.2.3", 2).error().message, "must be a plain decimal number");
    EXPECT_EQ(ParseScaledDecimal("9999999999999999999999", 2).error().message, "is too large");
}

TEST(Money, FormatsWithExactDecimals) {
    EXPECT_EQ(FormatTenge(123456), "1234.56");
    EXPECT_EQ(FormatTenge(5), "0.05");
    EXPECT_EQ(FormatTenge(-5), "-0.05");
    EXPECT_EQ(FormatTenge(0), "0.00");
    EXPECT_EQ(FormatScaledDecimal(1600, 2), "16.00");
    EXPECT_EQ(FormatTenge(INT64_MIN), "-92233720368547758.08");
}

TEST(Money, RoundsHalfUpToWholeTenge) {
    EXPECT_EQ(RoundToWholeTenge(10049), 10000);
    EXPECT_EQ(RoundToWholeTenge(10050), 10100);  // exactly 50 tiyn goes up (Rules p.549)
    EXPECT_EQ(RoundToWholeTenge(10051), 10100);
    EXPECT_EQ(DivideRoundHalfUp(-5, 10), -1);
    EXPECT_EQ(DivideRoundHalfUp(14, 10), 1);
    EXPECT_EQ(ApplyBasisPoints(100000000, 300), 3000000);
}

TEST(Bin, ValidatesCheckDigitOnRealAndSyntheticNumbers) {
    EXPECT_EQ(*NormalizeBin("070340007367"), "070340007367");
    EXPECT_EQ(*NormalizeBin("980940001419"), "980940001419");
    EXPECT_EQ(*NormalizeBin("970340000010"), "970340000010");
    EXPECT_EQ(*NormalizeBin("900101310506"), "900101310506");  // needs the second weighting pass
    EXPECT_EQ(*NormalizeBin("880101300010"), "880101300010");
    EXPECT_EQ(*NormalizeBin("0703 4000 7367"), "070340007367");
}

TEST(Bin, RejectsWrongDigitLengthAndCharacters) {
    EXPECT_EQ(NormalizeBin("070340007368").error().message, "check digit does not match (not a valid BIN/IIN)");
    EXPECT_EQ(NormalizeBin("12345").error().message, "must be exactly 12 digits");
    EXPECT_EQ(NormalizeBin("07034000736x").error().message, "must contain only the digits 0-9");
    EXPECT_EQ(NormalizeBin("\xd9\xa1\xd9\xa2").error().message, "must contain only the digits 0-9");
    for (char last = '0'; last <= '9'; ++last) {
        // Both passes give 10 for this prefix: no valid number exists.
        EXPECT_FALSE(NormalizeBin(std::string("90010131052") + last).has_value());
    }
}

TEST(Time, ParsesAndFormatsDates) {
    EXPECT_EQ(*ParseIsoDate("2026-01-01"), (Date{year{2026}, month{1}, day{1}}));
    EXPECT_EQ(*ParseIsoDate("2026-01-01T10:00:00Z"), (Date{year{2026}, month{1}, day{1}}));
    EXPECT_EQ(ParseIsoDate("2026-02-30").error().message, "is not a real calendar date");
    EXPECT_EQ(ParseIsoDate("01.01.2026").error().message, "must be a date in the form YYYY-MM-DD");
    EXPECT_EQ(FormatDottedDate(Date{year{2026}, month{11}, day{25}}), "25.11.2026");
    EXPECT_EQ(DaysBetween(Date{year{2025}, month{12}, day{31}}, Date{year{2026}, month{1}, day{10}}), 10);
}

TEST(Time, MonthNamesInTheFormsADateTakesInASentence) {
    EXPECT_EQ(MonthGenitiveRu(1), "января");
    EXPECT_EQ(MonthGenitiveRu(12), "декабря");
    EXPECT_EQ(MonthKz(3), "наурыз");
    EXPECT_EQ(MonthKz(3, KazakhCase::kDative), "наурызға");  // 8 наурызға дейін
    EXPECT_EQ(MonthKz(9, KazakhCase::kDative), "қыркүйекке");
    EXPECT_EQ(MonthKz(2, KazakhCase::kAblative), "ақпаннан");  // 1 ақпаннан бастап
    EXPECT_EQ(MonthKz(4, KazakhCase::kAblative), "сәуірден");
}

TEST(Time, AlmatyIsUtcPlusFiveSinceMarch2024) {
    using std::chrono::hours;
    using std::chrono::sys_days;
    // 2025-12-31 19:00 UTC is already 2026-01-01 00:00 in Almaty.
    const Instant new_year = sys_days{Date{year{2025}, month{12}, day{31}}} + hours{19};
    EXPECT_EQ(AlmatyDate(new_year), (Date{year{2026}, month{1}, day{1}}));
    EXPECT_EQ(AlmatyDate(new_year - std::chrono::milliseconds{1}), (Date{year{2025}, month{12}, day{31}}));
    EXPECT_EQ(AlmatyUtcOffset(sys_days{Date{year{2023}, month{6}, day{1}}}), hours{6});
    EXPECT_EQ(AlmatyStartOfDay(Date{year{2026}, month{1}, day{1}}), new_year);
    EXPECT_EQ(FormatUtcTimestamp(new_year), "2025-12-31T19:00:00.000Z");
    EXPECT_EQ(FormatAlmatyMinute(new_year), "01.01.2026 00:00");
    // 2026-12-19 05:51 UTC is 10:51 in Astana (UTC+5 since 2024).
    const Instant deadline = sys_days{Date{year{2026}, month{12}, day{19}}} + hours{5} + std::chrono::minutes{51};
    EXPECT_EQ(FormatAlmatyMinute(deadline), "19.12.2026 10:51");
    EXPECT_EQ(DaysLeft(deadline, deadline - hours{47}), 1);  // whole days, rounded down
    EXPECT_EQ(DaysLeft(deadline, deadline + hours{1}), -1);
}

TEST(Time, UtcTimestampsHaveEveryDigitInPlace) {
    using std::chrono::sys_days;
    using namespace std::chrono_literals;
    const Instant at = sys_days{Date{year{2026}, month{3}, day{7}}} + 9h + 5min + 3s + 42ms;
    EXPECT_EQ(FormatUtcTimestamp(at), "2026-03-07T09:05:03.042Z");
    EXPECT_EQ(FormatUtcTimestamp(at + 14h + 54min + 56s + 957ms), "2026-03-07T23:59:59.999Z");
    EXPECT_EQ(FormatUtcTimestamp(Instant{} - 1ms), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(FormatUtcTimestamp(sys_days{Date{year{10000}, month{1}, day{2}}} + 1h), "10000-01-02T01:00:00.000Z");
}

TEST(Json, ReadsFieldsAndNamesEveryProblem) {
    auto object = ParseJsonObject(R"({"amount": -1, "rate": 12.345, "flag": "yes", "name": 5, "when": "2026-13-01"})");
    ASSERT_TRUE(object.has_value());
    JsonFields fields(*object);
    EXPECT_FALSE(fields.Money({"amount"}, true));
    EXPECT_FALSE(fields.Scaled({"rate"}, 2, 0, 2000, true));
    EXPECT_FALSE(fields.Bool({"flag"}, false));
    EXPECT_FALSE(fields.String({"name"}, 1, 10, false));
    EXPECT_FALSE(fields.Day({"when"}, false));
    EXPECT_FALSE(fields.Money({"missing", "alias"}, true));
    const std::vector<FieldProblem> expected{{"amount", "must be >= 0"},
                                             {"rate", "must have at most 2 decimal places"},
                                             {"flag", "must be true or false"},
                                             {"name", "must be a string"},
                                             {"when", "is not a real calendar date"},
                                             {"missing", "is required"}};
    EXPECT_EQ(fields.problems(), expected);
    EXPECT_EQ(fields.Finish().error().code, ErrorCode::kInvalidArgument);
}

TEST(Json, TakesNumbersAsTheClientWroteThem) {
    auto object = ParseJsonObject(R"({"a": 1000.1, "b": "2500.50", "c": 1e3, "d": 0.1, "e": 12})");
    ASSERT_TRUE(object.has_value());
    JsonFields fields(*object);
    EXPECT_EQ(*fields.Money({"a"}, true), 100010);
    EXPECT_EQ(*fields.Money({"b"}, true), 250050);
    EXPECT_EQ(*fields.Money({"c"}, true), 100000);
    EXPECT_EQ(*fields.Money({"d"}, true), 10);
    EXPECT_EQ(*fields.Money({"x", "e"}, true), 1200);
    EXPECT_TRUE(fields.Finish().has_value());
}

TEST(Json, MalformedBodiesAreErrorsNotCrashes) {
    EXPECT_EQ(ParseJsonObject("{").error().code, ErrorCode::kMalformed);
    EXPECT_EQ(ParseJsonObject("").error().code, ErrorCode::kMalformed);
    EXPECT_EQ(ParseJsonObject("[1,2]").error().details, (std::vector<FieldProblem>{{"body", "must be a JSON object"}}));
    EXPECT_EQ(ParseJsonObject(std::string(100, '[') + std::string(100, ']')).error().code, ErrorCode::kMalformed);
    EXPECT_EQ(ParseJsonObject("{\"a\":\"\xff\xfe\"}").error().code, ErrorCode::kMalformed);
}

// Found by a hostile probe: 1e-999999 silently read as 0.
TEST(Json, NumbersThatCannotBeRepresentedAreRefusedByName) {
    const std::vector<std::pair<std::string, FieldProblem>> refused{
        {R"({"amount": 1e-999999})", {"amount", "1e-999999 is too small to represent (it would read as 0)"}},
        {R"({"amount": -1E+999999})", {"amount", "-1E+999999 is too large to represent"}},
        {R"({"a": "1e-999999", "offers": [{"bid": 5}, {"bid": 2.5e-400}]})",
         {"offers[1].bid", "2.5e-400 is too small to represent (it would read as 0)"}},
        {"{\"x\": 1" + std::string(400, '0') + "}", {"x", "1" + std::string(39, '0') + " is too large to represent"}},
        {R"({"a": 0.5, "a": 1e-400})", {"body", "1e-400 is too small to represent (it would read as 0)"}},
    };
    for (const auto& [body, problem] : refused) {
        auto parsed = ParseJsonObject(body);
        ASSERT_FALSE(parsed.has_value()) << body;
        EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << body;
        EXPECT_EQ(parsed.error().details, std::vector<FieldProblem>{problem}) << body;
    }
    for (const char* body : {R"({"a": 0, "b": 0.0, "c": -0e5, "d": 1e-300, "e": "1e-999999", "f": 1e300})",
                             R"({"s": "\"1e-999\"", "n": 0.0})"}) {
        EXPECT_TRUE(ParseJsonObject(body).has_value()) << body;
    }
}

TEST(Json, WriterEmitsMoneyAndEscapes) {
    JsonWriter w;
    w.BeginObject()
        .MoneyField("base", 100000)
        .Field("name", "a\"b\n")
        .Key("list")
        .BeginArray()
        .Int(1)
        .Null()
        .EndArray();
    w.Field("ok", true).EndObject();
    EXPECT_EQ(w.str(), R"({"base":1000.00,"name":"a\"b\n","list":[1,null],"ok":true})");
}

}  // namespace
}  // namespace zakupai

namespace zakupai {
namespace {
TEST(Money, FormatsPercentagesForRussianText) {
    EXPECT_EQ(FormatPercentRu(1600), "16");
    EXPECT_EQ(FormatPercentRu(10), "0,1");
    EXPECT_EQ(FormatPercentRu(1250), "12,5");
    EXPECT_EQ(FormatPercentRu(0), "0");
    EXPECT_EQ(FormatTrimmedDecimal(1500, 2), "15");
}
}  // namespace
}  // namespace zakupai
