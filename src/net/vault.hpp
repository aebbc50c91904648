#pragma once
// HashiCorp Vault's KV version 2 as a source of secrets: one secret (a map of names to values)
// read with a token, or with a token obtained by AppRole login first.
#include <map>
#include <string>

#include "core/error.hpp"

namespace zakupai::net {

struct VaultSettings {
    std::string addr;   // https://vault.internal:8200
    std::string token;  // X-Vault-Token; or AppRole below
    std::string role_id;
    std::string secret_id;
    std::string mount = "secret";
    std::string path = "zakupai";
    int timeout_ms = 5'000;

    bool Configured() const { return !addr.empty(); }
};

// GET /v1/<mount>/data/<path> → data.data, every value as text. Errors say which secret and
// why: unreachable, 403 (the token may not read it), 404 (no such secret), a malformed answer.
Result<std::map<std::string, std::string>> ReadVaultSecret(const VaultSettings& settings);

}  // namespace zakupai::net
