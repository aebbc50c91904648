#include "store/notify_repository.hpp"

#include <soci/soci.h>

#include "store/internal/row_reading.hpp"

namespace zakupai::store {

namespace {

// Runs a statement and returns how many rows it touched.
template <class... Uses>
long long Affected(soci::session& s, const std::string& sql, Uses&&... uses) {
    soci::statement st = ((s.prepare << sql), ..., std::forward<Uses>(uses));
    st.execute(true);
    return st.get_affected_rows();
}

SubscriptionRecord ReadSubscription(const soci::row& r) {
    SubscriptionRecord out;
    out.id = ToLong(r, 0);
    out.chat_id = ToLong(r, 1);
    out.kind = Text(r, 2);
    out.target = Text(r, 3);
    out.paused = ToLong(r, 4) != 0;
    out.last_state = Text(r, 5);
    out.language = Text(r, 6);
    out.chat_blocked = ToLong(r, 7) != 0;
    out.quiet_from = static_cast<int>(ToLong(r, 8));
    out.quiet_to = static_cast<int>(ToLong(r, 9));
    out.digest_at = static_cast<int>(ToLong(r, 10));
    return out;
}

OutboxMessage ReadMessage(const soci::row& r) {
    return {
        ToLong(r, 0), Text(r, 1), ToLong(r, 2), Text(r, 3), Text(r, 4), static_cast<int>(ToLong(r, 5)), std::nullopt};
}

constexpr const char* kSubscriptionColumns =
    "SELECT s.id, s.chat_id, s.kind, s.target, s.paused, s.last_state, c.language, c.blocked, c.quiet_from, "
    "c.quiet_to, c.digest_at FROM "
    "alert_subscriptions s JOIN telegram_chats c ON c.chat_id = s.chat_id ";

}  // namespace

std::optional<ChatRecord> NotifyRepository::FindChat(std::int64_t chat_id) {
    Database::Lease s(db_);
    const long long id = chat_id;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT chat_id, user_tg_id, chat_type, language, key_id, blocked, "
                       "quiet_from, quiet_to, digest_at FROM telegram_chats WHERE chat_id = :id",
         soci::use(id));
    for (const auto& r : rows) {
        return ChatRecord{ToLong(r, 0),
                          ToLong(r, 1),
                          Text(r, 2),
                          Text(r, 3),
                          ToLong(r, 4),
                          ToLong(r, 5) != 0,
                          static_cast<int>(ToLong(r, 6)),
                          static_cast<int>(ToLong(r, 7)),
                          static_cast<int>(ToLong(r, 8))};
    }
    return std::nullopt;
}

void NotifyRepository::SaveChat(const ChatRecord& chat, Instant now) {
    Database::Lease s(db_);
    const long long id = chat.chat_id;
    const long long user = chat.user_tg_id;
    const long long key = chat.key_id;
    const std::string ts = FormatUtcTimestamp(now);
    // A chat that writes again has unblocked the bot.
    *s << "INSERT INTO telegram_chats (chat_id, user_tg_id, chat_type, language, key_id, blocked, created_at, "
          "updated_at) VALUES (:id, :u, :t, :l, :k, 0, :c, :c2) ON CONFLICT (chat_id) DO UPDATE SET user_tg_id = "
          "excluded.user_tg_id, chat_type = excluded.chat_type, blocked = 0, updated_at = excluded.updated_at, key_id "
          "= CASE WHEN excluded.key_id > 0 THEN excluded.key_id ELSE telegram_chats.key_id END",
        soci::use(id), soci::use(user), soci::use(chat.chat_type), soci::use(chat.language), soci::use(key),
        soci::use(ts), soci::use(ts);
}

void NotifyRepository::SetChatLanguage(std::int64_t chat_id, const std::string& language, Instant now) {
    Database::Lease s(db_);
    const long long id = chat_id;
    const std::string ts = FormatUtcTimestamp(now);
    *s << "UPDATE telegram_chats SET language = :l, updated_at = :u WHERE chat_id = :id", soci::use(language),
        soci::use(ts), soci::use(id);
}

