// A stand-in for the Telegram Bot API in tests and benchmarks: POST /bot<token>/<method> with
// Telegram's answers ({"ok": true, "result": ...} or {"ok": false, "error_code", "description",
// "parameters"}), getUpdates long polling over scripted updates, every other call recorded.
//
// Control API (no auth):
//   POST /__control/update  an Update object (update_id assigned when absent)
//   POST /__control/fault   {"kind": "429|403|500|migrate", "count": 1, "retry_after": 1,
//                            "migrate_to_chat_id": -100123}   applied to the next calls but getUpdates
//   GET  /__control/calls   {"calls": [{"method", "body", "at_ms"}], "max_per_second", "max_per_chat_second"}
//   GET  /__control/file/N  the bytes of the N-th uploaded document (0-based)
// An upload (multipart/form-data, as sendDocument takes a file) is recorded with its text fields
// as the body and the file as "document": {"filename", "content_type", "size", "index"}.
#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "support/fake_listener.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

struct UploadedFile {
    std::string filename;
    std::string content_type;
    std::string bytes;
};

// A multipart/form-data body: its text fields (chat_id as a number) and its files. Empty when
// the body does not follow the boundary it declared.
std::pair<json::object, std::vector<std::pair<std::string, UploadedFile>>> ReadMultipart(
    const std::string& content_type, const std::string& body) {
    std::pair<json::object, std::vector<std::pair<std::string, UploadedFile>>> out;
    const auto b = content_type.find("boundary=");
    if (b == std::string::npos) {
        return out;
    }
    std::string boundary = content_type.substr(b + 9);
    if (!boundary.empty() && boundary.front() == '"') {
        boundary = boundary.substr(1, boundary.find('"', 1) - 1);
    }
    const std::string delimiter = "--" + boundary;
    std::size_t at = body.find(delimiter);
    while (at != std::string::npos) {
        at += delimiter.size();
        if (body.compare(at, 2, "--") == 0) {
            break;
        }
        at += 2;  // CRLF
        const auto headers_end = body.find("\r\n\r\n", at);
        const auto next = body.find("\r\n" + delimiter, at);
        if (headers_end == std::string::npos || next == std::string::npos || headers_end > next) {
            break;
        }
        const std::string headers = body.substr(at, headers_end - at);
        const std::string data = body.substr(headers_end + 4, next - headers_end - 4);
        auto quoted = [&headers](const std::string& key) -> std::string {
            const auto k = headers.find(key + "=\"");
            if (k == std::string::npos) {
                return "";
            }
            const auto start = k + key.size() + 2;
            return headers.substr(start, headers.find('"', start) - start);
        };
        std::string type;
        if (const auto t = headers.find("Content-Type: "); t != std::string::npos) {
            type = headers.substr(t + 14, headers.find("\r\n", t) - t - 14);
        }
        const std::string name = quoted("name");
        const std::string filename = quoted("filename");
        if (!filename.empty()) {
            out.second.push_back({name, UploadedFile{filename, type, data}});
        } else if (name == "chat_id") {
            out.first[name] = std::stoll(data);
        } else {
            out.first[name] = data;
        }
        at = next + 2;
    }
    return out;
}

struct Fault {
    std::string kind;
    std::int64_t retry_after = 1;
    std::int64_t migrate_to = 0;
};

std::int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

class FakeTelegram {
public:
    explicit FakeTelegram(std::string token) : token_(std::move(token)) {}

