#pragma once
// Dates are civil dates; instants are UTC. Local time is always Asia/Almaty, named explicitly:
// UTC+6 until 2024-03-01 00:00 local, UTC+5 since (Kazakhstan moved to a single zone).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace zakupai {

using Date = std::chrono::year_month_day;
using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

// Strict "YYYY-MM-DD" (a datetime "YYYY-MM-DDTHH:MM..." is accepted and its date part used).
Result<Date> ParseIsoDate(std::string_view text);
std::string FormatIsoDate(Date date);
std::optional<std::string> FormatIsoDate(const std::optional<Date>& date);
std::string FormatDottedDate(Date date);  // 25.11.2026, as ru-KZ and kk-KZ documents write it

// Days from `from` to `to` (negative when `to` is earlier).
int DaysBetween(Date from, Date to);

std::chrono::seconds AlmatyUtcOffset(Instant instant);
Date AlmatyDate(Instant instant);
// The UTC instant at which the given Almaty calendar day begins.
Instant AlmatyStartOfDay(Date date);

std::string FormatUtcTimestamp(Instant instant);  // 2026-11-25T14:15:01.123Z
// "25.11.2026 18:00" in Almaty (Astana) time: a deadline as people read it.
std::string FormatAlmatyMinute(Instant instant);
// Whole days from `now` to `deadline`, rounded down; negative once it has passed.
std::int64_t DaysLeft(Instant deadline, Instant now);

// Injected wherever "now" matters, so tests can pin it.
class Clock {
public:
    virtual ~Clock() = default;
    virtual Instant Now() const = 0;
};

class SystemClock final : public Clock {
public:
    Instant Now() const override;
};

// Month names as Russian and Kazakh texts write them, `month` 1..12: "марта" (8 марта), and the
// Kazakh forms a date takes in a sentence ("8 наурыз", "8 наурызға дейін", "8 наурыздан бастап").
enum class KazakhCase { kNominative, kDative, kAblative };
std::string_view MonthGenitiveRu(unsigned month);
std::string_view MonthKz(unsigned month, KazakhCase grammatical_case = KazakhCase::kNominative);

}  // namespace zakupai
