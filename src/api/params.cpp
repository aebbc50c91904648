#include "api/api.hpp"
#include "store/search_repository.hpp"

namespace zakupai::api {

std::string OwnerOf(const http::Request& request) {
    return store::OwnerName(request.caller.user_id, request.caller.key_id);
}

void AnnotateLot(http::Response& response,
                 std::int64_t lot_id,
                 std::string_view procurement_method,
                 std::optional<RiskLevel> level,
                 std::size_t flags) {
    auto& fields = response.log_fields;
    fields.emplace_back("lot_id", std::to_string(lot_id));
    if (!procurement_method.empty()) {
        fields.emplace_back("procurement_method", std::string(procurement_method));
    }
    if (level) {
        fields.emplace_back("risk_level", std::string(Name(*level)));
    }
    fields.emplace_back("compliance", !level ? "unscored" : flags > 0 ? "flagged" : "clean");
}

}  // namespace zakupai::api
