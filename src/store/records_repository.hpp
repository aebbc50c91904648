#pragma once
// Rows kept for a while and then let go: answered calculations (finance_calcs), the answers
// kept for Idempotency-Key retries (idempotent_requests) and the lots each key looked at
// (lot_views, written by the write-behind recorder).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "store/database.hpp"

namespace zakupai::store {

// An answer as it was sent, for a client that retries the same request with the same key.
struct KeptAnswer {
    std::string route;
    std::string request_digest;  // of the method, route and body: a reused key with another request
    int status = 0;
    std::string content_type;
    std::string body;
};

class RecordsRepository {
public:
    explicit RecordsRepository(Database& db) : db_(db) {}

    std::optional<KeptAnswer> FindAnswer(std::int64_t api_key_id, const std::string& idempotency_key);
    // Keeps the first answer given under a key; a second one for the same key is ignored.
    void KeepAnswer(std::int64_t api_key_id, const std::string& idempotency_key, const KeptAnswer& answer, Instant now);

    // Deletes rows created before `before`, in batches (each its own short transaction);
    // returns how many went.
    std::int64_t PruneAnswers(Instant before);
    std::int64_t PruneFinanceCalcs(Instant before);
    std::int64_t PruneLotViews(Instant before);

    // The lots the key looked at last, the latest first.
    std::vector<std::int64_t> RecentLotViews(std::int64_t api_key_id, int limit);

private:
    std::int64_t PruneBefore(const std::string& table, const std::string& column, Instant before);
    Database& db_;
};

}  // namespace zakupai::store
