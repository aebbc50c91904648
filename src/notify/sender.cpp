#include "notify/sender.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <unordered_set>

namespace zakupai::notify {

namespace json = boost::json;

bool SendPacer::TryAcquire(std::int64_t chat_id, Instant now) {
    if (now < hold_until_) {
        return false;
    }
    while (!last_second_.empty() && now - last_second_.front() >= std::chrono::seconds(1)) {
        last_second_.pop_front();
    }
    if (static_cast<int>(last_second_.size()) >= limits_.per_second) {
        return false;
    }
    if (auto it = last_to_chat_.find(chat_id); it != last_to_chat_.end() && now - it->second < limits_.per_chat_gap) {
        return false;
    }
    // Group and supergroup chat ids are negative.
    std::deque<Instant>* group = nullptr;
    if (chat_id < 0) {
        group = &group_minute_[chat_id];
        while (!group->empty() && now - group->front() >= std::chrono::minutes(1)) {
            group->pop_front();
        }
        if (static_cast<int>(group->size()) >= limits_.per_group_minute) {
            return false;
        }
        group->push_back(now);
    }
    last_second_.push_back(now);
    last_to_chat_[chat_id] = now;
    if (last_to_chat_.size() > 100'000) {
        std::erase_if(last_to_chat_, [&](const auto& e) { return now - e.second >= limits_.per_chat_gap; });
    }
    return true;
}

SendPass OutboxSender::RunOnce(int limit) {
    SendPass pass;
    Instant now = clock_.Now();
    std::unordered_set<std::int64_t> held;  // chats that got a 429 in this pass
    for (auto& message : repository_.DueMessages(now, limit)) {
        if (held.contains(message.chat_id) || !pacer_.TryAcquire(message.chat_id, now)) {
            ++pass.deferred;
            continue;
        }
        // The row's chat id wins over the stored body's: the chat may have moved since.
        boost::system::error_code ec;
        json::value body = json::parse(message.payload, ec);
        if (ec || !body.is_object()) {
            repository_.MarkFailed(message.id, "unreadable payload", now);
            ++pass.failed;
            continue;
        }
        if (message.method != "answerCallbackQuery") {
            body.get_object()["chat_id"] = message.chat_id;
        }
        const BotReply reply = api_.Call(message.method, json::serialize(body));
        now = clock_.Now();
        if (reply.ok) {
            repository_.MarkSent(message.id, now);
            ++pass.sent;
            continue;
        }
        if (reply.error_code == 429) {
            const auto wait = std::chrono::seconds(reply.retry_after.value_or(1));
            repository_.PostponeChat(message.chat_id, now + wait);
            pacer_.HoldAll(now + wait);
            held.insert(message.chat_id);
            ++pass.deferred;
            spdlog::warn("telegram: 429, waiting {} s", wait.count());
            break;
        }
        if (reply.migrate_to_chat_id) {
            spdlog::info("telegram: chat {} moved to {}", message.chat_id, *reply.migrate_to_chat_id);
            repository_.MoveChat(message.chat_id, *reply.migrate_to_chat_id, now);
            ++pass.deferred;
            continue;
        }
        if (reply.Blocked()) {
            // The user blocked the bot (or it left the group): its alerts pause until it writes again.
            repository_.SetChatBlocked(message.chat_id, true, now);
            repository_.MarkFailed(message.id, reply.description, now);
            ++pass.failed;
            continue;
        }
        if (reply.Outage() && message.attempts + 1 < kMaxAttempts) {
            const auto wait = std::chrono::seconds(std::min(600, 1 << std::min(message.attempts, 9)));
            repository_.Postpone(message.id, now + wait, reply.description);
            ++pass.deferred;
            continue;
        }
        spdlog::warn(
            "telegram: {} to {} failed: {} {}", message.method, message.chat_id, reply.error_code, reply.description);
        repository_.MarkFailed(message.id, std::to_string(reply.error_code) + " " + reply.description, now);
        ++pass.failed;
    }
    return pass;
}

}  // namespace zakupai::notify
