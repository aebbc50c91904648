#include "http/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <fstream>
#include <limits>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/logging.hpp"

namespace zakupai::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
namespace ssl = asio::ssl;

namespace {

// A TLS context from the configured files; throws with the file and OpenSSL's reason.
std::shared_ptr<ssl::context> MakeTlsContext(const HttpConfig& config) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    auto load = [](const std::string& what, const std::string& file, auto&& action) {
        boost::system::error_code ec;
        action(ec);
        if (ec) {
            throw std::runtime_error(fmt::format("tls: cannot use {} {}: {}", what, file, ec.message()));
        }
    };
    load("certificate", config.tls_cert_file, [&](auto& ec) {
        context->use_certificate_chain_file(config.tls_cert_file, ec);
    });
    load("key", config.tls_key_file, [&](auto& ec) {
        context->use_private_key_file(config.tls_key_file, ssl::context::pem, ec);
    });
    if (!config.tls_client_ca_file.empty()) {
        load("client CA", config.tls_client_ca_file, [&](auto& ec) {
            context->load_verify_file(config.tls_client_ca_file, ec);
        });
        // kAll: no certificate, no connection. kPrivileged: a certificate is asked for and, when
        // sent, must verify; the routes that need one are checked per request.
        context->set_verify_mode(config.tls_client_auth == ClientAuth::kAll
                                     ? ssl::verify_peer | ssl::verify_fail_if_no_peer_cert
                                     : ssl::verify_peer);
    }
    return context;
}

// Routes for operators and services, which a kPrivileged listener reserves to certificate holders.
bool Privileged(const Route& route) {
    return Rank(route.required_plan) >= Rank(Plan::kService);
}

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

std::string NewRequestId() {
    return NewUuid();
}

std::size_t BodyLimitFor(const HttpConfig& config, std::string_view target) {
    const std::string_view path = target.substr(0, target.find('?'));
    for (const auto& upload : config.upload_paths) {
        if (path == upload) {
            return std::max(config.body_limit_bytes, config.upload_body_limit_bytes);
        }
    }
    return config.body_limit_bytes;
}

// "/search/lots" -> "search", "/app/lots/{id}" -> "app", "/" -> "root": a label with few values,
// for log and metric dashboards that cannot afford one series per route.
std::string_view RouteGroup(std::string_view route) {
    if (route.empty() || route.front() != '/') {
        return route;  // "unmatched", "preflight"
    }
    const std::string_view rest = route.substr(1);
    const std::string_view group = rest.substr(0, rest.find('/'));
    return group.empty() ? std::string_view("root") : group;
}

std::string_view StatusClass(int status) {
    static constexpr std::array<std::string_view, 6> kClasses{"0xx", "1xx", "2xx", "3xx", "4xx", "5xx"};
    return kClasses[static_cast<std::size_t>(std::clamp(status / 100, 0, 5))];
}

bool OriginAllowed(const std::vector<std::string>& allowed, std::string_view origin) {
    for (const auto& o : allowed) {
        if (o == "*" || o == origin) {
            return true;
        }
    }
    return false;
}

// A connection coroutine that throws ends that connection only; with asio::detached the
// exception would escape io_context::run() and take the worker thread down.
void LogConnectionFailure(const std::exception_ptr& failure) {
    if (!failure) {
        return;
    }
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& e) {
        spdlog::error("connection ended by an exception: {}", e.what());
    }
}

}  // namespace

std::string ChooseRequestId(std::string_view client_value) {
    if (!client_value.empty() && client_value.size() <= 128) {
        bool sane = true;
        for (char c : client_value) {
            const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '_' || c == '.' || c == ':';
            sane = sane && ok;
        }
        if (sane) {
            return std::string(client_value);
        }
    }
    return NewRequestId();
}

struct Server::Impl {
    // One connection, as seen by the shutdown logic.
    struct Connection {
        beast::tcp_stream* stream = nullptr;
        bool idle = true;  // waiting for the first byte of a request
    };

    // One io_context per thread, each with its own SO_REUSEPORT acceptor: a connection lives on
    // one thread from accept to close, so there is no cross-thread hand-off per request.
    struct Worker {
        asio::io_context ioc{1};
        std::optional<tcp::acceptor> acceptor;
        std::mutex mutex;
        std::unordered_map<std::uint64_t, Connection> connections;
        std::uint64_t next_id = 0;
    };

