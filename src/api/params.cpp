#include "api/api.hpp"
#include "store/search_repository.hpp"

namespace zakupai::api {

std::string OwnerOf(const http::Request& request) {
    return store::OwnerName(request.caller.user_id, request.caller.key_id);
}

}  // namespace zakupai::api
