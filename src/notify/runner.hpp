#pragma once
// The bot at work inside `zakupai serve`: a poller (long polling; in webhook mode the route hands
// updates in instead), a worker that answers the kept updates in order, and the alerts and the
// sender on a third thread. Each wakes the next when it has work, and every one of them stops
// within a moment of Stop().
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "notify/alerts.hpp"
#include "notify/bot.hpp"
#include "notify/bot_api.hpp"
#include "notify/config.hpp"
#include "notify/sender.hpp"

namespace zakupai::notify {

class BotRunner {
public:
    BotRunner(const TelegramConfig& config,
              Bot& bot,
              AlertMatcher& alerts,
              OutboxSender& sender,
              BotApi& api,
              store::NotifyRepository& repository,
              const Clock& clock)
        : config_(config),
          bot_(bot),
          alerts_(alerts),
          sender_(sender),
          api_(api),
          repository_(repository),
          clock_(clock) {}
    ~BotRunner() { Stop(); }
    BotRunner(const BotRunner&) = delete;
    BotRunner& operator=(const BotRunner&) = delete;

    // `active` says whether this instance does the bot's work (polling, answering, alerts,
    // sending): one instance of several; set before Start(). Unset: always.
    void SetActive(std::function<bool()> active) { active_ = std::move(active); }
    void Start();
    void Stop();
    // An update from the webhook: kept before the answer is sent (a crash after the 200 loses
    // nothing), then answered by the worker. False when it was received before.
    bool Accept(std::int64_t update_id, std::string payload);

private:
    std::int64_t StoredOffset();
    void Poll(const std::stop_token& stop);
    void Work(const std::stop_token& stop);
    void Send(const std::stop_token& stop);
    // Waits up to `timeout` or until `flag` is raised (and lowers it), or until stopped.
    void WaitFor(const std::stop_token& stop, bool& flag, std::chrono::milliseconds timeout);
    void Raise(bool& flag);

    const TelegramConfig& config_;
    Bot& bot_;
    AlertMatcher& alerts_;
    OutboxSender& sender_;
    BotApi& api_;
    store::NotifyRepository& repository_;
    const Clock& clock_;
    std::function<bool()> active_ = [] { return true; };
    std::mutex mutex_;
    std::condition_variable_any wake_;
    bool updates_waiting_ = true;
    bool outbox_waiting_ = true;
    std::jthread poller_;
    std::jthread worker_;
    std::jthread sender_thread_;
};

}  // namespace zakupai::notify
