#include "store/billing_repository.hpp"

#include <soci/soci.h>

#include "store/internal/row_reading.hpp"

namespace zakupai::store {

namespace {

// A plan column this code did not write reads as free: the least a key may do.
Plan PlanOf(const std::string& text) {
    return Parse<Plan>(text).value_or(Plan::kFree);
}

UserRecord ReadUser(const soci::row& r) {
    UserRecord u;
    u.id = ToLong(r, 0);
    if (r.get_indicator(1) == soci::i_ok) {
        u.tg_id = ToLong(r, 1);
    }
    u.email = r.get_indicator(2) == soci::i_ok ? r.get<std::string>(2) : "";
    u.plan = PlanOf(r.get<std::string>(3));
    u.status = r.get<std::string>(4);
    u.created_at = TimestampText(r, 5);
    return u;
}

constexpr const char* kUserColumns = "SELECT id, tg_id, email, plan, status, created_at FROM users ";
constexpr const char* kKeyColumns =
    "SELECT k.id, k.user_id, k.name, k.key_prefix, k.plan, k.status, u.status, u.tg_id, k.expires_at, k.created_at "
    "FROM api_keys k JOIN users u ON u.id = k.user_id ";

KeyRecord ReadKey(const soci::row& r) {
    KeyRecord k;
    k.id = ToLong(r, 0);
    k.user_id = ToLong(r, 1);
    k.name = r.get_indicator(2) == soci::i_ok ? r.get<std::string>(2) : "";
    k.prefix = r.get<std::string>(3);
    k.plan = PlanOf(r.get<std::string>(4));
    k.status = r.get<std::string>(5);
    k.user_status = r.get<std::string>(6);
    if (r.get_indicator(7) == soci::i_ok) {
        k.tg_id = ToLong(r, 7);
    }
    if (r.get_indicator(8) == soci::i_ok) {
        k.expires_at = ParseStoredInstant(TimestampText(r, 8));
    }
    k.created_at = TimestampText(r, 9);
    return k;
}

}  // namespace

UserRecord BillingRepository::EnsureUser(std::optional<std::int64_t> tg_id,
                                         const std::string& email,
                                         Plan plan,
                                         Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    if (tg_id) {
        soci::rowset<soci::row> rows =
            (s->prepare << std::string(kUserColumns) + "WHERE tg_id = :tg", soci::use(*tg_id));
        for (const auto& r : rows) {
            UserRecord user = ReadUser(r);
            if (!email.empty() && user.email != email) {
                *s << "UPDATE users SET email = :e WHERE id = :id", soci::use(email), soci::use(user.id);
                user.email = email;
            }
            tx.Commit();
            return user;
        }
    }
    const std::string ts = FormatUtcTimestamp(now);
    long long tg = tg_id.value_or(0);
    soci::indicator tg_ind = tg_id ? soci::i_ok : soci::i_null;
    soci::indicator email_ind = email.empty() ? soci::i_null : soci::i_ok;
    long long id = 0;
    const std::string plan_name(Name(plan));
    *s << "INSERT INTO users (tg_id, email, plan, status, created_at, updated_at) "
          "VALUES (:tg, :email, :plan, 'active', :c, :u) RETURNING id",
        soci::use(tg, tg_ind), soci::use(email, email_ind), soci::use(plan_name), soci::use(ts), soci::use(ts),
        soci::into(id);
    tx.Commit();
    return UserRecord{id, tg_id, email, plan, "active", ts};
}

std::optional<UserRecord> BillingRepository::FindUserByTg(std::int64_t tg_id) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows = (s->prepare << std::string(kUserColumns) + "WHERE tg_id = :tg", soci::use(tg_id));
    for (const auto& r : rows) {
        return ReadUser(r);
    }
    return std::nullopt;
}

std::optional<UserRecord> BillingRepository::FindUser(std::int64_t user_id) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows = (s->prepare << std::string(kUserColumns) + "WHERE id = :id", soci::use(user_id));
    for (const auto& r : rows) {
        return ReadUser(r);
    }
    return std::nullopt;
}

std::int64_t BillingRepository::InsertKey(std::int64_t user_id,
                                          const std::string& name,
                                          const std::string& prefix,
                                          const std::string& hash,
                                          Plan plan,
                                          std::optional<Instant> expires_at,
                                          Instant now) {
    Database::Lease s(db_);
    const std::string plan_name(Name(plan));
    const std::string ts = FormatUtcTimestamp(now);
    const std::string expires = expires_at ? FormatUtcTimestamp(*expires_at) : "";
    soci::indicator expires_ind = expires_at ? soci::i_ok : soci::i_null;
    soci::indicator name_ind = name.empty() ? soci::i_null : soci::i_ok;
    long long id = 0;
    *s << "INSERT INTO api_keys (user_id, name, key_prefix, key_hash, plan, status, created_at, expires_at) "
          "VALUES (:user, :name, :prefix, :hash, :plan, 'active', :created, :expires) RETURNING id",
        soci::use(user_id), soci::use(name, name_ind), soci::use(prefix), soci::use(hash), soci::use(plan_name),
        soci::use(ts), soci::use(expires, expires_ind), soci::into(id);
    return id;
}

std::optional<KeyRecord> BillingRepository::FindKeyByHash(const std::string& hash) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows = (s->prepare << std::string(kKeyColumns) + "WHERE k.key_hash = :h", soci::use(hash));
    for (const auto& r : rows) {
        return ReadKey(r);
    }
    return std::nullopt;
}

