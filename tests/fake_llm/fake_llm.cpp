// A stand-in for the language-model providers in tests, behind a Bearer key, with faults
// injected on demand:
//   POST /v1/embeddings          vectors of words hashed into --dim buckets (deterministic, so a
//                                text shares a direction with texts that share its words)
//   POST /v1/chat/completions    "[fake <model>] " + the first context line it was given
//   POST /api/v1/prediction/{id} Flowise: {"text": "[flowise <id>] " + the first context line}
//
// Control API (no auth):
//   POST /__control/fault  {"kind": "500|timeout|garbage", "count": 1, "delay_ms": 3000}
//   GET  /__control/stats  {"embedding_requests", "embedded_texts", "chat_requests", "last_prompt"}
#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <deque>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "support/fake_listener.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

struct Fault {
    std::string kind;
    int delay_ms = 3000;
};

// Lower-cased words (Latin and Russian capitals folded; other bytes kept), hashed into buckets.
std::vector<double> HashedWords(const std::string& text, int dim) {
    std::vector<double> v(static_cast<std::size_t>(dim), 0.0);
    std::string word;
    auto flush = [&] {
        if (!word.empty()) {
            v[std::hash<std::string>{}(word) % v.size()] += 1.0;
            word.clear();
        }
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto u = static_cast<unsigned char>(text[i]);
        const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
        if (u == 0xD0 && next >= 0x90 && next <= 0xAF) {
            // Cyrillic А..Я → а..я: А..П are D0 B0..BF, Р..Я are D1 80..8F.
            word += next < 0xA0 ? "\xD0" : "\xD1";
            word += static_cast<char>(next < 0xA0 ? next + 0x20 : next - 0x20);
            ++i;
        } else if (u >= 0x80 || std::isalnum(u) != 0) {
            word += static_cast<char>(std::tolower(u));
        } else {
            flush();
        }
    }
    flush();
    return v;
}

class FakeLlm {
public:
    FakeLlm(std::string key, int dim) : key_(std::move(key)), dim_(dim) {}

    http::response<http::string_body> Handle(const http::request<http::string_body>& req, Fault* fault) {
        const std::string target(req.target());
        if (target.rfind("/__control/", 0) == 0) {
            return Control(req, target);
        }
        if (!key_.empty() && req[http::field::authorization] != "Bearer " + key_) {
            return Reply(401, R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}})");
        }
        {
            std::lock_guard lock(mutex_);
            if (!faults_.empty()) {
                *fault = faults_.front();
                faults_.pop_front();
            }
        }
        if (fault->kind == "500") {
            return Reply(500, R"({"error":{"message":"The server had an error"}})");
        }
        if (fault->kind == "garbage") {
            return Reply(200, "<html>oops</html>");
        }
        if (target == "/v1/embeddings" && req.method() == http::verb::post) {
            return Embeddings(req.body());
        }
        if (target == "/v1/chat/completions" && req.method() == http::verb::post) {
            return Chat(req.body());
        }
        if (target.rfind("/api/v1/prediction/", 0) == 0 && req.method() == http::verb::post) {
            return Prediction(target.substr(std::string("/api/v1/prediction/").size()), req.body());
        }
        return Reply(404, R"({"error":{"message":"no such route"}})");
    }

