#pragma once
// Logging goes through spdlog. Every line carries the request id of the request being handled
// on this thread (or "-"), set by the HTTP layer for the duration of a handler.
#include <string>
#include <string_view>

namespace zakupai {

// `format`: "text" (a person reads the terminal) or "json" (one object per line with stable
// keys ts, level, logger, request_id, msg, for Loki and any log shipper). Times are UTC.
void SetupLogging(const std::string& level, const std::string& format = "text");

// RAII: the request id on this thread's log lines while it lives.
class LogRequestScope {
public:
    explicit LogRequestScope(std::string_view request_id);
    ~LogRequestScope();
    LogRequestScope(const LogRequestScope&) = delete;
    LogRequestScope& operator=(const LogRequestScope&) = delete;

private:
    std::string previous_;
};

// A dedicated logger whose lines are already JSON (the access log), written to stdout.
void WriteAccessLogLine(std::string_view json_line);

}  // namespace zakupai
