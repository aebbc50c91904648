#include "store/risk_repository.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <cmath>
#include <unordered_map>

#include "core/quantity.hpp"
#include "store/internal/row_reading.hpp"

namespace zakupai::store {

namespace {

// risk_evaluations.flags: the triggered indicators' ids as a JSON array, ["single_bid","dumping"].
std::string EncodeFlags(const std::vector<std::string>& flags) {
    boost::json::array list;
    for (const auto& id : flags) {
        list.emplace_back(id);
    }
    return boost::json::serialize(list);
}

// A row this code did not write is read as no flags, and said so once per row in the log.
std::vector<std::string> DecodeFlags(const std::string& text, long long evaluation_id) {
    std::vector<std::string> out;
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(text, ec);
    if (ec || !parsed.is_array()) {
        spdlog::warn("risk_evaluations {}: flags are not a JSON array; read as none", evaluation_id);
        return out;
    }
    for (const auto& id : parsed.get_array()) {
        if (id.is_string()) {
            out.emplace_back(id.get_string());
        }
    }
    return out;
}

// FNV-1a over the parts of an evaluation that make it what it is (not its time).
std::string Digest(const std::string& model, int score, const std::string& flags, const std::string& explain) {
    std::uint64_t h = 14695981039346656037ULL;
    auto add = [&h](std::string_view bytes) {
        for (const unsigned char c : bytes) {
            h = (h ^ c) * 1099511628211ULL;
        }
        h = (h ^ 0xFFU) * 1099511628211ULL;  // a separator no UTF-8 text contains
    };
    add(model);
    add(std::to_string(score));
    add(flags);
    add(explain);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = kHex[h & 0xFU];
        h >>= 4U;
    }
    return out;
}

}  // namespace

LotDates RiskRepository::Dates(std::int64_t lot_id) {
    Database::Lease s(db_);
    long long id = lot_id;
    LotDates dates;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT l.created_at, g.start_date, g.trd_buy_id, g.name_kz, l.plan_id FROM lots l LEFT JOIN "
                       "goszakup_lots g ON g.lot_id = l.id WHERE l.id = :id",
         soci::use(id));
    for (const auto& r : rows) {
        dates.created = ParseStoredInstant(TimestampText(r, 0));
        if (r.get_indicator(1) == soci::i_ok) {
            dates.start = ParseStoredInstant(TimestampText(r, 1));
        }
        if (r.get_indicator(2) == soci::i_ok && ToLong(r, 2) > 0) {
            dates.trd_buy_id = ToLong(r, 2);
        }
        dates.name_kz = Text(r, 3);
        dates.plan_id = Text(r, 4);
    }
    return dates;
}

std::vector<BidRow> RiskRepository::Bids(std::int64_t lot_id, bool* known) {
    Database::Lease s(db_);
    long long id = lot_id;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT supplier_bin, price, status, submitted_at FROM lot_bids WHERE lot_id = :l ORDER BY "
                       "price, supplier_bin",
         soci::use(id));
    std::vector<BidRow> out;
    for (const auto& r : rows) {
        BidRow bid{Text(r, 0), ToLong(r, 1), Parse<BidStatus>(Text(r, 2)).value_or(BidStatus::kValid), std::nullopt};
        if (r.get_indicator(3) == soci::i_ok) {
            bid.submitted_at = ParseStoredInstant(TimestampText(r, 3));
        }
        out.push_back(std::move(bid));
    }
    if (known != nullptr) {
        // An empty list is recorded as one row with an empty BIN: "no bids" is a fact, not missing data.
        *known = !out.empty();
    }
    std::erase_if(out, [](const BidRow& b) { return b.supplier_bin.empty(); });
    return out;
}

