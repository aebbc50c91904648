#include "service.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "store/database.hpp"

namespace zakupai::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::string HttpResult::Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
}

HttpResult Send(int port,
                const std::string& method,
                const std::string& target,
                const std::string& body,
                const std::map<std::string, std::string>& headers) {
    asio::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty() || method == "POST" || method == "PUT") {
        if (headers.find("Content-Type") == headers.end())
            req.set(bhttp::field::content_type, "application/json");
        req.body() = body;
        req.prepare_payload();
    }
    bhttp::write(socket, req);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    bhttp::read(socket, buffer, parser);
    HttpResult result;
    result.status = static_cast<int>(parser.get().result_int());
    for (const auto& field : parser.get()) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        result.headers[name] = std::string(field.value());
    }
    result.body = parser.get().body();
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    return result;
}

std::string SendRaw(int port, const std::string& bytes, int timeout_ms) {
    asio::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    asio::write(socket, asio::buffer(bytes));
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string answer;
    char chunk[4096];
    while (true) {
        const ssize_t n = ::recv(socket.native_handle(), chunk, sizeof chunk, 0);
        if (n <= 0)
            break;
        answer.append(chunk, static_cast<std::size_t>(n));
    }
    return answer;
}

bool PostgresConfigured() {
    return std::getenv("ZAKUPAI_TEST_PG_URL") != nullptr;
}

namespace {
std::string RandomName() {
    std::random_device rd;
    return "zk_api_" + std::to_string(rd()) + std::to_string(rd());
}
}  // namespace

TestDatabase::TestDatabase(bool postgres) : postgres_(postgres), name_(RandomName()) {
    data_dir_ = (std::filesystem::temp_directory_path() / name_).string();
    std::filesystem::create_directories(data_dir_);
    if (postgres_) {
        const std::string base = std::getenv("ZAKUPAI_TEST_PG_URL");
        soci::session admin(soci::postgresql, store::PostgresConnectString(base));
        admin << "CREATE DATABASE " + name_;
        url_ = base.substr(0, base.rfind('/') + 1) + name_;
    } else {
        url_ = "sqlite://" + data_dir_ + "/zakupai.db";
    }
}

TestDatabase::~TestDatabase() {
    if (postgres_) {
        try {
            soci::session admin(soci::postgresql, store::PostgresConnectString(std::getenv("ZAKUPAI_TEST_PG_URL")));
            admin << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
        } catch (const std::exception&) {
            // Left behind in a throwaway cluster; nothing to clean up beyond it.
        }
    }
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
}

Service::Service(const TestDatabase& db, std::map<std::string, std::string> env, std::function<bool(int port)> ready)
    : db_(db), env_(std::move(env)), ready_(std::move(ready)) {
    log_path_ = db_.data_dir() + "/service-" + RandomName() + ".log";
    port_file_ = db_.data_dir() + "/port";
    Start();
}

Service::~Service() {
    if (pid_ > 0)
        Stop();
}

