#pragma once
// HTTP request figures (http_requests_total, http_request_duration_seconds,
// http_requests_in_flight), kept here because only the server knows them, and rendered into the
// process's metrics registry. The hot path takes one short lock and never allocates for a route
// it has seen.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "metrics/metrics.hpp"

namespace zakupai::http {

class RequestMetrics {
public:
    explicit RequestMetrics(metrics::Registry& registry);
    RequestMetrics(const RequestMetrics&) = delete;
    RequestMetrics& operator=(const RequestMetrics&) = delete;

    void BeginRequest() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
    void EndRequest(std::string_view method, std::string_view route, int status, std::chrono::nanoseconds elapsed);

private:
    static constexpr std::size_t kBucketCount = std::size(metrics::kLatencyBuckets);
    struct Histogram {
        std::array<std::uint64_t, kBucketCount> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    void Write(std::string& out) const;

    std::atomic<std::int64_t> in_flight_{0};
    mutable std::mutex mutex_;
    // Keyed by "METHOD route" (and " status" for counts), looked up without allocating.
    std::map<std::string, std::uint64_t, std::less<>> requests_;
    std::map<std::string, Histogram, std::less<>> durations_;
};

}  // namespace zakupai::http
