#include "store/records_repository.hpp"

#include <fmt/format.h>
#include <soci/soci.h>

#include "store/internal/row_reading.hpp"

namespace zakupai::store {

std::optional<KeptAnswer> RecordsRepository::FindAnswer(std::int64_t api_key_id, const std::string& idempotency_key) {
    Database::Lease s(db_);
    long long key = api_key_id;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT route, request_digest, status, content_type, body FROM idempotent_requests WHERE "
                       "api_key_id = :k AND idempotency_key = :i",
         soci::use(key),
         soci::use(idempotency_key));
    for (const auto& r : rows) {
        return KeptAnswer{Text(r, 0), Text(r, 1), static_cast<int>(ToLong(r, 2)), Text(r, 3), Text(r, 4)};
    }
    return std::nullopt;
}

void RecordsRepository::KeepAnswer(std::int64_t api_key_id,
                                   const std::string& idempotency_key,
                                   const KeptAnswer& answer,
                                   Instant now) {
    Database::Lease s(db_);
    long long key = api_key_id;
    const std::string ts = FormatUtcTimestamp(now);
    *s << "INSERT INTO idempotent_requests (api_key_id, idempotency_key, route, request_digest, status, "
          "content_type, body, created_at) VALUES (:k, :i, :r, :d, :s, :c, :b, :t) ON CONFLICT (api_key_id, "
          "idempotency_key) DO NOTHING",
        soci::use(key), soci::use(idempotency_key), soci::use(answer.route), soci::use(answer.request_digest),
        soci::use(answer.status), soci::use(answer.content_type), soci::use(answer.body), soci::use(ts);
}

std::int64_t RecordsRepository::PruneBefore(const std::string& table, const std::string& column, Instant before) {
    const std::string cutoff = FormatUtcTimestamp(before);
    std::int64_t removed = 0;
    for (;;) {
        Database::Lease s(db_);
        WriteTransaction tx(*s, db_.dialect());
        // rowid on SQLite and ctid on PostgreSQL name rows of a table without a single-column key.
        const std::string row = db_.dialect() == Dialect::kSqlite ? "rowid" : "ctid";
        soci::statement st = (s->prepare << fmt::format("DELETE FROM {0} WHERE {1} IN (SELECT {1} FROM {0} WHERE "
                                                        "{2} < :c LIMIT 5000)",
                                                        table,
                                                        row,
                                                        column),
                              soci::use(cutoff));
        st.execute(true);
        const auto batch = static_cast<std::int64_t>(st.get_affected_rows());
        tx.Commit();
        removed += batch;
        if (batch < 5000) {
            return removed;
        }
    }
}

std::int64_t RecordsRepository::PruneAnswers(Instant before) {
    return PruneBefore("idempotent_requests", "created_at", before);
}

std::int64_t RecordsRepository::PruneFinanceCalcs(Instant before) {
    return PruneBefore("finance_calcs", "created_at", before);
}

std::int64_t RecordsRepository::PruneLotViews(Instant before) {
    return PruneBefore("lot_views", "viewed_at", before);
}

std::vector<std::int64_t> RecordsRepository::RecentLotViews(std::int64_t api_key_id, int limit) {
    Database::Lease s(db_);
    const long long key = api_key_id;
    // A row set, not a bulk vector: SOCI's SQLite backend returns nothing into a vector of one.
    soci::rowset<long long> rows = (s->prepare << "SELECT lot_id FROM lot_views WHERE api_key_id = :key "
                                                  "ORDER BY viewed_at DESC, lot_id DESC LIMIT :n",
                                    soci::use(key),
                                    soci::use(limit));
    return {rows.begin(), rows.end()};
}

}  // namespace zakupai::store