    Impl(const HttpConfig& c, const Router& r, RequestMetrics& m, Hooks h)
        : config(c),
          router(r),
          metrics(m),
          hooks(std::move(h)),
          blocking_pool(static_cast<std::size_t>(std::max(1, c.blocking_threads))) {
        if (c.Tls()) {
            tls = MakeTlsContext(c);
        }
        const int count =
            c.threads > 0 ? c.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        for (int i = 0; i < count; ++i) {
            workers.push_back(std::make_unique<Worker>());
        }
    }

    const HttpConfig& config;
    const Router& router;
    RequestMetrics& metrics;
    Hooks hooks;
    std::vector<std::unique_ptr<Worker>> workers;
    asio::thread_pool blocking_pool;  // for blocking routes; joined when the server is destroyed
    std::atomic<bool> draining{false};
    // The TLS context new connections use; replaced whole on reload, so a connection keeps the
    // one it started with.
    mutable std::mutex tls_mutex;
    std::shared_ptr<ssl::context> tls;

    std::shared_ptr<ssl::context> CurrentTls() const {
        std::lock_guard lock(tls_mutex);
        return tls;
    }

    // `match` is router.Find's answer for the request (found once, before choosing the thread).
    Response Dispatch(Request& request, Match match) const;
    void AddCors(const Request& request, Response& response) const;
    asio::awaitable<void> Accept(Worker& worker);
    asio::awaitable<void> Serve(Worker& worker, tcp::socket socket);
    template <class Stream>
    asio::awaitable<void> ServeStream(Worker& worker, Stream& stream, bool client_certificate);
    void BeginShutdown();
    static void SetIdle(Worker& worker, std::uint64_t id, bool idle) {
        std::lock_guard lock(worker.mutex);
        worker.connections[id].idle = idle;
    }
};

void Server::Impl::AddCors(const Request& request, Response& response) const {
    const std::string_view origin = request.Header("origin");
    if (origin.empty() || !OriginAllowed(config.cors_origins, origin)) {
        return;
    }
    response.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
    response.headers.emplace_back("Vary", "Origin");
    response.headers.emplace_back("Access-Control-Expose-Headers", "X-Request-Id, Retry-After");
}

