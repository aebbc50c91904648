#pragma once
// Typed configuration, read from an optional JSON file and then ZAKUPAI_* environment
// variables (the environment wins). Validated as a whole: every bad value is reported before
// the server binds a port. Secrets come from the environment or *_FILE paths only.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace zakupai {

struct PlanLimits {
    std::int64_t per_day = 0;     // 0 = unlimited
    std::int64_t per_hour = 0;    // 0 = unlimited
    std::int64_t per_minute = 0;  // 0 = unlimited
};

struct HttpConfig {
    std::string host = "127.0.0.1";
    int port = 8080;
    int threads = 0;  // 0 = one per core
    std::size_t body_limit_bytes = std::size_t{2} * 1024 * 1024;
    // Routes that take file uploads get their own, larger limit (set by the composition root).
    std::vector<std::string> upload_paths;
    std::size_t upload_body_limit_bytes = 0;
    int header_timeout_ms = 10'000;
    int body_timeout_ms = 30'000;
    int idle_timeout_ms = 60'000;
    int shutdown_grace_ms = 10'000;
    std::vector<std::string> cors_origins;
    // Requests per minute from one IP that carry no valid key (keyed traffic is limited per key).
    std::int64_t anonymous_per_ip_per_minute = 600;
    bool access_log = true;
};

struct DatabaseConfig {
    std::string url;  // sqlite:///abs/path.db or postgresql://...; empty = <data_dir>/zakupai.db
    int pool_size = 4;
};

// The state procurement portal's OWS v3 API. The token is a secret (env or *_FILE only).
struct GoszakupConfig {
    std::string url = "https://ows.goszakup.gov.kz";
    std::string token;
    int sync_interval_s = 900;  // the scheduler in `serve`; 0 = off (also off without a token)
    double requests_per_second = 5;
    int page_size = 200;
    int timeout_ms = 30'000;
    int max_retries = 6;
    int backoff_base_ms = 1'000;  // doubled per retry, with jitter, capped at 60 s
    int rnu_cache_hours = 24;
};

struct ImportConfig {
    std::size_t max_bytes = std::size_t{10} * 1024 * 1024;
};

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

// Optional chat providers for /ask: an OpenAI-compatible endpoint first, else Flowise.
struct LlmConfig {
    std::string url;  // OpenAI-compatible base URL
    std::string model = "gpt-4o-mini";
    std::string key;  // secret: env or *_FILE only
    std::string flowise_url;
    std::string flowise_chatflow;
    std::string flowise_key;  // secret
    int timeout_ms = 10'000;
};

struct RiskConfig {
    std::string rules_file;  // overrides data/risk_rules.json key by key; empty = the built-in rules
};

struct Config {
    std::string data_dir = "./var";
    std::string log_level = "info";
    HttpConfig http;
    DatabaseConfig database;
    GoszakupConfig goszakup;
    ImportConfig import;
    RiskConfig risk;
    SearchConfig search;
    LlmConfig llm;
    std::map<std::string, PlanLimits> plans;  // free, premium, service, admin
    std::string admin_key;                    // optional bootstrap admin key (secret)
    std::string port_file;                    // where serve writes the bound port (tests use port 0)

    // The database URL with any password replaced, for logs.
    std::string RedactedDatabaseUrl() const;
};

Config DefaultConfig();

// Reads `file_path` (if non-empty) and then the environment. `env` is injected for tests.
Result<Config> LoadConfig(const std::string& file_path, const std::map<std::string, std::string>& env);

std::map<std::string, std::string> ProcessEnvironment();

}  // namespace zakupai
