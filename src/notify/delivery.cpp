#include "notify/delivery.hpp"

#include <fmt/format.h>

#include <charconv>

namespace zakupai::notify {

namespace {

using std::chrono::days;
using std::chrono::minutes;

}  // namespace

int AlmatyMinute(Instant instant) {
    const Instant local = instant + AlmatyUtcOffset(instant);
    return static_cast<int>(std::chrono::duration_cast<minutes>(local - std::chrono::floor<days>(local)).count());
}

Instant NextAlmatyMinute(Instant now, int minute) {
    const auto offset = AlmatyUtcOffset(now);
    const Instant local = now + offset;
    Instant at = std::chrono::floor<days>(local) + minutes(minute);
    if (at <= local) {
        at += days(1);
    }
    return at - offset;
}

bool InQuietHours(int minute, int from, int to) {
    if (from < 0 || to < 0 || from == to) {
        return false;
    }
    return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

Delivery PlanDelivery(const store::SubscriptionRecord& chat, Instant now) {
    Delivery d;
    if (chat.digest_at >= 0) {
        d.method = "digest";
        d.due = NextAlmatyMinute(now, chat.digest_at);
    } else if (InQuietHours(AlmatyMinute(now), chat.quiet_from, chat.quiet_to)) {
        d.due = NextAlmatyMinute(now, chat.quiet_to);
    }
    return d;
}

std::optional<int> ParseTimeOfDay(const std::string& text) {
    int hours = 0;
    int mins = 0;
    const auto colon = text.find(':');
    const std::string h = text.substr(0, colon);
    const std::string m = colon == std::string::npos ? "0" : text.substr(colon + 1);
    const auto rh = std::from_chars(h.data(), h.data() + h.size(), hours);
    const auto rm = std::from_chars(m.data(), m.data() + m.size(), mins);
    if (h.empty() || h.size() > 2 || m.empty() || m.size() > 2 || rh.ec != std::errc() ||
        rh.ptr != h.data() + h.size() || rm.ec != std::errc() || rm.ptr != m.data() + m.size() || hours < 0 ||
        hours > 23 || mins < 0 || mins > 59) {
        return std::nullopt;
    }
    return hours * 60 + mins;
}

std::optional<std::pair<int, int>> ParseQuietHours(const std::string& text) {
    const auto dash = text.find('-');
    if (dash == std::string::npos) {
        return std::nullopt;
    }
    const auto from = ParseTimeOfDay(text.substr(0, dash));
    const auto to = ParseTimeOfDay(text.substr(dash + 1));
    if (!from || !to || *from == *to) {
        return std::nullopt;
    }
    return std::pair{*from, *to};
}

std::string FormatTimeOfDay(int minute) {
    return fmt::format("{:02}:{:02}", minute / 60, minute % 60);
}

}  // namespace zakupai::notify
