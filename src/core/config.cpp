#include "core/config.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX name

namespace zakupai {

Config DefaultConfig() {
    Config config;
    config.plans["free"] = PlanLimits{100, 20, 10};
    config.plans["premium"] = PlanLimits{5000, 500, 60};
    config.plans["service"] = PlanLimits{0, 0, 0};
    config.plans["admin"] = PlanLimits{0, 0, 0};
    return config;
}

std::string Config::RedactedDatabaseUrl() const {
    const auto scheme_end = database.url.find("://");
    const auto at = database.url.find('@');
    if (scheme_end == std::string::npos || at == std::string::npos) {
        return database.url;
    }
    const auto colon = database.url.find(':', scheme_end + 3);
    if (colon == std::string::npos || colon > at) {
        return database.url;
    }
    return database.url.substr(0, colon + 1) + "***" + database.url.substr(at);
}

std::map<std::string, std::string> ProcessEnvironment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string::npos) {
            env[entry.substr(0, eq)] = entry.substr(eq + 1);
        }
    }
    return env;
}

namespace {

// One setting: its JSON path in the file, its environment name, and how to store a text value.
struct Setting {
    std::string json_path;                                                         // "http.port"
    std::string env_name;                                                          // "ZAKUPAI_PORT"
    std::function<std::optional<std::string>(Config&, const std::string&)> apply;  // returns a problem
};

std::optional<std::string> ParseInt(const std::string& text, std::int64_t min, std::int64_t max, std::int64_t& out) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return "must be an integer, got '" + text + "'";
    }
    if (value < min || value > max) {
        return "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text;
    }
    out = value;
    return std::nullopt;
}

template <class T>
Setting IntSetting(
    std::string path, std::string env, std::int64_t min, std::int64_t max, T Config::*section, auto field) {
    return Setting{std::move(path), std::move(env), [=](Config& c, const std::string& v) -> std::optional<std::string> {
                       std::int64_t value = 0;
                       if (auto problem = ParseInt(v, min, max, value)) {
                           return problem;
                       }
                       (c.*section).*field = static_cast<std::remove_reference_t<decltype((c.*section).*field)>>(value);
                       return std::nullopt;
                   }};
}

// Any text but the empty one (a host name, a model name).
template <class T>
Setting TextSetting(std::string path, std::string env, T Config::*section, std::string T::*field) {
    return Setting{std::move(path), std::move(env), [=](Config& c, const std::string& v) -> std::optional<std::string> {
                       if (v.empty()) {
                           return "must not be empty";
                       }
                       (c.*section).*field = v;
                       return std::nullopt;
                   }};
}

// A switch, in any of the spellings deployment files use for one.
template <class T>
Setting BoolSetting(std::string path, std::string env, T Config::*section, bool T::*field) {
    return Setting{std::move(path), std::move(env), [=](Config& c, const std::string& v) -> std::optional<std::string> {
                       if (v == "on" || v == "true" || v == "1") {
                           (c.*section).*field = true;
                       } else if (v == "off" || v == "false" || v == "0") {
                           (c.*section).*field = false;
                       } else {
                           return "must be on or off (true/false, 1/0), got '" + v + "'";
                       }
                       return std::nullopt;
                   }};
}

// An http(s) base URL, kept without its trailing slashes.
template <class T>
Setting UrlSetting(std::string path, std::string env, T Config::*section, std::string T::*field) {
    return Setting{std::move(path), std::move(env), [=](Config& c, const std::string& v) -> std::optional<std::string> {
                       if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
                           return "must start with http:// or https://";
                       }
                       auto& url = (c.*section).*field;
                       url = v;
                       while (!url.empty() && url.back() == '/') {
                           url.pop_back();
                       }
                       return std::nullopt;
                   }};
}

