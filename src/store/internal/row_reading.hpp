#pragma once
// Reading soci::row values the same way on both backends (store-internal).
#include <soci/soci.h>

#include <optional>
#include <string>

#include "core/time.hpp"

namespace zakupai::store {

// Integer columns come back as int or long long depending on the backend and the value.
inline long long ToLong(const soci::row& r, std::size_t i) {
    if (r.get_indicator(i) != soci::i_ok) {
        return 0;
    }
    switch (r.get_properties(i).get_data_type()) {
        case soci::dt_integer:
            return r.get<int>(i);
        case soci::dt_long_long:
            return r.get<long long>(i);
        case soci::dt_unsigned_long_long:
            return static_cast<long long>(r.get<unsigned long long>(i));
        case soci::dt_double:
            return static_cast<long long>(r.get<double>(i));
        default:
            return std::stoll(r.get<std::string>(i));
    }
}

// Integer ids joined by commas: amendment grounds as stored, and IN lists (integers from the
// database are safe to write into SQL).
template <class Ids>
std::string JoinIds(const Ids& ids) {
    std::string out;
    for (const auto id : ids) {
        if (!out.empty()) {
            out += ',';
        }
        out += std::to_string(id);
    }
    return out;
}

// A nullable text column; NULL reads as "".
inline std::string Text(const soci::row& r, std::size_t i) {
    return r.get_indicator(i) == soci::i_ok ? r.get<std::string>(i) : std::string();
}

// A REAL/NUMERIC column (double on both backends, text for some PostgreSQL numerics); NULL is 0.
inline double Real(const soci::row& r, std::size_t i) {
    if (r.get_indicator(i) != soci::i_ok) {
        return 0;
    }
    switch (r.get_properties(i).get_data_type()) {
        case soci::dt_double:
            return r.get<double>(i);
        case soci::dt_string:
            return std::stod(r.get<std::string>(i));
        default:
            return static_cast<double>(ToLong(r, i));
    }
}

// Timestamps are text on SQLite and std::tm (UTC session) on PostgreSQL; both become ISO text.
inline std::string TimestampText(const soci::row& r, std::size_t i) {
    if (r.get_properties(i).get_data_type() == soci::dt_date) {
        const std::tm tm = r.get<std::tm>(i);
        const Instant at = std::chrono::sys_days{std::chrono::year{tm.tm_year + 1900} /
                                                 std::chrono::month{static_cast<unsigned>(tm.tm_mon + 1)} /
                                                 std::chrono::day{static_cast<unsigned>(tm.tm_mday)}} +
                           std::chrono::hours{tm.tm_hour} + std::chrono::minutes{tm.tm_min} +
                           std::chrono::seconds{tm.tm_sec};
        return FormatUtcTimestamp(at);
    }
    return r.get<std::string>(i);
}

// "2026-11-25T14:15:01.123Z" (SQLite) or TimestampText's rendering of a PostgreSQL value;
// whole seconds are enough for deadlines and expiries.
inline std::optional<Instant> ParseStoredInstant(const std::string& text) {
    // Both "2026-11-25T14:15:01.123Z" (SQLite) and "2026-11-25 14:15:01.123+00" (PostgreSQL).
    auto date = ParseIsoDate(text);
    if (!date || text.size() < 19) {
        return std::nullopt;
    }
    auto num = [&](std::size_t pos) { return (text[pos] - '0') * 10 + (text[pos + 1] - '0'); };
    Instant at = std::chrono::sys_days{*date} + std::chrono::hours{num(11)} + std::chrono::minutes{num(14)} +
                 std::chrono::seconds{num(17)};
    return at;
}

}  // namespace zakupai::store
