#pragma once
// API keys: "zk_" + 43 characters of base64url randomness (256 bits). Only a SHA-256 hash is
// stored; the key itself is shown once, at creation.
#include <string>
#include <string_view>

namespace zakupai::billing {

std::string GenerateApiKey();
std::string HashApiKey(std::string_view key);
// What the user sees in listings to tell keys apart: "zk_AbCdEf…".
std::string KeyPrefix(std::string_view key);
// Cheap shape check before any hashing or lookup.
bool LooksLikeApiKey(std::string_view key);

}  // namespace zakupai::billing