void RiskRepository::ReplaceBids(std::int64_t lot_id,
                                 const std::vector<BidRow>& bids,
                                 const std::string& source,
                                 Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    long long id = lot_id;
    const std::string ts = FormatUtcTimestamp(now);
    *s << "DELETE FROM lot_bids WHERE lot_id = :l", soci::use(id);
    auto insert = [&](const BidRow& bid, const std::string& status) {
        soci::indicator at_ind = bid.submitted_at ? soci::i_ok : soci::i_null;
        std::string at = bid.submitted_at ? FormatUtcTimestamp(*bid.submitted_at) : std::string();
        long long price = bid.price;
        *s << "INSERT INTO lot_bids (lot_id, supplier_bin, price, status, submitted_at, source, updated_at) VALUES "
              "(:l, :b, :p, :st, :at, :src, :u)",
            soci::use(id), soci::use(bid.supplier_bin), soci::use(price), soci::use(status), soci::use(at, at_ind),
            soci::use(source), soci::use(ts);
    };
    if (bids.empty()) {
        insert(BidRow{}, "none");  // the marker row: "no bids were filed" is a fact
    }
    for (const auto& bid : bids) {
        insert(bid, std::string(Name(bid.status)));
    }
    *s << "UPDATE lots SET updated_at = :u WHERE id = :l", soci::use(ts), soci::use(id);
    tx.Commit();
}

void RiskRepository::InsertBids(const std::vector<std::pair<std::int64_t, BidRow>>& bids,
                                const std::string& source,
                                Instant now) {
    if (bids.empty()) {
        return;
    }
    const std::size_t n = bids.size();
    std::vector<long long> lot(n);
    std::vector<long long> price(n);
    std::vector<std::string> bin(n);
    std::vector<std::string> status(n);
    std::vector<std::string> sources(n, source);
    std::vector<std::string> updated(n, FormatUtcTimestamp(now));
    for (std::size_t i = 0; i < n; ++i) {
        lot[i] = bids[i].first;
        bin[i] = bids[i].second.supplier_bin;
        price[i] = bids[i].second.price;
        status[i] = std::string(Name(bids[i].second.status));
    }
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    *s << "INSERT INTO lot_bids (lot_id, supplier_bin, price, status, source, updated_at) VALUES (:l, :b, :p, :st, "
          ":src, :u)",
        soci::use(lot), soci::use(bin), soci::use(price), soci::use(status), soci::use(sources), soci::use(updated);
    tx.Commit();
}

std::vector<PriorProcedure> RiskRepository::PriorProcedures(const std::string& plan_id,
                                                            std::int64_t exclude_lot_id,
                                                            Instant before) {
    std::vector<PriorProcedure> out;
    {
        Database::Lease s(db_);
        long long id = exclude_lot_id;
        const std::string at = FormatUtcTimestamp(before);
        soci::rowset<soci::row> rows =
            (s->prepare << "SELECT id, method, status FROM lots WHERE plan_id = :p AND id <> :id AND created_at <= :c "
                           "ORDER BY created_at, id LIMIT 20",
             soci::use(plan_id),
             soci::use(id),
             soci::use(at));
        for (const auto& r : rows) {
            out.push_back(PriorProcedure{ToLong(r, 0), Text(r, 1), Text(r, 2), {}, false});
        }
    }
    for (auto& prior : out) {
        prior.bids = Bids(prior.lot_id, &prior.bids_known);
    }
    return out;
}

std::vector<std::pair<Instant, Instant>> RiskRepository::MethodWindows(const std::string& method, int limit) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT g.start_date, l.deadline FROM goszakup_lots g JOIN lots l ON l.id = g.lot_id WHERE "
                       "l.method = :m AND g.start_date IS NOT NULL AND l.deadline IS NOT NULL ORDER BY g.id DESC "
                       "LIMIT :lim",
         soci::use(method),
         soci::use(limit));
    std::vector<std::pair<Instant, Instant>> out;
    for (const auto& r : rows) {
        auto start = ParseStoredInstant(TimestampText(r, 0));
        auto end = ParseStoredInstant(TimestampText(r, 1));
        if (start && end) {
            out.emplace_back(*start, *end);
        }
    }
    return out;
}