    http::response<http::string_body> Handle(const http::request<http::string_body>& req) {
        const std::string target(req.target());
        if (target.rfind("/__control/", 0) == 0) {
            return Control(req, target);
        }
        const std::string prefix = "/bot" + token_ + "/";
        if (target.rfind(prefix, 0) != 0) {
            return Reply(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})");
        }
        const std::string method = target.substr(prefix.size());
        boost::system::error_code ec;
        json::value body;
        const std::string content_type(req[http::field::content_type]);
        std::vector<std::pair<std::string, UploadedFile>> files;
        if (content_type.rfind("multipart/form-data", 0) == 0) {
            auto form = ReadMultipart(content_type, req.body());
            body = std::move(form.first);
            files = std::move(form.second);
        } else {
            body = json::parse(req.body(), ec);
        }
        if (ec || !body.is_object()) {
            return Reply(400, R"({"ok":false,"error_code":400,"description":"Bad Request: invalid JSON"})");
        }
        if (method == "getUpdates") {
            return GetUpdates(body.as_object());
        }
        std::unique_lock lock(mutex_);
        if (!faults_.empty()) {
            const Fault fault = faults_.front();
            faults_.pop_front();
            if (fault.kind == "429") {
                return Reply(429,
                             json::serialize(json::object{
                                 {"ok", false},
                                 {"error_code", 429},
                                 {"description", "Too Many Requests: retry after " + std::to_string(fault.retry_after)},
                                 {"parameters", json::object{{"retry_after", fault.retry_after}}}}));
            }
            if (fault.kind == "403") {
                return Reply(403,
                             R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})");
            }
            if (fault.kind == "migrate") {
                return Reply(400,
                             json::serialize(json::object{
                                 {"ok", false},
                                 {"error_code", 400},
                                 {"description", "Bad Request: group chat was upgraded to a supergroup chat"},
                                 {"parameters", json::object{{"migrate_to_chat_id", fault.migrate_to}}}}));
            }
            return Reply(500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})");
        }
        auto& object = body.as_object();
        if (method == "sendDocument") {
            if (files.size() != 1 || files[0].first != "document" || files[0].second.bytes.empty()) {
                return Reply(
                    400,
                    R"({"ok":false,"error_code":400,"description":"Bad Request: there is no document in the request"})");
            }
            const auto& file = files[0].second;
            object["document"] = json::object{{"filename", file.filename},
                                              {"content_type", file.content_type},
                                              {"size", file.bytes.size()},
                                              {"index", uploads_.size()}};
            uploads_.push_back(file);
        }
        if (method == "sendMessage") {
            const auto* text = object.if_contains("text");
            if (text == nullptr || !text->is_string() || text->as_string().empty()) {
                return Reply(400,
                             R"({"ok":false,"error_code":400,"description":"Bad Request: message text is empty"})");
            }
        }
        calls_.push_back(json::object{{"method", method}, {"body", body}, {"at_ms", NowMs() - started_ms_}});
        if (method != "sendMessage") {
            return Reply(200, R"({"ok":true,"result":true})");
        }
        // The sent Message as Telegram returns it: clients read its chat (Alertmanager's
        // telebot logs message.Chat.ID and crashes on a message without one).
        return Reply(200,
                     json::serialize(json::object{
                         {"ok", true},
                         {"result",
                          json::object{{"message_id", ++message_id_},
                                       {"date", NowMs() / 1000},
                                       {"chat", json::object{{"id", ChatIdOf(object)}, {"type", "private"}}},
                                       {"text", object.at("text")}}}}));
    }

