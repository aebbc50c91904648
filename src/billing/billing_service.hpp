#pragma once
// Users, API keys, plans and quotas. Authentication is answered from a short-lived cache so the
// hot path does no SQL; a revocation or a plan change — through this service, the CLI or another
// server — reaches every process's cache within kKeyChangesCheckInterval (one indexed query a
// second per process, not per request).
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "billing/config.hpp"
#include "billing/quota.hpp"
#include "core/error.hpp"
#include "core/money.hpp"
#include "store/billing_repository.hpp"
#include "store/write_behind.hpp"

namespace zakupai::metrics {
class Registry;
}

namespace zakupai::billing {

inline constexpr std::chrono::seconds kCacheTtl{30};
inline constexpr std::chrono::seconds kKeyChangesCheckInterval{1};

struct Principal {
    std::int64_t key_id = 0;
    std::int64_t user_id = 0;
    Plan plan = Plan::kFree;
    std::optional<std::int64_t> tg_id;
};

struct CreatedKey {
    std::int64_t key_id = 0;
    std::int64_t user_id = 0;
    std::string api_key;  // shown once
    Plan plan = Plan::kFree;
    std::optional<Instant> expires_at;
};

struct KeyValidation {  // the original /billing/validate_key answer
    bool valid = false;
    Plan plan = Plan::kFree;
    std::int64_t remaining_requests = 0;  // -1 = unlimited
    std::string message;                  // empty = null
};

struct UserStats {
    store::UserRecord user;
    std::int64_t keys_total = 0;
    std::int64_t keys_active = 0;
    std::int64_t total_requests = 0;
    std::int64_t today_requests = 0;
    std::int64_t hour_requests = 0;
    PlanLimits limits;
};

struct PaymentRequest {
    std::int64_t tg_id = 0;
    Tiyn amount = 0;
    Plan plan = Plan::kPremium;
    std::int64_t period_days = 30;
    std::string method;
    std::string external_id;
};

class BillingService {
public:
    // `instance` names this process among several sharing the database (its usage rows).
    BillingService(store::BillingRepository& repository,
                   store::WriteBehind& recorder,
                   const Clock& clock,
                   std::map<Plan, PlanLimits> plans,
                   std::string instance = "");
    ~BillingService();
    BillingService(const BillingService&) = delete;
    BillingService& operator=(const BillingService&) = delete;

    // Reads what the other instances counted every `interval`, so hourly and daily quotas hold
    // across instances (serve starts it; a one-off command needs no other instances' counts).
    void StartSharingQuotas(std::chrono::milliseconds interval);
    void RefreshOtherInstancesUsage();

    const PlanLimits& Limits(Plan plan) const;

    Result<CreatedKey> CreateKey(std::optional<std::int64_t> tg_id,
                                 const std::string& email,
                                 Plan plan,
                                 const std::string& name,
                                 std::optional<Instant> expires_at);
    // api_keys{plan,status}: read from the table at scrape time, so every instance and the CLI's
    // keys count, and a restart loses nothing.
    void PublishMetrics(metrics::Registry& registry);
    // Makes sure a key given in configuration (ZAKUPAI_ADMIN_KEY) exists with the admin plan.
    void EnsureConfiguredKey(const std::string& raw_key, Plan plan);

    Result<Principal> Authenticate(std::string_view raw_key);
    // The key a web session acts for, held to the same rules as a presented key (revoked,
    // expired, blocked user). Not cached: a session's page does more work than this lookup.
    Result<Principal> AuthenticateKeyId(std::int64_t key_id);
    // The Telegram user's newest usable key, or a Free key issued now (as the bot's /start
    // does): how a Telegram login reaches the same user as the bot.
    Result<Principal> PrincipalOfTelegramUser(std::int64_t tg_id);
    // The user's keys as listings show them (prefixes only; the keys themselves are not kept).
    std::vector<store::KeyRecord> KeysOfUser(std::int64_t user_id) { return repository_.KeysOfUser(user_id); }
    // A new key for the principal's user, plan and expiry; the old one is revoked at once.
    Result<CreatedKey> RotateKey(const Principal& principal);
    // Counts one request of the principal against its plan; kQuotaExceeded with Retry-After when over.
    Result<QuotaDecision> Admit(const Principal& principal, std::string_view endpoint);

    KeyValidation ValidateKey(const std::string& raw_key);
    // Counts requests made through another channel (the bot). False when the key is unknown.
    Result<bool> RecordUsage(const std::string& raw_key, const std::string& endpoint, std::int64_t requests);
    Result<UserStats> Stats(std::int64_t tg_id);
    // Revokes a key; a non-admin may revoke only its own user's keys.
    Result<void> RevokeKey(std::int64_t key_id, const Principal& actor);
    Result<bool> RecordPayment(const PaymentRequest& payment);

private:
    struct CacheEntry {
        std::optional<store::KeyRecord> key;
        Instant fetched;
    };
    std::optional<store::KeyRecord> LookupKey(const std::string& hash);
    Result<Principal> Admissible(const std::optional<store::KeyRecord>& key) const;
    void Forget(std::int64_t key_id);
    // Clears the cache when api_key_changes grew since the last look (at most once a second).
    void NoticeKeyChanges(Instant now);

    store::BillingRepository& repository_;
    store::WriteBehind& recorder_;
    const Clock& clock_;
    std::map<Plan, PlanLimits> plans_;
    QuotaTracker quota_;
    std::mutex cache_mutex_;
    std::unordered_map<std::string, CacheEntry> cache_;
    Instant version_checked_at_{};
    std::int64_t key_changes_version_ = -1;
    std::string instance_;
    std::jthread sharing_;
};

}  // namespace zakupai::billing
