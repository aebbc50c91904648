#pragma once
// Money is integer tiyn (1 tenge = 100 tiyn) end to end; binary floats never hold an amount.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace zakupai {

using Tiyn = std::int64_t;
// Products of amounts and rates are formed in 128 bits so no intermediate can overflow.
__extension__ using Int128 = __int128;

inline constexpr Tiyn kTiynPerTenge = 100;
// 10 trillion tenge: far above any procurement amount, far below int64 overflow in products.
inline constexpr Tiyn kMaxAmountTiyn = 10'000'000'000'000LL * kTiynPerTenge;

// Parses a plain decimal ("1234.5", "-3", "0.07") into an integer scaled by 10^scale.
// More fractional digits than `scale`, exponents, or garbage are errors (the message names the problem).
Result<std::int64_t> ParseScaledDecimal(std::string_view text, int scale);

// Formats an integer scaled by 10^scale as a plain decimal with exactly `scale` digits: 123456,2 -> "1234.56".
std::string FormatScaledDecimal(std::int64_t value, int scale);

inline std::string FormatTenge(Tiyn amount) {
    return FormatScaledDecimal(amount, 2);
}

// Without trailing zeros, as a person writes a number: 1600,2 -> "16"; 1250,2 -> "12.5".
std::string FormatTrimmedDecimal(std::int64_t value, int scale);
// A percentage in basis points for Russian and Kazakh text: 10 -> "0,1"; 1600 -> "16".
std::string FormatPercentRu(std::int64_t basis_points);

// round(numerator / denominator) with halves rounded away from zero, computed exactly in 128 bits.
std::int64_t DivideRoundHalfUp(Int128 numerator, Int128 denominator);

// Rules 687 p.106 and p.549: whole tenge, under 50 tiyn down, 50 tiyn or more up.
Tiyn RoundToWholeTenge(Tiyn amount);

// An amount in 1/10000 tiyn (tiyn times basis points), rounded once, exactly, to whole tenge:
// the rounding Rules 687 p.106 and p.549 prescribe for securities and the anti-dumping sum.
Tiyn RoundScaledToWholeTenge(Int128 tiyn_times_10000);

// amount * basis_points / 10000 (a basis point is 0.01 %), rounded half up to the tiyn.
Tiyn ApplyBasisPoints(Tiyn amount, std::int64_t basis_points);

}  // namespace zakupai
