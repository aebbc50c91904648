#pragma once
// When and how an alert goes out for a chat: at once; after the chat's quiet hours; or gathered
// into its daily digest at the chat's time. Times of day are Asia/Almaty's.
#include <optional>
#include <string>

#include "core/time.hpp"
#include "store/notify_repository.hpp"

namespace zakupai::notify {

struct Delivery {
    std::string method = "sendMessage";  // or "digest": gathered and sent at `due` as one message
    std::optional<Instant> due;          // unset: now
};

// Minutes since midnight on Almaty's clock.
int AlmatyMinute(Instant instant);
// The first instant after `now` when Almaty's clock shows `minute`.
Instant NextAlmatyMinute(Instant now, int minute);
// Whether `minute` falls in [from, to), a span that may cross midnight (22:00–08:00).
bool InQuietHours(int minute, int from, int to);

Delivery PlanDelivery(const store::SubscriptionRecord& chat_settings, Instant now);

// "22-08", "22:30-7:15" -> minutes; nullopt when malformed. "09:00" likewise for one time.
std::optional<std::pair<int, int>> ParseQuietHours(const std::string& text);
std::optional<int> ParseTimeOfDay(const std::string& text);
std::string FormatTimeOfDay(int minute);

}  // namespace zakupai::notify
