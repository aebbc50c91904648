#include "notify/webhook.hpp"

#include <boost/json.hpp>

#include "billing/secrets.hpp"
#include "core/json.hpp"

namespace zakupai::notify {

bool WebhookSecretMatches(std::string_view given, std::string_view secret) {
    return !secret.empty() && billing::ConstantTimeEquals(given, secret);
}

Result<store::PendingUpdate> ReadWebhookUpdate(std::string_view body) {
    auto object = ParseJsonObject(body);
    if (!object) {
        return Fail(object.error());
    }
    const auto* id = object->if_contains("update_id");
    if (id == nullptr || !id->is_int64() || id->get_int64() < 0) {
        return Fail(Error::Invalid("update_id", "must be a non-negative integer"));
    }
    return store::PendingUpdate{id->get_int64(), std::string(body)};
}

}  // namespace zakupai::notify
