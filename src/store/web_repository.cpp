#include "store/web_repository.hpp"

#include <soci/soci.h>

#include "store/internal/row_reading.hpp"

namespace zakupai::store {

void WebRepository::CreateSession(const WebSessionRecord& session, Instant now, Instant expires_at) {
    Database::Lease s(db_);
    const std::string created = FormatUtcTimestamp(now);
    const std::string expires = FormatUtcTimestamp(expires_at);
    const long long key_id = session.key_id;
    const long long user_id = session.user_id;
    *s << "INSERT INTO web_sessions (token_hash, key_id, user_id, csrf, language, created_at, expires_at) "
          "VALUES (:h, :k, :u, :c, :l, :created, :expires)",
        soci::use(session.token_hash), soci::use(key_id), soci::use(user_id), soci::use(session.csrf),
        soci::use(session.language), soci::use(created), soci::use(expires);
}

std::optional<WebSessionRecord> WebRepository::FindSession(const std::string& token_hash, Instant now) {
    Database::Lease s(db_);
    const std::string ts = FormatUtcTimestamp(now);
    std::optional<WebSessionRecord> found;
    bool expired = false;
    {
        soci::rowset<soci::row> rows =
            (s->prepare << "SELECT token_hash, key_id, user_id, csrf, language, "
                           "CASE WHEN expires_at > :now THEN 0 ELSE 1 END FROM web_sessions WHERE token_hash = :h",
             soci::use(ts),
             soci::use(token_hash));
        for (const auto& r : rows) {
            expired = ToLong(r, 5) != 0;
            found = WebSessionRecord{Text(r, 0), ToLong(r, 1), ToLong(r, 2), Text(r, 3), Text(r, 4)};
        }
    }
    if (found && expired) {
        *s << "DELETE FROM web_sessions WHERE token_hash = :h", soci::use(token_hash);
        return std::nullopt;
    }
    return found;
}

void WebRepository::SetLanguage(const std::string& token_hash, const std::string& language) {
    Database::Lease s(db_);
    *s << "UPDATE web_sessions SET language = :l WHERE token_hash = :h", soci::use(language), soci::use(token_hash);
}

void WebRepository::DeleteSession(const std::string& token_hash) {
    Database::Lease s(db_);
    *s << "DELETE FROM web_sessions WHERE token_hash = :h", soci::use(token_hash);
}

std::int64_t WebRepository::DeleteUserSessions(std::int64_t user_id) {
    Database::Lease s(db_);
    const long long id = user_id;
    soci::statement st = (s->prepare << "DELETE FROM web_sessions WHERE user_id = :u", soci::use(id));
    st.execute(true);
    return st.get_affected_rows();
}

void WebRepository::MoveSessions(std::int64_t from_key_id, std::int64_t to_key_id) {
    Database::Lease s(db_);
    const long long from = from_key_id;
    const long long to = to_key_id;
    *s << "UPDATE web_sessions SET key_id = :to WHERE key_id = :from", soci::use(to), soci::use(from);
}

std::vector<std::pair<Instant, std::int64_t>> WebRepository::UsageWindows(std::int64_t user_id, Instant since) {
    Database::Lease s(db_);
    const long long id = user_id;
    const std::string ts = FormatUtcTimestamp(since);
    std::vector<std::pair<Instant, std::int64_t>> windows;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT u.window_start, SUM(u.requests) FROM usage u JOIN api_keys k ON k.id = u.api_key_id "
                       "WHERE k.user_id = :u AND u.window_start >= :since GROUP BY u.window_start "
                       "ORDER BY u.window_start",
         soci::use(id),
         soci::use(ts));
    for (const auto& r : rows) {
        if (const auto at = ParseStoredInstant(TimestampText(r, 0))) {
            windows.emplace_back(*at, ToLong(r, 1));
        }
    }
    return windows;
}

std::vector<std::pair<Instant, std::int64_t>> WebRepository::CustomerLotAmounts(const std::string& customer_bin,
                                                                                Instant since) {
    Database::Lease s(db_);
    const std::string ts = FormatUtcTimestamp(since);
    std::vector<std::pair<Instant, std::int64_t>> lots;
    soci::rowset<soci::row> rows = (s->prepare << "SELECT deadline, price FROM lots WHERE customer_bin = :b "
                                                  "AND deadline >= :since ORDER BY deadline",
                                    soci::use(customer_bin),
                                    soci::use(ts));
    for (const auto& r : rows) {
        if (const auto at = ParseStoredInstant(TimestampText(r, 0))) {
            lots.emplace_back(*at, ToLong(r, 1));
        }
    }
    return lots;
}

}  // namespace zakupai::store
