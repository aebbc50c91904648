#include "llm/chat.hpp"

#include <boost/json.hpp>

#include "net/retry.hpp"

namespace zakupai::llm {

namespace json = boost::json;

namespace {

// A person waits for the answer: one more try after a short wait (longer if the provider asks).
net::RetryPolicy ChatRetry() {
    return net::RetryPolicy{
        1, std::chrono::milliseconds{300}, std::chrono::milliseconds{2000}, std::chrono::seconds{5}};
}

// One POST, tried again on outages; a refusal or a body that is not JSON is final.
Result<json::value> PostJson(net::Transport& transport,
                             const std::string& path,
                             const std::string& body,
                             net::Backoff& backoff) {
    auto reply = net::PostJsonRetrying(transport, path, body, backoff);
    if (!reply) {
        return Fail(Error{ErrorCode::kUnavailable, reply.error(), {}});
    }
    if (reply->status != 200) {
        return Fail(Error{ErrorCode::kUnavailable, "HTTP " + std::to_string(reply->status), {}});
    }
    boost::system::error_code ec;
    auto parsed = json::parse(reply->body, ec);
    if (ec) {
        return Fail(Error{ErrorCode::kUnavailable, "an answer that is not JSON", {}});
    }
    return parsed;
}

class OpenAiChat : public ChatProvider {
public:
    OpenAiChat(net::Transport& transport, std::string model)
        : transport_(transport), model_(std::move(model)), backoff_(ChatRetry()) {}
    std::string Name() const override { return "openai"; }
    Result<std::string> Complete(const std::string& system, const std::string& user) const override {
        const json::object request{{"model", model_},
                                   {"temperature", 0.1},
                                   {"max_tokens", 400},
                                   {"messages",
                                    json::array{json::object{{"role", "system"}, {"content", system}},
                                                json::object{{"role", "user"}, {"content", user}}}}};
        auto answer = PostJson(transport_, "/v1/chat/completions", json::serialize(request), backoff_);
        if (!answer) {
            return Fail(answer.error());
        }
        const auto* choices = answer->is_object() ? answer->as_object().if_contains("choices") : nullptr;
        if (choices != nullptr && choices->is_array() && !choices->as_array().empty()) {
            const auto* message = choices->as_array().front().is_object()
                                      ? choices->as_array().front().as_object().if_contains("message")
                                      : nullptr;
            const auto* content =
                message != nullptr && message->is_object() ? message->as_object().if_contains("content") : nullptr;
            if (content != nullptr && content->is_string() && !content->as_string().empty()) {
                return std::string(content->as_string());
            }
        }
        return Fail(Error{ErrorCode::kUnavailable, "an answer without choices[0].message.content", {}});
    }

private:
    net::Transport& transport_;
    std::string model_;
    mutable net::Backoff backoff_;
};

class FlowiseChat : public ChatProvider {
public:
    FlowiseChat(net::Transport& transport, std::string chatflow)
        : transport_(transport), chatflow_(std::move(chatflow)), backoff_(ChatRetry()) {}
    std::string Name() const override { return "flowise"; }
    Result<std::string> Complete(const std::string& system, const std::string& user) const override {
        // A chatflow has its own system prompt; ours travels in front of the question.
        const json::object request{{"question", system + "\n\n" + user},
                                   {"overrideConfig", json::object{{"temperature", 0.1}, {"maxTokens", 400}}}};
        auto answer = PostJson(transport_, "/api/v1/prediction/" + chatflow_, json::serialize(request), backoff_);
        if (!answer) {
            return Fail(answer.error());
        }
        const auto* text = answer->is_object() ? answer->as_object().if_contains("text") : nullptr;
        if (text != nullptr && text->is_string() && !text->as_string().empty()) {
            return std::string(text->as_string());
        }
        return Fail(Error{ErrorCode::kUnavailable, "an answer without text", {}});
    }

private:
    net::Transport& transport_;
    std::string chatflow_;
    mutable net::Backoff backoff_;
};

}  // namespace

std::unique_ptr<ChatProvider> MakeOpenAiChat(net::Transport& transport, std::string model) {
    return std::make_unique<OpenAiChat>(transport, std::move(model));
}

std::unique_ptr<ChatProvider> MakeFlowiseChat(net::Transport& transport, std::string chatflow) {
    return std::make_unique<FlowiseChat>(transport, std::move(chatflow));
}

}  // namespace zakupai::llm
