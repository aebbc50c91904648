#include "notify/config.hpp"

namespace zakupai::notify {

void DescribeSettings(SettingsSection<TelegramConfig>& s) {
    s.Secret("token", &TelegramConfig::token);
    s.Url("api_url", &TelegramConfig::api_url);
    s.Custom("mode", [](TelegramConfig& c, const std::string& v) -> std::optional<std::string> {
        if (v != "polling" && v != "webhook") {
            return "must be polling or webhook";
        }
        c.mode = v;
        return std::nullopt;
    });
    s.Secret("webhook_secret", &TelegramConfig::webhook_secret);
    s.Int("poll_timeout_s", &TelegramConfig::poll_timeout_s, 0, 50);
    s.Int("send_timeout_ms", &TelegramConfig::send_timeout_ms, 100, 120'000);
    s.Int("max_subscriptions", &TelegramConfig::max_subscriptions, 1, 1'000);
    s.Int("alert_interval_ms", &TelegramConfig::alert_interval_ms, 50, 600'000);
    s.Custom("web_url", [](TelegramConfig& c, const std::string& v) -> std::optional<std::string> {
        // Empty: no login button. Telegram opens login_url links only over https.
        if (!v.empty() && !v.starts_with("https://")) {
            return "must be the panel's https:// address";
        }
        c.web_url = v;
        while (c.web_url.ends_with('/')) {
            c.web_url.pop_back();
        }
        return std::nullopt;
    });
}

std::vector<FieldProblem> Check(const TelegramConfig& config) {
    std::vector<FieldProblem> problems;
    if (config.webhook() && config.webhook_secret.empty()) {
        problems.push_back({"ZAKUPAI_TELEGRAM_WEBHOOK_SECRET", "is required when ZAKUPAI_TELEGRAM_MODE is webhook"});
    }
    // Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and -.
    if (!config.webhook_secret.empty() &&
        (config.webhook_secret.size() > 256 ||
         config.webhook_secret.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") !=
             std::string::npos)) {
        problems.push_back({"ZAKUPAI_TELEGRAM_WEBHOOK_SECRET", "must be 1-256 characters of A-Z, a-z, 0-9, _ and -"});
    }
    return problems;
}

}  // namespace zakupai::notify