std::vector<ContractRow> RiskRepository::ContractsForPurchase(std::int64_t trd_buy_id) {
    Database::Lease s(db_);
    long long id = trd_buy_id;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT source_id, parent_source_id, root_source_id, supplier_bin, customer_bin, amount, "
                       "amendment_grounds, contract_number, sign_date, fin_year FROM contracts WHERE trd_buy_id = :b "
                       "AND is_deleted = 0 ORDER BY source_id LIMIT 500",
         soci::use(id));
    std::vector<ContractRow> out;
    for (const auto& r : rows) {
        ContractRow c;
        c.source_id = ToLong(r, 0);
        if (r.get_indicator(1) == soci::i_ok && ToLong(r, 1) > 0) {
            c.parent_source_id = ToLong(r, 1);
        }
        if (r.get_indicator(2) == soci::i_ok && ToLong(r, 2) > 0) {
            c.root_source_id = ToLong(r, 2);
        }
        c.supplier_bin = Text(r, 3);
        c.customer_bin = Text(r, 4);
        if (r.get_indicator(5) == soci::i_ok) {
            c.amount = ToLong(r, 5);
        }
        const std::string grounds = Text(r, 6);
        for (std::size_t pos = 0; pos < grounds.size();) {
            const auto comma = std::min(grounds.find(',', pos), grounds.size());
            c.amendment_grounds.push_back(std::stoll(grounds.substr(pos, comma - pos)));
            pos = comma + 1;
        }
        c.contract_number = Text(r, 7);
        if (r.get_indicator(8) == soci::i_ok) {
            c.sign_date = ParseStoredInstant(TimestampText(r, 8));
        }
        if (r.get_indicator(9) == soci::i_ok) {
            c.fin_year = static_cast<int>(ToLong(r, 9));
        }
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<SupplierShare> RiskRepository::YearShares(int fin_year) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT customer_bin, supplier_bin, COUNT(*) FROM contracts WHERE fin_year = :y AND is_deleted "
                       "= 0 AND (parent_source_id IS NULL OR parent_source_id = 0) AND customer_bin <> '' AND "
                       "supplier_bin <> '' GROUP BY customer_bin, supplier_bin",
         soci::use(fin_year));
    std::vector<SupplierShare> out;
    for (const auto& r : rows) {
        out.push_back(SupplierShare{Text(r, 0), Text(r, 1), ToLong(r, 2)});
    }
    return out;
}

SupplierRecord RiskRepository::Supplier(const std::string& bin) {
    Database::Lease s(db_);
    SupplierRecord record;
    {
        long long count = 0;
        long long amount = 0;
        long long customers = 0;
        soci::indicator amount_ind = soci::i_null;
        *s << "SELECT COUNT(*), SUM(amount), COUNT(DISTINCT customer_bin) FROM contracts WHERE supplier_bin = :b AND "
              "is_deleted = 0 AND (parent_source_id IS NULL OR parent_source_id = 0)",
            soci::use(bin), soci::into(count), soci::into(amount, amount_ind), soci::into(customers);
        record.contracts = count;
        record.contracts_amount = amount_ind == soci::i_ok ? amount : 0;
        record.customers = customers;
    }
    {
        long long amended = 0;
        *s << "SELECT COUNT(*) FROM contracts c JOIN contracts p ON p.source_id = c.parent_source_id WHERE "
              "c.supplier_bin = :b AND c.is_deleted = 0 AND c.amount > p.amount",
            soci::use(bin), soci::into(amended);
        record.amended_up = amended;
    }
    {
        long long bids = 0;
        long long wins = 0;
        soci::indicator wins_ind = soci::i_null;
        *s << "SELECT COUNT(*), SUM(CASE WHEN status = 'winner' THEN 1 ELSE 0 END) FROM lot_bids WHERE supplier_bin "
              "= :b",
            soci::use(bin), soci::into(bids), soci::into(wins, wins_ind);
        record.bids = bids;
        record.wins = wins_ind == soci::i_ok ? wins : 0;
    }
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT customer_bin, COUNT(*) AS n FROM contracts WHERE supplier_bin = :b AND is_deleted = 0 "
                       "AND (parent_source_id IS NULL OR parent_source_id = 0) GROUP BY customer_bin ORDER BY n "
                       "DESC, customer_bin LIMIT 5",
         soci::use(bin));
    for (const auto& r : rows) {
        record.top_customers.emplace_back(Text(r, 0), ToLong(r, 1));
    }
    return record;
}

