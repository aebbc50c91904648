#include "ingest/portal.hpp"

#include <fmt/format.h>

#include "ingest/internal/portal_data.hpp"

namespace zakupai::ingest {

Portal::Portal(const GoszakupConfig& config, store::Database& db, const Clock& clock, metrics::Registry& metrics)
    : config_(config), repository_(db) {
    if (!config.token.empty()) {
        transport_ =
            std::make_unique<net::CurlTransport>(net::CurlOptions{config.url, config.token, config.timeout_ms});
        quick_transport_ = std::make_unique<net::CurlTransport>(
            net::CurlOptions{config.url, config.token, std::min(config.timeout_ms, 5'000)});
        client_ = std::make_unique<OwsClient>(
            *transport_,
            ClientOptions{config.max_retries, config.backoff_base_ms, 60'000, config.requests_per_second},
            failures_);
        quick_client_ = std::make_unique<OwsClient>(
            *quick_transport_,
            ClientOptions{1, std::min(config.backoff_base_ms, 200), 1'000, config.requests_per_second},
            failures_);
        auto dictionaries = Dictionaries::FromJson(BuiltInDictionariesJson());
        ZAKUPAI_ASSERT(dictionaries.has_value());  // compiled in and tested
        sync_ = std::make_unique<GoszakupSync>(*client_,
                                               repository_,
                                               std::make_unique<Dictionaries>(std::move(*dictionaries)),
                                               clock,
                                               failures_,
                                               SyncOptions{config.page_size});
        sync_->LoadStoredDictionaries();
    }
    rnu_ = std::make_unique<RnuService>(quick_client_.get(), repository_, clock, config.rnu_cache_hours);
    PublishMetrics(metrics);
}

Portal::~Portal() = default;

void Portal::Stop() {
    if (sync_) {
        sync_->RequestStop();
    }
    for (auto* client : {client_.get(), quick_client_.get()}) {
        if (client != nullptr) {
            client->Stop();
        }
    }
}

void Portal::PublishMetrics(metrics::Registry& metrics) {
    metrics.AddCounterCallback("goszakup_sync_errors_total", "Failures talking to the portal, by kind.", [this] {
        std::vector<metrics::Sample> out;
        for (const auto& [kind, count] : failures_.Snapshot()) {
            out.push_back({fmt::format("kind=\"{}\"", kind), static_cast<double>(count)});
        }
        return out;
    });
    if (!sync_) {
        return;
    }
    // A counter, as its name says: goszakup_lots rows are never deleted, so the count only grows
    // (and it is read from the database, so a restart does not reset it).
    metrics.AddCounterCallback("goszakup_lots_total", "Lots stored from the portal (rows in goszakup_lots).", [this] {
        return std::vector<metrics::Sample>{{"", static_cast<double>(sync_->Stats().lots_total)}};
    });
    metrics.AddGaugeCallback(
        "goszakup_sync_last_success_timestamp_seconds",
        "Unix time the last successful sync finished (0 = never).",
        [this] {
            const auto last = sync_->Stats().last_success;
            return std::vector<metrics::Sample>{
                {"",
                 last ? static_cast<double>(
                            std::chrono::duration_cast<std::chrono::seconds>(last->time_since_epoch()).count())
                      : 0.0}};
        });
    metrics.AddGaugeCallback("goszakup_sync_rows_last_run", "Rows fetched by the last sync run.", [this] {
        return std::vector<metrics::Sample>{{"", static_cast<double>(sync_->Stats().last_rows)}};
    });
    metrics.AddGaugeCallback(
        "goszakup_sync_consecutive_failures",
        "Sync runs failed in a row since the last good one (alerts at 5).",
        [this] {
            return std::vector<metrics::Sample>{{"", static_cast<double>(sync_->Stats().consecutive_failures)}};
        });
    metrics.AddGaugeCallback("goszakup_sync_running", "1 while a sync runs.", [this] {
        return std::vector<metrics::Sample>{{"", sync_->Stats().running ? 1.0 : 0.0}};
    });
    metrics.AddCounterCallback("goszakup_sync_runs_total", "Sync runs, by outcome.", [this] {
        const auto stats = sync_->Stats();
        return std::vector<metrics::Sample>{{R"(outcome="ok")", static_cast<double>(stats.runs - stats.failed_runs)},
                                            {R"(outcome="failed")", static_cast<double>(stats.failed_runs)}};
    });
    sync_->PublishDuration(metrics);
}

}  // namespace zakupai::ingest
