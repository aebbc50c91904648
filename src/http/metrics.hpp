#pragma once
// Prometheus text exposition: HTTP request counts and latency histograms by route and status,
// in-flight requests, named counters for the modules, and collectors that report gauges read
// at scrape time (pool use, queue sizes).
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace zakupai::http {

class Counter {
public:
    void Add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

class Metrics {
public:
    Metrics();

    void BeginRequest() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
    void EndRequest(std::string_view method, std::string_view route, int status, std::chrono::nanoseconds elapsed);

    // A counter family member; the same name+labels always returns the same counter.
    // labels is the already formatted label set, e.g. R"(kind="vat")" (empty for none).
    Counter& GetCounter(const std::string& name, const std::string& help, const std::string& labels = "");

    // Appends "# HELP/# TYPE" and samples to the exposition at scrape time.
    using Collector = std::function<void(std::string& out)>;
    void AddCollector(Collector collector);

    std::string Render() const;

    // Helpers for collectors.
    static void Gauge(std::string& out,
                      const std::string& name,
                      const std::string& help,
                      const std::vector<std::pair<std::string, double>>& samples);
    static void CounterSample(std::string& out, const std::string& name, const std::string& help, std::int64_t value);
    // A histogram from cumulative (upper bound, count) pairs; +Inf is `count`.
    static void HistogramSamples(std::string& out,
                                 const std::string& name,
                                 const std::string& help,
                                 const std::vector<std::pair<double, std::int64_t>>& cumulative,
                                 double sum,
                                 std::int64_t count);

private:
    static constexpr std::array<double, 14> kBuckets{
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    struct Family {
        std::string help;
        std::map<std::string, std::unique_ptr<Counter>> members;
    };

    std::atomic<std::int64_t> in_flight_{0};
    mutable std::mutex mutex_;
    // Keyed by "METHOD route" (and " status" for counts), looked up without allocating.
    std::map<std::string, std::uint64_t, std::less<>> requests_;
    std::map<std::string, Histogram, std::less<>> durations_;
    std::map<std::string, Family> counters_;
    std::vector<Collector> collectors_;
};

std::string EscapeLabel(std::string_view value);

}  // namespace zakupai::http