std::vector<RiskRepository::CustomerLot> RiskRepository::SupplierEvaluations(const std::string& bin) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT l.id, l.price, e.score, e.flags FROM lots l JOIN risk_evaluations e ON e.lot_id = l.id "
                       "WHERE (l.id IN (SELECT lot_id FROM lot_bids WHERE supplier_bin = :b) OR l.id IN (SELECT "
                       "g.lot_id FROM goszakup_lots g JOIN contracts c ON c.trd_buy_id = g.trd_buy_id WHERE "
                       "c.supplier_bin = :b2)) AND e.id = (SELECT MAX(e2.id) FROM risk_evaluations e2 WHERE e2.lot_id "
                       "= l.id) ORDER BY l.id LIMIT 10000",
         soci::use(bin),
         soci::use(bin));
    std::vector<CustomerLot> out;
    for (const auto& r : rows) {
        out.push_back(CustomerLot{
            ToLong(r, 0), ToLong(r, 1), static_cast<int>(ToLong(r, 2)), DecodeFlags(Text(r, 3), ToLong(r, 0))});
    }
    return out;
}

std::vector<double> RiskRepository::PeerUnitPrices(const std::string& enstru, std::int64_t exclude_lot_id, int limit) {
    Database::Lease s(db_);
    long long id = exclude_lot_id;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT price, quantity FROM lots WHERE enstru = :e AND id <> :id AND price > 0 "
                       "ORDER BY id DESC LIMIT :lim",
         soci::use(enstru),
         soci::use(id),
         soci::use(limit));
    std::vector<double> out;
    for (const auto& r : rows) {
        if (auto qty = Quantity::Parse(Text(r, 1))) {
            out.push_back(static_cast<double>(ToLong(r, 0)) / qty->ToDouble());
        }
    }
    return out;
}

std::optional<Tiyn> RiskRepository::CheapestSupplierCost(std::int64_t lot_id) {
    Database::Lease s(db_);
    long long id = lot_id;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT p.price, CAST(lp.qty AS TEXT) FROM lot_prices lp JOIN prices p ON p.id = lp.price_id "
                       "WHERE lp.lot_id = :id",
         soci::use(id));
    std::optional<Tiyn> best;
    for (const auto& r : rows) {
        const auto qty = r.get_indicator(1) == soci::i_ok ? Quantity::Parse(Text(r, 1)) : Quantity::Whole(1);
        if (!qty) {
            continue;
        }
        const auto cost = CostOf(ToLong(r, 0), *qty);
        if (!best || cost < *best) {
            best = cost;
        }
    }
    return best;
}

std::vector<std::pair<std::int64_t, Tiyn>> RiskRepository::SameCodeLots(
    const std::string& customer_bin, const std::string& enstru, std::int64_t exclude_lot_id, Instant around, int days) {
    Database::Lease s(db_);
    long long id = exclude_lot_id;
    const std::string from = FormatUtcTimestamp(around - std::chrono::days{days});
    const std::string to = FormatUtcTimestamp(around + std::chrono::days{days});
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, price FROM lots WHERE customer_bin = :c AND enstru = :e AND id <> :id AND "
                       "created_at BETWEEN :f AND :t ORDER BY created_at, id LIMIT 50",
         soci::use(customer_bin),
         soci::use(enstru),
         soci::use(id),
         soci::use(from),
         soci::use(to));
    std::vector<std::pair<std::int64_t, Tiyn>> out;
    for (const auto& r : rows) {
        out.emplace_back(ToLong(r, 0), ToLong(r, 1));
    }
    return out;
}

