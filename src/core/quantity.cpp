#include "core/quantity.hpp"

#include <algorithm>

namespace zakupai {

namespace {

bool AllDigits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<Quantity> ParseWith(std::string_view raw, bool round_extra_decimals) {
    std::string text;
    text.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        // Thousands separators as offices type them: spaces and the no-break space (C2 A0).
        if (c == ' ' || c == '\t') {
            continue;
        }
        if (c == '\xC2' && i + 1 < raw.size() && raw[i + 1] == '\xA0') {
            ++i;
            continue;
        }
        text += c == ',' ? '.' : c;
    }
    const auto not_a_quantity = [&] {
        return Fail(Error::Invalid("", "'" + std::string(raw) + "' is not a quantity"));
    };
    const auto dot = text.find('.');
    const std::string_view whole = std::string_view(text).substr(0, dot);
    std::string_view fraction = dot == std::string::npos ? std::string_view() : std::string_view(text).substr(dot + 1);
    if (text.empty() || !AllDigits(whole) || !AllDigits(fraction) || (whole.empty() && fraction.empty()) ||
        (fraction.size() > Quantity::kScale && !round_extra_decimals)) {
        return not_a_quantity();
    }
    const auto first_digit = whole.find_first_not_of('0');
    if (first_digit != std::string_view::npos && whole.size() - first_digit > 12) {
        return Fail(Error::Invalid("", "'" + std::string(raw) + "' is too large a quantity"));
    }
    Int128 milli = 0;
    for (char c : whole) {
        milli = milli * 10 + (c - '0');
    }
    for (int i = 0; i < Quantity::kScale; ++i) {
        milli = milli * 10 + (i < static_cast<int>(fraction.size()) ? fraction[static_cast<std::size_t>(i)] - '0' : 0);
    }
    if (fraction.size() > Quantity::kScale && fraction[Quantity::kScale] >= '5') {
        ++milli;  // half up on the first dropped digit
    }
    if (milli <= 0) {
        return Fail(Error::Invalid("", "must be greater than 0"));
    }
    if (milli > Quantity::kMaxMilli) {
        return Fail(Error::Invalid("", "'" + std::string(raw) + "' is too large a quantity"));
    }
    return Quantity::FromMilli(static_cast<std::int64_t>(milli));
}

}  // namespace

Result<Quantity> Quantity::Parse(std::string_view text) {
    return ParseWith(text, false);
}

Result<Quantity> Quantity::ParseRounded(std::string_view text) {
    return ParseWith(text, true);
}

std::string Quantity::ToString() const {
    return FormatTrimmedDecimal(milli_, kScale);
}

Tiyn CostOf(Tiyn unit_price, Quantity quantity) {
    return DivideRoundHalfUp(static_cast<Int128>(unit_price) * quantity.milli(), Quantity::kOne);
}

Tiyn UnitPriceOf(Tiyn total, Quantity quantity) {
    ZAKUPAI_ASSERT(quantity.milli() > 0);
    return DivideRoundHalfUp(static_cast<Int128>(total) * Quantity::kOne, quantity.milli());
}

}  // namespace zakupai