std::vector<Setting> Settings() {
    std::vector<Setting> s;
    s.push_back({"data_dir", "ZAKUPAI_DATA_DIR", [](Config& c, const std::string& v) -> std::optional<std::string> {
                     if (v.empty()) {
                         return "must not be empty";
                     }
                     c.data_dir = v;
                     return std::nullopt;
                 }});
    s.push_back(IntSetting("search.index_interval_ms",
                           "ZAKUPAI_SEARCH_INDEX_INTERVAL_MS",
                           50,
                           3'600'000,
                           &Config::search,
                           &SearchConfig::index_interval_ms));
    s.push_back(BoolSetting("search.semantic", "ZAKUPAI_SEMANTIC", &Config::search, &SearchConfig::semantic));
    s.push_back(IntSetting("search.semantic_min_lots",
                           "ZAKUPAI_SEMANTIC_MIN_LOTS",
                           2,
                           1'000'000,
                           &Config::search,
                           &SearchConfig::semantic_min_lots));
    s.push_back(
        UrlSetting("search.embeddings_url", "ZAKUPAI_EMBEDDINGS_URL", &Config::search, &SearchConfig::embeddings_url));
    s.push_back(TextSetting(
        "search.embeddings_model", "ZAKUPAI_EMBEDDINGS_MODEL", &Config::search, &SearchConfig::embeddings_model));
    s.push_back(IntSetting("search.embeddings_timeout_ms",
                           "ZAKUPAI_EMBEDDINGS_TIMEOUT_MS",
                           100,
                           600'000,
                           &Config::search,
                           &SearchConfig::embeddings_timeout_ms));
    s.push_back(UrlSetting("llm.url", "ZAKUPAI_LLM_URL", &Config::llm, &LlmConfig::url));
    s.push_back(UrlSetting("llm.flowise_url", "ZAKUPAI_FLOWISE_URL", &Config::llm, &LlmConfig::flowise_url));
    s.push_back(TextSetting("llm.model", "ZAKUPAI_LLM_MODEL", &Config::llm, &LlmConfig::model));
    s.push_back({"llm.flowise_chatflow",
                 "ZAKUPAI_FLOWISE_CHATFLOW",
                 [](Config& c, const std::string& v) -> std::optional<std::string> {
                     // It becomes a path segment: an id, not a path.
                     if (v.empty() || v.find_first_of("/?#% ") != std::string::npos) {
                         return "must be a chatflow id (no '/', '?', '#', '%' or spaces)";
                     }
                     c.llm.flowise_chatflow = v;
                     return std::nullopt;
                 }});
    s.push_back(
        IntSetting("llm.timeout_ms", "ZAKUPAI_LLM_TIMEOUT_MS", 100, 600'000, &Config::llm, &LlmConfig::timeout_ms));
    s.push_back({"risk.rules_file",
                 "ZAKUPAI_RISK_RULES_FILE",
                 [](Config& c, const std::string& v) -> std::optional<std::string> {
                     c.risk.rules_file = v;
                     return std::nullopt;
                 }});
    s.push_back({"log_level", "ZAKUPAI_LOG_LEVEL", [](Config& c, const std::string& v) -> std::optional<std::string> {
                     static const std::vector<std::string> kLevels{"trace", "debug", "info", "warn", "error", "off"};
                     if (std::find(kLevels.begin(), kLevels.end(), v) == kLevels.end()) {
                         return "must be one of trace, debug, info, warn, error, off";
                     }
                     c.log_level = v;
                     return std::nullopt;
                 }});
    s.push_back(TextSetting("http.host", "ZAKUPAI_HOST", &Config::http, &HttpConfig::host));
    s.push_back(IntSetting("http.port", "ZAKUPAI_PORT", 0, 65535, &Config::http, &HttpConfig::port));
    s.push_back(IntSetting("http.threads", "ZAKUPAI_THREADS", 0, 256, &Config::http, &HttpConfig::threads));
    s.push_back(IntSetting("http.body_limit_bytes",
                           "ZAKUPAI_BODY_LIMIT_BYTES",
                           1024,
                           1LL << 30,
                           &Config::http,
                           &HttpConfig::body_limit_bytes));
    s.push_back(IntSetting("http.header_timeout_ms",
                           "ZAKUPAI_HEADER_TIMEOUT_MS",
                           100,
                           600'000,
                           &Config::http,
                           &HttpConfig::header_timeout_ms));
    s.push_back(IntSetting(
        "http.body_timeout_ms", "ZAKUPAI_BODY_TIMEOUT_MS", 100, 600'000, &Config::http, &HttpConfig::body_timeout_ms));
    s.push_back(IntSetting("http.idle_timeout_ms",
                           "ZAKUPAI_IDLE_TIMEOUT_MS",
                           100,
                           3'600'000,
                           &Config::http,
                           &HttpConfig::idle_timeout_ms));
    s.push_back(IntSetting("http.shutdown_grace_ms",
                           "ZAKUPAI_SHUTDOWN_GRACE_MS",
                           0,
                           600'000,
                           &Config::http,
                           &HttpConfig::shutdown_grace_ms));
    s.push_back(IntSetting("http.anonymous_per_ip_per_minute",
                           "ZAKUPAI_RATE_LIMIT_IP_PER_MINUTE",
                           0,
                           100'000'000,
                           &Config::http,
                           &HttpConfig::anonymous_per_ip_per_minute));
    s.push_back({"http.cors_origins",
                 "ZAKUPAI_CORS_ORIGINS",
                 [](Config& c, const std::string& v) -> std::optional<std::string> {
                     c.http.cors_origins.clear();
                     std::stringstream in(v);
                     std::string origin;
                     while (std::getline(in, origin, ',')) {
                         if (origin.empty()) {
                             continue;
                         }
                         if (origin != "*" && origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0) {
                             return "each origin must start with http:// or https:// (got '" + origin + "')";
                         }
                         c.http.cors_origins.push_back(origin);
                     }
                     return std::nullopt;
                 }});
    s.push_back(BoolSetting("http.access_log", "ZAKUPAI_ACCESS_LOG", &Config::http, &HttpConfig::access_log));
    s.push_back(
        {"database.url", "ZAKUPAI_DATABASE_URL", [](Config& c, const std::string& v) -> std::optional<std::string> {
             if (!v.empty() && v.rfind("sqlite://", 0) != 0 && v.rfind("postgresql://", 0) != 0 &&
                 v.rfind("postgres://", 0) != 0) {
                 return "must start with sqlite:// or postgresql://";
             }
             c.database.url = v;
             return std::nullopt;
         }});
    s.push_back(IntSetting(
        "database.pool_size", "ZAKUPAI_DB_POOL_SIZE", 1, 256, &Config::database, &DatabaseConfig::pool_size));
    s.push_back(UrlSetting("goszakup.url", "ZAKUPAI_GOSZAKUP_URL", &Config::goszakup, &GoszakupConfig::url));
    s.push_back(IntSetting("goszakup.sync_interval_s",
                           "ZAKUPAI_GOSZAKUP_SYNC_INTERVAL_S",
                           0,
                           604'800,
                           &Config::goszakup,
                           &GoszakupConfig::sync_interval_s));
    s.push_back({"goszakup.requests_per_second",
                 "ZAKUPAI_GOSZAKUP_RPS",
                 [](Config& c, const std::string& v) -> std::optional<std::string> {
                     char* end = nullptr;
                     const double rps = std::strtod(v.c_str(), &end);
                     if (v.empty() || end != v.c_str() + v.size() || !(rps > 0 && rps <= 10'000)) {
                         return "must be a number of requests per second in (0, 10000], got '" + v + "'";
                     }
                     c.goszakup.requests_per_second = rps;
                     return std::nullopt;
                 }});
    s.push_back(IntSetting(
        "goszakup.page_size", "ZAKUPAI_GOSZAKUP_PAGE_SIZE", 1, 200, &Config::goszakup, &GoszakupConfig::page_size));
    s.push_back(IntSetting("goszakup.timeout_ms",
                           "ZAKUPAI_GOSZAKUP_TIMEOUT_MS",
                           100,
                           600'000,
                           &Config::goszakup,
                           &GoszakupConfig::timeout_ms));
    s.push_back(IntSetting("goszakup.max_retries",
                           "ZAKUPAI_GOSZAKUP_MAX_RETRIES",
                           0,
                           100,
                           &Config::goszakup,
                           &GoszakupConfig::max_retries));
    s.push_back(IntSetting("goszakup.backoff_base_ms",
                           "ZAKUPAI_GOSZAKUP_BACKOFF_MS",
                           1,
                           600'000,
                           &Config::goszakup,
                           &GoszakupConfig::backoff_base_ms));
    s.push_back(IntSetting("goszakup.rnu_cache_hours",
                           "ZAKUPAI_RNU_CACHE_HOURS",
                           0,
                           8'760,
                           &Config::goszakup,
                           &GoszakupConfig::rnu_cache_hours));
    s.push_back(IntSetting(
        "import.max_bytes", "ZAKUPAI_IMPORT_MAX_BYTES", 1024, 1LL << 30, &Config::import, &ImportConfig::max_bytes));
    for (const char* plan : {"free", "premium"}) {
        const std::string upper = plan == std::string("free") ? "FREE" : "PREMIUM";
        const std::string name = plan;
        auto limit = [name](std::int64_t PlanLimits::*field) {
            return [name, field](Config& c, const std::string& v) -> std::optional<std::string> {
                std::int64_t value = 0;
                if (auto problem = ParseInt(v, 0, 1'000'000'000, value)) {
                    return problem;
                }
                c.plans[name].*field = value;
                return std::nullopt;
            };
        };
        s.push_back({"plans." + name + ".per_day", "ZAKUPAI_PLAN_" + upper + "_PER_DAY", limit(&PlanLimits::per_day)});
        s.push_back(
            {"plans." + name + ".per_hour", "ZAKUPAI_PLAN_" + upper + "_PER_HOUR", limit(&PlanLimits::per_hour)});
        s.push_back(
            {"plans." + name + ".per_minute", "ZAKUPAI_PLAN_" + upper + "_PER_MINUTE", limit(&PlanLimits::per_minute)});
    }
    return s;
}

// "http.port" in {"http":{"port":8080}} -> "8080"; nullopt when absent.
std::optional<std::string> LookupJson(const boost::json::object& root, const std::string& path) {
    const boost::json::object* object = &root;
    std::stringstream in(path);
    std::string part;
    std::vector<std::string> parts;
    while (std::getline(in, part, '.')) {
        parts.push_back(part);
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
        auto it = object->find(parts[i]);
        if (it == object->end()) {
            return std::nullopt;
        }
        if (i + 1 < parts.size()) {
            if (!it->value().is_object()) {
                return std::nullopt;
            }
            object = &it->value().as_object();
            continue;
        }
        const auto& v = it->value();
        if (v.is_string()) {
            return std::string(v.get_string());
        }
        if (v.is_bool()) {
            return v.get_bool() ? "true" : "false";
        }
        if (v.is_int64()) {
            return std::to_string(v.get_int64());
        }
        if (v.is_array()) {
            std::string joined;
            for (const auto& item : v.get_array()) {
                if (item.is_string()) {
                    joined += (joined.empty() ? "" : ",") + std::string(item.get_string());
                }
            }
            return joined;
        }
        return boost::json::serialize(v);
    }
    return std::nullopt;
}

std::optional<std::string> ReadSecretFile(const std::string& path, std::string& out) {
    std::ifstream file(path);
    if (!file) {
        return "cannot read file " + path;
    }
    std::getline(file, out);
    while (!out.empty() && (out.back() == '\r' || out.back() == ' ')) {
        out.pop_back();
    }
    return std::nullopt;
}

}  // namespace

Result<Config> LoadConfig(const std::string& file_path, const std::map<std::string, std::string>& env) {
    Config config = DefaultConfig();
    std::vector<FieldProblem> problems;
    boost::json::object file_root;
    if (!file_path.empty()) {
        std::ifstream file(file_path);
        if (!file) {
            return Fail(Error::Invalid("--config", "cannot read " + file_path));
        }
        std::stringstream buffer;
        buffer << file.rdbuf();
        boost::system::error_code ec;
        auto parsed = boost::json::parse(buffer.str(), ec);
        if (ec || !parsed.is_object()) {
            return Fail(Error::Invalid(file_path, "is not a JSON object"));
        }
        file_root = std::move(parsed.as_object());
    }
    for (const auto& setting : Settings()) {
        if (auto from_file = LookupJson(file_root, setting.json_path)) {
            if (auto problem = setting.apply(config, *from_file)) {
                problems.push_back({setting.json_path, *problem});
            }
        }
        if (auto it = env.find(setting.env_name); it != env.end()) {
            if (auto problem = setting.apply(config, it->second)) {
                problems.push_back({setting.env_name, *problem});
            }
        }
    }
    if (auto it = env.find("ZAKUPAI_ADMIN_KEY"); it != env.end()) {
        config.admin_key = it->second;
    }
    if (auto it = env.find("ZAKUPAI_ADMIN_KEY_FILE"); it != env.end()) {
        if (auto problem = ReadSecretFile(it->second, config.admin_key)) {
            problems.push_back({"ZAKUPAI_ADMIN_KEY_FILE", *problem});
        }
    }
    if (auto it = env.find("ZAKUPAI_DATABASE_URL_FILE"); it != env.end()) {
        if (auto problem = ReadSecretFile(it->second, config.database.url)) {
            problems.push_back({"ZAKUPAI_DATABASE_URL_FILE", *problem});
        }
    }
    if (auto it = env.find("ZAKUPAI_GOSZAKUP_TOKEN"); it != env.end()) {
        config.goszakup.token = it->second;
    }
    if (auto it = env.find("ZAKUPAI_GOSZAKUP_TOKEN_FILE"); it != env.end()) {
        if (auto problem = ReadSecretFile(it->second, config.goszakup.token)) {
            problems.push_back({"ZAKUPAI_GOSZAKUP_TOKEN_FILE", *problem});
        }
    }
    // Provider keys: from the environment or a file, never from the config file.
    for (const auto& [name, secret] : {std::pair{"ZAKUPAI_LLM_KEY", &config.llm.key},
                                       std::pair{"ZAKUPAI_FLOWISE_KEY", &config.llm.flowise_key},
                                       std::pair{"ZAKUPAI_EMBEDDINGS_KEY", &config.search.embeddings_key}}) {
        if (auto it = env.find(name); it != env.end()) {
            *secret = it->second;
        }
        if (auto it = env.find(std::string(name) + "_FILE"); it != env.end()) {
            if (auto problem = ReadSecretFile(it->second, *secret)) {
                problems.push_back({std::string(name) + "_FILE", *problem});
            }
        }
    }
    if (!config.llm.flowise_url.empty() && config.llm.flowise_chatflow.empty()) {
        problems.push_back({"ZAKUPAI_FLOWISE_CHATFLOW", "is required when ZAKUPAI_FLOWISE_URL is set"});
    }
    if (!config.admin_key.empty() && config.admin_key.size() < 16) {
        problems.push_back({"ZAKUPAI_ADMIN_KEY", "must be at least 16 characters"});
    }
    if (!problems.empty()) {
        return Fail(Error::Invalid(std::move(problems)));
    }
    return config;
}

}  // namespace zakupai
