#include "billing/billing_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <condition_variable>

#include "billing/internal/keys.hpp"
#include "metrics/metrics.hpp"

namespace zakupai::billing {

namespace {
constexpr std::size_t kMaxCacheEntries = 100'000;

Error Unauthenticated(std::string message) {
    return Error{ErrorCode::kUnauthenticated, std::move(message), {}};
}
}  // namespace

BillingService::BillingService(store::BillingRepository& repository,
                               store::WriteBehind& recorder,
                               const Clock& clock,
                               std::map<Plan, PlanLimits> plans,
                               std::string instance)
    : repository_(repository),
      recorder_(recorder),
      clock_(clock),
      plans_(std::move(plans)),
      quota_([this](std::int64_t key_id, Instant since) {
          // Queued usage must be on disk before it can be counted.
          recorder_.Flush();
          return repository_.UsageSince(key_id, since, instance_);
      }),
      instance_(std::move(instance)) {}

BillingService::~BillingService() {
    if (sharing_.joinable()) {
        sharing_.request_stop();
        sharing_.join();
    }
}

void BillingService::StartSharingQuotas(std::chrono::milliseconds interval) {
    RefreshOtherInstancesUsage();
    sharing_ = std::jthread([this, interval](const std::stop_token& stop) {
        std::mutex mutex;
        std::condition_variable_any wake;
        while (!stop.stop_requested()) {
            std::unique_lock lock(mutex);
            wake.wait_for(lock, stop, interval, [] { return false; });
            if (stop.stop_requested()) {
                break;
            }
            try {
                RefreshOtherInstancesUsage();
            } catch (const std::exception& e) {
                // The last picture stays; quotas lean on this instance's own counts meanwhile.
                spdlog::warn("billing: cannot read the other instances' usage: {}", e.what());
            }
        }
    });
}

void BillingService::RefreshOtherInstancesUsage() {
    const Instant now = clock_.Now();
    std::vector<QuotaTracker::OtherUsage> usage;
    for (const auto& u : repository_.OtherInstancesUsage(instance_, AlmatyStartOfDay(AlmatyDate(now)))) {
        usage.push_back({u.key_id, u.window_start, u.requests});
    }
    quota_.SetOthers(usage, now);
}

const PlanLimits& BillingService::Limits(Plan plan) const {
    static const PlanLimits kNone{};
    auto it = plans_.find(plan);
    return it == plans_.end() ? kNone : it->second;
}

Result<CreatedKey> BillingService::CreateKey(std::optional<std::int64_t> tg_id,
                                             const std::string& email,
                                             Plan plan,
                                             const std::string& name,
                                             std::optional<Instant> expires_at) {
    const Instant now = clock_.Now();
    store::UserRecord user = repository_.EnsureUser(tg_id, email, plan, now);
    // An existing user keeps its plan (it may have paid for premium) unless one is asked for.
    const Plan key_plan = tg_id && user.plan != plan && plan == Plan::kFree ? user.plan : plan;
    const std::string key = GenerateApiKey();
    const std::int64_t id =
        repository_.InsertKey(user.id, name, KeyPrefix(key), HashApiKey(key), key_plan, expires_at, now);
    return CreatedKey{id, user.id, key, key_plan, expires_at};
}

void BillingService::PublishMetrics(metrics::Registry& registry) {
    registry.AddGaugeCallback("api_keys", "API keys by plan and status (active, revoked).", [this] {
        std::vector<metrics::Sample> out;
        for (const auto& count : repository_.CountKeys()) {
            out.push_back(
                {fmt::format(
                     R"(plan="{}",status="{}")", metrics::EscapeLabel(count.plan), metrics::EscapeLabel(count.status)),
                 static_cast<double>(count.keys)});
        }
        return out;
    });
}

void BillingService::EnsureConfiguredKey(const std::string& raw_key, Plan plan) {
    const std::string hash = HashApiKey(raw_key);
    if (repository_.FindKeyByHash(hash)) {
        return;
    }
    const Instant now = clock_.Now();
    store::UserRecord user = repository_.EnsureUser(std::nullopt, "", plan, now);
    repository_.InsertKey(
        user.id, "configured " + std::string(Name(plan)) + " key", KeyPrefix(raw_key), hash, plan, std::nullopt, now);
}

void BillingService::NoticeKeyChanges(Instant now) {
    {
        std::lock_guard lock(cache_mutex_);
        if (now - version_checked_at_ < kKeyChangesCheckInterval) {
            return;
        }
        version_checked_at_ = now;  // the other threads skip this second's check
    }
    const auto version = repository_.KeyChangesVersion();
    std::lock_guard lock(cache_mutex_);
    if (version != key_changes_version_) {
        // A key revoked or a plan changed somewhere (the CLI, another server): forget them all;
        // the next requests read their keys afresh.
        key_changes_version_ = version;
        cache_.clear();
    }
}

std::optional<store::KeyRecord> BillingService::LookupKey(const std::string& hash) {
    const Instant now = clock_.Now();
    NoticeKeyChanges(now);
    {
        std::lock_guard lock(cache_mutex_);
        auto it = cache_.find(hash);
        if (it != cache_.end() && now - it->second.fetched < kCacheTtl) {
            return it->second.key;
        }
    }
    auto key = repository_.FindKeyByHash(hash);
    std::lock_guard lock(cache_mutex_);
    if (cache_.size() >= kMaxCacheEntries) {
        cache_.clear();
    }
    cache_[hash] = CacheEntry{key, now};
    return key;
}

void BillingService::Forget(std::int64_t key_id) {
    std::lock_guard lock(cache_mutex_);
    std::erase_if(cache_, [&](const auto& entry) { return entry.second.key && entry.second.key->id == key_id; });
}

Result<Principal> BillingService::Authenticate(std::string_view raw_key) {
    if (raw_key.empty()) {
        return Fail(Unauthenticated("missing API key: send it in the X-API-Key header"));
    }
    if (!LooksLikeApiKey(raw_key)) {
        return Fail(Unauthenticated("invalid API key"));
    }
    return Admissible(LookupKey(HashApiKey(raw_key)));
}

Result<Principal> BillingService::AuthenticateKeyId(std::int64_t key_id) {
    return Admissible(repository_.FindKey(key_id));
}

Result<Principal> BillingService::Admissible(const std::optional<store::KeyRecord>& key) const {
    if (!key) {
        return Fail(Unauthenticated("invalid API key"));
    }
    if (key->status != "active") {
        return Fail(Unauthenticated("API key has been revoked"));
    }
    if (key->user_status != "active") {
        return Fail(Unauthenticated("user account is not active"));
    }
    if (key->expires_at && *key->expires_at <= clock_.Now()) {
        return Fail(Unauthenticated("API key has expired"));
    }
    return Principal{key->id, key->user_id, key->plan, key->tg_id};
}

Result<Principal> BillingService::PrincipalOfTelegramUser(std::int64_t tg_id) {
    if (const auto user = repository_.FindUserByTg(tg_id)) {
        auto keys = repository_.KeysOfUser(user->id);
        for (auto key = keys.rbegin(); key != keys.rend(); ++key) {
            if (auto principal = Admissible(*key)) {
                return principal;
            }
        }
    }
    auto created = CreateKey(tg_id, "", Plan::kFree, "web login", std::nullopt);
    if (!created) {
        return Fail(created.error());
    }
    return Principal{created->key_id, created->user_id, created->plan, tg_id};
}

Result<CreatedKey> BillingService::RotateKey(const Principal& principal) {
    auto old = repository_.FindKey(principal.key_id);
    if (!old || old->status != "active") {
        return Fail(Unauthenticated("API key has been revoked"));
    }
    const Instant now = clock_.Now();
    const std::string key = GenerateApiKey();
    const std::string name = old->name.empty() ? "rotated key" : old->name;
    const std::int64_t id =
        repository_.InsertKey(old->user_id, name, KeyPrefix(key), HashApiKey(key), old->plan, old->expires_at, now);
    repository_.RevokeKey(old->id, now);
    Forget(old->id);
    return CreatedKey{id, old->user_id, key, old->plan, old->expires_at};
}

Result<QuotaDecision> BillingService::Admit(const Principal& principal, std::string_view endpoint) {
    const Instant now = clock_.Now();
    QuotaDecision decision = quota_.Consume(principal.key_id, Limits(principal.plan), now);
    if (!decision.allowed) {
        Error error{
            ErrorCode::kQuotaExceeded, decision.reason + " for the " + std::string(Name(principal.plan)) + " plan", {}};
        error.retry_after_seconds = decision.retry_after_seconds;
        return Fail(std::move(error));
    }
    recorder_.Add(
        store::UsageRow{principal.key_id, std::string(endpoint), 1, std::chrono::floor<std::chrono::hours>(now)});
    return decision;
}

KeyValidation BillingService::ValidateKey(const std::string& raw_key) {
    KeyValidation v;
    auto key = LooksLikeApiKey(raw_key) ? repository_.FindKeyByHash(HashApiKey(raw_key)) : std::nullopt;
    if (!key) {
        v.message = "Invalid API key";
        return v;
    }
    v.plan = key->plan;
    if (key->status != "active") {
        v.message = "API key is not active";
    } else if (key->user_status != "active") {
        v.message = "User account is not active";
    } else if (key->expires_at && *key->expires_at <= clock_.Now()) {
        v.message = "API key has expired";
    } else {
        const PlanLimits& limits = Limits(key->plan);
        const QuotaDecision peek = quota_.Peek(key->id, limits, clock_.Now());
        if (!peek.allowed) {
            v.message = peek.reason;
        } else {
            v.valid = true;
            v.remaining_requests = limits.per_day > 0 ? std::max<std::int64_t>(0, peek.remaining_today - 1) : -1;
        }
    }
    return v;
}

Result<bool> BillingService::RecordUsage(const std::string& raw_key,
                                         const std::string& endpoint,
                                         std::int64_t requests) {
    auto key = LooksLikeApiKey(raw_key) ? repository_.FindKeyByHash(HashApiKey(raw_key)) : std::nullopt;
    if (!key) {
        return false;
    }
    const Instant now = clock_.Now();
    // Usage reported by an integration counts even past the limit: it already happened.
    const PlanLimits unlimited{};
    (void)quota_.Consume(key->id, unlimited, now, requests);
    recorder_.Add(store::UsageRow{key->id, endpoint, requests, std::chrono::floor<std::chrono::hours>(now)});
    return true;
}

Result<UserStats> BillingService::Stats(std::int64_t tg_id) {
    auto user = repository_.FindUserByTg(tg_id);
    if (!user) {
        return Fail(Error::NotFound("User not found"));
    }
    recorder_.Flush();
    UserStats stats;
    stats.user = *user;
    for (const auto& key : repository_.KeysOfUser(user->id)) {
        ++stats.keys_total;
        if (key.status == "active") {
            ++stats.keys_active;
        }
    }
    const Instant now = clock_.Now();
    stats.total_requests = repository_.UserUsageSince(user->id, std::nullopt);
    stats.today_requests = repository_.UserUsageSince(user->id, AlmatyStartOfDay(AlmatyDate(now)));
    stats.hour_requests = repository_.UserUsageSince(user->id, std::chrono::floor<std::chrono::hours>(now));
    stats.limits = Limits(user->plan);
    return stats;
}

Result<void> BillingService::RevokeKey(std::int64_t key_id, const Principal& actor) {
    auto key = repository_.FindKey(key_id);
    if (!key || (actor.plan != Plan::kAdmin && key->user_id != actor.user_id)) {
        return Fail(Error::NotFound("API key " + std::to_string(key_id) + " not found"));
    }
    repository_.RevokeKey(key_id, clock_.Now());
    Forget(key_id);
    return {};
}

Result<bool> BillingService::RecordPayment(const PaymentRequest& payment) {
    auto user = repository_.FindUserByTg(payment.tg_id);
    if (!user) {
        return Fail(Error::NotFound("User not found"));
    }
    const bool recorded = repository_.RecordPayment(
        store::PaymentRecord{
            user->id, payment.amount, payment.plan, payment.period_days, payment.method, payment.external_id},
        clock_.Now());
    std::lock_guard lock(cache_mutex_);
    cache_.clear();  // plans changed for this user's keys
    return recorded;
}

}  // namespace zakupai::billing
