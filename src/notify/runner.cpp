#include "notify/runner.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <unordered_map>

namespace zakupai::notify {

void BotRunner::Start() {
    if (!config_.webhook()) {
        poller_ = std::jthread([this](const std::stop_token& stop) { Poll(stop); });
    }
    worker_ = std::jthread([this](const std::stop_token& stop) { Work(stop); });
    sender_thread_ = std::jthread([this](const std::stop_token& stop) { Send(stop); });
}

void BotRunner::Stop() {
    for (auto* t : {&poller_, &worker_, &sender_thread_}) {
        t->request_stop();
    }
    wake_.notify_all();
    for (auto* t : {&poller_, &worker_, &sender_thread_}) {
        if (t->joinable()) {
            t->join();
        }
    }
}

bool BotRunner::Accept(std::int64_t update_id, std::string payload) {
    const int added = repository_.KeepUpdates({{update_id, std::move(payload)}}, std::nullopt, clock_.Now());
    Raise(updates_waiting_);
    return added > 0;
}

void BotRunner::Raise(bool& flag) {
    {
        std::lock_guard lock(mutex_);
        flag = true;
    }
    wake_.notify_all();
}

void BotRunner::WaitFor(const std::stop_token& stop, bool& flag, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, timeout, [&flag] { return flag; });
    flag = false;
}

std::int64_t BotRunner::StoredOffset() {
    std::int64_t offset = 0;
    if (auto stored = repository_.State("polling_offset")) {
        std::from_chars(stored->data(), stored->data() + stored->size(), offset);
    }
    return offset;
}

void BotRunner::Poll(const std::stop_token& stop) {
    std::int64_t offset = StoredOffset();
    int failures = 0;
    bool idle = false;  // the poller's own wait flag: only the stop wakes it
    while (!stop.stop_requested()) {
        if (!active_()) {
            // Telegram serves getUpdates to one poller; a standby's offset is read again when
            // it takes over, since the leader moved it on meanwhile.
            WaitFor(stop, idle, std::chrono::milliseconds(1000));
            if (active_()) {
                offset = StoredOffset();
            }
            continue;
        }
        const BotReply reply = api_.GetUpdates(offset, config_.poll_timeout_s);
        if (!reply.ok) {
            ++failures;
            if (reply.error_code == 409) {
                spdlog::error(
                    "telegram: getUpdates refused while a webhook is set ({}); use ZAKUPAI_TELEGRAM_MODE=webhook "
                    "or delete the webhook",
                    reply.description);
            } else if (failures == 1 || failures % 20 == 0) {
                spdlog::warn(
                    "telegram: getUpdates failed ({} times): {} {}", failures, reply.error_code, reply.description);
            }
            const auto wait = reply.retry_after
                                  ? std::chrono::milliseconds(*reply.retry_after * 1000)
                                  : std::chrono::milliseconds(std::min(30'000, 500 << std::min(failures, 6)));
            WaitFor(stop, idle, wait);
            continue;
        }
        failures = 0;
        auto updates = ReadUpdates(reply.result);
        if (updates.empty()) {
            continue;
        }
        std::int64_t next = offset;
        for (const auto& u : updates) {
            next = std::max(next, u.update_id + 1);
        }
        // Kept with the offset in one transaction: a restart neither loses nor repeats one.
        repository_.KeepUpdates(updates, next, clock_.Now());
        offset = next;
        Raise(updates_waiting_);
    }
}

void BotRunner::Work(const std::stop_token& stop) {
    std::unordered_map<std::int64_t, int> failures;
    Instant pruned{};
    while (!stop.stop_requested()) {
        try {
            // A standby keeps webhook updates (Accept) but leaves answering them to the leader.
            const auto pending = active_() ? repository_.PendingUpdates(100) : std::vector<store::PendingUpdate>{};
            for (const auto& update : pending) {
                if (stop.stop_requested()) {
                    return;
                }
                // An update whose handling failed is tried again; one that fails three times is
                // set aside (logged) so it cannot hold up the ones after it.
                if (!bot_.Handle(update) && ++failures[update.update_id] < 3) {
                    break;
                }
                failures.erase(update.update_id);
                repository_.MarkUpdateHandled(update.update_id, clock_.Now());
                Raise(outbox_waiting_);
            }
            const Instant now = clock_.Now();
            if (now - pruned > std::chrono::hours(1)) {
                repository_.PruneHandledUpdates(now - std::chrono::hours(24 * 7));
                pruned = now;
            }
        } catch (const std::exception& e) {
            spdlog::error("telegram worker: {}", e.what());
        }
        WaitFor(stop, updates_waiting_, std::chrono::milliseconds(1000));
    }
}

void BotRunner::Send(const std::stop_token& stop) {
    Instant matched{};
    while (!stop.stop_requested()) {
        int deferred = 0;
        try {
            if (!active_()) {
                WaitFor(stop, outbox_waiting_, std::chrono::milliseconds(1000));
                continue;
            }
            const Instant now = clock_.Now();
            if (now - matched >= std::chrono::milliseconds(config_.alert_interval_ms)) {
                const auto pass = alerts_.RunOnce();
                matched = now;
                if (pass.enqueued > 0) {
                    spdlog::info("alerts: {} new lots, {} changed, {} messages",
                                 pass.new_lots,
                                 pass.lots_seen - pass.new_lots,
                                 pass.enqueued);
                }
            }
            const auto sent = sender_.RunOnce();
            deferred = sent.deferred;
        } catch (const std::exception& e) {
            spdlog::error("telegram sender: {}", e.what());
        }
        // Held-back messages are tried again soon; otherwise the next alert pass or a new reply.
        WaitFor(stop,
                outbox_waiting_,
                deferred > 0 ? std::chrono::milliseconds(100)
                             : std::chrono::milliseconds(std::min(config_.alert_interval_ms, 1000)));
    }
}

}  // namespace zakupai::notify
