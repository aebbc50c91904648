#include "net/vault.hpp"

#include <boost/json.hpp>

#include "net/transport.hpp"

namespace zakupai::net {

namespace {

Error VaultError(const VaultSettings& settings, const std::string& problem) {
    return Error{ErrorCode::kUnavailable,
                 "vault: cannot read " + settings.mount + "/" + settings.path + " at " + settings.addr + ": " + problem,
                 {}};
}

std::string Describe(const TransportResult& reply) {
    if (!reply) {
        return reply.error().kind + " (" + reply.error().message + ")";
    }
    if (reply->status == 403) {
        return "permission denied (HTTP 403): the token may not read this secret";
    }
    if (reply->status == 404) {
        return "no such secret (HTTP 404)";
    }
    return "HTTP " + std::to_string(reply->status);
}

Result<std::string> LoginWithAppRole(const VaultSettings& settings) {
    CurlTransport transport(CurlOptions{settings.addr, "", settings.timeout_ms, nullptr, {}});
    const std::string body =
        boost::json::serialize(boost::json::object{{"role_id", settings.role_id}, {"secret_id", settings.secret_id}});
    auto reply = transport.PostJson("/v1/auth/approle/login", body);
    if (!reply || reply->status != 200) {
        return Fail(VaultError(settings, "AppRole login failed: " + Describe(reply)));
    }
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(reply->body, ec);
    const auto* auth = !ec && parsed.is_object() ? parsed.as_object().if_contains("auth") : nullptr;
    const auto* token = auth != nullptr && auth->is_object() ? auth->as_object().if_contains("client_token") : nullptr;
    if (token == nullptr || !token->is_string() || token->as_string().empty()) {
        return Fail(VaultError(settings, "the AppRole login answer has no auth.client_token"));
    }
    return std::string(token->as_string());
}

}  // namespace

Result<std::map<std::string, std::string>> ReadVaultSecret(const VaultSettings& settings) {
    std::string token = settings.token;
    if (token.empty()) {
        if (settings.role_id.empty() || settings.secret_id.empty()) {
            return Fail(VaultError(settings, "neither a token nor an AppRole role_id and secret_id is configured"));
        }
        auto login = LoginWithAppRole(settings);
        if (!login) {
            return Fail(login.error());
        }
        token = std::move(*login);
    }
    CurlTransport transport(CurlOptions{settings.addr, "", settings.timeout_ms, nullptr, {"X-Vault-Token: " + token}});
    auto reply = transport.Get("/v1/" + settings.mount + "/data/" + settings.path);
    if (!reply || reply->status != 200) {
        return Fail(VaultError(settings, Describe(reply)));
    }
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(reply->body, ec);
    const auto* outer = !ec && parsed.is_object() ? parsed.as_object().if_contains("data") : nullptr;
    const auto* data = outer != nullptr && outer->is_object() ? outer->as_object().if_contains("data") : nullptr;
    if (data == nullptr || !data->is_object()) {
        return Fail(VaultError(settings, "the answer has no data.data object (is the mount KV version 2?)"));
    }
    std::map<std::string, std::string> out;
    for (const auto& [name, value] : data->as_object()) {
        if (value.is_string()) {
            out[std::string(name)] = std::string(value.as_string());
        } else if (!value.is_null()) {
            out[std::string(name)] = boost::json::serialize(value);
        }
    }
    return out;
}

}  // namespace zakupai::net
