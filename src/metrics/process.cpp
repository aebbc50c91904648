// The process_* family every Prometheus client exports, read from /proc when scraped.
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "metrics/metrics.hpp"

namespace zakupai::metrics {

namespace {

// Fields of /proc/self/stat after the command name (which may contain spaces and parentheses).
std::vector<std::string> StatFields() {
    std::ifstream in("/proc/self/stat");
    std::string line;
    std::getline(in, line);
    const auto close = line.rfind(')');
    std::vector<std::string> fields;
    if (close == std::string::npos) {
        return fields;
    }
    std::istringstream rest(line.substr(close + 2));
    for (std::string f; rest >> f;) {
        fields.push_back(f);
    }
    return fields;  // fields[0] is field 3 (state) of proc(5)
}

double FieldAt(const std::vector<std::string>& fields, std::size_t proc_field) {
    const std::size_t at = proc_field - 3;
    return at < fields.size() ? std::strtod(fields[at].c_str(), nullptr) : 0.0;
}

double BootTimeSeconds() {
    std::ifstream in("/proc/stat");
    for (std::string key; in >> key;) {
        if (key == "btime") {
            double value = 0;
            in >> value;
            return value;
        }
        in.ignore(1 << 20, '\n');
    }
    return 0;
}

std::vector<Sample> One(double value) {
    return {Sample{"", value}};
}

}  // namespace

void PublishProcessMetrics(Registry& registry) {
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
    // Fixed for the process's life: read once.
    const double start = BootTimeSeconds() + FieldAt(StatFields(), 22) / ticks;
    registry.AddCounterCallback("process_cpu_seconds_total", "User and system CPU time spent, in seconds.", [ticks] {
        const auto f = StatFields();
        return One((FieldAt(f, 14) + FieldAt(f, 15)) / ticks);
    });
    registry.AddGaugeCallback("process_resident_memory_bytes", "Resident memory size in bytes.", [page] {
        return One(FieldAt(StatFields(), 24) * page);
    });
    registry.AddGaugeCallback(
        "process_virtual_memory_bytes", "Virtual memory size in bytes.", [] { return One(FieldAt(StatFields(), 23)); });
    registry.AddGaugeCallback("process_open_fds", "Open file descriptors.", [] {
        std::error_code ec;
        double n = 0;
        for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) {
            ++n;
        }
        return One(n);
    });
    registry.AddGaugeCallback("process_max_fds", "The limit on open file descriptors.", [] {
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        return One(static_cast<double>(limit.rlim_cur));
    });
    registry.AddGaugeCallback("process_start_time_seconds",
                              "Start time of the process since the Unix epoch, in seconds.",
                              [start] { return One(start); });
}

}  // namespace zakupai::metrics
