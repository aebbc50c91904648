#include "http/metrics.hpp"

#include <fmt/format.h>

namespace zakupai::http {

Metrics::Metrics() = default;

std::string EscapeLabel(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') {
            out += '\\';
        }
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
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

void Metrics::EndRequest(std::string_view method,
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
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) {
            ++h.buckets[i];
        }
    }
    ++h.count;
    h.sum += seconds;
}

Counter& Metrics::GetCounter(const std::string& name, const std::string& help, const std::string& labels) {
    std::lock_guard lock(mutex_);
    Family& family = counters_[name];
    family.help = help;
    auto& member = family.members[labels];
    if (!member) {
        member = std::make_unique<Counter>();
    }
    return *member;
}

void Metrics::AddCollector(Collector collector) {
    std::lock_guard lock(mutex_);
    collectors_.push_back(std::move(collector));
}

void Metrics::Gauge(std::string& out,
                    const std::string& name,
                    const std::string& help,
                    const std::vector<std::pair<std::string, double>>& samples) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
    for (const auto& [labels, value] : samples) {
        out += labels.empty() ? fmt::format("{} {}\n", name, value) : fmt::format("{}{{{}}} {}\n", name, labels, value);
    }
}

void Metrics::CounterSample(std::string& out, const std::string& name, const std::string& help, std::int64_t value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n{} {}\n", name, help, name, name, value);
}

void Metrics::HistogramSamples(std::string& out,
                               const std::string& name,
                               const std::string& help,
                               const std::vector<std::pair<double, std::int64_t>>& cumulative,
                               double sum,
                               std::int64_t count) {
    out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
    for (const auto& [bound, n] : cumulative) {
        out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, bound, n);
    }
    out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", name, count, name, sum, name, count);
}

std::string Metrics::Render() const {
    std::string out;
    std::vector<Collector> collectors;
    {
        std::lock_guard lock(mutex_);
        out += "# HELP http_requests_total HTTP requests answered, by method, route pattern and status.\n";
        out += "# TYPE http_requests_total counter\n";
        for (const auto& [key, count] : requests_) {
            const auto first = key.find(' ');
            const auto last = key.rfind(' ');
            out += fmt::format("http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                               key.substr(0, first),
                               EscapeLabel(key.substr(first + 1, last - first - 1)),
                               key.substr(last + 1),
                               count);
        }
        out += "# HELP http_request_duration_seconds Time from the first byte read to the response, by route.\n";
        out += "# TYPE http_request_duration_seconds histogram\n";
        for (const auto& [key, h] : durations_) {
            const auto space = key.find(' ');
            const auto labels =
                fmt::format("method=\"{}\",route=\"{}\"", key.substr(0, space), EscapeLabel(key.substr(space + 1)));
            for (std::size_t i = 0; i < kBuckets.size(); ++i) {
                out += fmt::format(
                    "http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, kBuckets[i], h.buckets[i]);
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
    for (const auto& collect : collectors) {
        collect(out);
    }
    return out;
}

}  // namespace zakupai::http
