#include "http/metrics.hpp"

#include <fmt/format.h>

namespace zakupai::http {

RequestMetrics::RequestMetrics(metrics::Registry& registry) {
    registry.AddGaugeCallback("http_requests_in_flight", "Requests being handled now.", [this] {
        return std::vector<metrics::Sample>{{"", static_cast<double>(in_flight_.load())}};
    });
    registry.AddWriter([this](std::string& out) { Write(out); });
}

namespace {
template <class Map>
typename Map::mapped_type& Slot(Map& map, std::string_view key) {
    auto it = map.find(key);
    if (it == map.end()) {
        it = map.emplace(std::string(key), typename Map::mapped_type{}).first;
    }
    return it->second;
}
}  // namespace

void RequestMetrics::EndRequest(std::string_view method,
                                std::string_view route,
                                int status,
                                std::chrono::nanoseconds elapsed) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    const double seconds = std::chrono::duration<double>(elapsed).count();
    // "POST /calc/vat 200": routes never contain a space, so the parts split back cleanly.
    char buffer[256];
    const auto written = fmt::format_to_n(buffer, sizeof buffer, "{} {} {}", method, route, status);
    const std::string_view count_key(buffer, std::min<std::size_t>(written.size, sizeof buffer));
    const std::string_view duration_key = count_key.substr(0, count_key.rfind(' '));
    std::lock_guard lock(mutex_);
    ++Slot(requests_, count_key);
    Histogram& h = Slot(durations_, duration_key);
    for (std::size_t i = 0; i < kBucketCount; ++i) {
        if (seconds <= metrics::kLatencyBuckets[i]) {
            ++h.buckets[i];
        }
    }
    ++h.count;
    h.sum += seconds;
}

void RequestMetrics::Write(std::string& out) const {
    std::lock_guard lock(mutex_);
    out += "# HELP http_requests_total HTTP requests answered, by method, route pattern and status.\n";
    out += "# TYPE http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
        const auto first = key.find(' ');
        const auto last = key.rfind(' ');
        fmt::format_to(std::back_inserter(out),
                       "http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                       key.substr(0, first),
                       metrics::EscapeLabel(key.substr(first + 1, last - first - 1)),
                       key.substr(last + 1),
                       count);
    }
    out += "# HELP http_request_duration_seconds Time from the first byte read to the response, by route.\n";
    out += "# TYPE http_request_duration_seconds histogram\n";
    for (const auto& [key, h] : durations_) {
        const auto space = key.find(' ');
        const auto labels = fmt::format(
            "method=\"{}\",route=\"{}\"", key.substr(0, space), metrics::EscapeLabel(key.substr(space + 1)));
        for (std::size_t i = 0; i < kBucketCount; ++i) {
            fmt::format_to(std::back_inserter(out),
                           "http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n",
                           labels,
                           metrics::kLatencyBuckets[i],
                           h.buckets[i]);
        }
        fmt::format_to(std::back_inserter(out),
                       "http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n"
                       "http_request_duration_seconds_sum{{{}}} {}\n"
                       "http_request_duration_seconds_count{{{}}} {}\n",
                       labels,
                       h.count,
                       labels,
                       h.sum,
                       labels,
                       h.count);
    }
}

}  // namespace zakupai::http
