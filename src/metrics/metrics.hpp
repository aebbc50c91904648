#pragma once
// Counters, gauges and histograms for Prometheus, below every domain module so each one publishes
// its own figures: a module asks the registry for its instruments once (at construction) and
// updates them lock-free on its hot paths; figures that live elsewhere (a table's row count, a
// pool's use) are read by callbacks at scrape time. Render() writes the text exposition format.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zakupai::metrics {

class Counter {
public:
    void Add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
public:
    void Set(double value) { value_.store(value, std::memory_order_relaxed); }
    void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
    double Value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0};
};

class Histogram {
public:
    explicit Histogram(std::vector<double> upper_bounds);
    void Observe(double value);
    struct Snapshot {
        std::vector<std::pair<double, std::uint64_t>> cumulative;  // (upper bound, count <= bound)
        std::uint64_t count = 0;
        double sum = 0;
    };
    Snapshot Read() const;

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket, not cumulative
    std::atomic<std::uint64_t> count_{0};
    std::atomic<double> sum_{0};
};

// A value read at scrape time, with its label set already formatted: R"(state="idle")".
struct Sample {
    std::string labels;
    double value = 0;
};

// Request-duration style buckets, in seconds.
inline constexpr double kLatencyBuckets[] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

class Registry {
public:
    Registry();
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    // The same name and labels always give the same instrument. `labels` is a formatted label
    // set (R"(kind="vat")") or empty. A name keeps the type it was first registered with.
    Counter& GetCounter(std::string_view name, std::string_view help, std::string_view labels = "");
    Gauge& GetGauge(std::string_view name, std::string_view help, std::string_view labels = "");
    Histogram& GetHistogram(std::string_view name,
                            std::string_view help,
                            std::span<const double> upper_bounds,
                            std::string_view labels = "");

    // Families whose values are read when /metrics is scraped.
    using Read = std::function<std::vector<Sample>()>;
    void AddGaugeCallback(std::string_view name, std::string_view help, Read read);
    void AddCounterCallback(std::string_view name, std::string_view help, Read read);
    // Text appended as it is (a family with many label sets kept by its owner, e.g. HTTP routes).
    using Writer = std::function<void(std::string& out)>;
    void AddWriter(Writer writer);

    std::string Render() const;

private:
    struct Family;
    Family& FamilyOf(std::string_view name, std::string_view help, std::string_view type);
    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
    std::vector<Writer> writers_;
};

// Label values escaped for the exposition format.
std::string EscapeLabel(std::string_view value);

// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds (from /proc, at scrape time).
void PublishProcessMetrics(Registry& registry);

}  // namespace zakupai::metrics