void NotifyRepository::SetChatQuiet(std::int64_t chat_id, int from_minute, int to_minute, Instant now) {
    Database::Lease s(db_);
    const long long id = chat_id;
    const std::string ts = FormatUtcTimestamp(now);
    *s << "UPDATE telegram_chats SET quiet_from = :f, quiet_to = :t, updated_at = :u WHERE chat_id = :id",
        soci::use(from_minute), soci::use(to_minute), soci::use(ts), soci::use(id);
}

void NotifyRepository::SetChatDigest(std::int64_t chat_id, int minute, Instant now) {
    Database::Lease s(db_);
    const long long id = chat_id;
    const std::string ts = FormatUtcTimestamp(now);
    *s << "UPDATE telegram_chats SET digest_at = :d, updated_at = :u WHERE chat_id = :id", soci::use(minute),
        soci::use(ts), soci::use(id);
}

void NotifyRepository::SetChatBlocked(std::int64_t chat_id, bool blocked, Instant now) {
    Database::Lease s(db_);
    const long long id = chat_id;
    const int flag = blocked ? 1 : 0;
    const std::string ts = FormatUtcTimestamp(now);
    *s << "UPDATE telegram_chats SET blocked = :b, updated_at = :u WHERE chat_id = :id", soci::use(flag), soci::use(ts),
        soci::use(id);
}

void NotifyRepository::MoveChat(std::int64_t from_chat_id, std::int64_t to_chat_id, Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const long long from = from_chat_id;
    const long long to = to_chat_id;
    const std::string ts = FormatUtcTimestamp(now);
    *s << "INSERT INTO telegram_chats (chat_id, user_tg_id, chat_type, language, key_id, blocked, created_at, "
          "updated_at) SELECT :to, user_tg_id, 'supergroup', language, key_id, 0, created_at, :u FROM telegram_chats "
          "WHERE chat_id = :from ON CONFLICT (chat_id) DO NOTHING",
        soci::use(to), soci::use(ts), soci::use(from);
    // A subscription the new chat already has stays once.
    *s << "DELETE FROM alert_subscriptions WHERE chat_id = :from AND EXISTS (SELECT 1 FROM alert_subscriptions n "
          "WHERE n.chat_id = :to AND n.kind = alert_subscriptions.kind AND n.target = alert_subscriptions.target)",
        soci::use(from), soci::use(to);
    *s << "UPDATE alert_subscriptions SET chat_id = :to WHERE chat_id = :from", soci::use(to), soci::use(from);
    *s << "UPDATE telegram_outbox SET chat_id = :to WHERE chat_id = :from AND status = 'pending'", soci::use(to),
        soci::use(from);
    *s << "DELETE FROM telegram_chats WHERE chat_id = :from", soci::use(from);
    tx.Commit();
}

int NotifyRepository::KeepUpdates(const std::vector<PendingUpdate>& updates,
                                  std::optional<std::int64_t> next_offset,
                                  Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    int added = 0;
    for (const auto& u : updates) {
        const long long id = u.update_id;
        added +=
            static_cast<int>(Affected(*s,
                                      "INSERT INTO telegram_updates (update_id, payload, received_at) VALUES (:id, "
                                      ":p, :r) ON CONFLICT (update_id) DO NOTHING",
                                      soci::use(id),
                                      soci::use(u.payload),
                                      soci::use(ts)));
    }
    if (next_offset) {
        const std::string value = std::to_string(*next_offset);
        *s << "INSERT INTO bot_state (name, value) VALUES ('polling_offset', :v) ON CONFLICT (name) DO UPDATE SET "
              "value = excluded.value",
            soci::use(value);
    }
    tx.Commit();
    return added;
}

