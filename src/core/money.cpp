#include "core/money.hpp"

#include <cstdlib>

namespace zakupai {

Result<std::int64_t> ParseScaledDecimal(std::string_view text, int scale) {
    ZAKUPAI_ASSERT(scale >= 0 && scale <= 6);
    if (text.empty()) {
        return Fail(Error{ErrorCode::kInvalidArgument, "must be a number", {}});
    }
    bool negative = false;
    std::size_t i = 0;
    if (text[0] == '-' || text[0] == '+') {
        negative = text[0] == '-';
        i = 1;
    }
    Int128 whole = 0;
    int whole_digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        whole = whole * 10 + (text[i] - '0');
        if (++whole_digits > 18) {
            return Fail(Error{ErrorCode::kInvalidArgument, "is too large", {}});
        }
    }
    std::int64_t fraction = 0;
    int fraction_digits = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
            if (fraction_digits == scale) {
                if (text[i] != '0') {
                    return Fail(Error{ErrorCode::kInvalidArgument,
                                      "must have at most " + std::to_string(scale) + " decimal places",
                                      {}});
                }
                continue;
            }
            fraction = fraction * 10 + (text[i] - '0');
            ++fraction_digits;
        }
        if (fraction_digits == 0 && whole_digits == 0) {
            return Fail(Error{ErrorCode::kInvalidArgument, "must be a number", {}});
        }
    }
    if (i != text.size() || (whole_digits == 0 && fraction_digits == 0)) {
        return Fail(Error{ErrorCode::kInvalidArgument, "must be a plain decimal number", {}});
    }
    for (int d = fraction_digits; d < scale; ++d) {
        fraction *= 10;
    }
    Int128 multiplier = 1;
    for (int d = 0; d < scale; ++d) {
        multiplier *= 10;
    }
    Int128 value = whole * multiplier + fraction;
    if (value > static_cast<Int128>(INT64_MAX) / 4) {
        return Fail(Error{ErrorCode::kInvalidArgument, "is too large", {}});
    }
    return static_cast<std::int64_t>(negative ? -value : value);
}

std::string FormatScaledDecimal(std::int64_t value, int scale) {
    const bool negative = value < 0;
    // Work on the unsigned magnitude so INT64_MIN does not overflow.
    std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    std::uint64_t divisor = 1;
    for (int d = 0; d < scale; ++d) {
        divisor *= 10;
    }
    std::string out = negative ? "-" : "";
    out += std::to_string(magnitude / divisor);
    if (scale > 0) {
        std::string fraction = std::to_string(magnitude % divisor);
        out += '.';
        out.append(static_cast<std::size_t>(scale) - fraction.size(), '0');
        out += fraction;
    }
    return out;
}

std::string FormatTrimmedDecimal(std::int64_t value, int scale) {
    std::string text = FormatScaledDecimal(value, scale);
    if (text.find('.') == std::string::npos) {
        return text;
    }
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') {
        text.pop_back();
    }
    return text;
}

std::string FormatPercentRu(std::int64_t basis_points) {
    std::string text = FormatTrimmedDecimal(basis_points, 2);
    if (auto dot = text.find('.'); dot != std::string::npos) {
        text[dot] = ',';
    }
    return text;
}

std::int64_t DivideRoundHalfUp(Int128 numerator, Int128 denominator) {
    ZAKUPAI_ASSERT(denominator != 0);
    if (denominator < 0) {
        numerator = -numerator;
        denominator = -denominator;
    }
    const bool negative = numerator < 0;
    const Int128 magnitude = negative ? -numerator : numerator;
    const Int128 rounded = (magnitude * 2 + denominator) / (denominator * 2);
    return static_cast<std::int64_t>(negative ? -rounded : rounded);
}

Tiyn RoundToWholeTenge(Tiyn amount) {
    return DivideRoundHalfUp(amount, kTiynPerTenge) * kTiynPerTenge;
}

Tiyn RoundScaledToWholeTenge(Int128 tiyn_times_10000) {
    return DivideRoundHalfUp(tiyn_times_10000, Int128{10'000} * kTiynPerTenge) * kTiynPerTenge;
}

Tiyn ApplyBasisPoints(Tiyn amount, std::int64_t basis_points) {
    return DivideRoundHalfUp(static_cast<Int128>(amount) * basis_points, 10'000);
}

}  // namespace zakupai
