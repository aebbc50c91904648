#include "notify/sender.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <unordered_set>

#include "notify/bot.hpp"
#include "notify/telegram_text.hpp"

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

namespace {

// A digest's parts stay under Telegram's limit with room for the header.
constexpr std::size_t kDigestBudget = kMaxMessageCharacters - 200;

}  // namespace

std::optional<OutboxSender::Call> OutboxSender::Prepare(const store::OutboxMessage& message,
                                                        std::unordered_set<std::int64_t>& taken,
                                                        Instant now) {
    Call call{message.method, "", {message.id}, message.attempts};
    if (message.method == "digest") {
        // Every entry of the chat's digest that is due, in one message (more go in the next).
        const auto chat = repository_.FindChat(message.chat_id);
        const bool kz = chat && chat->language == "kz";
        std::string text;
        int count = 0;
        call.ids.clear();
        for (const auto& entry : repository_.DueDigest(message.chat_id, now)) {
            boost::system::error_code ec;
            const json::value body = json::parse(entry.payload, ec);
            const auto* entry_text = ec || !body.is_object() ? nullptr : body.get_object().if_contains("text");
            const std::string piece =
                entry_text != nullptr && entry_text->is_string() ? std::string(entry_text->get_string()) : "";
            if (count > 0 && TelegramLength(text) + TelegramLength(piece) + 2 > kDigestBudget) {
                break;
            }
            text += (count == 0 ? "" : "\n\n") + piece;
            ++count;
            call.ids.push_back(entry.id);
            taken.insert(entry.id);
        }
        if (call.ids.empty()) {
            return std::nullopt;
        }
        const std::string header = fmt::format(fmt::runtime(kz ? "📬 <b>Күнделікті жинақ</b>: {} хабарлама\n\n"
                                                               : "📬 <b>Сводка за день</b>: {} уведомл.\n\n"),
                                               count);
        call.method = "sendMessage";
        call.body = MessageBody(message.chat_id, header + text);
        return call;
    }
    // The row's chat id wins over the stored body's: the chat may have moved since.
    boost::system::error_code ec;
    json::value body = json::parse(message.payload, ec);
    if (ec || !body.is_object()) {
        return std::nullopt;
    }
    if (message.method != "answerCallbackQuery") {
        body.get_object()["chat_id"] = message.chat_id;
    }
    call.body = json::serialize(body);
    return call;
}

SendPass OutboxSender::RunOnce(int limit) {
    SendPass pass;
    Instant now = clock_.Now();
    std::unordered_set<std::int64_t> held;   // chats that got a 429 in this pass
    std::unordered_set<std::int64_t> taken;  // digest entries sent with an earlier one
    for (auto& message : repository_.DueMessages(now, limit)) {
        if (taken.contains(message.id)) {
            continue;
        }
        if (held.contains(message.chat_id) || !pacer_.TryAcquire(message.chat_id, now)) {
            ++pass.deferred;
            continue;
        }
        const auto call = Prepare(message, taken, now);
        if (!call) {
            repository_.MarkFailed(message.id, "unreadable payload", now);
            ++pass.failed;
            continue;
        }
        const BotReply reply = api_.Call(call->method, call->body);
        now = clock_.Now();
        if (reply.ok) {
            for (const auto id : call->ids) {
                repository_.MarkSent(id, now);
            }
            pass.sent += static_cast<int>(call->ids.size());
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
        } else if (reply.Outage() && call->attempts + 1 < kMaxAttempts) {
            const auto wait = std::chrono::seconds(std::min(600, 1 << std::min(call->attempts, 9)));
            for (const auto id : call->ids) {
                repository_.Postpone(id, now + wait, reply.description);
            }
            ++pass.deferred;
            continue;
        } else {
            spdlog::warn(
                "telegram: {} to {} failed: {} {}", call->method, message.chat_id, reply.error_code, reply.description);
        }
        for (const auto id : call->ids) {
            repository_.MarkFailed(id, std::to_string(reply.error_code) + " " + reply.description, now);
        }
        pass.failed += static_cast<int>(call->ids.size());
    }
    return pass;
}

}  // namespace zakupai::notify
