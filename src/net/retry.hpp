#pragma once
// One retry policy for every call to the outside world (the portal, the chat and embeddings
// providers): another attempt only for an outage (no answer, 5xx, 429, and whatever else the
// caller counts as one), waiting exponentially longer with "equal jitter" so many clients spread
// out, and never less than the server's Retry-After (bounded, so a hostile header cannot stall
// us for a day).
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <tl/expected.hpp>

#include "net/transport.hpp"

namespace zakupai::net {

struct RetryPolicy {
    int max_retries = 2;  // attempts after the first
    std::chrono::milliseconds base{500};
    std::chrono::milliseconds cap{60'000};
    std::chrono::seconds max_retry_after{300};
};

class Backoff {
public:
    using Sleep = std::function<void(std::chrono::milliseconds)>;
    // `sleep` is injected by tests; the default sleeps the thread.
    explicit Backoff(RetryPolicy policy, Sleep sleep = {});

    const RetryPolicy& policy() const { return policy_; }
    // How long to wait before retry number `retry` (0-based): base · 2^retry, capped, times a
    // factor in [0.5, 1]; at least what Retry-After asked for.
    std::chrono::milliseconds Delay(int retry, std::optional<int> retry_after_seconds);
    void Wait(int retry, std::optional<int> retry_after_seconds) { sleep_(Delay(retry, retry_after_seconds)); }
    void Pause(std::chrono::milliseconds duration) { sleep_(duration); }

private:
    RetryPolicy policy_;
    Sleep sleep_;
    std::mutex mutex_;
    std::mt19937 random_{std::random_device{}()};
};

// POST with retries while the failure is an outage (no answer, 5xx, 429). Any other answer — a
// success or a refusal such as 401 — comes back as it is; after the last outage, the reason
// ("HTTP 503", "timeout: ...").
tl::expected<HttpReply, std::string> PostJsonRetrying(Transport& transport,
                                                      const std::string& path,
                                                      const std::string& body,
                                                      Backoff& backoff);

}  // namespace zakupai::net
