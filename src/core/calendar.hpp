#pragma once
// Kazakhstan's working-day calendar (five-day week) as data: one file per year with the
// public holidays, the weekdays off that the Labour Code or a government order adds, and the
// weekend days made working. Procurement windows and complaint deadlines count working days.
// A date in a year without a file is an error, never a guess.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"

namespace zakupai {

struct CalendarDay {
    Date date;
    std::string name_ru;  // the holiday, or why the day is off or working
    std::string name_kz;
};

struct CalendarYear {
    int year = 0;
    std::vector<std::string> sources;
    std::vector<CalendarDay> holidays;
    std::vector<CalendarDay> days_off;      // weekdays off: holidays moved from a weekend, orders
    std::vector<CalendarDay> working_days;  // weekend days that are working days
};

class WorkCalendar {
public:
    // The years compiled in from data/calendar/kz-YYYY.json.
    static const WorkCalendar& BuiltIn();
    static Result<CalendarYear> ParseYear(std::string_view json);
    explicit WorkCalendar(std::vector<CalendarYear> years);

    bool Covers(Date date) const;
    std::vector<int> Years() const;
    const CalendarYear* Year(int year) const;
    // Error (kInvalidArgument) when the date's year has no calendar file.
    Result<bool> IsWorkingDay(Date date) const;
    // Working days in (from, to]: the days a supplier actually has between two dates.
    Result<int> WorkingDaysBetween(Date from, Date to) const;
    // The n-th working day after `from` (n >= 1).
    Result<Date> AddWorkingDays(Date from, int n) const;
    // The holiday or reason for a non-working day, when there is one.
    const CalendarDay* Explain(Date date) const;

private:
    std::vector<CalendarYear> years_;
};

}  // namespace zakupai
