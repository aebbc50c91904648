#include "core/ids.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <random>

namespace zakupai {

std::string NewUuid() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    const std::uint64_t a = rng();
    const std::uint64_t b = rng();
    return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                       a >> 32,
                       (a >> 16) & 0xFFFF,
                       a & 0xFFF,
                       ((b >> 48) & 0x3FFF) | 0x8000,
                       b & 0xFFFFFFFFFFFFULL);
}

}  // namespace zakupai
