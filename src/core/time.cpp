#include "core/time.hpp"

#include <fmt/format.h>

#include <array>

namespace zakupai {

using std::chrono::days;
using std::chrono::sys_days;

namespace {
bool ReadDigits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
    if (pos + count > text.size()) {
        return false;
    }
    out = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        out = out * 10 + (text[i] - '0');
    }
    return true;
}
}  // namespace

Result<Date> ParseIsoDate(std::string_view text) {
    int year = 0;
    int month = 0;
    int day = 0;
    const bool shaped = text.size() >= 10 && ReadDigits(text, 0, 4, year) && text[4] == '-' &&
                        ReadDigits(text, 5, 2, month) && text[7] == '-' && ReadDigits(text, 8, 2, day) &&
                        (text.size() == 10 || text[10] == 'T' || text[10] == ' ');
    if (!shaped) {
        return Fail(Error{ErrorCode::kInvalidArgument, "must be a date in the form YYYY-MM-DD", {}});
    }
    Date date{std::chrono::year{year},
              std::chrono::month{static_cast<unsigned>(month)},
              std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok()) {
        return Fail(Error{ErrorCode::kInvalidArgument, "is not a real calendar date", {}});
    }
    return date;
}

std::string FormatIsoDate(Date date) {
    return fmt::format("{:04}-{:02}-{:02}",
                       static_cast<int>(date.year()),
                       static_cast<unsigned>(date.month()),
                       static_cast<unsigned>(date.day()));
}

std::optional<std::string> FormatIsoDate(const std::optional<Date>& date) {
    if (!date) {
        return std::nullopt;
    }
    return FormatIsoDate(*date);
}

std::string FormatDottedDate(Date date) {
    return fmt::format("{:02}.{:02}.{:04}",
                       static_cast<unsigned>(date.day()),
                       static_cast<unsigned>(date.month()),
                       static_cast<int>(date.year()));
}

int DaysBetween(Date from, Date to) {
    return static_cast<int>((sys_days{to} - sys_days{from}).count());
}

std::chrono::seconds AlmatyUtcOffset(Instant instant) {
    // 2024-03-01 00:00 at UTC+6 is 2024-02-29 18:00 UTC.
    static const Instant kSwitch = sys_days{std::chrono::year{2024} / 2 / 29} + std::chrono::hours{18};
    return instant < kSwitch ? std::chrono::hours{6} : std::chrono::hours{5};
}

Date AlmatyDate(Instant instant) {
    return Date{std::chrono::floor<days>(instant + AlmatyUtcOffset(instant))};
}

Instant AlmatyStartOfDay(Date date) {
    const Instant local_midnight_as_utc = sys_days{date};
    return local_midnight_as_utc - AlmatyUtcOffset(local_midnight_as_utc - std::chrono::hours{5});
}

std::string FormatUtcTimestamp(Instant instant) {
    // Written digit by digit: it stamps every audit and calculation row, and two fmt::format
    // calls (the format strings parsed each time) cost more than the rest of the row.
    const auto day = std::chrono::floor<days>(instant);
    const Date date{day};
    const std::chrono::hh_mm_ss<std::chrono::milliseconds> tod{instant - day};
    std::string text = "0000-00-00T00:00:00.000Z";
    const auto put = [&text](std::size_t end, long long value, int width) {
        for (int i = 0; i < width; ++i) {
            text[end - static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
            value /= 10;
        }
    };
    const int year = static_cast<int>(date.year());
    if (year < 0 || year > 9999) {
        return fmt::format("{}T{:02}:{:02}:{:02}.{:03}Z",
                           FormatIsoDate(date),
                           tod.hours().count(),
                           tod.minutes().count(),
                           tod.seconds().count(),
                           tod.subseconds().count());
    }
    put(3, year, 4);
    put(6, static_cast<unsigned>(date.month()), 2);
    put(9, static_cast<unsigned>(date.day()), 2);
    put(12, tod.hours().count(), 2);
    put(15, tod.minutes().count(), 2);
    put(18, tod.seconds().count(), 2);
    put(22, tod.subseconds().count(), 3);
    return text;
}

std::string FormatAlmatyMinute(Instant instant) {
    const Instant local = instant + AlmatyUtcOffset(instant);
    const auto day = std::chrono::floor<days>(local);
    const std::chrono::hh_mm_ss<std::chrono::milliseconds> time{local - day};
    return fmt::format("{} {:02}:{:02}", FormatDottedDate(Date{day}), time.hours().count(), time.minutes().count());
}

std::int64_t DaysLeft(Instant deadline, Instant now) {
    return std::chrono::floor<days>(deadline - now).count();
}

Instant SystemClock::Now() const {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

namespace {

constexpr std::array<std::string_view, 12> kMonthsRuGenitive{"января",
                                                             "февраля",
                                                             "марта",
                                                             "апреля",
                                                             "мая",
                                                             "июня",
                                                             "июля",
                                                             "августа",
                                                             "сентября",
                                                             "октября",
                                                             "ноября",
                                                             "декабря"};
// Kazakh suffixes follow the word's last sound and its vowels; twelve words, so written out.
constexpr std::array<std::array<std::string_view, 12>, 3> kMonthsKz{{
    {"қаңтар",
     "ақпан",
     "наурыз",
     "сәуір",
     "мамыр",
     "маусым",
     "шілде",
     "тамыз",
     "қыркүйек",
     "қазан",
     "қараша",
     "желтоқсан"},
    {"қаңтарға",
     "ақпанға",
     "наурызға",
     "сәуірге",
     "мамырға",
     "маусымға",
     "шілдеге",
     "тамызға",
     "қыркүйекке",
     "қазанға",
     "қарашаға",
     "желтоқсанға"},
    {"қаңтардан",
     "ақпаннан",
     "наурыздан",
     "сәуірден",
     "мамырдан",
     "маусымнан",
     "шілдеден",
     "тамыздан",
     "қыркүйектен",
     "қазаннан",
     "қарашадан",
     "желтоқсаннан"},
}};

}  // namespace

std::string_view MonthGenitiveRu(unsigned month) {
    ZAKUPAI_ASSERT(month >= 1 && month <= 12);
    return kMonthsRuGenitive.at(month - 1);
}

std::string_view MonthKz(unsigned month, KazakhCase grammatical_case) {
    ZAKUPAI_ASSERT(month >= 1 && month <= 12);
    return kMonthsKz.at(static_cast<std::size_t>(grammatical_case)).at(month - 1);
}

}  // namespace zakupai
