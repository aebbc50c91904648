#include "metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

namespace zakupai::metrics {
namespace {

// The value of the first sample line that starts with `prefix` ("name{labels} "), or -1.
double ValueOf(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) == 0) {
            return std::stod(line.substr(prefix.size()));
        }
    }
    return -1;
}

TEST(Registry, CountersGaugesHistogramsAndCallbacksRenderAsPrometheusText) {
    Registry registry;
    registry.GetCounter("jobs_total", "Jobs done.", R"(kind="a")").Add(3);
    registry.GetCounter("jobs_total", "Jobs done.", R"(kind="a")").Add();  // the same counter
    registry.GetCounter("jobs_total", "Jobs done.", R"(kind="b")").Add();
    registry.GetGauge("queue_rows", "Rows waiting.").Set(7.5);
    auto& h = registry.GetHistogram("job_seconds", "Job time.", std::array{0.1, 1.0});
    h.Observe(0.05);
    h.Observe(0.5);
    h.Observe(3);
    registry.AddGaugeCallback("pool", "Pool.", [] { return std::vector<Sample>{{R"(state="idle")", 2}}; });
    const std::string text = registry.Render();
    EXPECT_NE(text.find("# TYPE jobs_total counter\njobs_total{kind=\"a\"} 4\njobs_total{kind=\"b\"} 1\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(ValueOf(text, "queue_rows "), 7.5);
    EXPECT_EQ(ValueOf(text, R"(job_seconds_bucket{le="0.1"} )"), 1);
    EXPECT_EQ(ValueOf(text, R"(job_seconds_bucket{le="1"} )"), 2);
    EXPECT_EQ(ValueOf(text, R"(job_seconds_bucket{le="+Inf"} )"), 3);
    EXPECT_EQ(ValueOf(text, "job_seconds_count "), 3);
    EXPECT_EQ(ValueOf(text, "job_seconds_sum "), 3.55);
    EXPECT_EQ(ValueOf(text, R"(pool{state="idle"} )"), 2);
}

TEST(Registry, ProcessFiguresComeFromProc) {
    Registry registry;
    PublishProcessMetrics(registry);
    const std::string text = registry.Render();
    EXPECT_GT(ValueOf(text, "process_resident_memory_bytes "), 1024 * 1024);
    EXPECT_GE(ValueOf(text, "process_open_fds "), 3);  // stdin, stdout, stderr at least
    EXPECT_GT(ValueOf(text, "process_max_fds "), 0);
    EXPECT_GE(ValueOf(text, "process_cpu_seconds_total "), 0);
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const double started = ValueOf(text, "process_start_time_seconds ");
    EXPECT_LE(started, now + 1);
    EXPECT_GT(started, now - 3600);  // this test process started within the hour
}

}  // namespace
}  // namespace zakupai::metrics
