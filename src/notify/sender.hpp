#pragma once
// The one sender of the outbox, keeping Telegram's limits: about one message a second to a
// chat, 30 a second in all, 20 a minute to a group. A 429 waits its retry_after; a 403 (the
// user blocked the bot) pauses the chat's alerts; a group that became a supergroup is followed;
// an outage is retried with growing waits and given up after kMaxAttempts.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/time.hpp"
#include "notify/bot_api.hpp"
#include "store/notify_repository.hpp"

namespace zakupai::notify {

inline constexpr int kMaxAttempts = 10;

struct SendLimits {
    std::chrono::milliseconds per_chat_gap{1000};
    int per_second = 30;
    int per_group_minute = 20;
};

// Decides whether a message may go now; pure bookkeeping, no I/O.
class SendPacer {
public:
    explicit SendPacer(SendLimits limits = {}) : limits_(limits) {}
    // True, and counts the message, when sending to `chat_id` at `now` keeps every limit.
    bool TryAcquire(std::int64_t chat_id, Instant now);
    // Nothing is sent before `until` (a 429 without a chat to blame).
    void HoldAll(Instant until) { hold_until_ = std::max(hold_until_, until); }

private:
    SendLimits limits_;
    Instant hold_until_{};
    std::unordered_map<std::int64_t, Instant> last_to_chat_;
    std::deque<Instant> last_second_;
    std::unordered_map<std::int64_t, std::deque<Instant>> group_minute_;
};

struct SendPass {
    int sent = 0;
    int deferred = 0;  // due but held back by a limit
    int failed = 0;
};

class OutboxSender {
public:
    OutboxSender(store::NotifyRepository& repository, BotApi& api, const Clock& clock, SendLimits limits = {})
        : repository_(repository), api_(api), clock_(clock), pacer_(limits) {}
    // Sends what is due and allowed now.
    SendPass RunOnce(int limit = 200);

private:
    // One Bot API call and the outbox rows it carries (a digest carries several).
    struct Call {
        std::string method;
        std::string body;
        std::vector<std::int64_t> ids;
        int attempts = 0;
    };
    // Nullopt when the stored row cannot be read (or a digest has nothing left to send).
    std::optional<Call> Prepare(const store::OutboxMessage& message,
                                std::unordered_set<std::int64_t>& taken,
                                Instant now);

    store::NotifyRepository& repository_;
    BotApi& api_;
    const Clock& clock_;
    SendPacer pacer_;
};

}  // namespace zakupai::notify
