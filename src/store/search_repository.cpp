#include "store/search_repository.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <unordered_map>

#include "store/internal/row_reading.hpp"

namespace zakupai::store {

std::string OwnerName(std::int64_t user_id, std::int64_t key_id) {
    return user_id > 0 ? "u" + std::to_string(user_id) : "k" + std::to_string(key_id);
}

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

// The cursor must keep the full precision: a PostgreSQL timestamp read back through std::tm
// loses its fraction, and the cursor would then never move past a busy second.
std::string PreciseTimestamp(Dialect dialect, const std::string& column) {
    return dialect == Dialect::kPostgres
               ? "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
               : column;
}

std::string CursorTime(const IndexCursor& cursor) {
    return cursor.updated_at.empty() ? "1970-01-01T00:00:00.000Z" : cursor.updated_at;
}

// BINs are digits; anything else cannot be one and is left out rather than quoted into SQL.
std::string JoinBins(const std::vector<std::string>& bins) {
    std::string out;
    for (const auto& bin : bins) {
        if (bin.empty() || bin.size() > 12 ||
            !std::all_of(bin.begin(), bin.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            continue;
        }
        out += (out.empty() ? "'" : ",'") + bin + "'";
    }
    return out;
}

}  // namespace

std::vector<IndexableLot> SearchRepository::Lots(const std::vector<std::int64_t>& ids) {
    if (ids.empty()) {
        return {};
    }
    const std::string in = JoinIds(ids);
    Database::Lease s(db_, Database::Reading::kMayLag);
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
    Database::Lease s(db_, Database::Reading::kMayLag);
    long long after_id = cursor.id;
    // Timestamps are stored as fixed-width ISO text on SQLite and as timestamptz on PostgreSQL;
    // both compare in time order against the cursor's text.
    const std::string after = CursorTime(cursor);
    const std::string updated = PreciseTimestamp(db_.dialect(), "l.updated_at");
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
    Database::Lease s(db_, Database::Reading::kMayLag);
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

std::optional<StoredDocument> SearchRepository::UpsertDocument(
    const std::string& owner, const std::string& ref_id, const std::string& text, Instant now, std::int64_t owner_cap) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    if (owner_cap > 0) {
        long long existing = 0;
        long long kept = 0;
        *s << "SELECT COUNT(*) FROM semantic_documents WHERE owner = :o AND ref_id = :r", soci::use(owner),
            soci::use(ref_id), soci::into(existing);
        *s << "SELECT COUNT(*) FROM semantic_documents WHERE owner = :o", soci::use(owner), soci::into(kept);
        if (existing == 0 && kept >= owner_cap) {
            return std::nullopt;
        }
    }
    long long id = 0;
    *s << "INSERT INTO semantic_documents (owner, ref_id, text, created_at, updated_at) VALUES (:o, :r, :t, :c, :u) "
          "ON CONFLICT (owner, ref_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at RETURNING "
          "id",
        soci::use(owner), soci::use(ref_id), soci::use(text), soci::use(ts), soci::use(ts), soci::into(id);
    tx.Commit();
    return StoredDocument{id, owner, ref_id, text, ts};
}

std::vector<StoredDocument> SearchRepository::DocumentsChangedAfter(const IndexCursor& cursor, int limit) {
    Database::Lease s(db_, Database::Reading::kMayLag);
    const std::string after = CursorTime(cursor);
    long long after_id = cursor.id;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, owner, ref_id, text, " + PreciseTimestamp(db_.dialect(), "updated_at") +
                           " FROM semantic_documents WHERE updated_at > :a OR (updated_at = :a2 AND id > :id) ORDER BY "
                           "updated_at, id LIMIT :lim",
         soci::use(after),
         soci::use(after),
         soci::use(after_id),
         soci::use(limit));
    std::vector<StoredDocument> out;
    for (const auto& r : rows) {
        out.push_back(StoredDocument{ToLong(r, 0), Text(r, 1), Text(r, 2), Text(r, 3), Text(r, 4)});
    }
    return out;
}

std::vector<StoredDocument> SearchRepository::Documents(const std::vector<std::int64_t>& ids) {
    if (ids.empty()) {
        return {};
    }
    Database::Lease s(db_, Database::Reading::kMayLag);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, owner, ref_id, text, updated_at FROM semantic_documents WHERE id IN (" +
                           JoinIds(ids) + ")");
    std::unordered_map<std::int64_t, StoredDocument> found;
    for (const auto& r : rows) {
        found.emplace(ToLong(r, 0),
                      StoredDocument{ToLong(r, 0), Text(r, 1), Text(r, 2), Text(r, 3), TimestampText(r, 4)});
    }
    std::vector<StoredDocument> out;
    for (auto id : ids) {
        if (auto it = found.find(id); it != found.end()) {
            out.push_back(std::move(it->second));
        }
    }
    return out;
}

