#include "store/import_repository.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <unordered_map>

#include "store/internal/row_reading.hpp"

namespace zakupai::store {

namespace {

void InsertBatch(soci::session& s, const BatchRecord& b, const std::string& ts) {
    const int strict = b.strict ? 1 : 0;
    long long total = b.rows_total;
    long long accepted = b.rows_accepted;
    long long rejected = b.rows_rejected;
    long long key = b.api_key_id;
    soci::indicator key_ind = b.api_key_id > 0 ? soci::i_ok : soci::i_null;
    s << "INSERT INTO import_batches (id, kind, file_name, format, encoding, rows_total, rows_accepted, "
         "rows_rejected, strict, api_key_id, created_at) VALUES (:id, :kind, :file, :format, :enc, :total, :acc, "
         ":rej, :strict, :key, :c)",
        soci::use(b.id), soci::use(b.kind), soci::use(b.file_name), soci::use(b.format), soci::use(b.encoding),
        soci::use(total), soci::use(accepted), soci::use(rejected), soci::use(strict), soci::use(key, key_ind),
        soci::use(ts);
}

}  // namespace

std::vector<LotForMatching> ImportRepository::LotsForMatching() {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows = (s->prepare << "SELECT id, title, enstru, quantity FROM lots");
    std::vector<LotForMatching> out;
    for (const auto& r : rows) {
        out.push_back(LotForMatching{ToLong(r, 0), Text(r, 1), Text(r, 2), Text(r, 3)});
    }
    return out;
}

namespace {

// The stored offers of the batch's sources, by source, SKU and capture time.
struct StoredPrice {
    long long id = 0;
    Tiyn price = 0;
    std::string title;
    std::string unit;
    std::string supplier_bin;
};

// An offer is its source, its SKU (its name when it has none) and when it was captured: the
// unique index prices_offer_idx says the same.
std::string OfferKey(const std::string& source,
                     const std::string& sku,
                     const std::string& title,
                     const std::string& captured) {
    std::string key = source;
    key += '\x1f';
    key += sku.empty() ? "\x02" + title : sku;
    key += '\x1f';
    key += captured;
    return key;
}

std::unordered_map<std::string, StoredPrice> StoredOffers(soci::session& s, const std::vector<ImportedPrice>& prices) {
    std::vector<std::string> sources;
    for (const auto& p : prices) {
        if (std::find(sources.begin(), sources.end(), p.source) == sources.end()) {
            sources.push_back(p.source);
        }
    }
    std::unordered_map<std::string, StoredPrice> out;
    for (const auto& source : sources) {
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT id, sku, captured_at, price, title, unit, supplier_bin FROM prices WHERE source = :s",
             soci::use(source));
        for (const auto& r : rows) {
            const auto captured = ParseStoredInstant(TimestampText(r, 2));
            if (!captured) {
                continue;
            }
            out.emplace(OfferKey(source, Text(r, 1), Text(r, 4), FormatUtcTimestamp(*captured)),
                        StoredPrice{ToLong(r, 0), ToLong(r, 3), Text(r, 4), Text(r, 5), Text(r, 6)});
        }
    }
    return out;
}

}  // namespace

