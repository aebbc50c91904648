#pragma once
// Optional chat providers for /ask and the TL;DR: the "llm" section of the configuration. An
// OpenAI-compatible endpoint first, else Flowise.
#include <string>
#include <vector>

#include "core/settings.hpp"

namespace zakupai::llm {

struct LlmConfig {
    std::string url;  // OpenAI-compatible base URL
    std::string model = "gpt-4o-mini";
    std::string key;  // secret: env or *_FILE only
    std::string flowise_url;
    std::string flowise_chatflow;
    std::string flowise_key;  // secret
    int timeout_ms = 10'000;
};

void DescribeSettings(SettingsSection<LlmConfig>& section);
// What only makes sense together (a Flowise URL needs its chatflow).
std::vector<FieldProblem> Check(const LlmConfig& config);

}  // namespace zakupai::llm
