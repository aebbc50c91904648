#pragma once
// Optional language-model providers: an OpenAI-compatible chat-completions endpoint and the
// Flowise prediction API. Each is one prompt in, one text out, with a timeout (the transport's)
// and a retry on outages; any failure is a value the caller falls back from.
#include <memory>
#include <string>

#include "core/error.hpp"
#include "net/transport.hpp"

namespace zakupai::llm {

class ChatProvider {
public:
    virtual ~ChatProvider() = default;
    virtual std::string Name() const = 0;  // "openai" | "flowise"
    // 503 with the reason when the provider failed or answered nothing usable.
    virtual Result<std::string> Complete(const std::string& system, const std::string& user) const = 0;
};

// POST /v1/chat/completions {model, messages:[system, user], temperature} → choices[0].message.content
std::unique_ptr<ChatProvider> MakeOpenAiChat(net::Transport& transport, std::string model);
// POST /api/v1/prediction/{chatflow} {question, overrideConfig} → text
std::unique_ptr<ChatProvider> MakeFlowiseChat(net::Transport& transport, std::string chatflow);

}  // namespace zakupai::llm
