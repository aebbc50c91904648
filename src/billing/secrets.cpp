#include "billing/secrets.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace zakupai::billing {

namespace {

std::string Hex(const unsigned char* data, std::size_t size) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        hex += kHex[data[i] >> 4];
        hex += kHex[data[i] & 0x0F];
    }
    return hex;
}

// OpenSSL 3 looks EVP_sha256() up in its provider table (under a lock) on every digest; every
// request hashes its API key, so the algorithm is fetched once. Never freed: it lives as long as
// the process, like the provider that owns it.
const EVP_MD* Sha256Algorithm() {
    static EVP_MD* const kAlgorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (kAlgorithm == nullptr) {
        throw std::runtime_error("OpenSSL has no SHA-256");
    }
    return kAlgorithm;
}

}  // namespace

std::string RandomHexToken(std::size_t bytes) {
    std::vector<unsigned char> random(bytes);
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed: no entropy for a token");
    }
    return Hex(random.data(), random.size());
}

std::string Sha256Raw(std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &length, Sha256Algorithm(), nullptr) != 1) {
        throw std::runtime_error("OpenSSL SHA-256 failed");
    }
    return {reinterpret_cast<const char*>(digest.data()), length};
}

std::string Sha256Hex(std::string_view text) {
    const std::string raw = Sha256Raw(text);
    return Hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (HMAC(Sha256Algorithm(),
             key.data(),
             static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()),
             message.size(),
             digest.data(),
             &length) == nullptr) {
        throw std::runtime_error("OpenSSL HMAC-SHA256 failed");
    }
    return Hex(digest.data(), length);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace zakupai::billing
