#include "metrics/metrics.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace zakupai::metrics {

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size())) {
    ZAKUPAI_ASSERT(std::is_sorted(bounds_.begin(), bounds_.end()));
}

void Histogram::Observe(double value) {
    const auto at = std::lower_bound(bounds_.begin(), bounds_.end(), value);
    if (at != bounds_.end()) {
        buckets_[static_cast<std::size_t>(at - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
    }
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
    Snapshot s;
    std::uint64_t running = 0;
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        s.cumulative.emplace_back(bounds_[i], running);
    }
    s.count = std::max(running, count_.load(std::memory_order_relaxed));
    s.sum = sum_.load(std::memory_order_relaxed);
    return s;
}

struct Registry::Family {
    std::string help;
    std::string type;  // counter | gauge | histogram
    std::map<std::string, std::unique_ptr<Counter>, std::less<>> counters;
    std::map<std::string, std::unique_ptr<Gauge>, std::less<>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>, std::less<>> histograms;
    std::vector<Read> reads;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::FamilyOf(std::string_view name, std::string_view help, std::string_view type) {
    auto it = families_.find(name);
    if (it == families_.end()) {
        auto family = std::make_unique<Family>();
        family->help = std::string(help);
        family->type = std::string(type);
        it = families_.emplace(std::string(name), std::move(family)).first;
    }
    ZAKUPAI_ASSERT(it->second->type == type);  // one name, one type
    return *it->second;
}

namespace {
template <class T, class Map, class Make>
T& Member(Map& map, std::string_view labels, Make make) {
    auto it = map.find(labels);
    if (it == map.end()) {
        it = map.emplace(std::string(labels), make()).first;
    }
    return *it->second;
}
}  // namespace

Counter& Registry::GetCounter(std::string_view name, std::string_view help, std::string_view labels) {
    std::lock_guard lock(mutex_);
    return Member<Counter>(
        FamilyOf(name, help, "counter").counters, labels, [] { return std::make_unique<Counter>(); });
}

Gauge& Registry::GetGauge(std::string_view name, std::string_view help, std::string_view labels) {
    std::lock_guard lock(mutex_);
    return Member<Gauge>(FamilyOf(name, help, "gauge").gauges, labels, [] { return std::make_unique<Gauge>(); });
}

Histogram& Registry::GetHistogram(std::string_view name,
                                  std::string_view help,
                                  std::span<const double> upper_bounds,
                                  std::string_view labels) {
    std::lock_guard lock(mutex_);
    return Member<Histogram>(FamilyOf(name, help, "histogram").histograms, labels, [&] {
        return std::make_unique<Histogram>(std::vector<double>(upper_bounds.begin(), upper_bounds.end()));
    });
}

void Registry::AddGaugeCallback(std::string_view name, std::string_view help, Read read) {
    std::lock_guard lock(mutex_);
    FamilyOf(name, help, "gauge").reads.push_back(std::move(read));
}

void Registry::AddCounterCallback(std::string_view name, std::string_view help, Read read) {
    std::lock_guard lock(mutex_);
    FamilyOf(name, help, "counter").reads.push_back(std::move(read));
}

void Registry::AddWriter(Writer writer) {
    std::lock_guard lock(mutex_);
    writers_.push_back(std::move(writer));
}

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

void Line(std::string& out, std::string_view name, std::string_view labels, double value) {
    if (labels.empty()) {
        fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
    } else {
        fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, labels, value);
    }
}

void Line(std::string& out, std::string_view name, std::string_view labels, std::uint64_t value) {
    if (labels.empty()) {
        fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
    } else {
        fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, labels, value);
    }
}

}  // namespace

std::string Registry::Render() const {
    std::string out;
    std::vector<std::pair<const std::string*, const Family*>> families;
    std::vector<Writer> writers;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [name, family] : families_) {
            families.emplace_back(&name, family.get());
        }
        writers = writers_;
    }
    // Families are never removed and their members live as long as the registry: reading them
    // outside the lock is safe; only the maps' shapes need it, taken again per family.
    for (const auto& [name_ptr, family] : families) {
        const std::string& name = *name_ptr;
        std::vector<Sample> read;
        for (const auto& r : family->reads) {
            auto samples = r();
            read.insert(read.end(), samples.begin(), samples.end());
        }
        fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, family->help, name, family->type);
        std::lock_guard lock(mutex_);
        for (const auto& [labels, counter] : family->counters) {
            Line(out, name, labels, counter->Value());
        }
        for (const auto& [labels, gauge] : family->gauges) {
            Line(out, name, labels, gauge->Value());
        }
        for (const auto& [labels, histogram] : family->histograms) {
            const auto s = histogram->Read();
            const std::string prefix = labels.empty() ? std::string() : labels + ",";
            for (const auto& [bound, n] : s.cumulative) {
                fmt::format_to(std::back_inserter(out), "{}_bucket{{{}le=\"{}\"}} {}\n", name, prefix, bound, n);
            }
            fmt::format_to(std::back_inserter(out), "{}_bucket{{{}le=\"+Inf\"}} {}\n", name, prefix, s.count);
            Line(out, name + "_sum", labels, s.sum);
            Line(out, name + "_count", labels, s.count);
        }
        for (const auto& sample : read) {
            Line(out, name, sample.labels, sample.value);
        }
    }
    for (const auto& write : writers) {
        write(out);
    }
    return out;
}

}  // namespace zakupai::metrics