Response Server::Impl::Dispatch(Request& request, Match match) const {
    const auto started = std::chrono::steady_clock::now();
    metrics.BeginRequest();
    Response response;
    const Route* route = nullptr;
    std::string route_label = "unmatched";
    try {
        if (request.method == "OPTIONS" && match.route == nullptr && !match.allowed_methods.empty()) {
            // CORS preflight: answered for known paths from allowed origins.
            const std::string_view origin = request.Header("origin");
            if (origin.empty() || !OriginAllowed(config.cors_origins, origin)) {
                response = ErrorResponse(403, "forbidden", "origin not allowed by CORS policy", request.request_id);
            } else {
                response.status = 204;
                response.content_type.clear();
                std::string methods;
                for (const auto& m : match.allowed_methods) {
                    methods += (methods.empty() ? "" : ", ") + m;
                }
                response.headers.emplace_back("Access-Control-Allow-Methods", methods);
                response.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type, X-API-Key, X-Request-Id");
                response.headers.emplace_back("Access-Control-Max-Age", "600");
            }
            route_label = "preflight";
        } else if (match.route == nullptr) {
            std::optional<Response> early = hooks.unmatched ? hooks.unmatched(request) : std::nullopt;
            if (early) {
                response = std::move(*early);
            } else if (!match.allowed_methods.empty()) {
                std::string allow;
                for (const auto& m : match.allowed_methods) {
                    allow += (allow.empty() ? "" : ", ") + m;
                }
                response = ErrorResponse(
                    405,
                    "method_not_allowed",
                    fmt::format("method {} is not allowed on {}; use {}", request.method, request.path, allow),
                    request.request_id);
                response.headers.emplace_back("Allow", allow);
            } else {
                response = ErrorResponse(404, "not_found", "no route for " + request.path, request.request_id);
            }
        } else {
            route = match.route;
            route_label = route->pattern;
            request.path_params = std::move(match.params);
            std::optional<Response> early;
            if (config.Tls() && !config.tls_client_ca_file.empty() &&
                config.tls_client_auth == ClientAuth::kPrivileged && Privileged(*route) &&
                !request.client_certificate) {
                early = ErrorResponse(403,
                                      "client_certificate_required",
                                      "this route needs a client certificate signed by the operators' CA",
                                      request.request_id);
            } else if (hooks.before) {
                early = hooks.before(request, *route);
            }
            if (early) {
                response = std::move(*early);
            } else {
                LogRequestScope log_scope(request.request_id);
                response = route->handler(request);
            }
        }
    } catch (const std::exception& e) {
        // Outages (database down, disk full) end here: logged in full, answered in general terms.
        LogRequestScope log_scope(request.request_id);
        spdlog::error("{} {} failed: {}", request.method, request.path, e.what());
        response =
            ErrorResponse(503, "unavailable", "service temporarily unavailable, try again later", request.request_id);
        response.headers.emplace_back("Retry-After", "5");
    }
    AddCors(request, response);
    response.headers.emplace_back("X-Request-Id", request.request_id);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    metrics.EndRequest(request.method, route_label, response.status, elapsed);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
    if (hooks.after) {
        try {
            hooks.after(request, route, response, micros);
        } catch (const std::exception& e) {
            // The answer is already decided; losing its audit record must not lose the answer.
            spdlog::error("after-request hook failed for {}: {}", request.request_id, e.what());
        }
    }
    if (config.access_log) {
        JsonWriter line;
        line.BeginObject()
            .Field("ts",
                   FormatUtcTimestamp(
                       std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now())))
            .Field("type", "access")
            .Field("request_id", request.request_id)
            .Field("method", request.method)
            .Field("path", request.path)
            .Field("route", route_label)
            .Field("route_group", RouteGroup(route_label))
            .Field("status", response.status)
            .Field("status_class", StatusClass(response.status))
            .Key("duration_ms")
            .Decimal(micros.count(), 3)
            .Field("bytes", static_cast<std::int64_t>(response.body.size()))
            .Field("ip", request.remote_ip)
            .Field("key_id", request.caller.key_id);
        for (const auto& [name, value] : response.log_fields) {
            line.Field(name, value);
        }
        line.EndObject();
        WriteAccessLogLine(line.str());
    }
    return response;
}

