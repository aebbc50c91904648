#include "api/api.hpp"

namespace zakupai::api {

void LotViews::Saw(const http::Caller& caller, std::int64_t lot_id, Instant at) {
    if (caller.key_id > 0) {
        recorder_.Add(store::LotViewRow{caller.key_id, lot_id, at});
    }
}

std::vector<std::int64_t> LotViews::Recent(const http::Caller& caller, int limit) {
    if (caller.key_id <= 0) {
        return {};
    }
    recorder_.Flush();  // a lot opened a moment ago is "this lot"
    return records_.RecentLotViews(caller.key_id, limit);
}

}  // namespace zakupai::api
