#include "ingest/config.hpp"

#include <cstdlib>

namespace zakupai::ingest {

void DescribeSettings(SettingsSection<GoszakupConfig>& s) {
    s.Url("url", &GoszakupConfig::url);
    s.Secret("token", &GoszakupConfig::token);
    s.Int("sync_interval_s", &GoszakupConfig::sync_interval_s, 0, 604'800);
    s.Custom("requests_per_second",
             [](GoszakupConfig& c, const std::string& v) -> std::optional<std::string> {
                 char* end = nullptr;
                 const double rps = std::strtod(v.c_str(), &end);
                 if (v.empty() || end != v.c_str() + v.size() || !(rps > 0 && rps <= 10'000)) {
                     return "must be a number of requests per second in (0, 10000], got '" + v + "'";
                 }
                 c.requests_per_second = rps;
                 return std::nullopt;
             },
             {"ZAKUPAI_GOSZAKUP_RPS"});
    s.Int("page_size", &GoszakupConfig::page_size, 1, 200);
    s.Int("timeout_ms", &GoszakupConfig::timeout_ms, 100, 600'000);
    s.Int("max_retries", &GoszakupConfig::max_retries, 0, 100);
    s.Int("backoff_base_ms", &GoszakupConfig::backoff_base_ms, 1, 600'000, {"ZAKUPAI_GOSZAKUP_BACKOFF_MS"});
    s.Int("rnu_cache_hours", &GoszakupConfig::rnu_cache_hours, 0, 8'760, {"ZAKUPAI_RNU_CACHE_HOURS"});
}

void DescribeSettings(SettingsSection<ImportConfig>& s) {
    s.Int("max_bytes", &ImportConfig::max_bytes, 1024, 1LL << 30);
    s.Int("max_parallel", &ImportConfig::max_parallel, 1, 64);
    s.Int("queue_wait_ms", &ImportConfig::queue_wait_ms, 0, 3'600'000);
}

}  // namespace zakupai::ingest