private:
    static http::response<http::string_body> Reply(int status, std::string body) {
        http::response<http::string_body> res{static_cast<http::status>(status), 11};
        res.set(http::field::content_type, "application/json");
        res.body() = std::move(body);
        res.prepare_payload();
        return res;
    }

    http::response<http::string_body> Embeddings(const std::string& body) {
        boost::system::error_code ec;
        auto parsed = json::parse(body, ec);
        const auto* request = !ec ? parsed.if_object() : nullptr;
        const auto* input = request != nullptr ? request->if_contains("input") : nullptr;
        std::vector<std::string> texts;
        if (input != nullptr && input->is_string()) {
            texts.emplace_back(input->as_string());
        } else if (input != nullptr && input->is_array()) {
            for (const auto& item : input->as_array()) {
                if (!item.is_string() || item.as_string().empty()) {
                    return Reply(400, R"({"error":{"message":"input must be non-empty strings"}})");
                }
                texts.emplace_back(item.as_string());
            }
        } else {
            return Reply(400, R"({"error":{"message":"input is required"}})");
        }
        json::array data;
        for (std::size_t i = 0; i < texts.size(); ++i) {
            json::array embedding;
            for (double x : HashedWords(texts[i], dim_)) {
                embedding.emplace_back(x);
            }
            data.emplace_back(json::object{
                {"object", "embedding"}, {"index", static_cast<std::int64_t>(i)}, {"embedding", std::move(embedding)}});
        }
        {
            std::lock_guard lock(mutex_);
            ++requests_;
            texts_ += static_cast<std::int64_t>(texts.size());
        }
        return Reply(200,
                     json::serialize(json::object{{"object", "list"},
                                                  {"data", std::move(data)},
                                                  {"model", request->contains("model") ? request->at("model") : ""}}));
    }

    // The line after "Контекст:" in a prompt: proof the answer was built from what was sent.
    static std::string FirstContextLine(const std::string& prompt) {
        const auto at = prompt.find("Контекст:\n");
        if (at == std::string::npos) {
            return "";
        }
        const auto start = at + std::string("Контекст:\n").size();
        return prompt.substr(start, prompt.find('\n', start) - start);
    }

    http::response<http::string_body> Chat(const std::string& body) {
        boost::system::error_code ec;
        auto parsed = json::parse(body, ec);
        const auto* request = !ec ? parsed.if_object() : nullptr;
        const auto* messages = request != nullptr ? request->if_contains("messages") : nullptr;
        if (messages == nullptr || !messages->is_array() || messages->as_array().empty()) {
            return Reply(400, R"({"error":{"message":"messages is required"}})");
        }
        const std::string prompt(messages->as_array().back().at("content").as_string());
        const std::string model(request->contains("model") ? std::string(request->at("model").as_string()) : "");
        {
            std::lock_guard lock(mutex_);
            ++chats_;
            last_prompt_ = prompt;
        }
        const std::string content = "[fake " + model + "] " + FirstContextLine(prompt);
        return Reply(
            200,
            json::serialize(json::object{
                {"object", "chat.completion"},
                {"model", model},
                {"choices",
                 json::array{json::object{{"index", 0},
                                          {"finish_reason", "stop"},
                                          {"message", json::object{{"role", "assistant"}, {"content", content}}}}}}}));
    }

    http::response<http::string_body> Prediction(const std::string& chatflow, const std::string& body) {
        boost::system::error_code ec;
        auto parsed = json::parse(body, ec);
        const auto* request = !ec ? parsed.if_object() : nullptr;
        const auto* question = request != nullptr ? request->if_contains("question") : nullptr;
        if (question == nullptr || !question->is_string()) {
            return Reply(400, R"({"error":"question is required"})");
        }
        {
            std::lock_guard lock(mutex_);
            ++chats_;
            last_prompt_ = std::string(question->as_string());
        }
        return Reply(
            200,
            json::serialize(json::object{
                {"text", "[flowise " + chatflow + "] " + FirstContextLine(std::string(question->as_string()))}}));
    }

    http::response<http::string_body> Control(const http::request<http::string_body>& req, const std::string& target) {
        std::lock_guard lock(mutex_);
        if (target == "/__control/fault") {
            auto body = json::parse(req.body()).as_object();
            const auto count = body.contains("count") ? body.at("count").as_int64() : 1;
            Fault fault;
            fault.kind = std::string(body.at("kind").as_string());
            if (body.contains("delay_ms")) {
                fault.delay_ms = static_cast<int>(body.at("delay_ms").as_int64());
            }
            for (std::int64_t i = 0; i < count; ++i) {
                faults_.push_back(fault);
            }
        } else if (target != "/__control/stats") {
            return Reply(404, R"({"error":"unknown control"})");
        }
        return Reply(200,
                     json::serialize(json::object{{"embedding_requests", requests_},
                                                  {"embedded_texts", texts_},
                                                  {"chat_requests", chats_},
                                                  {"last_prompt", last_prompt_},
                                                  {"faults_left", faults_.size()}}));
    }

    std::string key_;
    int dim_;
    std::mutex mutex_;
    std::deque<Fault> faults_;
    std::int64_t requests_ = 0;
    std::int64_t texts_ = 0;
    std::int64_t chats_ = 0;
    std::string last_prompt_;
};

void Serve(FakeLlm& llm, tcp::socket socket) {
    zakupai::test::ServeRequests(std::move(socket), [&llm](const http::request<http::string_body>& req) {
        Fault fault;
        auto res = llm.Handle(req, &fault);
        if (fault.kind == "timeout") {
            std::this_thread::sleep_for(std::chrono::milliseconds(fault.delay_ms));
        }
        return res;
    });
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"Fake language-model provider (OpenAI-compatible) for tests"};
    std::string port_file;
    std::string key = "sk-test-0123456789";
    int port = 0;
    int dim = 16;
    cli.add_option("--port", port);
    cli.add_option("--port-file", port_file);
    cli.add_option("--key", key);
    cli.add_option("--dim", dim);
    CLI11_PARSE(cli, argc, argv);

    FakeLlm llm(key, dim);
    zakupai::test::ListenForever(
        port, port_file, "fake LLM provider", [&llm](tcp::socket socket) { Serve(llm, std::move(socket)); });
}
