#pragma once
// The web panel's sessions. The cookie's token is never stored, only its SHA-256; a session
// acts for one API key (and so for that key's user and plan) until it expires or is deleted.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "store/database.hpp"

namespace zakupai::store {

struct WebSessionRecord {
    std::string token_hash;
    std::int64_t key_id = 0;
    std::int64_t user_id = 0;
    std::string csrf;
    std::string language;  // ru | kk
};

class WebRepository {
public:
    explicit WebRepository(Database& db) : db_(db) {}

    void CreateSession(const WebSessionRecord& session, Instant now, Instant expires_at);
    // The session unless it expired (an expired one is deleted on the way).
    std::optional<WebSessionRecord> FindSession(const std::string& token_hash, Instant now);
    void SetLanguage(const std::string& token_hash, const std::string& language);
    void DeleteSession(const std::string& token_hash);
    // Log out everywhere: every session of the user. Returns how many ended.
    std::int64_t DeleteUserSessions(std::int64_t user_id);
    // Another key of the same user takes over the sessions of a rotated one.
    void MoveSessions(std::int64_t from_key_id, std::int64_t to_key_id);

    // Requests counted for the user's keys since `since`, per stored window (its start as
    // stored, the count): the account page's usage chart buckets them by Almaty day.
    std::vector<std::pair<Instant, std::int64_t>> UsageWindows(std::int64_t user_id, Instant since);

    // A customer's lots whose bid deadline falls on or after `since`: (deadline, amount), for
    // the customer page's spending by month.
    std::vector<std::pair<Instant, std::int64_t>> CustomerLotAmounts(const std::string& customer_bin, Instant since);

private:
    Database& db_;
};

}  // namespace zakupai::store
