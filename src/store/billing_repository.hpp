#pragma once
// Users, API keys (hashes only), usage counts and payments.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "core/vocabulary.hpp"
#include "store/database.hpp"

namespace zakupai::store {

struct UserRecord {
    std::int64_t id = 0;
    std::optional<std::int64_t> tg_id;
    std::string email;
    Plan plan = Plan::kFree;
    std::string status;
    std::string created_at;
};

struct KeyRecord {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string name;
    std::string prefix;
    Plan plan = Plan::kFree;
    std::string status;       // active | revoked
    std::string user_status;  // active | blocked
    std::optional<std::int64_t> tg_id;
    std::optional<Instant> expires_at;
    std::string created_at;
};

struct PaymentRecord {
    std::int64_t user_id = 0;
    std::int64_t amount_tiyn = 0;
    Plan plan = Plan::kFree;
    std::int64_t period_days = 30;
    std::string method;
    std::string external_id;
};

class BillingRepository {
public:
    explicit BillingRepository(Database& db) : db_(db) {}

    // The user with this Telegram id, created if absent; email is stored when given.
    UserRecord EnsureUser(std::optional<std::int64_t> tg_id, const std::string& email, Plan plan, Instant now);
    std::optional<UserRecord> FindUserByTg(std::int64_t tg_id);
    std::optional<UserRecord> FindUser(std::int64_t user_id);

    std::int64_t InsertKey(std::int64_t user_id,
                           const std::string& name,
                           const std::string& prefix,
                           const std::string& hash,
                           Plan plan,
                           std::optional<Instant> expires_at,
                           Instant now);
    // Keys by plan and status (active | revoked), for the operators' dashboards.
    struct KeyCount {
        std::string plan;
        std::string status;
        std::int64_t keys = 0;
    };
    std::vector<KeyCount> CountKeys();
    std::optional<KeyRecord> FindKeyByHash(const std::string& hash);
    std::optional<KeyRecord> FindKey(std::int64_t key_id);
    std::vector<KeyRecord> KeysOfUser(std::int64_t user_id);
    bool RevokeKey(std::int64_t key_id, Instant now);
    // Grows whenever a key is revoked or a user's plan changes, whichever process did it: a
    // server's key cache compares it (one indexed MAX) instead of waiting out its entries.
    std::int64_t KeyChangesVersion();

    // Requests counted for the key since `since` (inclusive), from the usage table.
    // A key's requests since `since` counted by one instance (its own, after a restart).
    std::int64_t UsageSince(std::int64_t key_id, Instant since, const std::string& instance);
    // Every key's requests since `since` counted by the other instances, per hour window.
    struct HourUsage {
        std::int64_t key_id = 0;
        Instant window_start{};
        std::int64_t requests = 0;
    };
    std::vector<HourUsage> OtherInstancesUsage(const std::string& instance, Instant since);
    std::int64_t UserUsageSince(std::int64_t user_id, std::optional<Instant> since);

    // Records the payment and moves the user and its active keys to the plan, atomically.
    // A repeated external_id is a no-op returning false (payment webhooks are retried).
    bool RecordPayment(const PaymentRecord& payment, Instant now);

private:
    Database& db_;
};

}  // namespace zakupai::store
