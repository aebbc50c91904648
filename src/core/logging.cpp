#include "core/logging.hpp"

#include <spdlog/async.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

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

std::shared_ptr<spdlog::logger>& AccessLogger() {
    static std::shared_ptr<spdlog::logger> logger;  // NOLINT: owned by spdlog's registry lifetime
    return logger;
}
}  // namespace

void SetupLogging(const std::string& level) {
    spdlog::init_thread_pool(16384, 1);
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<RequestIdFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ [%*] %v");
    auto app = spdlog::stderr_logger_mt("zakupai");
    app->set_formatter(std::move(formatter));
    app->set_level(spdlog::level::from_str(level));
    spdlog::set_default_logger(app);
    spdlog::flush_every(std::chrono::seconds(1));

    // The access log is asynchronous so a slow stdout never stalls a request.
    auto access = spdlog::create_async_nb<spdlog::sinks::stdout_sink_mt>("access");
    access->set_pattern("%v");
    access->set_level(spdlog::level::info);
    AccessLogger() = access;
}

LogRequestScope::LogRequestScope(std::string_view request_id) : previous_(std::move(t_request_id)) {
    t_request_id.assign(request_id);
}

LogRequestScope::~LogRequestScope() { t_request_id = std::move(previous_); }

std::string_view CurrentRequestId() { return t_request_id; }

void WriteAccessLogLine(std::string_view json_line) {
    if (auto& logger = AccessLogger()) logger->info(json_line);
}

}  // namespace zakupai
