#include "http/metrics.hpp"

#include <fmt/format.h>

namespace zakupai::http {

Metrics::Metrics() = default;

std::string EscapeLabel(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

void Metrics::EndRequest(const std::string& method, const std::string& route, int status, std::chrono::nanoseconds elapsed) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    const double seconds = std::chrono::duration<double>(elapsed).count();
    std::lock_guard lock(mutex_);
    ++requests_[{method, route, status}];
    Histogram& h = durations_[{method, route}];
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) ++h.buckets[i];
    }
    ++h.count;
    h.sum += seconds;
}

Counter& Metrics::GetCounter(const std::string& name, const std::string& help, const std::string& labels) {
    std::lock_guard lock(mutex_);
    Family& family = counters_[name];
    family.help = help;
    auto& member = family.members[labels];
    if (!member) member = std::make_unique<Counter>();
    return *member;
}

void Metrics::AddCollector(Collector collector) {
    std::lock_guard lock(mutex_);
    collectors_.push_back(std::move(collector));
}

void Metrics::Gauge(std::string& out, const std::string& name, const std::string& help,
                    const std::vector<std::pair<std::string, double>>& samples) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
    for (const auto& [labels, value] : samples) {
        out += labels.empty() ? fmt::format("{} {}\n", name, value) : fmt::format("{}{{{}}} {}\n", name, labels, value);
    }
}

std::string Metrics::Render() const {
    std::string out;
    std::vector<Collector> collectors;
    {
        std::lock_guard lock(mutex_);
        out += "# HELP http_requests_total HTTP requests answered, by method, route pattern and status.\n";
        out += "# TYPE http_requests_total counter\n";
        for (const auto& [key, count] : requests_) {
            const auto& [method, route, status] = key;
            out += fmt::format("http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n", method,
                               EscapeLabel(route), status, count);
        }
        out += "# HELP http_request_duration_seconds Time from the first byte read to the response, by route.\n";
        out += "# TYPE http_request_duration_seconds histogram\n";
        for (const auto& [key, h] : durations_) {
            const auto labels = fmt::format("method=\"{}\",route=\"{}\"", key.first, EscapeLabel(key.second));
            for (std::size_t i = 0; i < kBuckets.size(); ++i) {
                out += fmt::format("http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, kBuckets[i],
                                   h.buckets[i]);
            }
            out += fmt::format("http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, h.count);
            out += fmt::format("http_request_duration_seconds_sum{{{}}} {}\n", labels, h.sum);
            out += fmt::format("http_request_duration_seconds_count{{{}}} {}\n", labels, h.count);
        }
        for (const auto& [name, family] : counters_) {
            out += fmt::format("# HELP {} {}\n# TYPE {} counter\n", name, family.help, name);
            for (const auto& [labels, counter] : family.members) {
                out += labels.empty() ? fmt::format("{} {}\n", name, counter->Value())
                                      : fmt::format("{}{{{}}} {}\n", name, labels, counter->Value());
            }
        }
        collectors = collectors_;
    }
    out += "# HELP http_requests_in_flight Requests being handled now.\n# TYPE http_requests_in_flight gauge\n";
    out += fmt::format("http_requests_in_flight {}\n", in_flight_.load());
    for (const auto& collect : collectors) collect(out);
    return out;
}

}  // namespace zakupai::http
