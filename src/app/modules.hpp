#pragma once
// The composition root: the one place that knows every module. Each module is built on first
// use, exactly once, from its config section and the modules it depends on, and publishes its
// own metrics into the shared registry; a command asks only for what it needs (a migration
// opens the database and nothing else). Background work (indexers, the scheduler) is stopped in
// reverse order of starting.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "core/time.hpp"
#include "metrics/metrics.hpp"

namespace zakupai {
namespace store {
class Database;
class WriteBehind;
class LotRepository;
class RiskRepository;
class SearchRepository;
class ImportRepository;
class WebRepository;
class NotifyRepository;
class RecordsRepository;
class BillingRepository;
}  // namespace store
namespace billing {
class BillingService;
}
namespace calc {
class CalcService;
}
namespace docs {
class LetterTemplates;
class TldrService;
class ComplaintService;
}  // namespace docs
namespace risk {
class RiskService;
}
namespace ingest {
class Portal;
class ImportService;
}  // namespace ingest
namespace search {
class LotIndex;
class Indexer;
class SemanticIndex;
class LotSearch;
class SupplierFinder;
}  // namespace search
namespace llm {
class AskService;
class ChatProvider;
}  // namespace llm
namespace notify {
class BotRunner;
}
}  // namespace zakupai

namespace zakupai::app {

// A module that cannot start with the configuration it was given (a broken rules file, an
// index this build cannot read): the command ends with exit code 2 and the message.
class StartupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Modules {
public:
    // Opens the database (migrating it first when `migrate`).
    Modules(const Config& config, bool migrate);
    ~Modules();
    Modules(const Modules&) = delete;
    Modules& operator=(const Modules&) = delete;

    const Config& config() const { return config_; }
    const Clock& clock() const { return clock_; }
    metrics::Registry& metrics() { return metrics_; }

    store::Database& Database();
    store::WriteBehind& Recorder();
    store::LotRepository& Lots();
    store::SearchRepository& SearchRepository();
    store::WebRepository& WebSessions();
    store::ImportRepository& ImportRecords();
    store::NotifyRepository& NotifyRecords();
    store::RecordsRepository& Records();
    billing::BillingService& Billing();
    calc::CalcService& Calc();
    const docs::LetterTemplates& Letters();
    docs::TldrService& Tldr();
    docs::ComplaintService& Complaints();
    risk::RiskService& Risk();
    ingest::Portal& Portal();
    ingest::ImportService& Imports();
    search::LotIndex& LotIndex();
    search::Indexer& Indexer();
    // Loaded from disk on first use; `train` lets it train the offline model in the background.
    search::SemanticIndex& Semantic();
    search::LotSearch& Search();
    search::SupplierFinder& Suppliers();
    llm::AskService& Ask();
    // Null when no provider is configured.
    const llm::ChatProvider* ChatProvider();
    // The Telegram bot and the alerts; null without a bot token. Started by the caller.
    notify::BotRunner* Bot();

    // The names of the modules built so far and what they run on, for /info.
    std::vector<std::string> Describe();
    // Ends background work (scheduler, indexers, recorder) in reverse order of starting.
    void Stop();

private:
    struct Parts;
    Config config_;
    SystemClock clock_;
    metrics::Registry metrics_;
    std::unique_ptr<Parts> parts_;
};

}  // namespace zakupai::app
