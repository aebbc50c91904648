#pragma once
// The search settings: the "search" section of the configuration.
#include <string>

#include "core/settings.hpp"

namespace zakupai::search {

struct SearchConfig {
    int index_interval_ms = 2000;  // how often serve indexes new and changed lots
    bool semantic = true;          // meaning-based search (vectors); off saves the memory
    int semantic_min_lots = 50;    // fewer lots and word vectors trained on them would be noise
    // An OpenAI-compatible /v1/embeddings provider in place of the offline fastText model.
    std::string embeddings_url;
    std::string embeddings_model = "text-embedding-3-small";
    std::string embeddings_key;  // a secret: env or *_FILE only
    int embeddings_timeout_ms = 10'000;
};

void DescribeSettings(SettingsSection<SearchConfig>& section);

}  // namespace zakupai::search
