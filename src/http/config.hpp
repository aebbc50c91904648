#pragma once
// The HTTP server's settings: the "http" section of the configuration.
#include <cstddef>
#include <string>
#include <vector>

#include "core/settings.hpp"

namespace zakupai::http {

// Which requests must come with a client certificate signed by the configured CA (mTLS).
enum class ClientAuth {
    kAll,         // every connection: the TLS handshake refuses a client without one
    kPrivileged,  // admin and service routes only: other routes accept any TLS client
};

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
    // TLS (Asio SSL on OpenSSL) when a certificate is given; re-read on SIGHUP.
    std::string tls_cert_file;       // PEM, the server's certificate chain
    std::string tls_key_file;        // PEM, its private key
    std::string tls_client_ca_file;  // PEM; when set, client certificates are checked (mTLS)
    ClientAuth tls_client_auth = ClientAuth::kAll;

    bool Tls() const { return !tls_cert_file.empty(); }
};

void DescribeSettings(SettingsSection<HttpConfig>& section);
// Settings that are wrong only together (a certificate without its key).
std::vector<FieldProblem> Check(const HttpConfig& config);

}  // namespace zakupai::http
