#pragma once
// One progress line on a terminal (bar when the total is known, counts, rate, ETA); nothing when
// the output is a pipe or a log.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zakupai::app {

class Progress {
public:
    Progress(std::string unit, std::string verb);
    ~Progress();  // ends the line
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    void Show(std::int64_t done, std::optional<std::int64_t> total);
    void Show(std::int64_t done, std::optional<std::int64_t> total, std::string_view extra);

private:
    std::string unit_;
    std::string verb_;
    bool terminal_;
    bool shown_ = false;
    std::chrono::steady_clock::time_point started_;
};

// 1234567 -> "1 234 567".
std::string Thousands(std::int64_t n);

}  // namespace zakupai::app