std::vector<PendingUpdate> NotifyRepository::PendingUpdates(int limit) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows = (s->prepare << "SELECT update_id, payload FROM telegram_updates WHERE handled_at IS "
                                                  "NULL ORDER BY update_id LIMIT :n",
                                    soci::use(limit));
    std::vector<PendingUpdate> out;
    for (const auto& r : rows) {
        out.push_back({ToLong(r, 0), Text(r, 1)});
    }
    return out;
}

void NotifyRepository::MarkUpdateHandled(std::int64_t update_id, Instant now) {
    Database::Lease s(db_);
    const long long id = update_id;
    const std::string ts = FormatUtcTimestamp(now);
    *s << "UPDATE telegram_updates SET handled_at = :h WHERE update_id = :id", soci::use(ts), soci::use(id);
}

std::int64_t NotifyRepository::PruneHandledUpdates(Instant before) {
    Database::Lease s(db_);
    const std::string cutoff = FormatUtcTimestamp(before);
    // The newest handled update stays: a webhook repeat of it is still recognised.
    return Affected(*s,
                    "DELETE FROM telegram_updates WHERE handled_at IS NOT NULL AND handled_at < :c AND update_id < "
                    "(SELECT MAX(update_id) FROM telegram_updates)",
                    soci::use(cutoff));
}

std::optional<std::string> NotifyRepository::State(const std::string& name) {
    Database::Lease s(db_);
    soci::rowset<std::string> rows = (s->prepare << "SELECT value FROM bot_state WHERE name = :n", soci::use(name));
    for (const auto& value : rows) {
        return value;
    }
    return std::nullopt;
}

void NotifyRepository::SetState(const std::string& name, const std::string& value) {
    Database::Lease s(db_);
    *s << "INSERT INTO bot_state (name, value) VALUES (:n, :v) ON CONFLICT (name) DO UPDATE SET value = "
          "excluded.value",
        soci::use(name), soci::use(value);
}

std::int64_t NotifyRepository::Subscribe(std::int64_t chat_id,
                                         const std::string& kind,
                                         const std::string& target,
                                         Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const long long chat = chat_id;
    const std::string ts = FormatUtcTimestamp(now);
    if (Affected(*s,
                 "INSERT INTO alert_subscriptions (chat_id, kind, target, paused, created_at) VALUES (:c, :k, :t, 0, "
                 ":ts) ON CONFLICT (chat_id, kind, target) DO NOTHING",
                 soci::use(chat),
                 soci::use(kind),
                 soci::use(target),
                 soci::use(ts)) == 0) {
        return 0;
    }
    long long id = 0;
    *s << "SELECT id FROM alert_subscriptions WHERE chat_id = :c AND kind = :k AND target = :t", soci::use(chat),
        soci::use(kind), soci::use(target), soci::into(id);
    tx.Commit();
    return id;
}

std::vector<SubscriptionRecord> NotifyRepository::Subscriptions(std::int64_t chat_id) {
    Database::Lease s(db_);
    const long long chat = chat_id;
    soci::rowset<soci::row> rows =
        (s->prepare << std::string(kSubscriptionColumns) + "WHERE s.chat_id = :c ORDER BY s.id", soci::use(chat));
    std::vector<SubscriptionRecord> out;
    for (const auto& r : rows) {
        out.push_back(ReadSubscription(r));
    }
    return out;
}

std::int64_t NotifyRepository::CountSubscriptions(std::int64_t chat_id) {
    Database::Lease s(db_);
    const long long chat = chat_id;
    long long count = 0;
    *s << "SELECT COUNT(*) FROM alert_subscriptions WHERE chat_id = :c", soci::use(chat), soci::into(count);
    return count;
}

