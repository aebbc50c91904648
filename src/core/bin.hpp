#pragma once
// BIN (business) and IIN (individual) numbers: 12 digits, the last a check digit. They are
// strings, never integers: leading zeros matter (a 2000s BIN starts with 0).
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace zakupai {

// The check digit for the first 11 digits, or nullopt when both weighting passes give 10
// (such a number is never issued).
std::optional<int> BinCheckDigit(std::string_view first_eleven_digits);

// Strips spaces (people paste BINs in groups), then checks length, ASCII digits and the
// check digit. The error message says which of these failed.
Result<std::string> NormalizeBin(std::string_view text);

}  // namespace zakupai
