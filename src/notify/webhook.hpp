#pragma once
// What the webhook route needs from the bot: the secret compared in constant time, and an
// update read just far enough to know its id.
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "store/notify_repository.hpp"

namespace zakupai::notify {

// Constant time in the secret's content (its length is not a secret worth hiding).
bool WebhookSecretMatches(std::string_view given, std::string_view secret);

// A JSON object with a non-negative integer update_id; kMalformed or kInvalidArgument naming
// update_id otherwise.
Result<store::PendingUpdate> ReadWebhookUpdate(std::string_view body);

}  // namespace zakupai::notify
