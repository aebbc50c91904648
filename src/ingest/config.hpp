#pragma once
// The portal's settings ("goszakup") and the uploads' ("import").
#include <cstddef>
#include <string>

#include "core/settings.hpp"

namespace zakupai::ingest {

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
    int max_parallel = 2;        // files read at once; the rest wait their turn
    int queue_wait_ms = 60'000;  // then 503 with Retry-After
};

void DescribeSettings(SettingsSection<GoszakupConfig>& section);
void DescribeSettings(SettingsSection<ImportConfig>& section);

}  // namespace zakupai::ingest
