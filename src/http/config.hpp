#pragma once
// The HTTP server's settings: the "http" section of the configuration.
#include <cstddef>
#include <string>
#include <vector>

#include "core/settings.hpp"

namespace zakupai::http {

struct HttpConfig {
    std::string host = "127.0.0.1";
    int port = 8080;
    int threads = 0;           // 0 = one per core
    int blocking_threads = 2;  // for blocking routes (syncs, uploads, renders): never an I/O thread
    std::size_t body_limit_bytes = std::size_t{2} * 1024 * 1024;
    // Routes that take file uploads get their own, larger limit (set by the composition root).
    std::vector<std::string> upload_paths;
    std::size_t upload_body_limit_bytes = 0;
    int header_timeout_ms = 10'000;
    int body_timeout_ms = 30'000;
    int idle_timeout_ms = 60'000;
    int shutdown_grace_ms = 10'000;
    std::vector<std::string> cors_origins;
    // Requests per minute from one IP that carry no valid key (keyed traffic is limited per key).
    std::int64_t anonymous_per_ip_per_minute = 600;
    bool access_log = true;
};

void DescribeSettings(SettingsSection<HttpConfig>& section);

}  // namespace zakupai::http
