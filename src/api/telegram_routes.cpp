#include <boost/json.hpp>

#include "api/api.hpp"
#include "notify/runner.hpp"
#include "notify/webhook.hpp"

namespace zakupai::api {

void RegisterTelegramRoutes(http::Router& router, notify::BotRunner* bot, const std::string& secret) {
    // Telegram authenticates with the secret token, not an API key, and is never metered.
    const http::RouteOptions telegram{.is_public = true, .required_plan = Plan::kFree, .counts_usage = false};
    router.Add(
        "POST",
        "/telegram/webhook",
        [bot, secret](http::Request& request) {
            if (bot == nullptr) {
                return http::ErrorResponse(404,
                                           "not_found",
                                           "the Telegram webhook is off: the bot needs ZAKUPAI_TELEGRAM_TOKEN and "
                                           "ZAKUPAI_TELEGRAM_MODE=webhook",
                                           request.request_id);
            }
            if (!notify::WebhookSecretMatches(request.Header("x-telegram-bot-api-secret-token"), secret)) {
                return http::ErrorResponse(
                    403, "forbidden", "X-Telegram-Bot-Api-Secret-Token is missing or wrong", request.request_id);
            }
            auto update = notify::ReadWebhookUpdate(request.body);
            if (!update) {
                return http::ErrorResponse(update.error(), request.request_id);
            }
            bot->Accept(update->update_id, std::move(update->payload));
            return http::Response::Json(R"({"ok":true})");
        },
        telegram);
}

}  // namespace zakupai::api
