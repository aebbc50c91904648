#pragma once
// The HTTP server: Boost.Beast over Asio with C++20 coroutines, a pool of threads on one
// io_context, keep-alive, header/body/idle timeouts, a body limit enforced before the body is
// read, request ids, CORS, access log and metrics. SIGTERM/SIGINT stop accepting, let requests
// in flight finish, close idle connections and return from Run().
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/config.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace zakupai::http {

struct Hooks {
    // After routing, before the handler; a returned response is sent instead (401, 403, 429).
    std::function<std::optional<Response>(Request&, const Route&)> before;
    // Before routing, for requests that matched no route (e.g. per-IP limits on 404 probing).
    std::function<std::optional<Response>(Request&)> unmatched;
    // After the response is final.
    std::function<void(const Request&, const Route*, const Response&, std::chrono::microseconds)> after;
    // On SIGHUP, after the TLS certificates are re-read: re-read other secrets.
    std::function<void()> reload;
};

// Throws "cannot listen on host:port: …" when another process listens there, so a second
// server fails on that before it touches anything else (the search index, for one).
void EnsurePortFree(const std::string& host, int port);

class Server {
public:
    Server(const HttpConfig& config, const Router& router, RequestMetrics& metrics, Hooks hooks);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds (port 0 picks a free port), writes the port to `port_file` when given, calls
    // on_listening, serves until a stop signal or Stop(), drains, and returns.
    void Run(const std::string& port_file, const std::function<void(int port)>& on_listening);
    void Stop();
    // Re-reads the TLS certificate, key and client CA; a failure is logged and the certificates
    // in use stay. Called on SIGHUP; returns whether the new files were taken.
    bool ReloadTls();

    // Handles one parsed request through routing, hooks and the handler (no I/O); exposed so
    // the whole pipeline can be unit-tested without sockets.
    Response Handle(Request& request) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// A sane client-supplied request id is kept; anything else is replaced by a new one.
std::string ChooseRequestId(std::string_view client_value);

}  // namespace zakupai::http
