#include "store/search_repository.hpp"

#include <soci/soci.h>

#include <unordered_map>

#include "store/row_reading.hpp"

namespace zakupai::store {

namespace {

constexpr const char* kColumns =
    "SELECT l.id, l.title, g.name_kz, l.description, l.customer_bin, l.customer_name, l.enstru, "
    "g.announcement_number, l.status, l.method, COALESCE(g.kato, l.region), l.price, l.deadline, g.trd_buy_id, ";

IndexableLot ReadLot(const soci::row& r) {
    IndexableLot lot;
    lot.id = ToLong(r, 0);
    lot.title = Text(r, 1);
    lot.name_kz = Text(r, 2);
    lot.description = Text(r, 3);
    lot.customer_bin = Text(r, 4);
    lot.customer_name = Text(r, 5);
    lot.enstru = Text(r, 6);
    lot.announcement = Text(r, 7);
    lot.status = Text(r, 8);
    lot.method = Text(r, 9);
    lot.region = Text(r, 10);
    lot.price = ToLong(r, 11);
    if (r.get_indicator(12) == soci::i_ok) {
        lot.deadline = ParseStoredInstant(TimestampText(r, 12));
    }
    lot.trd_buy_id = ToLong(r, 13);
    lot.updated_at = Text(r, 14);
    return lot;
}

}  // namespace

std::vector<IndexableLot> SearchRepository::Lots(const std::vector<std::int64_t>& ids) {
    if (ids.empty()) {
        return {};
    }
    std::string in;
    for (auto id : ids) {
        in += (in.empty() ? "" : ",") + std::to_string(id);  // integers: safe inline
    }
    Database::Lease s(db_);
    soci::rowset<soci::row> rows = (s->prepare << std::string(kColumns) +
                                                      "'' FROM lots l LEFT JOIN goszakup_lots g ON g.lot_id = l.id "
                                                      "WHERE l.id IN (" +
                                                      in + ")");
    std::unordered_map<std::int64_t, IndexableLot> found;
    for (const auto& r : rows) {
        auto lot = ReadLot(r);
        found.emplace(lot.id, std::move(lot));
    }
    std::vector<IndexableLot> out;
    for (auto id : ids) {
        if (auto it = found.find(id); it != found.end()) {
            out.push_back(std::move(it->second));
        }
    }
    return out;
}

std::vector<IndexableLot> SearchRepository::ChangedAfter(const IndexCursor& cursor, int limit) {
    Database::Lease s(db_);
    long long after_id = cursor.id;
    // Timestamps are stored as fixed-width ISO text on SQLite and as timestamptz on PostgreSQL;
    // both compare in time order against the cursor's text.
    const std::string after = cursor.updated_at.empty() ? "1970-01-01T00:00:00.000Z" : cursor.updated_at;
    // The cursor must keep the full precision: a PostgreSQL timestamp read back through std::tm
    // loses its fraction, and the cursor would then never move past a busy second.
    const std::string updated = db_.dialect() == Dialect::kPostgres
                                    ? "to_char(l.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
                                    : "l.updated_at";
    soci::rowset<soci::row> rows =
        (s->prepare << std::string(kColumns) + updated +
                           " FROM lots l LEFT JOIN goszakup_lots g ON g.lot_id = l.id WHERE l.updated_at > :a OR "
                           "(l.updated_at = :a2 AND l.id > :id) ORDER BY l.updated_at, l.id LIMIT :lim",
         soci::use(after),
         soci::use(after),
         soci::use(after_id),
         soci::use(limit));
    std::vector<IndexableLot> out;
    for (const auto& r : rows) {
        out.push_back(ReadLot(r));
    }
    return out;
}

std::int64_t SearchRepository::CountLots() {
    Database::Lease s(db_);
    long long count = 0;
    *s << "SELECT COUNT(*) FROM lots", soci::into(count);
    return count;
}

}  // namespace zakupai::store
