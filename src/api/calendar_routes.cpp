#include <fmt/format.h>

#include "api/api.hpp"
#include "core/calendar.hpp"
#include "core/json.hpp"

namespace zakupai::api {

namespace {

void WriteDays(JsonWriter& w, std::string_view key, const std::vector<CalendarDay>& days) {
    w.Key(key).BeginArray();
    for (const auto& d : days) {
        w.BeginObject().Field("date", FormatIsoDate(d.date)).Field("name_ru", d.name_ru);
        if (!d.name_kz.empty()) {
            w.Field("name_kz", d.name_kz);
        }
        w.EndObject();
    }
    w.EndArray();
}

}  // namespace

void RegisterCalendarRoutes(http::Router& router, const WorkCalendar& calendar, const Clock& clock) {
    const http::RouteOptions open{.is_public = true, .required_plan = Plan::kFree, .counts_usage = false};
    router.Add(
        "GET",
        "/calendar/{year}",
        [&calendar, &clock](http::Request& request) {
            const std::string& text = request.path_params.at("year");
            const auto* year = text.size() == 4 ? calendar.Year(std::atoi(text.c_str())) : nullptr;
            if (year == nullptr) {
                std::string years;
                for (int y : calendar.Years()) {
                    years += (years.empty() ? "" : ", ") + std::to_string(y);
                }
                return http::ErrorResponse(
                    Error::NotFound("no working-day calendar for '" + text + "'; known years: " + years),
                    request.request_id);
            }
            return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
                w.Field("year", year->year).Field("week", "five-day").Key("sources").BeginArray();
                for (const auto& s : year->sources) {
                    w.String(s);
                }
                w.EndArray();
                WriteDays(w, "holidays", year->holidays);
                WriteDays(w, "days_off", year->days_off);
                WriteDays(w, "working_weekend_days", year->working_days);
                w.Key("working_days_per_month").BeginArray();
                int total = 0;
                for (unsigned m = 1; m <= 12; ++m) {
                    const Date first{std::chrono::year{year->year} / std::chrono::month{m} / 1};
                    const Date last{std::chrono::year{year->year} / std::chrono::month{m} / std::chrono::last};
                    int count = (calendar.IsWorkingDay(first).value_or(false) ? 1 : 0);
                    count += calendar.WorkingDaysBetween(first, last).value_or(0);
                    total += count;
                    w.Int(count);
                }
                w.EndArray().Field("working_days", total);
            });
        },
        open);

    router.Add(
        "GET",
        "/calendar/working-days",
        [&calendar, &clock](http::Request& request) {
            std::vector<FieldProblem> problems;
            auto from = ParseIsoDate(request.Query("from"));
            if (!from) {
                problems.push_back({"from", "must be a date YYYY-MM-DD"});
            }
            std::optional<Date> to;
            int add = 0;
            if (!request.Query("to").empty()) {
                auto parsed = ParseIsoDate(request.Query("to"));
                if (parsed) {
                    to = *parsed;
                } else {
                    problems.push_back({"to", "must be a date YYYY-MM-DD"});
                }
            } else if (!request.Query("add").empty()) {
                add = std::atoi(std::string(request.Query("add")).c_str());
                if (add < 1 || add > 250) {
                    problems.push_back({"add", "must be a number of working days from 1 to 250"});
                }
            } else {
                problems.push_back({"to", "give either to=YYYY-MM-DD or add=N"});
            }
            if (!problems.empty()) {
                return http::ErrorResponse(Error::Invalid(std::move(problems)), request.request_id);
            }
            if (to) {
                auto n = calendar.WorkingDaysBetween(*from, *to);
                if (!n) {
                    return http::ErrorResponse(n.error(), request.request_id);
                }
                return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
                    w.Field("from", FormatIsoDate(*from)).Field("to", FormatIsoDate(*to)).Field("working_days", *n);
                });
            }
            auto day = calendar.AddWorkingDays(*from, add);
            if (!day) {
                return http::ErrorResponse(day.error(), request.request_id);
            }
            return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
                w.Field("from", FormatIsoDate(*from)).Field("add", add).Field("date", FormatIsoDate(*day));
            });
        },
        open);
}

}  // namespace zakupai::api