SavedPrices ImportRepository::SavePrices(const BatchRecord& batch,
                                         const std::vector<ImportedPrice>& prices,
                                         const std::function<std::vector<PriceMatchRow>()>& match,
                                         Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    InsertBatch(*s, batch, ts);
    SavedPrices saved;
    // ids[i]: the row the batch's i-th price landed in; 0 when it was already there unchanged
    // (or repeated later in the same file, where the later row wins).
    std::vector<long long> ids(prices.size(), 0);
    const auto stored = StoredOffers(*s, prices);
    std::unordered_map<std::string, std::size_t> last_in_file;
    for (std::size_t i = 0; i < prices.size(); ++i) {
        const auto& p = prices[i];
        last_in_file[OfferKey(p.source, p.sku, p.title, FormatUtcTimestamp(p.captured_at))] = i;
    }
    std::vector<std::size_t> fresh;    // to insert
    std::vector<std::size_t> changed;  // to update in place
    for (std::size_t i = 0; i < prices.size(); ++i) {
        const auto& p = prices[i];
        const auto key = OfferKey(p.source, p.sku, p.title, FormatUtcTimestamp(p.captured_at));
        if (last_in_file.at(key) != i) {
            ++saved.unchanged;  // the same offer again further down the file: that one counts
            continue;
        }
        const auto it = stored.find(key);
        if (it == stored.end()) {
            fresh.push_back(i);
        } else if (it->second.price != p.price || it->second.title != p.title || it->second.unit != p.unit ||
                   it->second.supplier_bin != p.supplier_bin) {
            changed.push_back(i);
            ids[i] = it->second.id;
        } else {
            ++saved.unchanged;
        }
    }
    std::vector<std::string> supplier_bins;
    std::vector<std::string> supplier_names;
    for (auto i : fresh) {
        if (!prices[i].supplier_bin.empty()) {
            supplier_bins.push_back(prices[i].supplier_bin);
            supplier_names.push_back(prices[i].source);
        }
    }
    for (auto i : changed) {
        if (!prices[i].supplier_bin.empty()) {
            supplier_bins.push_back(prices[i].supplier_bin);
            supplier_names.push_back(prices[i].source);
        }
    }
    if (!supplier_bins.empty()) {
        // prices.supplier_bin references suppliers: make sure each BIN is there.
        std::vector<std::string> created(supplier_bins.size(), ts);
        *s << "INSERT INTO suppliers (bin, name, created_at) VALUES (:b, :n, :c) ON CONFLICT (bin) DO NOTHING",
            soci::use(supplier_bins), soci::use(supplier_names), soci::use(created);
    }
    if (!fresh.empty()) {
        // Column vectors for SOCI's bulk binding: one statement execution for the whole batch
        // instead of one per row (the per-row overhead was most of a 10 MB import's time).
        const std::size_t n = fresh.size();
        std::vector<std::string> source(n), sku(n), title(n), unit(n), norm(n), captured(n), bins(n), batch_ids(n);
        std::vector<long long> price(n);
        std::vector<soci::indicator> bin_ind(n);
        for (std::size_t k = 0; k < n; ++k) {
            const auto& p = prices[fresh[k]];
            source[k] = p.source;
            sku[k] = p.sku;
            title[k] = p.title;
            unit[k] = p.unit;
            norm[k] = p.sku_norm;
            captured[k] = FormatUtcTimestamp(p.captured_at);
            bins[k] = p.supplier_bin;
            bin_ind[k] = p.supplier_bin.empty() ? soci::i_null : soci::i_ok;
            batch_ids[k] = batch.id;
            price[k] = p.price;
        }
        const std::string insert =
            "INSERT INTO prices (source, sku, title, price, currency, supplier_bin, captured_at, unit, sku_norm, "
            "batch_id) VALUES (:source, :sku, :title, :price, 'KZT', :bin, :captured, :unit, :norm, :batch)";
        if (db_.dialect() == Dialect::kSqlite) {
            long long before = 0;
            soci::indicator before_ind = soci::i_null;
            *s << "SELECT MAX(id) FROM prices", soci::into(before, before_ind);
            *s << insert, soci::use(source), soci::use(sku), soci::use(title), soci::use(price),
                soci::use(bins, bin_ind), soci::use(captured), soci::use(unit), soci::use(norm), soci::use(batch_ids);
            // The transaction holds SQLite's only write lock, so AUTOINCREMENT handed out one
            // consecutive range; check that rather than assume it.
            long long first = 0;
            long long count = 0;
            *s << "SELECT MIN(id), COUNT(*) FROM prices WHERE id > :before AND batch_id = :batch",
                soci::use(before_ind == soci::i_ok ? before : 0LL), soci::use(batch.id), soci::into(first),
                soci::into(count);
            long long last = 0;
            *s << "SELECT MAX(id) FROM prices", soci::into(last);
            ZAKUPAI_ASSERT(count == static_cast<long long>(n) && last - first + 1 == count);
            for (std::size_t k = 0; k < n; ++k) {
                ids[fresh[k]] = first + static_cast<long long>(k);
            }
        } else {
            // PostgreSQL sequences may interleave with other sessions: ask for each id. An offer
            // another upload stored meanwhile is updated instead (the unique index decides).
            std::string v_source, v_sku, v_title, v_unit, v_norm, v_captured, v_bin;
            long long v_price = 0;
            soci::indicator v_bin_ind = soci::i_null;
            long long id = 0;
            soci::statement st =
                (s->prepare
                     << insert +
                            " ON CONFLICT (source, (CASE WHEN sku = '' THEN title ELSE sku END), captured_at) DO "
                            "UPDATE SET price = excluded.price, title = excluded.title, unit = excluded.unit, "
                            "supplier_bin = excluded.supplier_bin, batch_id = excluded.batch_id RETURNING id",
                 soci::use(v_source),
                 soci::use(v_sku),
                 soci::use(v_title),
                 soci::use(v_price),
                 soci::use(v_bin, v_bin_ind),
                 soci::use(v_captured),
                 soci::use(v_unit),
                 soci::use(v_norm),
                 soci::use(batch.id),
                 soci::into(id));
            for (std::size_t k = 0; k < n; ++k) {
                v_source = source[k];
                v_sku = sku[k];
                v_title = title[k];
                v_price = price[k];
                v_bin = bins[k];
                v_bin_ind = bin_ind[k];
                v_captured = captured[k];
                v_unit = unit[k];
                v_norm = norm[k];
                st.execute(true);
                ids[fresh[k]] = id;
            }
        }
        saved.inserted = static_cast<std::int64_t>(n);
    }
    if (!changed.empty()) {
        const std::size_t n = changed.size();
        std::vector<long long> id(n), price(n);
        std::vector<std::string> title(n), unit(n), bins(n), batch_ids(n);
        std::vector<soci::indicator> bin_ind(n);
        for (std::size_t k = 0; k < n; ++k) {
            const auto& p = prices[changed[k]];
            id[k] = ids[changed[k]];
            price[k] = p.price;
            title[k] = p.title;
            unit[k] = p.unit;
            bins[k] = p.supplier_bin;
            bin_ind[k] = p.supplier_bin.empty() ? soci::i_null : soci::i_ok;
            batch_ids[k] = batch.id;
        }
        *s << "UPDATE prices SET price = :p, title = :t, unit = :u, supplier_bin = :b, batch_id = :batch WHERE id = "
              ":id",
            soci::use(price), soci::use(title), soci::use(unit), soci::use(bins, bin_ind), soci::use(batch_ids),
            soci::use(id);
        // A corrected offer is matched afresh below.
        *s << "DELETE FROM lot_prices WHERE price_id = :id", soci::use(id);
        saved.updated = static_cast<std::int64_t>(n);
    }
    std::vector<long long> lot_ids, price_ids;
    std::vector<double> qty, score;
    std::vector<std::string> kind;
    for (const auto& m : match()) {
        const long long price_id = ids.at(m.price_index);
        if (price_id == 0) {
            continue;  // an unchanged offer keeps the matches it has
        }
        lot_ids.push_back(m.lot_id);
        price_ids.push_back(price_id);
        qty.push_back(m.qty.ToDouble());  // NUMERIC(18, 3) keeps the three decimals exactly
        score.push_back(m.score);
        kind.push_back(m.kind);
    }
    if (!lot_ids.empty()) {
        *s << "INSERT INTO lot_prices (lot_id, price_id, qty, match_score, match_kind) VALUES (:lot, :price, :qty, "
              ":score, :kind)",
            soci::use(lot_ids), soci::use(price_ids), soci::use(qty), soci::use(score), soci::use(kind);
    }
    saved.matched = static_cast<std::int64_t>(lot_ids.size());
    tx.Commit();
    return saved;
}

