#include "core/bin.hpp"

#include <array>

namespace zakupai {

std::optional<int> BinCheckDigit(std::string_view digits) {
    ZAKUPAI_ASSERT(digits.size() == 11);
    static constexpr std::array<int, 11> kFirstPass{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    static constexpr std::array<int, 11> kSecondPass{3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
    auto weighted = [&](const std::array<int, 11>& weights) {
        int sum = 0;
        for (std::size_t i = 0; i < 11; ++i) {
            sum += (digits[i] - '0') * weights[i];
        }
        return sum % 11;
    };
    int check = weighted(kFirstPass);
    if (check == 10) {
        check = weighted(kSecondPass);
    }
    if (check == 10) {
        return std::nullopt;
    }
    return check;
}

Result<std::string> NormalizeBin(std::string_view text) {
    std::string bin;
    for (char c : text) {
        if (c == ' ') {
            continue;
        }
        if (c < '0' || c > '9') {
            return Fail(Error{ErrorCode::kInvalidArgument, "must contain only the digits 0-9", {}});
        }
        bin += c;
    }
    if (bin.size() != 12) {
        return Fail(Error{ErrorCode::kInvalidArgument, "must be exactly 12 digits", {}});
    }
    auto check = BinCheckDigit(std::string_view(bin).substr(0, 11));
    if (!check || *check != bin[11] - '0') {
        return Fail(Error{ErrorCode::kInvalidArgument, "check digit does not match (not a valid BIN/IIN)", {}});
    }
    return bin;
}

}  // namespace zakupai
