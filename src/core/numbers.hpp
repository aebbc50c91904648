#pragma once
// Integers written as text, read strictly.
#include <cstdint>
#include <optional>
#include <string_view>

namespace zakupai {

// A whole decimal number and nothing else: "12" and "-3", not "12a", " 12", "1.0" or "".
std::optional<std::int64_t> ParseWholeNumber(std::string_view text);

}  // namespace zakupai
