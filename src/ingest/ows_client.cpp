#include "ingest/ows_client.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <thread>

namespace zakupai::ingest {

void FailureCounters::Count(const std::string& kind, std::int64_t n) {
    std::lock_guard lock(mutex_);
    counts_[kind] += n;
}

std::map<std::string, std::int64_t> FailureCounters::Snapshot() const {
    std::lock_guard lock(mutex_);
    return counts_;
}

std::int64_t FailureCounters::Total() const {
    std::lock_guard lock(mutex_);
    std::int64_t total = 0;
    for (const auto& [kind, n] : counts_) {
        total += n;
    }
    return total;
}

OwsClient::OwsClient(Transport& transport, ClientOptions options, FailureCounters& failures, Sleep sleep)
    : transport_(transport),
      options_(options),
      failures_(failures),
      backoff_(
          net::RetryPolicy{options.max_retries,
                           std::chrono::milliseconds(options.backoff_base_ms),
                           std::chrono::milliseconds(options.backoff_cap_ms),
                           std::chrono::seconds(300)},
          sleep ? std::move(sleep) : [this](std::chrono::milliseconds duration) {
              std::unique_lock lock(stop_mutex_);
              stop_cv_.wait_for(lock, duration, [this] { return stopping_; });
          }) {}

void OwsClient::Stop() {
    {
        std::lock_guard lock(stop_mutex_);
        stopping_ = true;
    }
    stop_cv_.notify_all();
}

bool OwsClient::Stopping() {
    std::lock_guard lock(stop_mutex_);
    return stopping_;
}

void OwsClient::WaitForRateSlot() {
    using Clock = std::chrono::steady_clock;
    const auto interval =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / options_.requests_per_second));
    Clock::duration wait{};
    {
        std::lock_guard lock(mutex_);
        const auto now = Clock::now();
        const auto slot = std::max(now, next_slot_);
        wait = slot - now;
        next_slot_ = slot + interval;
    }
    if (wait > Clock::duration::zero()) {
        backoff_.Pause(std::chrono::ceil<std::chrono::milliseconds>(wait));
    }
}

namespace {

// What one attempt produced: a value, a failure worth retrying, or one that is not.
struct Attempted {
    std::optional<boost::json::value> value;
    std::string failure_kind;
    std::string message;
    bool retryable = true;
    std::optional<int> retry_after_seconds;
};

Attempted Classify(const TransportResult& result, bool not_found_is_answer) {
    Attempted a;
    if (!result) {
        a.failure_kind = result.error().kind;
        a.message = result.error().message;
        return a;
    }
    const int status = result->status;
    if (status == 404 && not_found_is_answer) {
        a.value = boost::json::object{{"__status", 404}};
        return a;
    }
    if (status != 200) {
        a.retry_after_seconds = result->retry_after_seconds;
        if (status == 403 || status == 429) {
            a.failure_kind = "http_" + std::to_string(status);
        } else if (status >= 500) {
            a.failure_kind = "http_5xx";
        } else {
            a.failure_kind = status == 401 ? "http_401" : "http_4xx";
            a.retryable = false;
        }
        a.message = "HTTP " + std::to_string(status);
        return a;
    }
    boost::system::error_code ec;
    auto parsed = boost::json::parse(result->body, ec);
    if (ec) {
        a.failure_kind = "malformed_json";
        a.message = "the answer is not valid JSON (" + ec.message() + ")";
        return a;
    }
    a.value = std::move(parsed);
    return a;
}

}  // namespace

template <class AttemptFn>
Result<boost::json::value> OwsClient::WithRetries(const std::string& what, AttemptFn attempt) {
    for (int n = 0;; ++n) {
        WaitForRateSlot();
        if (Stopping()) {
            return Fail(Error{ErrorCode::kUnavailable, "goszakup: not attempted, the server is shutting down", {}});
        }
        Attempted a = attempt();
        if (a.value) {
            return std::move(*a.value);
        }
        failures_.Count(a.failure_kind);
        if (!a.retryable || n >= options_.max_retries) {
            spdlog::warn(
                "goszakup: {} failed for good after {} attempt(s): {}: {}", what, n + 1, a.failure_kind, a.message);
            return Fail(Error{ErrorCode::kUnavailable, "goszakup: " + a.failure_kind + ": " + a.message, {}});
        }
        const auto delay = backoff_.Delay(n, a.retry_after_seconds);
        spdlog::info("goszakup: {}: {} ({}); retry {} in {} ms", what, a.failure_kind, a.message, n + 1, delay.count());
        backoff_.Pause(delay);
    }
}

Result<boost::json::object> OwsClient::GraphQl(const std::string& query, const boost::json::object& variables) {
    const std::string body = boost::json::serialize(boost::json::object{{"query", query}, {"variables", variables}});
    auto result = WithRetries("graphql", [&]() {
        Attempted a = Classify(transport_.PostJson("/v3/graphql", body), false);
        if (!a.value) {
            return a;
        }
        const auto* object = a.value->if_object();
        if (object == nullptr) {
            return Attempted{std::nullopt, "malformed_json", "the answer is not a JSON object", true, std::nullopt};
        }
        if (const auto* errors = object->if_contains("errors");
            errors != nullptr && errors->is_array() && !errors->as_array().empty()) {
            std::string message = boost::json::serialize(*errors);
            if (message.size() > 300) {
                message.resize(300);
            }
            return Attempted{std::nullopt, "graphql_errors", message, true, std::nullopt};
        }
        if (object->if_contains("data") == nullptr) {
            return Attempted{std::nullopt, "malformed_json", "the answer has no data", true, std::nullopt};
        }
        return a;
    });
    if (!result) {
        return Fail(result.error());
    }
    return std::move(result->as_object());
}

Result<RestReply> OwsClient::Get(const std::string& path) {
    auto result = WithRetries("GET " + path, [&]() { return Classify(transport_.Get(path), true); });
    if (!result) {
        return Fail(result.error());
    }
    RestReply reply;
    if (const auto* object = result->if_object(); object != nullptr && object->contains("__status")) {
        reply.status = 404;
        return reply;
    }
    reply.status = 200;
    reply.body = std::move(*result);
    return reply;
}

}  // namespace zakupai::ingest