std::vector<SubscriptionRecord> NotifyRepository::ActiveSubscriptions(const std::string& kind,
                                                                      const std::string& target) {
    Database::Lease s(db_);
    std::string sql = std::string(kSubscriptionColumns) + "WHERE s.kind = :k AND s.paused = 0 AND c.blocked = 0";
    soci::rowset<soci::row> rows =
        target.empty() ? (s->prepare << sql + " ORDER BY s.id", soci::use(kind))
                       : (s->prepare << sql + " AND s.target = :t ORDER BY s.id", soci::use(kind), soci::use(target));
    std::vector<SubscriptionRecord> out;
    for (const auto& r : rows) {
        out.push_back(ReadSubscription(r));
    }
    return out;
}

bool NotifyRepository::SetSubscriptionPaused(std::int64_t chat_id, std::int64_t id, bool paused) {
    Database::Lease s(db_);
    const long long chat = chat_id;
    const long long sub = id;
    const int flag = paused ? 1 : 0;
    return Affected(*s,
                    "UPDATE alert_subscriptions SET paused = :p WHERE id = :id AND chat_id = :c",
                    soci::use(flag),
                    soci::use(sub),
                    soci::use(chat)) > 0;
}

bool NotifyRepository::RemoveSubscription(std::int64_t chat_id, std::int64_t id) {
    Database::Lease s(db_);
    const long long chat = chat_id;
    const long long sub = id;
    return Affected(
               *s, "DELETE FROM alert_subscriptions WHERE id = :id AND chat_id = :c", soci::use(sub), soci::use(chat)) >
           0;
}

void NotifyRepository::SetSubscriptionState(std::int64_t id, const std::string& last_state) {
    Database::Lease s(db_);
    const long long sub = id;
    *s << "UPDATE alert_subscriptions SET last_state = :s WHERE id = :id", soci::use(last_state), soci::use(sub);
}

std::vector<ClosingLot> NotifyRepository::WatchedLotsClosing(Instant from, Instant to) {
    Database::Lease s(db_);
    const std::string a = FormatUtcTimestamp(from);
    const std::string b = FormatUtcTimestamp(to);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT s.id, s.chat_id, s.kind, s.target, s.paused, s.last_state, c.language, c.blocked, "
                       "c.quiet_from, c.quiet_to, c.digest_at, l.id, l.title, l.deadline FROM alert_subscriptions s "
                       "JOIN telegram_chats c ON c.chat_id = s.chat_id JOIN lots l ON l.id = CAST(s.target AS BIGINT) "
                       "WHERE s.kind = 'lot' AND s.paused = 0 AND c.blocked = 0 AND l.deadline >= :a AND l.deadline < "
                       ":b ORDER BY s.id",
         soci::use(a),
         soci::use(b));
    std::vector<ClosingLot> out;
    for (const auto& r : rows) {
        if (const auto deadline = ParseStoredInstant(TimestampText(r, 13))) {
            out.push_back({ReadSubscription(r), ToLong(r, 11), Text(r, 12), *deadline});
        }
    }
    return out;
}

namespace {

long long InsertMessage(soci::session& s, const OutboxMessage& m, const std::string& ts) {
    const long long chat = m.chat_id;
    const std::string due = m.due ? FormatUtcTimestamp(*m.due) : ts;
    return Affected(s,
                    "INSERT INTO telegram_outbox (dedup_key, chat_id, method, payload, created_at, due_at, attempts, "
                    "status) VALUES (:k, :c, :m, :p, :ts, :due, 0, 'pending') ON CONFLICT (dedup_key) DO NOTHING",
                    soci::use(m.dedup_key),
                    soci::use(chat),
                    soci::use(m.method),
                    soci::use(m.payload),
                    soci::use(ts),
                    soci::use(due));
}

}  // namespace

bool NotifyRepository::Enqueue(const OutboxMessage& message, Instant now) {
    Database::Lease s(db_);
    return InsertMessage(*s, message, FormatUtcTimestamp(now)) > 0;
}