namespace {

bhttp::response<bhttp::string_body> ToBeast(Response&& r, unsigned version, bool keep_alive) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
    res.set(bhttp::field::server, "zakupai");
    if (!r.content_type.empty()) {
        res.set(bhttp::field::content_type, r.content_type);
    }
    for (auto& [name, value] : r.headers) {
        res.insert(name, value);
    }
    res.body() = std::move(r.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

Request FromBeast(bhttp::request<bhttp::string_body>&& req, const std::string& remote_ip) {
    Request r;
    r.received_at = std::chrono::steady_clock::now();
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    const auto q = r.target.find('?');
    r.path = r.target.substr(0, q);
    if (q != std::string::npos) {
        r.query = ParseQuery(std::string_view(r.target).substr(q + 1));
    }
    r.headers.reserve(8);
    for (const auto& field : req) {
        std::string name(field.name_string());
        for (auto& c : name) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        r.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    r.body = std::move(req.body());
    r.remote_ip = remote_ip;

    return r;
}

}  // namespace

asio::awaitable<void> Server::Impl::Serve(Worker& worker, tcp::socket socket) {
    const auto context = CurrentTls();
    if (!context) {
        beast::tcp_stream stream(std::move(socket));
        co_await ServeStream(worker, stream, false);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *context);
    beast::get_lowest_layer(stream).expires_after(std::chrono::milliseconds(config.header_timeout_ms));
    auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::server, kNoThrow);
    if (handshake_ec) {
        // No certificate, an untrusted or expired one, plain HTTP on the TLS port: the client
        // learns it from the TLS alert; the operator from this line.
        spdlog::debug("TLS handshake refused: {}", handshake_ec.message());
        boost::system::error_code ignored;
        beast::get_lowest_layer(stream).socket().close(ignored);
        co_return;
    }
    SSL* ssl_handle = stream.native_handle();
    const bool verified =
        SSL_get0_peer_certificate(ssl_handle) != nullptr && SSL_get_verify_result(ssl_handle) == X509_V_OK;
    co_await ServeStream(worker, stream, verified);
}

template <class Stream>
asio::awaitable<void> Server::Impl::ServeStream(Worker& worker, Stream& stream, bool client_certificate) {
    beast::tcp_stream& tcp_layer = beast::get_lowest_layer(stream);
    std::uint64_t id = 0;
    {
        std::lock_guard lock(worker.mutex);
        id = worker.next_id++;
        worker.connections[id] = Connection{&tcp_layer, true};
    }
    boost::system::error_code endpoint_ec;
    const auto endpoint = tcp_layer.socket().remote_endpoint(endpoint_ec);
    const std::string remote_ip = endpoint_ec ? "unknown" : endpoint.address().to_string();
    beast::flat_buffer buffer;
    bool first = true;
    while (!draining.load()) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(16 * 1024);
        // Beast would reject a large Content-Length while parsing the header, indistinguishable
        // from garbage; the limit is applied after the header so the answer can be a clear 413.
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        const bool idle = buffer.size() == 0;
        SetIdle(worker, id, idle);
        if (draining.load() && idle) {
            break;
        }
        tcp_layer.expires_after(std::chrono::milliseconds(first ? config.header_timeout_ms : config.idle_timeout_ms));
        auto [ec, bytes] = co_await bhttp::async_read_header(stream, buffer, parser, kNoThrow);
        SetIdle(worker, id, false);
        first = false;
        if (ec) {
            if (ec == bhttp::error::header_limit) {
                Response r =
                    ErrorResponse(431, "header_too_large", "request headers are larger than 16 KiB", NewRequestId());
                co_await bhttp::async_write(stream, ToBeast(std::move(r), 11, false), kNoThrow);
            } else if (ec != bhttp::error::end_of_stream && ec != beast::error::timeout &&
                       ec != asio::error::operation_aborted && ec != asio::error::connection_reset &&
                       ec != asio::error::eof) {
                Response r =
                    ErrorResponse(400, "bad_request", "malformed HTTP request: " + ec.message(), NewRequestId());
                co_await bhttp::async_write(stream, ToBeast(std::move(r), 11, false), kNoThrow);
            }
            break;
        }
        auto& header = parser.get();
        const std::string request_id = ChooseRequestId(header["X-Request-Id"]);
        const auto content_length = parser.content_length();
        const std::size_t body_limit = BodyLimitFor(config, header.target());
        if (content_length && *content_length > body_limit) {
            // Refused before a byte of the body is read.
            Response r = ErrorResponse(
                413,
                "payload_too_large",
                fmt::format("request body of {} bytes exceeds the limit of {} bytes", *content_length, body_limit),
                request_id);
            r.headers.emplace_back("X-Request-Id", request_id);
            metrics.BeginRequest();
            metrics.EndRequest(header.method_string(), "unmatched", 413, std::chrono::nanoseconds{0});
            co_await bhttp::async_write(stream, ToBeast(std::move(r), header.version(), false), kNoThrow);
            break;
        }
        if (beast::iequals(header[bhttp::field::expect], "100-continue")) {
            bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, header.version()};
            co_await bhttp::async_write(stream, cont, kNoThrow);
        }
        parser.body_limit(body_limit);
        tcp_layer.expires_after(std::chrono::milliseconds(config.body_timeout_ms));
        auto [body_ec, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
        if (body_ec) {
            if (body_ec == bhttp::error::body_limit) {
                Response r = ErrorResponse(413,
                                           "payload_too_large",
                                           fmt::format("request body exceeds the limit of {} bytes", body_limit),
                                           request_id);
                co_await bhttp::async_write(stream, ToBeast(std::move(r), 11, false), kNoThrow);
            } else if (body_ec == beast::error::timeout) {
                Response r = ErrorResponse(408, "request_timeout", "request body was not received in time", request_id);
                co_await bhttp::async_write(stream, ToBeast(std::move(r), 11, false), kNoThrow);
            } else if (body_ec != asio::error::eof && body_ec != bhttp::error::end_of_stream &&
                       body_ec != asio::error::connection_reset && body_ec != asio::error::operation_aborted) {
                Response r =
                    ErrorResponse(400, "bad_request", "malformed HTTP request body: " + body_ec.message(), request_id);
                co_await bhttp::async_write(stream, ToBeast(std::move(r), 11, false), kNoThrow);
            }
            break;
        }
        auto beast_request = parser.release();
        const unsigned version = beast_request.version();
        const bool keep_alive = beast_request.keep_alive();
        Request request = FromBeast(std::move(beast_request), remote_ip);
        request.request_id = request_id;
        request.client_certificate = client_certificate;
        Response response;
        Match match = router.Find(request.method, request.path);
        if (match.route != nullptr && match.route->blocking) {
            // A long handler (a sync, a render) would stall every other connection on this
            // thread: it runs on the blocking pool and this coroutine resumes here when done.
            response = co_await asio::co_spawn(
                blocking_pool,
                [&]() -> asio::awaitable<Response> { co_return Dispatch(request, std::move(match)); },
                asio::use_awaitable);
        } else {
            response = Dispatch(request, std::move(match));
        }
        const bool keep = keep_alive && !draining.load();
        tcp_layer.expires_after(std::chrono::milliseconds(config.body_timeout_ms));
        auto [write_ec, written] =
            co_await bhttp::async_write(stream, ToBeast(std::move(response), version, keep), kNoThrow);
        if (write_ec || !keep) {
            break;
        }
    }
    // Lingering close: stop sending, then read and discard what the client is still sending
    // (briefly, boundedly). Closing with unread bytes makes the kernel send a reset, which can
    // destroy a 413 or 400 answer before the client reads it.
    boost::system::error_code ignored;
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
        // TLS says goodbye with close_notify; bounded, since a client may never answer it.
        tcp_layer.expires_after(std::chrono::milliseconds(500));
        co_await stream.async_shutdown(kNoThrow);
    } else {
        tcp_layer.socket().shutdown(tcp::socket::shutdown_send, ignored);
        tcp_layer.expires_after(std::chrono::milliseconds(500));
        std::array<char, std::size_t{16} * 1024> discard{};
        for (std::size_t drained = 0; drained < std::size_t{1024} * 1024;) {
            auto [drain_ec, n] = co_await stream.async_read_some(asio::buffer(discard), kNoThrow);
            if (drain_ec) {
                break;
            }
            drained += n;
        }
    }
    tcp_layer.socket().close(ignored);
    std::lock_guard lock(worker.mutex);
    worker.connections.erase(id);
}

