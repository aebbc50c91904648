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
    const std::string in = JoinIds(ids);
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

Result<SavedSearch> SearchRepository::CreateSaved(
    const std::string& owner, const std::string& name, const std::string& query, int max_per_owner, Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    long long count = 0;
    long long taken = 0;
    *s << "SELECT COUNT(*) FROM saved_searches WHERE owner = :o", soci::use(owner), soci::into(count);
    *s << "SELECT COUNT(*) FROM saved_searches WHERE owner = :o AND name = :n", soci::use(owner), soci::use(name),
        soci::into(taken);
    if (taken > 0) {
        return Fail(Error{ErrorCode::kConflict, "a saved search named '" + name + "' exists already", {}});
    }
    if (count >= max_per_owner) {
        return Fail(Error{ErrorCode::kConflict,
                          "at most " + std::to_string(max_per_owner) + " saved searches; delete one first",
                          {}});
    }
    const std::string ts = FormatUtcTimestamp(now);
    long long id = 0;
    *s << "INSERT INTO saved_searches (owner, name, query, created_at, updated_at) VALUES (:o, :n, :q, :c, :u) "
          "RETURNING id",
        soci::use(owner), soci::use(name), soci::use(query), soci::use(ts), soci::use(ts), soci::into(id);
    tx.Commit();
    return SavedSearch{id, name, query, ts, ts};
}

Result<SavedSearch> SearchRepository::ReplaceSaved(
    const std::string& owner, std::int64_t id, const std::string& name, const std::string& query, Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    long long search_id = id;
    long long found = 0;
    long long taken = 0;
    *s << "SELECT COUNT(*) FROM saved_searches WHERE owner = :o AND id = :i", soci::use(owner), soci::use(search_id),
        soci::into(found);
    if (found == 0) {
        return Fail(Error::NotFound("saved search " + std::to_string(id) + " not found"));
    }
    *s << "SELECT COUNT(*) FROM saved_searches WHERE owner = :o AND name = :n AND id <> :i", soci::use(owner),
        soci::use(name), soci::use(search_id), soci::into(taken);
    if (taken > 0) {
        return Fail(Error{ErrorCode::kConflict, "a saved search named '" + name + "' exists already", {}});
    }
    const std::string ts = FormatUtcTimestamp(now);
    *s << "UPDATE saved_searches SET name = :n, query = :q, updated_at = :u WHERE owner = :o AND id = :i",
        soci::use(name), soci::use(query), soci::use(ts), soci::use(owner), soci::use(search_id);
    tx.Commit();
    auto saved = FindSaved(owner, id);
    ZAKUPAI_ASSERT(saved.has_value());
    return *saved;
}

std::vector<SavedSearch> SearchRepository::ListSaved(const std::string& owner) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, name, query, created_at, updated_at FROM saved_searches WHERE owner = :o ORDER BY "
                       "id",
         soci::use(owner));
    std::vector<SavedSearch> out;
    for (const auto& r : rows) {
        out.push_back(SavedSearch{ToLong(r, 0), Text(r, 1), Text(r, 2), TimestampText(r, 3), TimestampText(r, 4)});
    }
    return out;
}

std::optional<SavedSearch> SearchRepository::FindSaved(const std::string& owner, std::int64_t id) {
    for (auto& saved : ListSaved(owner)) {
        if (saved.id == id) {
            return std::move(saved);
        }
    }
    return std::nullopt;
}

bool SearchRepository::DeleteSaved(const std::string& owner, std::int64_t id) {
    Database::Lease s(db_);
    long long search_id = id;
    soci::statement st = (s->prepare << "DELETE FROM saved_searches WHERE owner = :o AND id = :i",
                          soci::use(owner),
                          soci::use(search_id));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

}  // namespace zakupai::store
