#include <charconv>

#include "api/api.hpp"

namespace zakupai::api {

std::optional<std::int64_t> ParseInteger(std::string_view text) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::int64_t> PositivePathId(const http::Request& request, const std::string& name) {
    auto it = request.path_params.find(name);
    if (it == request.path_params.end()) {
        return std::nullopt;
    }
    auto value = ParseInteger(it->second);
    return value && *value > 0 ? value : std::nullopt;
}

std::string OwnerOf(const http::Request& request) {
    return request.caller.user_id > 0 ? "u" + std::to_string(request.caller.user_id)
                                      : "k" + std::to_string(request.caller.key_id);
}

}  // namespace zakupai::api