void ImportRepository::SaveLots(const BatchRecord& batch, const std::vector<LotRow>& lots, Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    InsertBatch(*s, batch, ts);
    {
        LotRow v;
        long long price = 0;
        std::string deadline;
        soci::indicator deadline_ind = soci::i_null;
        soci::statement insert =
            (s->prepare << "INSERT INTO lots (title, description, price, deadline, customer_bin, customer_name, "
                           "plan_id, status, method, region, enstru, quantity, unit, created_at, updated_at, batch_id) "
                           "VALUES (:title, :descr, :price, :deadline, :bin, :cname, :plan, :status, :method, "
                           ":region, :enstru, :qty, :unit, :c, :u, :batch)",
             soci::use(v.title),
             soci::use(v.description),
             soci::use(price),
             soci::use(deadline, deadline_ind),
             soci::use(v.customer_bin),
             soci::use(v.customer_name),
             soci::use(v.plan_id),
             soci::use(v.status),
             soci::use(v.method),
             soci::use(v.region),
             soci::use(v.enstru),
             soci::use(v.quantity),
             soci::use(v.unit),
             soci::use(ts),
             soci::use(ts),
             soci::use(batch.id));
        for (const auto& lot : lots) {
            v = lot;
            price = lot.price;
            const bool has_deadline = lot.deadline != Instant{};
            deadline = has_deadline ? FormatUtcTimestamp(lot.deadline) : std::string();
            deadline_ind = has_deadline ? soci::i_ok : soci::i_null;
            insert.execute(true);
        }
    }
    tx.Commit();
}

