#include "llm/config.hpp"

namespace zakupai::llm {

void DescribeSettings(SettingsSection<LlmConfig>& s) {
    s.Url("url", &LlmConfig::url);
    s.Text("model", &LlmConfig::model);
    s.Secret("key", &LlmConfig::key);
    s.Url("flowise_url", &LlmConfig::flowise_url, {"ZAKUPAI_FLOWISE_URL"});
    s.Custom("flowise_chatflow",
             [](LlmConfig& c, const std::string& v) -> std::optional<std::string> {
                 // It becomes a path segment: an id, not a path.
                 if (v.empty() || v.find_first_of("/?#% ") != std::string::npos) {
                     return "must be a chatflow id (no '/', '?', '#', '%' or spaces)";
                 }
                 c.flowise_chatflow = v;
                 return std::nullopt;
             },
             {"ZAKUPAI_FLOWISE_CHATFLOW"});
    s.Secret("flowise_key", &LlmConfig::flowise_key, {"ZAKUPAI_FLOWISE_KEY"});
    s.Int("timeout_ms", &LlmConfig::timeout_ms, 100, 600'000);
}

std::vector<FieldProblem> Check(const LlmConfig& config) {
    if (!config.flowise_url.empty() && config.flowise_chatflow.empty()) {
        return {{"ZAKUPAI_FLOWISE_CHATFLOW", "is required when ZAKUPAI_FLOWISE_URL is set"}};
    }
    return {};
}

}  // namespace zakupai::llm