asio::awaitable<void> Server::Impl::Accept(Worker& worker) {
    while (true) {
        auto [ec, socket] = co_await worker.acceptor->async_accept(kNoThrow);
        if (ec) {
            if (ec == asio::error::operation_aborted || !worker.acceptor->is_open()) {
                co_return;
            }
            spdlog::warn("accept failed: {}", ec.message());
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        asio::co_spawn(worker.ioc, Serve(worker, std::move(socket)), LogConnectionFailure);
    }
}

void Server::Impl::BeginShutdown() {
    if (draining.exchange(true)) {
        return;
    }
    spdlog::info("shutting down: no new connections, finishing requests in flight");
    for (auto& w : workers) {
        Worker* worker = w.get();
        asio::post(worker->ioc, [worker] {
            boost::system::error_code ignored;
            if (worker->acceptor) {
                worker->acceptor->close(ignored);
            }
            std::lock_guard lock(worker->mutex);
            for (auto& [id, connection] : worker->connections) {
                // Busy connections close themselves after their response.
                if (connection.idle) {
                    connection.stream->cancel();
                }
            }
        });
    }
}

Server::Server(const HttpConfig& config, const Router& router, RequestMetrics& metrics, Hooks hooks)
    : impl_(std::make_unique<Impl>(config, router, metrics, std::move(hooks))) {}

Server::~Server() = default;

Response Server::Handle(Request& request) const {
    return impl_->Dispatch(request, impl_->router.Find(request.method, request.path));
}

void Server::Stop() {
    impl_->BeginShutdown();
}

bool Server::ReloadTls() {
    Impl& s = *impl_;
    if (!s.config.Tls()) {
        return false;
    }
    try {
        auto fresh = MakeTlsContext(s.config);
        std::lock_guard lock(s.tls_mutex);
        s.tls = std::move(fresh);
    } catch (const std::exception& e) {
        spdlog::error("{}; the certificates in use stay", e.what());
        return false;
    }
    spdlog::info("tls: certificates re-read from {}", s.config.tls_cert_file);
    return true;
}

namespace {

// SO_REUSEPORT would let a second server join a port that is already taken and share its
// traffic; an exclusive probe bind first makes that a clear "address in use" error.
void ProbeExclusive(asio::io_context& ioc, const asio::ip::address& address, int port) {
    tcp::acceptor probe(ioc);
    probe.open(address.is_v6() ? tcp::v6() : tcp::v4());
    // SO_REUSEADDR tolerates TIME_WAIT leftovers of a server that just stopped, and on Linux
    // still refuses a port that has a live listener.
    probe.set_option(asio::socket_base::reuse_address(true));
    probe.bind(tcp::endpoint(address, static_cast<unsigned short>(port)));
}

}  // namespace

void EnsurePortFree(const std::string& host, int port) {
    if (port == 0) {
        return;
    }
    try {
        asio::io_context ioc;
        ProbeExclusive(ioc, asio::ip::make_address(host), port);
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error(fmt::format("cannot listen on {}:{}: {}", host, port, e.code().message()));
    }
}

void Server::Run(const std::string& port_file, const std::function<void(int port)>& on_listening) {
    Impl& s = *impl_;
    const auto address = asio::ip::make_address(s.config.host);
    int port = s.config.port;
    try {
        if (port != 0) {
            ProbeExclusive(s.workers[0]->ioc, address, port);
        }
        for (auto& worker : s.workers) {
            // The first acceptor may bind port 0; the others join the port it got.
            tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
            worker->acceptor.emplace(worker->ioc);
            worker->acceptor->open(endpoint.protocol());
            worker->acceptor->set_option(asio::socket_base::reuse_address(true));
            const int one = 1;
            ::setsockopt(worker->acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
            worker->acceptor->bind(endpoint);
            worker->acceptor->listen(asio::socket_base::max_listen_connections);
            port = worker->acceptor->local_endpoint().port();
        }
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error(
            fmt::format("cannot listen on {}:{}: {}", s.config.host, s.config.port, e.code().message()));
    }
    if (!port_file.empty()) {
        // Written to a temporary name and renamed so a reader never sees a half-written port.
        std::ofstream(port_file + ".tmp") << port << "\n";
        std::rename((port_file + ".tmp").c_str(), port_file.c_str());
    }
    if (on_listening) {
        on_listening(port);
    }

    // Signals are handled on a context of their own, so each worker's context runs out of
    // work, and its run() returns, as soon as its connections have drained.
    asio::io_context control;
    asio::signal_set signals(control, SIGINT, SIGTERM);
    std::mutex done_mutex;
    std::condition_variable done_cv;
    bool done = false;
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) {
            return;
        }
        spdlog::info("received signal {}", signal);
        s.BeginShutdown();
        std::unique_lock lock(done_mutex);
        if (!done_cv.wait_for(lock, std::chrono::milliseconds(s.config.shutdown_grace_ms), [&] { return done; })) {
            spdlog::warn("grace period over: closing remaining connections");
            for (auto& worker : s.workers) {
                worker->ioc.stop();
            }
        }
    });
    // SIGHUP: new certificates (and, through the hook, secrets) without a restart.
    asio::signal_set hangup(control, SIGHUP);
    std::function<void()> await_hangup = [&] {
        hangup.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec) {
                return;
            }
            spdlog::info("received SIGHUP: reloading");
            ReloadTls();
            if (s.hooks.reload) {
                s.hooks.reload();
            }
            await_hangup();
        });
    };
    await_hangup();
    std::thread control_thread([&] { control.run(); });

    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < s.workers.size(); ++i) {
        Impl::Worker* worker = s.workers[i].get();
        asio::co_spawn(worker->ioc, s.Accept(*worker), asio::detached);
        pool.emplace_back([worker] { worker->ioc.run(); });
    }
    asio::co_spawn(s.workers[0]->ioc, s.Accept(*s.workers[0]), asio::detached);
    s.workers[0]->ioc.run();
    for (auto& t : pool) {
        t.join();
    }
    {
        std::lock_guard lock(done_mutex);
        done = true;
    }
    done_cv.notify_all();
    signals.cancel();
    hangup.cancel();
    control_thread.join();
    spdlog::info("server stopped");
}

}  // namespace zakupai::http