std::vector<MatchedPrice> ImportRepository::LotPrices(std::int64_t lot_id, int limit) {
    Database::Lease s(db_);
    long long id = lot_id;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT p.id, p.source, p.sku, p.title, p.unit, p.price, p.captured_at, CAST(lp.qty AS TEXT), "
                       "lp.match_score, lp.match_kind FROM lot_prices lp JOIN prices p ON p.id = lp.price_id WHERE "
                       "lp.lot_id = :lot ORDER BY lp.match_score DESC, p.price ASC, p.id ASC LIMIT :lim",
         soci::use(id),
         soci::use(limit));
    std::vector<MatchedPrice> out;
    for (const auto& r : rows) {
        out.push_back(MatchedPrice{ToLong(r, 0),
                                   Text(r, 1),
                                   Text(r, 2),
                                   Text(r, 3),
                                   Text(r, 4),
                                   ToLong(r, 5),
                                   TimestampText(r, 6),
                                   Quantity::Parse(Text(r, 7)).value_or(Quantity::Whole(1)),
                                   Real(r, 8),
                                   Text(r, 9)});
    }
    return out;
}

std::vector<std::pair<BatchRecord, std::string>> ImportRepository::BatchesOfUser(std::int64_t user_id, int limit) {
    Database::Lease s(db_);
    const long long user = user_id;
    std::vector<std::pair<BatchRecord, std::string>> batches;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT b.id, b.kind, b.file_name, b.format, b.encoding, b.rows_total, b.rows_accepted, "
                       "b.rows_rejected, b.strict, b.api_key_id, b.created_at FROM import_batches b "
                       "JOIN api_keys k ON k.id = b.api_key_id WHERE k.user_id = :u "
                       "ORDER BY b.created_at DESC, b.id LIMIT :n",
         soci::use(user),
         soci::use(limit));
    for (const auto& r : rows) {
        batches.emplace_back(BatchRecord{Text(r, 0),
                                         Text(r, 1),
                                         Text(r, 2),
                                         Text(r, 3),
                                         Text(r, 4),
                                         ToLong(r, 5),
                                         ToLong(r, 6),
                                         ToLong(r, 7),
                                         ToLong(r, 8) != 0,
                                         ToLong(r, 9)},
                             TimestampText(r, 10));
    }
    return batches;
}

}  // namespace zakupai::store
