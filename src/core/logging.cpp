#include "core/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <mutex>

#include "core/json.hpp"
#include "core/time.hpp"

namespace zakupai {

namespace {
thread_local std::string t_request_id;

class RequestIdFlag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& /*msg*/, const std::tm& /*tm*/, spdlog::memory_buf_t& dest) override {
        const std::string_view id = t_request_id.empty() ? std::string_view("-") : std::string_view(t_request_id);
        dest.append(id.data(), id.data() + id.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<RequestIdFlag>(); }
};

// Access-log lines go into stdio's buffer and reach the file or pipe in large writes, flushed
// by spdlog's once-a-second flusher (and at exit). spdlog's own stdout sink flushes every
// line, which costs a system call per request; its async mode wakes a thread per line.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    BufferedStdoutSink() { std::setvbuf(stdout, nullptr, _IOFBF, 1 << 16); }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        std::fwrite(msg.payload.data(), 1, msg.payload.size(), stdout);
        std::fputc('\n', stdout);
    }
    void flush_() override { std::fflush(stdout); }
};

// {"ts":"2026-12-06T06:24:35.893Z","level":"info","logger":"zakupai","request_id":"-","msg":"..."}
class JsonLineFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const auto level = spdlog::level::to_string_view(msg.level);
        JsonWriter line;
        line.BeginObject()
            .Field("ts", FormatUtcTimestamp(std::chrono::time_point_cast<std::chrono::milliseconds>(msg.time)))
            .Field("level", std::string_view(level.data(), level.size()))
            .Field("logger", std::string_view(msg.logger_name.data(), msg.logger_name.size()))
            .Field("request_id", t_request_id.empty() ? std::string_view("-") : std::string_view(t_request_id))
            .Field("msg", std::string_view(msg.payload.data(), msg.payload.size()))
            .EndObject();
        const std::string& text = line.str();
        dest.append(text.data(), text.data() + text.size());
        dest.push_back('\n');
    }
    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLineFormatter>(); }
};

std::shared_ptr<spdlog::logger>& AccessLogger() {
    static std::shared_ptr<spdlog::logger> logger;  // NOLINT: owned by spdlog's registry lifetime
    return logger;
}
}  // namespace

void SetupLogging(const std::string& level, const std::string& format) {
    auto app = spdlog::stderr_logger_mt("zakupai");
    if (format == "json") {
        app->set_formatter(std::make_unique<JsonLineFormatter>());
    } else {
        // The trailing Z promises UTC: the formatter must not use the machine's zone.
        auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
        formatter->add_flag<RequestIdFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ [%*] %v");
        app->set_formatter(std::move(formatter));
    }
    app->set_level(spdlog::level::from_str(level));
    spdlog::set_default_logger(app);
    spdlog::flush_every(std::chrono::seconds(1));

    auto access = std::make_shared<spdlog::logger>("access", std::make_shared<BufferedStdoutSink>());
    access->set_level(spdlog::level::info);
    spdlog::register_logger(access);
    AccessLogger() = access;
}

LogRequestScope::LogRequestScope(std::string_view request_id) : previous_(std::move(t_request_id)) {
    t_request_id.assign(request_id);
}

LogRequestScope::~LogRequestScope() {
    t_request_id = std::move(previous_);
}

void WriteAccessLogLine(std::string_view json_line) {
    if (auto& logger = AccessLogger()) {
        logger->info(json_line);
    }
}

}  // namespace zakupai
