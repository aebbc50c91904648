// A stand-in for HashiCorp Vault's KV version 2 in tests, answering as Vault does:
//   GET  /v1/<mount>/data/<path>     X-Vault-Token → {"data":{"data":{...},"metadata":{"version":N,...}}}
//                                    a bad token → 403 {"errors":["permission denied"]}
//                                    no secret   → 404 {"errors":[]}
//   POST /v1/<mount>/data/<path>     {"data":{...},"options":{"cas":N}} → a new version (400 on a cas mismatch)
//   POST /v1/auth/approle/login      {"role_id","secret_id"} → {"auth":{"client_token":...}}
// Started with --token (accepted for reads and writes), --role-id and --secret-id (AppRole).
#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <set>

#include "support/fake_listener.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

struct Secret {
    json::object data;
    std::int64_t version = 0;
};

class FakeVault {
public:
    FakeVault(std::string token, std::string role_id, std::string secret_id)
        : role_id_(std::move(role_id)), secret_id_(std::move(secret_id)) {
        tokens_.insert(std::move(token));
    }

    http::response<http::string_body> Handle(const http::request<http::string_body>& req) {
        const std::string target(req.target());
        std::lock_guard lock(mutex_);
        if (target == "/v1/auth/approle/login" && req.method() == http::verb::post) {
            boost::system::error_code ec;
            const auto body = json::parse(req.body(), ec);
            if (ec || !body.is_object() || body.as_object().if_contains("role_id") == nullptr ||
                body.as_object().at("role_id") != json::value(role_id_) ||
                body.as_object().if_contains("secret_id") == nullptr ||
                body.as_object().at("secret_id") != json::value(secret_id_) || role_id_.empty()) {
                return Reply(400, R"({"errors":["invalid role or secret ID"]})");
            }
            const std::string issued = "hvs.approle-" + std::to_string(++logins_);
            tokens_.insert(issued);
            return Reply(200,
                         json::serialize(
                             json::object{{"auth", json::object{{"client_token", issued}, {"lease_duration", 3600}}}}));
        }
        if (!tokens_.contains(std::string(req["X-Vault-Token"]))) {
            return Reply(403, R"({"errors":["permission denied"]})");
        }
        const auto data = target.find("/data/");
        if (target.rfind("/v1/", 0) != 0 || data == std::string::npos) {
            return Reply(404, R"({"errors":[]})");
        }
        const std::string key = target.substr(4, data - 4) + "/" + target.substr(data + 6);
        if (req.method() == http::verb::get) {
            const auto found = secrets_.find(key);
            if (found == secrets_.end()) {
                return Reply(404, R"({"errors":[]})");
            }
            return Reply(
                200,
                json::serialize(json::object{{"data",
                                              json::object{{"data", found->second.data},
                                                           {"metadata",
                                                            json::object{{"version", found->second.version},
                                                                         {"created_time", "2026-12-06T00:00:00Z"},
                                                                         {"destroyed", false}}}}}}));
        }
        if (req.method() == http::verb::post) {
            boost::system::error_code ec;
            const auto body = json::parse(req.body(), ec);
            const auto* fields = !ec && body.is_object() ? body.as_object().if_contains("data") : nullptr;
            if (fields == nullptr || !fields->is_object()) {
                return Reply(400, R"({"errors":["no data provided"]})");
            }
            auto& secret = secrets_[key];
            const auto* options = body.as_object().if_contains("options");
            if (options != nullptr && options->is_object() && options->as_object().contains("cas") &&
                options->as_object().at("cas").to_number<std::int64_t>() != secret.version) {
                return Reply(400, R"({"errors":["check-and-set parameter did not match the current version"]})");
            }
            secret.data = fields->as_object();
            ++secret.version;
            return Reply(200, json::serialize(json::object{{"data", json::object{{"version", secret.version}}}}));
        }
        return Reply(405, R"({"errors":[]})");
    }

private:
    static http::response<http::string_body> Reply(int status, std::string body) {
        http::response<http::string_body> res{static_cast<http::status>(status), 11};
        res.set(http::field::content_type, "application/json");
        res.body() = std::move(body);
        res.prepare_payload();
        return res;
    }

    std::mutex mutex_;
    std::set<std::string> tokens_;
    std::string role_id_;
    std::string secret_id_;
    std::int64_t logins_ = 0;
    std::map<std::string, Secret> secrets_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"Fake Vault KV v2 for tests"};
    std::string port_file;
    std::string token = "hvs.test-root-token";
    std::string role_id;
    std::string secret_id;
    int port = 0;
    cli.add_option("--port", port);
    cli.add_option("--port-file", port_file);
    cli.add_option("--token", token);
    cli.add_option("--role-id", role_id);
    cli.add_option("--secret-id", secret_id);
    CLI11_PARSE(cli, argc, argv);
    FakeVault vault(token, role_id, secret_id);
    zakupai::test::ListenForever(port, port_file, "fake Vault", [&vault](tcp::socket socket) {
        zakupai::test::ServeRequests(std::move(socket), [&vault](const auto& req) { return vault.Handle(req); });
    });
}
