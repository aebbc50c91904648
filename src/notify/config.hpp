#pragma once
// The Telegram bot: the "telegram" section of the configuration. Without a token the bot is off.
#include <string>
#include <vector>

#include "core/settings.hpp"

namespace zakupai::notify {

struct TelegramConfig {
    std::string token;  // secret: env or *_FILE only
    std::string api_url = "https://api.telegram.org";
    std::string mode = "polling";  // or webhook
    std::string webhook_secret;    // secret; required in webhook mode
    int poll_timeout_s = 25;       // getUpdates long-polling timeout
    int send_timeout_ms = 10'000;
    int max_subscriptions = 50;  // per chat
    int alert_interval_ms = 1'000;
    // The web panel's public address (https://zakupai.example): /start then offers a button that
    // logs the user into the panel by Telegram's signed login_url (the domain set in BotFather).
    std::string web_url;

    bool enabled() const { return !token.empty(); }
    bool webhook() const { return mode == "webhook"; }
};

void DescribeSettings(SettingsSection<TelegramConfig>& section);
// What only makes sense together (webhook mode needs its secret).
std::vector<FieldProblem> Check(const TelegramConfig& config);

}  // namespace zakupai::notify
