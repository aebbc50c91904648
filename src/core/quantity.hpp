#pragma once
// How much of a thing: a count of goods or units of work, fixed-point in thousandths (the portal
// and the price lists carry at most three decimals: 0.001 t, 12.5 m², 1 000 000 pieces). Money
// times a quantity is formed in 128-bit integers and rounded once, half up, to the tiyn; a
// binary float never stands between a price and a cost.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/money.hpp"

namespace zakupai {

class Quantity {
public:
    static constexpr int kScale = 3;
    static constexpr std::int64_t kOne = 1000;
    // A trillion units: far beyond any lot, and a price times it still fits 128 bits with room.
    static constexpr std::int64_t kMaxMilli = 1'000'000'000'000LL * kOne;

    constexpr Quantity() = default;
    static constexpr Quantity Whole(std::int64_t units) { return Quantity(units * kOne); }
    // Thousandths: FromMilli(12'500) is 12.5.
    static constexpr Quantity FromMilli(std::int64_t milli) { return Quantity(milli); }

    // A positive quantity as people write it: "500", "1 000", "12,5", "0.250", "007". At most
    // three decimals; zero, signs, exponents and words are errors whose message names the text.
    static Result<Quantity> Parse(std::string_view text);
    // The same, but more than three decimals are rounded half up (a portal float printed in
    // full, "0.33333333"); still positive and finite.
    static Result<Quantity> ParseRounded(std::string_view text);

    constexpr std::int64_t milli() const { return milli_; }
    constexpr bool IsWhole() const { return milli_ % kOne == 0; }
    // As a person writes it: "12.5", "1000000", "0.001" (no trailing zeros, a dot).
    std::string ToString() const;
    // For statistics only (unit-price quartiles), never for money.
    double ToDouble() const { return static_cast<double>(milli_) / static_cast<double>(kOne); }

    constexpr auto operator<=>(const Quantity&) const = default;

private:
    constexpr explicit Quantity(std::int64_t milli) : milli_(milli) {}
    std::int64_t milli_ = 0;
};

// The cost of `quantity` units at `unit_price`, rounded half up to the tiyn, exact for every
// quantity and price the types can hold.
Tiyn CostOf(Tiyn unit_price, Quantity quantity);
// The price of one unit when `total` buys `quantity`, rounded half up to the tiyn.
Tiyn UnitPriceOf(Tiyn total, Quantity quantity);

}  // namespace zakupai
