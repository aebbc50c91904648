#include "billing/internal/keys.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "billing/secrets.hpp"

namespace zakupai::billing {

std::string GenerateApiKey() {
    std::array<unsigned char, 32> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed: no entropy for an API key");
    }
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string key = "zk_";
    unsigned int buffer = 0;
    int bits = 0;
    for (unsigned char byte : random) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            key += kAlphabet[(buffer >> bits) & 0x3F];
        }
    }
    if (bits > 0) {
        key += kAlphabet[(buffer << (6 - bits)) & 0x3F];
    }
    return key;
}

std::string HashApiKey(std::string_view key) {
    return Sha256Hex(key);
}

std::string KeyPrefix(std::string_view key) {
    return std::string(key.substr(0, 9));
}

bool LooksLikeApiKey(std::string_view key) {
    if (key.size() < 16 || key.size() > 256) {
        return false;
    }
    for (char c : key) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '_' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

}  // namespace zakupai::billing
