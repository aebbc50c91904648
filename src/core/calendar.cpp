#include "core/calendar.hpp"

#include <boost/json/parse.hpp>

namespace zakupai::embedded {
extern const std::vector<std::pair<std::string_view, std::string_view>>& KzCalendars();
}

namespace zakupai {

namespace {

Result<std::vector<CalendarDay>> Days(const boost::json::object& root, const char* key, int year) {
    std::vector<CalendarDay> days;
    const auto* list = root.if_contains(key);
    if (list == nullptr || !list->is_array()) {
        return Fail(Error::Invalid(key, "must be a list"));
    }
    for (const auto& item : list->get_array()) {
        const auto* o = item.if_object();
        const auto* date_text = o != nullptr ? o->if_contains("date") : nullptr;
        if (date_text == nullptr || !date_text->is_string()) {
            return Fail(Error::Invalid(key, "every entry needs a \"date\""));
        }
        auto date = ParseIsoDate(date_text->get_string());
        if (!date || static_cast<int>(date->year()) != year) {
            return Fail(Error::Invalid(
                key, std::string(date_text->get_string()) + " is not a date in " + std::to_string(year)));
        }
        auto text = [&](const char* field) {
            const auto* v = o->if_contains(field);
            return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
        };
        std::string name = text("name_ru");
        days.push_back({*date, name.empty() ? text("reason") : name, text("name_kz")});
    }
    return days;
}

bool IsWeekend(Date date) {
    const std::chrono::weekday wd{std::chrono::sys_days{date}};
    return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

const CalendarDay* FindDay(const std::vector<CalendarDay>& days, Date date) {
    for (const auto& d : days) {
        if (d.date == date) {
            return &d;
        }
    }
    return nullptr;
}

}  // namespace

Result<CalendarYear> WorkCalendar::ParseYear(std::string_view json) {
    boost::system::error_code ec;
    auto root = boost::json::parse(json, ec);
    if (ec || !root.is_object()) {
        return Fail(Error::Invalid("calendar", "not a JSON object"));
    }
    const auto& o = root.get_object();
    CalendarYear year;
    const auto* y = o.if_contains("year");
    if (y == nullptr || !y->is_int64() || y->get_int64() < 2000 || y->get_int64() > 2100) {
        return Fail(Error::Invalid("year", "must be a year"));
    }
    year.year = static_cast<int>(y->get_int64());
    if (const auto* sources = o.if_contains("sources"); sources != nullptr && sources->is_array()) {
        for (const auto& s : sources->get_array()) {
            if (s.is_string()) {
                year.sources.emplace_back(s.get_string());
            }
        }
    }
    if (year.sources.empty()) {
        return Fail(Error::Invalid("sources", "a calendar must say where its dates come from"));
    }
    auto holidays = Days(o, "holidays", year.year);
    auto off = Days(o, "days_off", year.year);
    auto working = Days(o, "working_days", year.year);
    for (auto* r : {&holidays, &off, &working}) {
        if (!*r) {
            return Fail(r->error());
        }
    }
    year.holidays = std::move(*holidays);
    year.days_off = std::move(*off);
    year.working_days = std::move(*working);
    return year;
}

const WorkCalendar& WorkCalendar::BuiltIn() {
    static const WorkCalendar kCalendar = [] {
        std::vector<CalendarYear> years;
        for (const auto& [name, content] : embedded::KzCalendars()) {
            auto year = ParseYear(content);
            ZAKUPAI_ASSERT(year.has_value());  // data/calendar is checked by the unit tests
            years.push_back(std::move(*year));
        }
        return WorkCalendar(std::move(years));
    }();
    return kCalendar;
}

WorkCalendar::WorkCalendar(std::vector<CalendarYear> years) : years_(std::move(years)) {
    std::sort(years_.begin(), years_.end(), [](const auto& a, const auto& b) { return a.year < b.year; });
}

const CalendarYear* WorkCalendar::Year(int year) const {
    for (const auto& y : years_) {
        if (y.year == year) {
            return &y;
        }
    }
    return nullptr;
}

std::vector<int> WorkCalendar::Years() const {
    std::vector<int> out;
    for (const auto& y : years_) {
        out.push_back(y.year);
    }
    return out;
}

bool WorkCalendar::Covers(Date date) const {
    return Year(static_cast<int>(date.year())) != nullptr;
}

Result<bool> WorkCalendar::IsWorkingDay(Date date) const {
    const auto* year = Year(static_cast<int>(date.year()));
    if (year == nullptr) {
        return Fail(Error::Invalid("date",
                                   "no working-day calendar for " + std::to_string(static_cast<int>(date.year())) +
                                       " (data/calendar/kz-YYYY.json)"));
    }
    if (FindDay(year->holidays, date) != nullptr || FindDay(year->days_off, date) != nullptr) {
        return false;
    }
    if (IsWeekend(date)) {
        return FindDay(year->working_days, date) != nullptr;
    }
    return true;
}

Result<int> WorkCalendar::WorkingDaysBetween(Date from, Date to) const {
    if (std::chrono::sys_days{to} < std::chrono::sys_days{from}) {
        auto back = WorkingDaysBetween(to, from);
        return back ? Result<int>(-*back) : back;
    }
    int count = 0;
    for (auto day = std::chrono::sys_days{from} + std::chrono::days{1}; day <= std::chrono::sys_days{to};
         day += std::chrono::days{1}) {
        auto working = IsWorkingDay(Date{day});
        if (!working) {
            return Fail(working.error());
        }
        count += *working ? 1 : 0;
    }
    return count;
}

Result<Date> WorkCalendar::AddWorkingDays(Date from, int n) const {
    ZAKUPAI_ASSERT(n >= 1 && n <= 366);
    auto day = std::chrono::sys_days{from};
    for (int found = 0; found < n;) {
        day += std::chrono::days{1};
        auto working = IsWorkingDay(Date{day});
        if (!working) {
            return Fail(working.error());
        }
        found += *working ? 1 : 0;
    }
    return Date{day};
}

const CalendarDay* WorkCalendar::Explain(Date date) const {
    const auto* year = Year(static_cast<int>(date.year()));
    if (year == nullptr) {
        return nullptr;
    }
    for (const auto* list : {&year->holidays, &year->days_off, &year->working_days}) {
        if (const auto* d = FindDay(*list, date)) {
            return d;
        }
    }
    return nullptr;
}

}  // namespace zakupai
