#include "search/config.hpp"

namespace zakupai::search {

void DescribeSettings(SettingsSection<SearchConfig>& s) {
    s.Int("index_interval_ms", &SearchConfig::index_interval_ms, 50, 3'600'000);
    s.Bool("semantic", &SearchConfig::semantic, {"ZAKUPAI_SEMANTIC"});
    s.Int("semantic_min_lots", &SearchConfig::semantic_min_lots, 2, 1'000'000, {"ZAKUPAI_SEMANTIC_MIN_LOTS"});
    s.Url("embeddings_url", &SearchConfig::embeddings_url, {"ZAKUPAI_EMBEDDINGS_URL"});
    s.Text("embeddings_model", &SearchConfig::embeddings_model, {"ZAKUPAI_EMBEDDINGS_MODEL"});
    s.Secret("embeddings_key", &SearchConfig::embeddings_key, {"ZAKUPAI_EMBEDDINGS_KEY"});
    s.Int(
        "embeddings_timeout_ms", &SearchConfig::embeddings_timeout_ms, 100, 600'000, {"ZAKUPAI_EMBEDDINGS_TIMEOUT_MS"});
}

}  // namespace zakupai::search
