#pragma once
// The OWS v3 client: GraphQL and REST over a Transport, with the portal's failure modes
// handled in one place: retries with exponential backoff and jitter, Retry-After, a cap on
// requests per second, and a count of every failure by kind.
#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "core/error.hpp"
#include "net/retry.hpp"
#include "net/transport.hpp"

namespace zakupai::ingest {

using net::HttpReply;
using net::Transport;
using net::TransportFailure;
using net::TransportResult;

struct ClientOptions {
    int max_retries = 6;
    int backoff_base_ms = 1'000;
    int backoff_cap_ms = 60'000;
    double requests_per_second = 5;
};

// Failures by kind (timeout, connection, truncated, http_403, http_429, http_5xx, http_401,
// http_4xx, malformed_json, graphql_errors, empty_page, bad_row): exported as
// goszakup_sync_errors_total{kind}.
class FailureCounters {
public:
    void Count(const std::string& kind, std::int64_t n = 1);
    std::map<std::string, std::int64_t> Snapshot() const;
    std::int64_t Total() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::int64_t> counts_;
};

struct RestReply {
    int status = 0;  // 200 or 404
    boost::json::value body;
};

class OwsClient {
public:
    using Sleep = std::function<void(std::chrono::milliseconds)>;
    OwsClient(Transport& transport, ClientOptions options, FailureCounters& failures, Sleep sleep = {});

    // The whole answer ({"data":..., "extensions":...}) once it has no errors[].
    Result<boost::json::object> GraphQl(const std::string& query, const boost::json::object& variables);
    // A REST GET answered 200 or 404 (a 404 is an answer: "not listed", "no such lot").
    Result<RestReply> Get(const std::string& path);
    // Shutting down: a wait for a retry or a rate slot ends now, and no further attempt is made
    // (a stopping server must not sit out a minute of backoff against a portal that is down).
    void Stop();

private:
    bool Stopping();
    template <class Attempt>
    Result<boost::json::value> WithRetries(const std::string& what, Attempt attempt);
    void WaitForRateSlot();

    Transport& transport_;
    ClientOptions options_;
    FailureCounters& failures_;
    std::mutex stop_mutex_;
    std::condition_variable stop_cv_;
    bool stopping_ = false;
    net::Backoff backoff_;  // the one retry policy of every outbound call
    std::mutex mutex_;
    std::chrono::steady_clock::time_point next_slot_{};
};

}  // namespace zakupai::ingest