std::vector<RiskRepository::CodeLot> RiskRepository::CodeLots(const std::string& customer_bin,
                                                              const std::string& enstru,
                                                              int limit) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows =
        // Ordered by the index's own column: ORDER BY id would make SQLite walk the whole table
        // in rowid order instead of using (customer_bin, enstru, created_at).
        (s->prepare << "SELECT id, price, created_at FROM lots WHERE customer_bin = :c AND enstru = :e ORDER BY "
                       "created_at, id LIMIT :lim",
         soci::use(customer_bin),
         soci::use(enstru),
         soci::use(limit));
    std::vector<CodeLot> out;
    for (const auto& r : rows) {
        if (auto created = ParseStoredInstant(TimestampText(r, 2))) {
            out.push_back(CodeLot{ToLong(r, 0), ToLong(r, 1), *created});
        }
    }
    return out;
}

std::int64_t RiskRepository::SaveEvaluation(std::int64_t lot_id,
                                            const std::string& model_version,
                                            int score,
                                            const std::vector<std::string>& flag_ids,
                                            const std::string& explain,
                                            Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    long long lot = lot_id;
    long long id = 0;
    const std::string flags = EncodeFlags(flag_ids);
    const std::string digest = Digest(model_version, score, flags, explain);
    *s << "INSERT INTO risk_evaluations (lot_id, model_version, score, flags, explain, created_at, digest) VALUES "
          "(:l, :m, :s, :f, :e, :c, :d) RETURNING id",
        soci::use(lot), soci::use(model_version), soci::use(score), soci::use(flags), soci::use(explain), soci::use(ts),
        soci::use(digest), soci::into(id);
    *s << "UPDATE lots SET risk_score = :s WHERE id = :l", soci::use(score), soci::use(lot);
    tx.Commit();
    return id;
}

std::size_t RiskRepository::SaveEvaluations(const std::vector<NewEvaluation>& evaluations,
                                            Instant now,
                                            bool skip_unchanged) {
    if (evaluations.empty()) {
        return 0;
    }
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    std::unordered_map<long long, std::string> latest;
    if (skip_unchanged) {
        std::vector<std::int64_t> ids;
        ids.reserve(evaluations.size());
        for (const auto& e : evaluations) {
            ids.push_back(e.lot_id);
        }
        const std::string in = JoinIds(ids);
        soci::rowset<soci::row> rows =
            (s->prepare << "SELECT e.lot_id, e.digest FROM risk_evaluations e WHERE e.lot_id IN (" + in +
                               ") AND e.id = (SELECT MAX(e2.id) FROM risk_evaluations e2 WHERE e2.lot_id = e.lot_id)");
        for (const auto& r : rows) {
            latest[ToLong(r, 0)] = Text(r, 1);
        }
    }
    const std::string ts = FormatUtcTimestamp(now);
    std::vector<long long> lot;
    std::vector<std::string> model, flags, explain, created, digest;
    std::vector<int> score;
    for (const auto& e : evaluations) {
        std::string encoded_flags = EncodeFlags(e.flags);
        std::string d = Digest(e.model_version, e.score, encoded_flags, e.explain);
        if (const auto it = latest.find(e.lot_id); it != latest.end() && it->second == d) {
            continue;
        }
        lot.push_back(e.lot_id);
        model.push_back(e.model_version);
        score.push_back(e.score);
        flags.push_back(std::move(encoded_flags));
        explain.push_back(e.explain);
        created.push_back(ts);
        digest.push_back(std::move(d));
    }
    if (!lot.empty()) {
        *s << "INSERT INTO risk_evaluations (lot_id, model_version, score, flags, explain, created_at, digest) VALUES "
              "(:l, :m, :s, :f, :e, :c, :d)",
            soci::use(lot), soci::use(model), soci::use(score), soci::use(flags), soci::use(explain),
            soci::use(created), soci::use(digest);
        *s << "UPDATE lots SET risk_score = :s WHERE id = :l", soci::use(score), soci::use(lot);
    }
    tx.Commit();
    return lot.size();
}