void Service::Start() {
    std::filesystem::remove(port_file_);
    std::map<std::string, std::string> env{{"ZAKUPAI_DATA_DIR", db_.data_dir()},
                                           {"ZAKUPAI_DATABASE_URL", db_.url()},
                                           {"ZAKUPAI_ADMIN_KEY", admin_key_},
                                           {"ZAKUPAI_THREADS", "2"},
                                           {"ZAKUPAI_LOG_LEVEL", "info"},
                                           {"ZAKUPAI_RATE_LIMIT_IP_PER_MINUTE", "100000"}};
    for (const auto& [k, v] : env_) env[k] = v;
    pid_ = fork();
    if (pid_ == 0) {
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(ZAKUPAI_BINARY, ZAKUPAI_BINARY, "serve", "--port", "0", "--port-file", port_file_.c_str(), nullptr);
        _exit(127);
    }
    // Poll for readiness instead of sleeping a fixed time.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("zakupai exited during start-up:\n" + Log());
        }
        std::ifstream in(port_file_);
        if (in >> port_) {
            try {
                if (ready_ ? ready_(port_) : Send(port_, "GET", "/health").status == 200)
                    return;
            } catch (const std::exception&) {
                // not accepting yet
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("zakupai did not become ready:\n" + Log());
}

int Service::Stop() {
    if (pid_ <= 0)
        return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return -WTERMSIG(status);
}

std::string Service::Log() const {
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bool Service::WaitForLog(const std::string& text) const {
    for (int i = 0; i < 500; ++i) {
        if (Log().find(text) != std::string::npos) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

HttpResult Service::Call(const std::string& method,
                         const std::string& target,
                         const std::string& body,
                         const std::string& api_key,
                         std::map<std::string, std::string> headers) const {
    if (!api_key.empty())
        headers["X-API-Key"] = api_key;
    return Send(port_, method, target, body, headers);
}

std::string Service::CreateKey(long long tg_id, const std::string& plan) const {
    auto r = Call("POST",
                  "/billing/create_key",
                  R"({"tg_id":)" + std::to_string(tg_id) + R"(,"plan":")" + plan + R"("})",
                  admin_key_);
    if (r.status != 200)
        throw std::runtime_error("create_key failed: " + r.body);
    return std::string(boost::json::parse(r.body).at("api_key").as_string());
}

std::string PercentEncode(const std::string& text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4U];
            out += kHex[c & 0xFU];
        }
    }
    return out;
}

FakeServer::FakeServer(const std::string& binary, const std::vector<std::string>& args) : name_(binary) {
    dir_ = (std::filesystem::temp_directory_path() / ("fake-" + RandomName())).string();
    std::filesystem::create_directories(dir_);
    const std::string port_file = dir_ + "/port";
    const std::string log = dir_ + "/log";
    std::vector<std::string> all{binary, "--port-file", port_file};
    all.insert(all.end(), args.begin(), args.end());
    pid_ = fork();
    if (pid_ == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        std::vector<char*> argv;
        for (auto& a : all) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(binary.c_str(), argv.data());
        _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(port_file);
        if (in >> port_) {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error(binary + " did not start");
}

FakeServer::~FakeServer() {
    Kill();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

void FakeServer::Kill() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
}

std::string FakeServer::Control(const std::string& what, const std::string& body) const {
    auto result = Send(port_,
                       what == "stats" || what == "calls" || what.rfind("file/", 0) == 0 ? "GET" : "POST",
                       "/__control/" + what,
                       body);
    if (result.status != 200) {
        throw std::runtime_error(name_ + " control " + what + ": " + std::to_string(result.status) + " " + result.body);
    }
    return result.body;
}

FakeOws::FakeOws(int lots, int rnu)
    : FakeServer(ZAKUPAI_FAKE_OWS, {"--lots", std::to_string(lots), "--rnu", std::to_string(rnu), "--token", kToken}) {}

FakeLlm::FakeLlm(int dim) : FakeServer(ZAKUPAI_FAKE_LLM, {"--key", kKey, "--dim", std::to_string(dim)}) {}

FakeTelegram::FakeTelegram() : FakeServer(ZAKUPAI_FAKE_TELEGRAM, {"--token", kToken}) {}

FakeVault::FakeVault()
    : FakeServer(ZAKUPAI_FAKE_VAULT, {"--token", kToken, "--role-id", kRoleId, "--secret-id", kSecretId}) {}

int FakeVault::Put(const std::string& mount_path, const std::string& data_json) const {
    const auto slash = mount_path.find('/');
    const std::string target = "/v1/" + mount_path.substr(0, slash) + "/data/" + mount_path.substr(slash + 1);
    return Send(port(), "POST", target, R"({"data": )" + data_json + "}", {{"X-Vault-Token", kToken}}).status;
}

CliResult RunCli(const TestDatabase& db,
                 const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env,
                 int kill_after_ms) {
    return RunCli(db,
                  args,
                  env,
                  kill_after_ms > 0 ? std::function<bool()>([kill_after_ms, since = std::chrono::steady_clock::now()] {
                      return std::chrono::steady_clock::now() - since >= std::chrono::milliseconds(kill_after_ms);
                  })
                                    : std::function<bool()>());
}

CliResult RunCli(const TestDatabase& db,
                 const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env,
                 const std::function<bool()>& kill_when) {
    const std::string out_path = db.data_dir() + "/cli-" + RandomName() + ".log";
    const pid_t pid = fork();
    if (pid == 0) {
        setenv("ZAKUPAI_DATA_DIR", db.data_dir().c_str(), 1);
        setenv("ZAKUPAI_DATABASE_URL", db.url().c_str(), 1);
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        const int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        std::vector<char*> argv{const_cast<char*>(ZAKUPAI_BINARY)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(ZAKUPAI_BINARY, argv.data());
        _exit(127);
    }
    int status = 0;
    if (kill_when) {
        // Polled until it holds (then SIGKILL) or the process ends on its own.
        while (waitpid(pid, &status, WNOHANG) == 0) {
            if (kill_when()) {
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    } else {
        waitpid(pid, &status, 0);
    }
    CliResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    std::ifstream in(out_path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    result.output = buffer.str();
    return result;
}

void BackendApiTest::SetUp() {
    if (GetParam() && !PostgresConfigured()) {
        if (std::getenv("ZAKUPAI_REQUIRE_PG") != nullptr)
            FAIL() << "ZAKUPAI_TEST_PG_URL is not set";
        GTEST_SKIP() << "PostgreSQL not configured";
    }
    db_ = std::make_unique<TestDatabase>(GetParam());
}

void BackendApiTest::TearDown() {
    if (HasFailure() && service_)
        std::cerr << "---- service log ----\n" << service_->Log();
}

Service& BackendApiTest::StartService(std::map<std::string, std::string> env) {
    service_ = std::make_unique<Service>(*db_, std::move(env));
    return *service_;
}

namespace {

template <class T>
T QueryOne(const TestDatabase& db, const std::string& sql) {
    store::DatabaseConfig config;
    config.url = db.url();
    auto opened = store::Database::Open(config, db.data_dir());
    store::Database::Lease s(*opened);
    T value{};
    *s << sql, soci::into(value);
    return value;
}

}  // namespace

long long QueryNumber(const TestDatabase& db, const std::string& sql) {
    return QueryOne<long long>(db, sql);
}

std::string QueryText(const TestDatabase& db, const std::string& sql) {
    return QueryOne<std::string>(db, sql);
}

void ExecuteSql(const TestDatabase& db, const std::string& sql) {
    store::DatabaseConfig config;
    config.url = db.url();
    auto opened = store::Database::Open(config, db.data_dir());
    store::Database::Lease s(*opened);
    *s << sql;
}

long long ProcessMemory(pid_t pid, const std::string& field) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with(field + ":")) {
            return std::stoll(line.substr(field.size() + 1)) * 1024;  // "VmRSS:    1234 kB"
        }
    }
    ADD_FAILURE() << "no " << field << " for process " << pid;
    return 0;
}

void ResetPeakMemory(pid_t pid) {
    std::ofstream("/proc/" + std::to_string(pid) + "/clear_refs") << "5";  // VmHWM back to VmRSS
}

CliResult Shell(const std::string& command) {
    CliResult result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return result;
    }
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        result.output.append(buffer, n);
    }
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace zakupai::test