int NotifyRepository::EnqueueAll(const std::vector<OutboxMessage>& messages, Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    int added = 0;
    for (const auto& m : messages) {
        added += static_cast<int>(InsertMessage(*s, m, ts));
    }
    tx.Commit();
    return added;
}

std::vector<OutboxMessage> NotifyRepository::DueMessages(Instant now, int limit) {
    Database::Lease s(db_);
    const std::string ts = FormatUtcTimestamp(now);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, dedup_key, chat_id, method, payload, attempts FROM telegram_outbox WHERE status = "
                       "'pending' AND due_at <= :now ORDER BY id LIMIT :n",
         soci::use(ts),
         soci::use(limit));
    std::vector<OutboxMessage> out;
    for (const auto& r : rows) {
        out.push_back(ReadMessage(r));
    }
    return out;
}

std::vector<OutboxMessage> NotifyRepository::DueDigest(std::int64_t chat_id, Instant now) {
    Database::Lease s(db_);
    const long long chat = chat_id;
    const std::string ts = FormatUtcTimestamp(now);
    soci::rowset<soci::row> rows =
        (s->prepare
             << "SELECT id, dedup_key, chat_id, method, payload, attempts FROM telegram_outbox WHERE chat_id = :c "
                "AND method = 'digest' AND status = 'pending' AND due_at <= :now ORDER BY id",
         soci::use(chat),
         soci::use(ts));
    std::vector<OutboxMessage> out;
    for (const auto& r : rows) {
        out.push_back(ReadMessage(r));
    }
    return out;
}

void NotifyRepository::MarkSent(std::int64_t id, Instant now) {
    Database::Lease s(db_);
    const long long message = id;
    const std::string ts = FormatUtcTimestamp(now);
    *s << "UPDATE telegram_outbox SET status = 'sent', sent_at = :t, attempts = attempts + 1 WHERE id = :id",
        soci::use(ts), soci::use(message);
}

void NotifyRepository::Postpone(std::int64_t id, Instant due, const std::string& error) {
    Database::Lease s(db_);
    const long long message = id;
    const std::string ts = FormatUtcTimestamp(due);
    *s << "UPDATE telegram_outbox SET due_at = :d, attempts = attempts + 1, last_error = :e WHERE id = :id",
        soci::use(ts), soci::use(error), soci::use(message);
}

void NotifyRepository::MarkFailed(std::int64_t id, const std::string& error, Instant now) {
    Database::Lease s(db_);
    const long long message = id;
    const std::string ts = FormatUtcTimestamp(now);
    *s << "UPDATE telegram_outbox SET status = 'failed', attempts = attempts + 1, last_error = :e, sent_at = :t "
          "WHERE id = :id",
        soci::use(error), soci::use(ts), soci::use(message);
}

void NotifyRepository::PostponeChat(std::int64_t chat_id, Instant due) {
    Database::Lease s(db_);
    const long long chat = chat_id;
    const std::string ts = FormatUtcTimestamp(due);
    *s << "UPDATE telegram_outbox SET due_at = :d WHERE chat_id = :c AND status = 'pending' AND due_at < :d2",
        soci::use(ts), soci::use(chat), soci::use(ts);
}

OutboxCounts NotifyRepository::CountOutbox() {
    Database::Lease s(db_);
    OutboxCounts counts;
    soci::rowset<soci::row> rows = (s->prepare << "SELECT status, COUNT(*) FROM telegram_outbox GROUP BY status");
    for (const auto& r : rows) {
        const auto status = Text(r, 0);
        const auto n = ToLong(r, 1);
        (status == "pending" ? counts.pending : status == "sent" ? counts.sent : counts.failed) += n;
    }
    return counts;
}

std::int64_t NotifyRepository::MaxLotId() {
    Database::Lease s(db_);
    long long id = 0;
    soci::indicator ind = soci::i_null;
    *s << "SELECT MAX(id) FROM lots", soci::into(id, ind);
    return ind == soci::i_ok ? id : 0;
}

}  // namespace zakupai::store