std::int64_t SearchRepository::CountDocuments() {
    Database::Lease s(db_, Database::Reading::kMayLag);
    long long count = 0;
    *s << "SELECT COUNT(*) FROM semantic_documents", soci::into(count);
    return count;
}

std::vector<SupplierLink> SearchRepository::SupplierLinks(const std::vector<std::int64_t>& lot_ids) {
    std::vector<SupplierLink> out;
    if (lot_ids.empty()) {
        return out;
    }
    const std::string in = JoinIds(lot_ids);
    Database::Lease s(db_);
    auto read = [&](const std::string& sql) {
        soci::rowset<soci::row> rows = (s->prepare << sql);
        for (const auto& r : rows) {
            out.push_back(SupplierLink{ToLong(r, 0), Text(r, 1), Text(r, 2), ToLong(r, 3)});
        }
    };
    read(
        "SELECT lot_id, supplier_bin, CASE WHEN status = 'winner' THEN 'winner' ELSE 'bid' END, price FROM lot_bids "
        "WHERE supplier_bin <> '' AND status <> 'rejected' AND lot_id IN (" +
        in + ")");
    // The contract register knows the announcement, not the lot: a contract on the lot's
    // announcement is a delivery of something in it.
    read(
        "SELECT g.lot_id, c.supplier_bin, 'contract', COALESCE(c.amount, 0) FROM goszakup_lots g JOIN contracts c ON "
        "c.trd_buy_id = g.trd_buy_id WHERE c.is_deleted = 0 AND c.parent_source_id IS NULL AND c.supplier_bin IS NOT "
        "NULL AND g.lot_id IN (" +
        in + ")");
    read(
        "SELECT lp.lot_id, p.supplier_bin, 'price_list', p.price FROM lot_prices lp JOIN prices p ON p.id = "
        "lp.price_id WHERE p.supplier_bin IS NOT NULL AND lp.lot_id IN (" +
        in + ")");
    return out;
}

std::vector<SupplierProfile> SearchRepository::SupplierProfiles(const std::vector<std::string>& bins) {
    const std::string in = JoinBins(bins);
    if (in.empty()) {
        return {};
    }
    std::unordered_map<std::string, SupplierProfile> found;
    for (const auto& bin : bins) {
        found[bin].bin = bin;
    }
    Database::Lease s(db_);
    {
        soci::rowset<soci::row> rows =
            (s->prepare << "SELECT bin, name, region FROM suppliers WHERE bin IN (" + in + ")");
        for (const auto& r : rows) {
            auto& p = found[Text(r, 0)];
            p.name = Text(r, 1);
            p.region = Text(r, 2);
        }
    }
    {
        soci::rowset<soci::row> rows =
            (s->prepare
             << "SELECT supplier_bin, COUNT(*), SUM(COALESCE(amount, 0)) FROM contracts WHERE is_deleted = 0 "
                "AND parent_source_id IS NULL AND supplier_bin IN (" +
                    in + ") GROUP BY supplier_bin");
        for (const auto& r : rows) {
            auto& p = found[Text(r, 0)];
            p.contracts = ToLong(r, 1);
            p.contracts_amount = ToLong(r, 2);
        }
    }
    {
        soci::rowset<soci::row> rows =
            (s->prepare << "SELECT supplier_bin, COUNT(*), SUM(CASE WHEN status = 'winner' THEN 1 ELSE 0 END) FROM "
                           "lot_bids WHERE supplier_bin IN (" +
                               in + ") GROUP BY supplier_bin");
        for (const auto& r : rows) {
            auto& p = found[Text(r, 0)];
            p.bids = ToLong(r, 1);
            p.wins = ToLong(r, 2);
        }
    }
    {
        soci::rowset<soci::row> rows =
            (s->prepare << "SELECT biin FROM rnu_checks WHERE listed = 1 AND biin IN (" + in +
                               ") UNION SELECT "
                               "supplier_biin FROM rnu_entries WHERE supplier_biin IN (" +
                               in + ")");
        for (const auto& r : rows) {
            found[Text(r, 0)].in_rnu = true;
        }
    }
    std::vector<SupplierProfile> out;
    out.reserve(bins.size());
    for (const auto& bin : bins) {
        out.push_back(found[bin]);
    }
    return out;
}

}  // namespace zakupai::store
