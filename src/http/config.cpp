#include "http/config.hpp"

#include <sstream>

namespace zakupai::http {

void DescribeSettings(SettingsSection<HttpConfig>& s) {
    s.Text("host", &HttpConfig::host, {"ZAKUPAI_HOST"});
    s.Int("port", &HttpConfig::port, 0, 65535, {"ZAKUPAI_PORT"});
    s.Int("threads", &HttpConfig::threads, 0, 256, {"ZAKUPAI_THREADS"});
    s.Int("blocking_threads", &HttpConfig::blocking_threads, 1, 64);
    s.Int("body_limit_bytes", &HttpConfig::body_limit_bytes, 1024, 1LL << 30, {"ZAKUPAI_BODY_LIMIT_BYTES"});
    s.Int("header_timeout_ms", &HttpConfig::header_timeout_ms, 100, 600'000, {"ZAKUPAI_HEADER_TIMEOUT_MS"});
    s.Int("body_timeout_ms", &HttpConfig::body_timeout_ms, 100, 600'000, {"ZAKUPAI_BODY_TIMEOUT_MS"});
    s.Int("idle_timeout_ms", &HttpConfig::idle_timeout_ms, 100, 3'600'000, {"ZAKUPAI_IDLE_TIMEOUT_MS"});
    s.Int("shutdown_grace_ms", &HttpConfig::shutdown_grace_ms, 0, 600'000, {"ZAKUPAI_SHUTDOWN_GRACE_MS"});
    s.Int("anonymous_per_ip_per_minute",
          &HttpConfig::anonymous_per_ip_per_minute,
          0,
          100'000'000,
          {"ZAKUPAI_RATE_LIMIT_IP_PER_MINUTE"});
    s.Custom("cors_origins",
             [](HttpConfig& c, const std::string& v) -> std::optional<std::string> {
                 c.cors_origins.clear();
                 std::stringstream in(v);
                 std::string origin;
                 while (std::getline(in, origin, ',')) {
                     if (origin.empty()) {
                         continue;
                     }
                     if (origin != "*" && origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0) {
                         return "each origin must start with http:// or https:// (got '" + origin + "')";
                     }
                     c.cors_origins.push_back(origin);
                 }
                 return std::nullopt;
             },
             {"ZAKUPAI_CORS_ORIGINS"});
    s.Bool("access_log", &HttpConfig::access_log, {"ZAKUPAI_ACCESS_LOG"});
    s.OptionalText("tls_cert_file", &HttpConfig::tls_cert_file, {"ZAKUPAI_TLS_CERT_FILE"});
    s.OptionalText("tls_key_file", &HttpConfig::tls_key_file, {"ZAKUPAI_TLS_KEY_FILE"});
    s.OptionalText("tls_client_ca_file", &HttpConfig::tls_client_ca_file, {"ZAKUPAI_TLS_CLIENT_CA_FILE"});
    s.Custom("tls_client_auth",
             [](HttpConfig& c, const std::string& v) -> std::optional<std::string> {
                 if (v == "all") {
                     c.tls_client_auth = ClientAuth::kAll;
                 } else if (v == "admin") {
                     c.tls_client_auth = ClientAuth::kPrivileged;
                 } else {
                     return "must be all (every connection) or admin (admin and service routes only)";
                 }
                 return std::nullopt;
             },
             {"ZAKUPAI_TLS_CLIENT_AUTH"});
}

std::vector<FieldProblem> Check(const HttpConfig& config) {
    std::vector<FieldProblem> problems;
    if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
        problems.push_back(
            {"ZAKUPAI_TLS_CERT_FILE", "a TLS certificate and its key (ZAKUPAI_TLS_KEY_FILE) go together"});
    }
    if (!config.tls_client_ca_file.empty() && config.tls_cert_file.empty()) {
        problems.push_back({"ZAKUPAI_TLS_CLIENT_CA_FILE", "client certificates need TLS: set ZAKUPAI_TLS_CERT_FILE"});
    }
    return problems;
}

}  // namespace zakupai::http
