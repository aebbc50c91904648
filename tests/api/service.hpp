#pragma once
// Test support: runs the real zakupai binary as a child process on a free port and talks to
// it over HTTP/1.1, so API tests see exactly what a client sees.
#include <gtest/gtest.h>
#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace zakupai::test {

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    std::string Header(const std::string& lower_name) const;
};

// One HTTP exchange on a fresh connection (or on `raw` bytes written as they are).
HttpResult Send(int port,
                const std::string& method,
                const std::string& target,
                const std::string& body = "",
                const std::map<std::string, std::string>& headers = {});
// Writes raw bytes and returns whatever the server answers before closing (hostile input).
std::string SendRaw(int port, const std::string& bytes, int timeout_ms = 3000);

// A database for one test: a temp SQLite file, or a fresh PostgreSQL database when
// ZAKUPAI_TEST_PG_URL is set and `postgres` is true.
class TestDatabase {
public:
    explicit TestDatabase(bool postgres);
    ~TestDatabase();
    const std::string& url() const { return url_; }
    const std::string& data_dir() const { return data_dir_; }

private:
    bool postgres_;
    std::string name_;
    std::string url_;
    std::string data_dir_;
};

class Service {
public:
    // env entries are added to (or override) the defaults: port 0, the database, an admin key.
    // `ready` tells Start() the server is ready (default: GET /health over plain HTTP answers
    // 200); a TLS server needs a TLS client.
    Service(const TestDatabase& db,
            std::map<std::string, std::string> env = {},
            std::function<bool(int port)> ready = {});
    ~Service();
    void Start();
    // SIGTERM, then waits; returns the exit status (or -signal).
    int Stop();
    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    const std::string& admin_key() const { return admin_key_; }
    std::string Log() const;
    // Whether `text` appears in the log within 5 s (lines are written asynchronously).
    bool WaitForLog(const std::string& text) const;

    HttpResult Call(const std::string& method,
                    const std::string& target,
                    const std::string& body = "",
                    const std::string& api_key = "",
                    std::map<std::string, std::string> headers = {}) const;
    // Creates a key through the admin API and returns it.
    std::string CreateKey(long long tg_id, const std::string& plan) const;

private:
    const TestDatabase& db_;
    std::map<std::string, std::string> env_;
    std::string admin_key_ = "test-admin-key-0123456789";
    std::string log_path_;
    std::string port_file_;
    pid_t pid_ = -1;
    int port_ = 0;
    std::function<bool(int port)> ready_;
};

bool PostgresConfigured();

// A process's memory from /proc/PID/status, in bytes: "VmRSS" (now) or "VmHWM" (the peak since
// start or since ResetPeakMemory).
long long ProcessMemory(pid_t pid, const std::string& field);
void ResetPeakMemory(pid_t pid);

// Percent-encodes a query value or path segment (clients must; the server refuses raw UTF-8 in a
// target).
std::string PercentEncode(const std::string& text);

// One value read straight from the test's database (what the API must agree with).
long long QueryNumber(const TestDatabase& db, const std::string& sql);
std::string QueryText(const TestDatabase& db, const std::string& sql);
// A statement run straight on the test's database (a row only an older version could write).
void ExecuteSql(const TestDatabase& db, const std::string& sql);

// A test run once per backend (false = SQLite, true = PostgreSQL), skipped on PostgreSQL when
// none is configured (a failure with ZAKUPAI_REQUIRE_PG=1), with the service log printed when
// a test fails.
class BackendApiTest : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override;
    void TearDown() override;
    Service& StartService(std::map<std::string, std::string> env = {});
    std::unique_ptr<TestDatabase> db_;
    std::unique_ptr<Service> service_;
};

// A stand-in for an outside service (tests/fake_*), run as a child process on a free port.
class FakeServer {
public:
    FakeServer(const std::string& binary, const std::vector<std::string>& args);
    ~FakeServer();
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;
    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // POST /__control/<what> with a JSON body (GET for "stats").
    std::string Control(const std::string& what, const std::string& body = "{}") const;
    void Kill();

private:
    std::string name_;
    std::string dir_;
    pid_t pid_ = -1;
    int port_ = 0;
};

// The fake portal (tests/fake_ows).
class FakeOws : public FakeServer {
public:
    static constexpr const char* kToken = "0123456789abcdef0123456789abcdef";
    explicit FakeOws(int lots, int rnu = 20);
};

// The fake language-model provider (tests/fake_llm): OpenAI-compatible embeddings.
class FakeLlm : public FakeServer {
public:
    static constexpr const char* kKey = "sk-test-0123456789";
    explicit FakeLlm(int dim = 16);
};

// The fake Telegram Bot API (tests/fake_telegram).
class FakeTelegram : public FakeServer {
public:
    static constexpr const char* kToken = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz";
    FakeTelegram();
};

// The fake Vault (tests/fake_vault): KV version 2 with a token and an AppRole.
class FakeVault : public FakeServer {
public:
    static constexpr const char* kToken = "hvs.test-root-token";
    static constexpr const char* kRoleId = "zakupai-role";
    static constexpr const char* kSecretId = "zakupai-secret-id";
    FakeVault();
    // Writes a new version of <mount>/<path> (as `vault kv put` does); returns the HTTP status.
    int Put(const std::string& mount_path, const std::string& data_json) const;
};

struct CliResult {
    int exit_code = -1;  // -signal when killed
    std::string output;  // stdout and stderr
};
// Runs `zakupai <args>` against the test database with extra environment; when
// kill_after_ms > 0 the process is SIGKILLed after that long (a crash mid-run).
CliResult RunCli(const TestDatabase& db,
                 const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env,
                 int kill_after_ms = 0);
// The same, SIGKILLed as soon as `kill_when` holds (polled every 10 ms): a crash at a known point
// rather than after a guessed time.
CliResult RunCli(const TestDatabase& db,
                 const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env,
                 const std::function<bool()>& kill_when);

// `command` through /bin/sh, stdout and stderr together (pdftotext, pdfinfo, soffice).
CliResult Shell(const std::string& command);

}  // namespace zakupai::test
