#pragma once
// What the Telegram bot and the alerts keep: the chats that talk to the bot, the updates
// received (kept before they are handled, so neither a restart nor a repeated webhook call loses
// or repeats one), the subscriptions, the outbox (every message is written before it is sent,
// once per de-duplication key) and the bot's own cursors.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "store/database.hpp"

namespace zakupai::store {

struct ChatRecord {
    std::int64_t chat_id = 0;
    std::int64_t user_tg_id = 0;
    std::string chat_type;  // private | group | supergroup | channel
    std::string language;   // ru | kz
    std::int64_t key_id = 0;
    bool blocked = false;
    // Minutes of the day in Asia/Almaty; -1 when not set.
    int quiet_from = -1;
    int quiet_to = -1;
    int digest_at = -1;
};

struct PendingUpdate {
    std::int64_t update_id = 0;
    std::string payload;  // the update as Telegram sent it
};

struct SubscriptionRecord {
    std::int64_t id = 0;
    std::int64_t chat_id = 0;
    std::string kind;    // words | lot | customer | supplier
    std::string target;  // the words (with -exclusions), a lot id or a BIN
    bool paused = false;
    std::string last_state;  // a lot's "status|price" as last alerted; words: the last lot id before it
    std::string language;    // the chat's
    bool chat_blocked = false;
    int quiet_from = -1;  // the chat's, minutes of the day in Asia/Almaty
    int quiet_to = -1;
    int digest_at = -1;
};

// A watched lot whose bid deadline is near.
struct ClosingLot {
    SubscriptionRecord subscription;
    std::int64_t lot_id = 0;
    std::string title;
    Instant deadline;
};

struct OutboxMessage {
    std::int64_t id = 0;
    std::string dedup_key;  // one message per key, ever
    std::int64_t chat_id = 0;
    std::string method;   // sendMessage | answerCallbackQuery
    std::string payload;  // the Bot API call's JSON body, chat_id included
    int attempts = 0;
    std::optional<Instant> due;  // not before (quiet hours, a digest's time); now when unset
};

struct OutboxCounts {
    std::int64_t pending = 0;
    std::int64_t sent = 0;
    std::int64_t failed = 0;
};

class NotifyRepository {
public:
    explicit NotifyRepository(Database& db) : db_(db) {}

    std::optional<ChatRecord> FindChat(std::int64_t chat_id);
    // Creates the chat or updates its user, type and language (the key only when given).
    void SaveChat(const ChatRecord& chat, Instant now);
    void SetChatLanguage(std::int64_t chat_id, const std::string& language, Instant now);
    void SetChatQuiet(std::int64_t chat_id, int from_minute, int to_minute, Instant now);
    void SetChatDigest(std::int64_t chat_id, int minute, Instant now);
    // A chat that blocked the bot: nothing more is sent until it writes again.
    void SetChatBlocked(std::int64_t chat_id, bool blocked, Instant now);
    // A group that became a supergroup: its subscriptions and pending messages follow it.
    void MoveChat(std::int64_t from_chat_id, std::int64_t to_chat_id, Instant now);

    // Stores updates not seen before and, in the same transaction, the polling offset (when
    // given). Returns how many were new.
    int KeepUpdates(const std::vector<PendingUpdate>& updates, std::optional<std::int64_t> next_offset, Instant now);
    std::vector<PendingUpdate> PendingUpdates(int limit);
    void MarkUpdateHandled(std::int64_t update_id, Instant now);
    std::int64_t PruneHandledUpdates(Instant before);

    std::optional<std::string> State(const std::string& name);
    void SetState(const std::string& name, const std::string& value);

    // 0 when the chat already has this subscription.
    std::int64_t Subscribe(std::int64_t chat_id, const std::string& kind, const std::string& target, Instant now);
    std::vector<SubscriptionRecord> Subscriptions(std::int64_t chat_id);
    std::int64_t CountSubscriptions(std::int64_t chat_id);
    // Active subscriptions of chats that have not blocked the bot, of one kind (and target).
    std::vector<SubscriptionRecord> ActiveSubscriptions(const std::string& kind, const std::string& target = "");
    // False when the subscription is not this chat's.
    bool SetSubscriptionPaused(std::int64_t chat_id, std::int64_t id, bool paused);
    bool RemoveSubscription(std::int64_t chat_id, std::int64_t id);
    void SetSubscriptionState(std::int64_t id, const std::string& last_state);
    // Lots watched by an active subscription whose deadline falls in [from, to).
    std::vector<ClosingLot> WatchedLotsClosing(Instant from, Instant to);

    // False when a message with this key was enqueued before (sent or not).
    bool Enqueue(const OutboxMessage& message, Instant now);
    // Several at once, in one transaction (a fan-out): returns how many were new.
    int EnqueueAll(const std::vector<OutboxMessage>& messages, Instant now);
    // Pending messages due by `now`, oldest first.
    std::vector<OutboxMessage> DueMessages(Instant now, int limit);
    // A chat's pending digest entries due by `now`, oldest first.
    std::vector<OutboxMessage> DueDigest(std::int64_t chat_id, Instant now);
    void MarkSent(std::int64_t id, Instant now);
    void Postpone(std::int64_t id, Instant due, const std::string& error);
    void MarkFailed(std::int64_t id, const std::string& error, Instant now);
    // Pending messages of a chat wait until `due` (Telegram's retry_after for that chat).
    void PostponeChat(std::int64_t chat_id, Instant due);
    OutboxCounts CountOutbox();

    // The highest lot id stored: lots above it are new to the alerts.
    std::int64_t MaxLotId();

private:
    Database& db_;
};

}  // namespace zakupai::store
