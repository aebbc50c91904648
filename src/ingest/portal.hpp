#pragma once
// The portal side of the ingest module, built from its config section: one rate-capped client for
// the sync, a quick one (one retry, short timeout) for interactive RNU checks, the sync and the
// RNU service on top, and their figures for /metrics. Without a token there is no client and no
// sync; RNU checks then answer from the synced list.
#include <memory>

#include "ingest/config.hpp"
#include "ingest/ows_client.hpp"
#include "ingest/rnu.hpp"
#include "ingest/sync.hpp"
#include "metrics/metrics.hpp"
#include "net/transport.hpp"
#include "store/goszakup_repository.hpp"

namespace zakupai::ingest {

class Portal {
public:
    Portal(const GoszakupConfig& config, store::Database& db, const Clock& clock, metrics::Registry& metrics);
    ~Portal();
    Portal(const Portal&) = delete;
    Portal& operator=(const Portal&) = delete;

    // Null when no portal token is configured.
    GoszakupSync* sync() { return sync_.get(); }
    // Shutting down: a sync in progress ends at its next page, waits between retries end now.
    void Stop();
    OwsClient* client() { return client_.get(); }
    RnuService& rnu() { return *rnu_; }
    store::GoszakupRepository& repository() { return repository_; }
    const GoszakupConfig& config() const { return config_; }

private:
    void PublishMetrics(metrics::Registry& metrics);

    const GoszakupConfig config_;
    FailureCounters failures_;
    store::GoszakupRepository repository_;
    std::unique_ptr<net::CurlTransport> transport_;
    std::unique_ptr<net::CurlTransport> quick_transport_;
    std::unique_ptr<OwsClient> client_;
    std::unique_ptr<OwsClient> quick_client_;
    std::unique_ptr<GoszakupSync> sync_;
    std::unique_ptr<RnuService> rnu_;
};

}  // namespace zakupai::ingest