private:
    // chat_id arrives as a JSON number, or as text from a form-encoded or multipart body.
    static std::int64_t ChatIdOf(const json::object& body) {
        const auto* id = body.if_contains("chat_id");
        if (id == nullptr) {
            return 0;
        }
        if (id->is_int64()) {
            return id->as_int64();
        }
        if (id->is_string()) {
            try {
                return std::stoll(std::string(id->as_string()));
            } catch (const std::exception&) {
                return 0;
            }
        }
        return 0;
    }

    static http::response<http::string_body> Reply(int status, std::string body) {
        http::response<http::string_body> res{static_cast<http::status>(status), 11};
        res.set(http::field::content_type, "application/json");
        res.body() = std::move(body);
        res.prepare_payload();
        return res;
    }

    http::response<http::string_body> GetUpdates(const json::object& request) {
        const std::int64_t offset = request.contains("offset") ? request.at("offset").to_number<std::int64_t>() : 0;
        const std::int64_t timeout = request.contains("timeout") ? request.at("timeout").to_number<std::int64_t>() : 0;
        std::unique_lock lock(mutex_);
        ++polls_;
        // Confirmed updates (below the offset) are forgotten, as Telegram does.
        while (!updates_.empty() && updates_.front().at("update_id").as_int64() < offset) {
            updates_.pop_front();
        }
        arrived_.wait_for(
            lock, std::chrono::seconds(std::min<std::int64_t>(timeout, 30)), [this] { return !updates_.empty(); });
        json::array result;
        for (const auto& u : updates_) {
            result.push_back(u);
        }
        return Reply(200, json::serialize(json::object{{"ok", true}, {"result", std::move(result)}}));
    }

    http::response<http::string_body> Control(const http::request<http::string_body>& req, const std::string& target) {
        std::unique_lock lock(mutex_);
        if (target == "/__control/update") {
            auto update = json::parse(req.body()).as_object();
            if (!update.contains("update_id")) {
                update["update_id"] = ++last_update_id_;
            } else {
                last_update_id_ = std::max(last_update_id_, update.at("update_id").as_int64());
            }
            updates_.push_back(std::move(update));
            arrived_.notify_all();
            return Reply(200, json::serialize(json::object{{"update_id", last_update_id_}}));
        }
        if (target == "/__control/fault") {
            auto body = json::parse(req.body()).as_object();
            Fault fault;
            fault.kind = std::string(body.at("kind").as_string());
            if (body.contains("retry_after")) {
                fault.retry_after = body.at("retry_after").as_int64();
            }
            if (body.contains("migrate_to_chat_id")) {
                fault.migrate_to = body.at("migrate_to_chat_id").as_int64();
            }
            const auto count = body.contains("count") ? body.at("count").as_int64() : 1;
            for (std::int64_t i = 0; i < count; ++i) {
                faults_.push_back(fault);
            }
            return Reply(200, R"({"ok":true})");
        }
        if (target.rfind("/__control/file/", 0) == 0) {
            const auto index = std::stoul(target.substr(16));
            if (index >= uploads_.size()) {
                return Reply(404, R"({"error":"no such upload"})");
            }
            http::response<http::string_body> res{http::status::ok, 11};
            res.set(http::field::content_type, uploads_[index].content_type);
            res.body() = uploads_[index].bytes;
            res.prepare_payload();
            return res;
        }
        if (target == "/__control/calls") {
            // The most messages in any one second, overall and to one chat: the sender's limits.
            std::int64_t max_second = 0;
            std::int64_t max_chat_second = 0;
            for (std::size_t i = 0; i < calls_.size(); ++i) {
                const auto& ci = calls_[i].as_object();
                std::int64_t overall = 0;
                std::int64_t same_chat = 0;
                for (std::size_t j = i; j < calls_.size(); ++j) {
                    const auto& cj = calls_[j].as_object();
                    if (cj.at("at_ms").as_int64() - ci.at("at_ms").as_int64() >= 1000) {
                        break;
                    }
                    ++overall;
                    const auto* a = ci.at("body").as_object().if_contains("chat_id");
                    const auto* b = cj.at("body").as_object().if_contains("chat_id");
                    if (a != nullptr && b != nullptr && *a == *b) {
                        ++same_chat;
                    }
                }
                max_second = std::max(max_second, overall);
                max_chat_second = std::max(max_chat_second, same_chat);
            }
            return Reply(200,
                         json::serialize(json::object{{"calls", calls_},
                                                      {"polls", polls_},
                                                      {"max_per_second", max_second},
                                                      {"max_per_chat_second", max_chat_second}}));
        }
        return Reply(404, R"({"error":"unknown control"})");
    }

    std::string token_;
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::deque<json::object> updates_;
    std::deque<Fault> faults_;
    json::array calls_;
    std::vector<UploadedFile> uploads_;
    std::int64_t last_update_id_ = 1000;
    std::int64_t message_id_ = 0;
    std::int64_t polls_ = 0;
    std::int64_t started_ms_ = NowMs();
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"Fake Telegram Bot API for tests"};
    std::string port_file;
    std::string token = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz";
    int port = 0;
    cli.add_option("--port", port);
    cli.add_option("--port-file", port_file);
    cli.add_option("--token", token);
    CLI11_PARSE(cli, argc, argv);

    FakeTelegram telegram(token);
    zakupai::test::ListenForever(port, port_file, "fake Telegram Bot API", [&telegram](tcp::socket socket) {
        zakupai::test::ServeRequests(std::move(socket), [&telegram](const auto& req) { return telegram.Handle(req); });
    });
}
