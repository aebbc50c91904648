#pragma once
// The register of unreliable suppliers (РНУ): the whole list synced into rnu_entries, and a
// per-BIN check that answers from a 24-hour cache, else asks the portal (/v3/rnu/{biin},
// 404 = not listed), else falls back to the stale cache or the synced list with its age.
#include <optional>
#include <string>

#include "core/time.hpp"
#include "ingest/ows_client.hpp"
#include "store/goszakup_repository.hpp"

namespace zakupai::ingest {

struct RnuListing {
    std::string supplier_name;
    std::string since;  // portal text as given
    std::string until;
    std::string reason;
    std::string court_decision;
    bool active = false;
};

struct RnuAnswer {
    std::string supplier_bin;
    bool listed = false;   // currently in the register
    std::string source;    // cache | api | registry
    Instant validated_at;  // when the portal (or the list sync) last confirmed it
    std::int64_t age_seconds = 0;
    bool stale = false;  // older than the cache period because the portal is down
    std::vector<RnuListing> listings;
};

struct RnuSyncReport {
    bool ok = true;
    std::string error;
    std::int64_t entries = 0;
    int pages = 0;
    std::int64_t skipped = 0;
};

class RnuService {
public:
    // `client` may be null (no portal token): answers then come from the synced list alone.
    RnuService(OwsClient* client, store::GoszakupRepository& repository, const Clock& clock, int cache_hours);

    // 422 for a malformed BIN (length, digits, check digit); 503 when nothing can answer.
    Result<RnuAnswer> Check(std::string_view bin);
    RnuSyncReport SyncList(OwsClient& client, int page_size);

private:
    RnuAnswer FromEntries(const std::string& bin, const std::vector<store::RnuEntry>& entries) const;

    OwsClient* client_;
    store::GoszakupRepository& repository_;
    const Clock& clock_;
    std::chrono::hours cache_period_;
};

}  // namespace zakupai::ingest
