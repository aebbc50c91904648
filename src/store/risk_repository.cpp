#include "store/risk_repository.hpp"

#include <soci/soci.h>

#include <cmath>

#include "store/row_reading.hpp"

namespace zakupai::store {

namespace {

std::optional<double> Number(const std::string& text) {
    if (text.empty()) {
        return std::nullopt;
    }
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size() && value > 0 ? std::optional(value) : std::nullopt;
}

}  // namespace

LotDates RiskRepository::Dates(std::int64_t lot_id) {
    Database::Lease s(db_);
    long long id = lot_id;
    LotDates dates;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT l.created_at, g.start_date FROM lots l LEFT JOIN goszakup_lots g ON g.lot_id = l.id "
                       "WHERE l.id = :id",
         soci::use(id));
    for (const auto& r : rows) {
        dates.created = ParseStoredInstant(TimestampText(r, 0));
        if (r.get_indicator(1) == soci::i_ok) {
            dates.start = ParseStoredInstant(TimestampText(r, 1));
        }
    }
    return dates;
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
        if (auto qty = Number(Text(r, 1))) {
            out.push_back(static_cast<double>(ToLong(r, 0)) / *qty);
        }
    }
    return out;
}

std::optional<Tiyn> RiskRepository::CheapestSupplierCost(std::int64_t lot_id) {
    Database::Lease s(db_);
    long long id = lot_id;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT p.price, lp.qty FROM lot_prices lp JOIN prices p ON p.id = lp.price_id WHERE "
                       "lp.lot_id = :id",
         soci::use(id));
    std::optional<Tiyn> best;
    for (const auto& r : rows) {
        const double qty = r.get_indicator(1) == soci::i_ok ? Real(r, 1) : 1.0;
        const auto cost = static_cast<Tiyn>(std::llround(static_cast<double>(ToLong(r, 0)) * qty));
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
                       "created_at BETWEEN :f AND :t ORDER BY id LIMIT 50",
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

std::int64_t RiskRepository::SaveEvaluation(std::int64_t lot_id,
                                            const std::string& model_version,
                                            int score,
                                            const std::string& flags,
                                            const std::string& explain,
                                            Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    long long lot = lot_id;
    long long id = 0;
    *s << "INSERT INTO risk_evaluations (lot_id, model_version, score, flags, explain, created_at) VALUES (:l, :m, "
          ":s, :f, :e, :c) RETURNING id",
        soci::use(lot), soci::use(model_version), soci::use(score), soci::use(flags), soci::use(explain), soci::use(ts),
        soci::into(id);
    *s << "UPDATE lots SET risk_score = :s WHERE id = :l", soci::use(score), soci::use(lot);
    tx.Commit();
    return id;
}

void RiskRepository::SaveEvaluations(const std::vector<NewEvaluation>& evaluations, Instant now) {
    if (evaluations.empty()) {
        return;
    }
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    const std::size_t n = evaluations.size();
    std::vector<long long> lot(n);
    std::vector<std::string> model(n), flags(n), explain(n), created(n, ts);
    std::vector<int> score(n);
    for (std::size_t i = 0; i < n; ++i) {
        lot[i] = evaluations[i].lot_id;
        model[i] = evaluations[i].model_version;
        score[i] = evaluations[i].score;
        flags[i] = evaluations[i].flags;
        explain[i] = evaluations[i].explain;
    }
    *s << "INSERT INTO risk_evaluations (lot_id, model_version, score, flags, explain, created_at) VALUES (:l, :m, "
          ":s, :f, :e, :c)",
        soci::use(lot), soci::use(model), soci::use(score), soci::use(flags), soci::use(explain), soci::use(created);
    *s << "UPDATE lots SET risk_score = :s WHERE id = :l", soci::use(score), soci::use(lot);
    tx.Commit();
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
        out.push_back(CustomerLot{ToLong(r, 0), ToLong(r, 1), static_cast<int>(ToLong(r, 2)), Text(r, 3)});
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
                                Text(r, 4),
                                Text(r, 5),
                                TimestampText(r, 6)};
    }
    return std::nullopt;
}

}  // namespace zakupai::store
