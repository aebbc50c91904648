#pragma once
// The few cryptographic pieces the faces share (OpenSSL): random tokens, SHA-256, HMAC and a
// comparison that takes the same time wherever two strings differ.
#include <string>
#include <string_view>

namespace zakupai::billing {

// `bytes` random bytes (RAND_bytes) as lower-case hex: session and CSRF tokens.
std::string RandomHexToken(std::size_t bytes = 32);
std::string Sha256Hex(std::string_view text);
// The raw 32-byte digest (Telegram's login check keys its HMAC with the bot token's).
std::string Sha256Raw(std::string_view text);
std::string HmacSha256Hex(std::string_view key, std::string_view message);
// Constant time in the content; the lengths are not secret.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace zakupai::billing