std::optional<KeyRecord> BillingRepository::FindKey(std::int64_t key_id) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows = (s->prepare << std::string(kKeyColumns) + "WHERE k.id = :id", soci::use(key_id));
    for (const auto& r : rows) {
        return ReadKey(r);
    }
    return std::nullopt;
}

std::vector<KeyRecord> BillingRepository::KeysOfUser(std::int64_t user_id) {
    Database::Lease s(db_);
    std::vector<KeyRecord> keys;
    soci::rowset<soci::row> rows =
        (s->prepare << std::string(kKeyColumns) + "WHERE k.user_id = :u ORDER BY k.id", soci::use(user_id));
    for (const auto& r : rows) {
        keys.push_back(ReadKey(r));
    }
    return keys;
}

bool BillingRepository::RevokeKey(std::int64_t key_id, Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    soci::statement st = (s->prepare << "UPDATE api_keys SET status = 'revoked', revoked_at = :t "
                                        "WHERE id = :id AND status = 'active'",
                          soci::use(ts),
                          soci::use(key_id));
    st.execute(true);
    const bool revoked = st.get_affected_rows() > 0;
    if (revoked) {
        // Every server's key cache watches this table (KeyChangesVersion).
        *s << "INSERT INTO api_key_changes (key_id, kind, changed_at) VALUES (:k, 'revoked', :t)", soci::use(key_id),
            soci::use(ts);
    }
    tx.Commit();
    return revoked;
}

std::vector<BillingRepository::KeyCount> BillingRepository::CountKeys() {
    Database::Lease s(db_);
    std::vector<KeyCount> out;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT plan, status, COUNT(*) FROM api_keys GROUP BY plan, status ORDER BY plan, status");
    for (const auto& r : rows) {
        out.push_back({Text(r, 0), Text(r, 1), ToLong(r, 2)});
    }
    return out;
}

std::int64_t BillingRepository::KeyChangesVersion() {
    Database::Lease s(db_);
    long long version = 0;
    soci::indicator ind = soci::i_null;
    *s << "SELECT MAX(id) FROM api_key_changes", soci::into(version, ind);
    return ind == soci::i_ok ? version : 0;
}

std::int64_t BillingRepository::UsageSince(std::int64_t key_id, Instant since, const std::string& instance) {
    Database::Lease s(db_);
    const std::string ts = FormatUtcTimestamp(since);
    soci::rowset<soci::row> rows = (s->prepare << "SELECT COALESCE(SUM(requests), 0) FROM usage "
                                                  "WHERE api_key_id = :k AND window_start >= :since AND instance = :i",
                                    soci::use(key_id),
                                    soci::use(ts),
                                    soci::use(instance));
    for (const auto& r : rows) {
        return ToLong(r, 0);
    }
    return 0;
}

std::vector<BillingRepository::HourUsage> BillingRepository::OtherInstancesUsage(const std::string& instance,
                                                                                 Instant since) {
    Database::Lease s(db_);
    const std::string ts = FormatUtcTimestamp(since);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT api_key_id, window_start, SUM(requests) FROM usage WHERE window_start >= :since AND "
                       "instance <> :i GROUP BY api_key_id, window_start",
         soci::use(ts),
         soci::use(instance));
    std::vector<HourUsage> usage;
    for (const auto& r : rows) {
        usage.push_back({ToLong(r, 0),
                         ParseStoredInstant(TimestampText(r, 1)).value_or(Instant{}),
                         static_cast<std::int64_t>(ToLong(r, 2))});
    }
    return usage;
}

std::int64_t BillingRepository::UserUsageSince(std::int64_t user_id, std::optional<Instant> since) {
    Database::Lease s(db_);
    const std::string ts = FormatUtcTimestamp(since.value_or(Instant{}));
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT COALESCE(SUM(u.requests), 0) FROM usage u JOIN api_keys k ON k.id = u.api_key_id "
                       "WHERE k.user_id = :user AND u.window_start >= :since",
         soci::use(user_id),
         soci::use(ts));
    for (const auto& r : rows) {
        return ToLong(r, 0);
    }
    return 0;
}

bool BillingRepository::RecordPayment(const PaymentRecord& payment, Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    if (!payment.external_id.empty()) {
        int seen = 0;
        *s << "SELECT COUNT(*) FROM payments WHERE external_id = :e", soci::use(payment.external_id), soci::into(seen);
        if (seen > 0) {
            return false;
        }
    }
    const std::string ts = FormatUtcTimestamp(now);
    soci::indicator ext_ind = payment.external_id.empty() ? soci::i_null : soci::i_ok;
    soci::indicator method_ind = payment.method.empty() ? soci::i_null : soci::i_ok;
    long long amount = payment.amount_tiyn;
    long long period = payment.period_days;
    long long user = payment.user_id;
    const std::string plan(Name(payment.plan));
    *s << "INSERT INTO payments (user_id, amount, currency, plan, period_days, method, status, external_id, "
          "created_at) "
          "VALUES (:u, :a, 'KZT', :p, :d, :m, 'paid', :e, :c)",
        soci::use(user), soci::use(amount), soci::use(plan), soci::use(period), soci::use(payment.method, method_ind),
        soci::use(payment.external_id, ext_ind), soci::use(ts);
    *s << "UPDATE users SET plan = :p, updated_at = :t WHERE id = :u", soci::use(plan), soci::use(ts), soci::use(user);
    *s << "UPDATE api_keys SET plan = :p WHERE user_id = :u AND status = 'active'", soci::use(plan), soci::use(user);
    tx.Commit();
    return true;
}

}  // namespace zakupai::store
