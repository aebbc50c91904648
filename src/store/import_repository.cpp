#include "store/import_repository.hpp"

#include <soci/soci.h>

#include "store/row_reading.hpp"

namespace zakupai::store {

namespace {

std::string Text(const soci::row& r, std::size_t i) {
    return r.get_indicator(i) == soci::i_ok ? r.get<std::string>(i) : std::string();
}

double Real(const soci::row& r, std::size_t i) {
    if (r.get_indicator(i) != soci::i_ok) {
        return 0;
    }
    switch (r.get_properties(i).get_data_type()) {
        case soci::dt_double:
            return r.get<double>(i);
        case soci::dt_string:
            return std::stod(r.get<std::string>(i));
        default:
            return static_cast<double>(ToLong(r, i));
    }
}

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
                                  const std::vector<PriceMatchRow>& matches,
                                  Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    InsertBatch(*s, batch, ts);
    std::vector<long long> ids;
    ids.reserve(prices.size());
    {
        ImportedPrice v;
        long long price = 0;
        std::string captured;
        long long id = 0;
        soci::indicator bin_ind = soci::i_null;
        soci::statement supplier = (s->prepare << "INSERT INTO suppliers (bin, name, created_at) VALUES (:b, :n, :c) "
                                                  "ON CONFLICT (bin) DO NOTHING",
                                    soci::use(v.supplier_bin),
                                    soci::use(v.source),
                                    soci::use(ts));
        soci::statement insert =
            (s->prepare << "INSERT INTO prices (source, sku, title, price, currency, supplier_bin, captured_at, unit, "
                           "sku_norm, batch_id) VALUES (:source, :sku, :title, :price, 'KZT', :bin, :captured, :unit, "
                           ":norm, :batch) RETURNING id",
             soci::use(v.source),
             soci::use(v.sku),
             soci::use(v.title),
             soci::use(price),
             soci::use(v.supplier_bin, bin_ind),
             soci::use(captured),
             soci::use(v.unit),
             soci::use(v.sku_norm),
             soci::use(batch.id),
             soci::into(id));
        for (const auto& p : prices) {
            v = p;
            price = p.price;
            captured = FormatUtcTimestamp(p.captured_at);
            bin_ind = p.supplier_bin.empty() ? soci::i_null : soci::i_ok;
            if (!p.supplier_bin.empty()) {
                supplier.execute(true);
            }
            insert.execute(true);
            ids.push_back(id);
        }
        long long lot_id = 0;
        long long price_id = 0;
        double qty = 1;
        double score = 0;
        std::string kind;
        soci::statement link = (s->prepare << "INSERT INTO lot_prices (lot_id, price_id, qty, match_score, match_kind) "
                                              "VALUES (:lot, :price, :qty, :score, :kind)",
                                soci::use(lot_id),
                                soci::use(price_id),
                                soci::use(qty),
                                soci::use(score),
                                soci::use(kind));
        for (const auto& m : matches) {
            lot_id = m.lot_id;
            price_id = ids.at(m.price_index);
            qty = m.qty;
            score = m.score;
            kind = m.kind;
            link.execute(true);
        }
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
        (s->prepare << "SELECT p.id, p.source, p.sku, p.title, p.unit, p.price, p.captured_at, lp.qty, "
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
                                   Real(r, 7),
                                   Real(r, 8),
                                   Text(r, 9)});
    }
    return out;
}

}  // namespace zakupai::store
