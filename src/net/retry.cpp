#include "net/retry.hpp"

#include <algorithm>
#include <thread>

namespace zakupai::net {

Backoff::Backoff(RetryPolicy policy, Sleep sleep) : policy_(policy), sleep_(std::move(sleep)) {
    if (!sleep_) {
        sleep_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    }
}

std::chrono::milliseconds Backoff::Delay(int retry, std::optional<int> retry_after_seconds) {
    const double exponential =
        std::min<double>(static_cast<double>(policy_.cap.count()),
                         static_cast<double>(policy_.base.count()) * static_cast<double>(1LL << std::min(retry, 20)));
    double factor = 1.0;
    {
        std::lock_guard lock(mutex_);
        // "Equal jitter": half fixed, half random, so retries from many clients spread out
        // without ever collapsing to zero.
        factor = std::uniform_real_distribution<double>(0.5, 1.0)(random_);
    }
    auto delay = std::chrono::milliseconds(static_cast<std::int64_t>(exponential * factor));
    if (retry_after_seconds && *retry_after_seconds > 0) {
        // The server said when; honour it.
        const auto asked =
            std::chrono::seconds(std::min<std::int64_t>(*retry_after_seconds, policy_.max_retry_after.count()));
        delay = std::max(delay, std::chrono::duration_cast<std::chrono::milliseconds>(asked));
    }
    return delay;
}

tl::expected<HttpReply, std::string> PostJsonRetrying(Transport& transport,
                                                      const std::string& path,
                                                      const std::string& body,
                                                      Backoff& backoff) {
    std::string problem = "no attempt made";
    for (int retry = 0;; ++retry) {
        auto reply = transport.PostJson(path, body);
        std::optional<int> retry_after;
        if (!reply) {
            problem = reply.error().kind + ": " + reply.error().message;
        } else if (reply->status >= 500 || reply->status == 429) {
            problem = "HTTP " + std::to_string(reply->status);
            retry_after = reply->retry_after_seconds;
        } else {
            return std::move(*reply);
        }
        if (retry >= backoff.policy().max_retries) {
            return tl::unexpected(problem);
        }
        backoff.Wait(retry, retry_after);
    }
}

}  // namespace zakupai::net