std::vector<RiskRepository::CustomerLot> RiskRepository::CustomerEvaluations(const std::string& customer_bin) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT l.id, l.price, e.score, e.flags FROM lots l JOIN risk_evaluations e ON e.lot_id = l.id "
                       "WHERE l.customer_bin = :b AND e.id = (SELECT MAX(e2.id) FROM risk_evaluations e2 WHERE "
                       "e2.lot_id = l.id) ORDER BY l.id",
         soci::use(customer_bin));
    std::vector<CustomerLot> out;
    for (const auto& r : rows) {
        out.push_back(CustomerLot{
            ToLong(r, 0), ToLong(r, 1), static_cast<int>(ToLong(r, 2)), DecodeFlags(Text(r, 3), ToLong(r, 0))});
    }
    return out;
}

std::int64_t RiskRepository::CountCustomerLots(const std::string& customer_bin) {
    Database::Lease s(db_);
    long long count = 0;
    *s << "SELECT COUNT(*) FROM lots WHERE customer_bin = :b", soci::use(customer_bin), soci::into(count);
    return count;
}

std::vector<std::int64_t> RiskRepository::LotIdsChangedSince(std::optional<Instant> since) {
    Database::Lease s(db_);
    const std::string from = since ? FormatUtcTimestamp(*since) : std::string("1970-01-01T00:00:00.000Z");
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id FROM lots WHERE updated_at >= :f ORDER BY id", soci::use(from));
    std::vector<std::int64_t> ids;
    for (const auto& r : rows) {
        ids.push_back(ToLong(r, 0));
    }
    return ids;
}

std::int64_t RiskRepository::PruneEvaluations(int keep) {
    std::int64_t removed = 0;
    for (;;) {
        // In batches, each its own short transaction: a prune never holds the write lock long.
        Database::Lease s(db_);
        WriteTransaction tx(*s, db_.dialect());
        int batch = 0;
        soci::statement st =
            (s->prepare << "DELETE FROM risk_evaluations WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER "
                           "(PARTITION BY lot_id ORDER BY id DESC) AS n FROM risk_evaluations) ranked WHERE n > :k "
                           "LIMIT 5000)",
             soci::use(keep));
        st.execute(true);
        batch = static_cast<int>(st.get_affected_rows());
        tx.Commit();
        removed += batch;
        if (batch < 5000) {
            return removed;
        }
    }
}

std::optional<StoredEvaluation> RiskRepository::LatestEvaluation(std::int64_t lot_id) {
    Database::Lease s(db_);
    long long lot = lot_id;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, lot_id, model_version, score, flags, explain, created_at FROM risk_evaluations "
                       "WHERE lot_id = :l ORDER BY created_at DESC, id DESC LIMIT 1",
         soci::use(lot));
    for (const auto& r : rows) {
        return StoredEvaluation{ToLong(r, 0),
                                ToLong(r, 1),
                                Text(r, 2),
                                static_cast<int>(ToLong(r, 3)),
                                DecodeFlags(Text(r, 4), ToLong(r, 0)),
                                Text(r, 5),
                                TimestampText(r, 6)};
    }
    return std::nullopt;
}

void RiskRepository::SaveIndicatorTexts(const std::string& model_version, const std::vector<IndicatorText>& texts) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    for (const auto& t : texts) {
        *s << "INSERT INTO risk_indicator_texts (model_version, indicator, name_ru, name_kz, threshold, source) VALUES "
              "(:m, :i, :n, :k, :t, :s) ON CONFLICT (model_version, indicator) DO NOTHING",
            soci::use(model_version), soci::use(t.indicator), soci::use(t.name_ru), soci::use(t.name_kz),
            soci::use(t.threshold), soci::use(t.source);
    }
    tx.Commit();
}

std::vector<IndicatorText> RiskRepository::LoadIndicatorTexts(const std::string& model_version) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT indicator, name_ru, name_kz, threshold, source FROM risk_indicator_texts WHERE "
                       "model_version = :m",
         soci::use(model_version));
    std::vector<IndicatorText> out;
    for (const auto& r : rows) {
        out.push_back(IndicatorText{Text(r, 0), Text(r, 1), Text(r, 2), Text(r, 3), Text(r, 4)});
    }
    return out;
}

}  // namespace zakupai::store
