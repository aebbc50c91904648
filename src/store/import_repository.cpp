#include "store/import_repository.hpp"

#include <soci/soci.h>

#include "store/row_reading.hpp"

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

void ImportRepository::SavePrices(const BatchRecord& batch,
                                  const std::vector<ImportedPrice>& prices,
                                  const std::function<std::vector<PriceMatchRow>()>& match,
                                  Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    InsertBatch(*s, batch, ts);
    std::vector<long long> ids;
    if (!prices.empty()) {
        // Column vectors for SOCI's bulk binding: one statement execution for the whole batch
        // instead of one per row (the per-row overhead was most of a 10 MB import's time).
        const std::size_t n = prices.size();
        std::vector<std::string> source(n), sku(n), title(n), unit(n), norm(n), captured(n), bins(n), batch_ids(n);
        std::vector<long long> price(n);
        std::vector<soci::indicator> bin_ind(n);
        std::vector<std::string> supplier_bins;
        std::vector<std::string> supplier_names;
        for (std::size_t i = 0; i < n; ++i) {
            const auto& p = prices[i];
            source[i] = p.source;
            sku[i] = p.sku;
            title[i] = p.title;
            unit[i] = p.unit;
            norm[i] = p.sku_norm;
            captured[i] = FormatUtcTimestamp(p.captured_at);
            bins[i] = p.supplier_bin;
            bin_ind[i] = p.supplier_bin.empty() ? soci::i_null : soci::i_ok;
            batch_ids[i] = batch.id;
            price[i] = p.price;
            if (!p.supplier_bin.empty()) {
                supplier_bins.push_back(p.supplier_bin);
                supplier_names.push_back(p.source);
            }
        }
        if (!supplier_bins.empty()) {
            // prices.supplier_bin references suppliers: make sure each BIN is there.
            std::vector<std::string> created(supplier_bins.size(), ts);
            *s << "INSERT INTO suppliers (bin, name, created_at) VALUES (:b, :n, :c) ON CONFLICT (bin) DO NOTHING",
                soci::use(supplier_bins), soci::use(supplier_names), soci::use(created);
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
            ids.resize(n);
            for (std::size_t i = 0; i < n; ++i) {
                ids[i] = first + static_cast<long long>(i);
            }
        } else {
            // PostgreSQL sequences may interleave with other sessions: ask for each id.
            ids.reserve(n);
            std::string v_source, v_sku, v_title, v_unit, v_norm, v_captured, v_bin;
            long long v_price = 0;
            soci::indicator v_bin_ind = soci::i_null;
            long long id = 0;
            soci::statement st = (s->prepare << insert + " RETURNING id",
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
            for (std::size_t i = 0; i < n; ++i) {
                v_source = source[i];
                v_sku = sku[i];
                v_title = title[i];
                v_price = price[i];
                v_bin = bins[i];
                v_bin_ind = bin_ind[i];
                v_captured = captured[i];
                v_unit = unit[i];
                v_norm = norm[i];
                st.execute(true);
                ids.push_back(id);
            }
        }
    }
    const std::vector<PriceMatchRow> matches = match();
    if (!matches.empty()) {
        const std::size_t m = matches.size();
        std::vector<long long> lot_ids(m), price_ids(m);
        std::vector<double> qty(m), score(m);
        std::vector<std::string> kind(m);
        for (std::size_t i = 0; i < m; ++i) {
            lot_ids[i] = matches[i].lot_id;
            price_ids[i] = ids.at(matches[i].price_index);
            qty[i] = matches[i].qty.ToDouble();  // NUMERIC(18, 3) keeps the three decimals exactly
            score[i] = matches[i].score;
            kind[i] = matches[i].kind;
        }
        *s << "INSERT INTO lot_prices (lot_id, price_id, qty, match_score, match_kind) VALUES (:lot, :price, :qty, "
              ":score, :kind)",
            soci::use(lot_ids), soci::use(price_ids), soci::use(qty), soci::use(score), soci::use(kind);
    }
    tx.Commit();
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

}  // namespace zakupai::store
