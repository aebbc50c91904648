// The composition root: the only place that knows every module. It builds each object once,
// in dependency order, and passes references down; nothing else constructs services.
#include "app/app.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "api/api.hpp"
#include "app/demo_data.hpp"
#include "billing/billing_service.hpp"
#include "calc/calc_service.hpp"
#include "core/config.hpp"
#include "core/logging.hpp"
#include "docs/letters.hpp"
#include "http/server.hpp"
#include "ingest/batch_import.hpp"
#include "ingest/ows_client.hpp"
#include "ingest/portal_data.hpp"
#include "ingest/rnu.hpp"
#include "ingest/sync.hpp"
#include "llm/ask.hpp"
#include "llm/chat.hpp"
#include "net/transport.hpp"
#include "risk/risk_service.hpp"
#include "search/indexer.hpp"
#include "search/semantic_index.hpp"
#include "search/supplier_finder.hpp"
#include "store/billing_repository.hpp"
#include "store/database.hpp"
#include "store/goszakup_repository.hpp"
#include "store/import_repository.hpp"
#include "store/lot_repository.hpp"
#include "store/risk_repository.hpp"
#include "store/search_repository.hpp"
#include "store/write_behind.hpp"

#ifndef ZAKUPAI_VERSION
#define ZAKUPAI_VERSION "0.0.0"
#endif
#ifndef ZAKUPAI_BUILD_TYPE
#define ZAKUPAI_BUILD_TYPE "unknown"
#endif

namespace zakupai::app {

namespace {

struct CommonOptions {
    std::string config_file;
    std::string data_dir;
    std::string database_url;
};

Result<Config> LoadEffectiveConfig(const CommonOptions& options) {
    auto env = ProcessEnvironment();
    std::string file = options.config_file;
    if (file.empty() && env.contains("ZAKUPAI_CONFIG")) {
        file = env["ZAKUPAI_CONFIG"];
    }
    // Command-line flags override the environment, which overrides the file.
    if (!options.data_dir.empty()) {
        env["ZAKUPAI_DATA_DIR"] = options.data_dir;
    }
    if (!options.database_url.empty()) {
        env["ZAKUPAI_DATABASE_URL"] = options.database_url;
    }
    return LoadConfig(file, env);
}

void ReportConfigError(const Error& error) {
    std::cerr << "zakupai: invalid configuration:\n";
    for (const auto& p : error.details) {
        std::cerr << "  " << p.field << ": " << p.problem << "\n";
    }
    if (error.details.empty()) {
        std::cerr << "  " << error.message << "\n";
    }
}

// Everything that talks to the database, built once.
struct Storage {
    std::unique_ptr<store::Database> db;
    std::unique_ptr<store::WriteBehind> recorder;
};

Storage OpenStorage(const Config& config, bool migrate) {
    Storage s;
    s.db = store::Database::Open(config.database, config.data_dir);
    if (migrate) {
        store::Migrate(*s.db);
    }
    s.recorder = std::make_unique<store::WriteBehind>(*s.db, store::WriteBehind::Options{});
    return s;
}

// The portal side: one rate-capped client for the sync, a quick one (one retry, short
// timeout) for interactive RNU checks, and the services on top. Without a token there is no
// client and no sync; RNU checks then answer from the synced list.
struct Portal {
    ingest::FailureCounters failures;
    std::unique_ptr<net::CurlTransport> transport;
    std::unique_ptr<net::CurlTransport> quick_transport;
    std::unique_ptr<ingest::OwsClient> client;
    std::unique_ptr<ingest::OwsClient> quick_client;
    std::unique_ptr<store::GoszakupRepository> repository;
    std::unique_ptr<ingest::GoszakupSync> sync;
    std::unique_ptr<ingest::RnuService> rnu;

    Portal(const Config& config, store::Database& db, const Clock& clock) {
        repository = std::make_unique<store::GoszakupRepository>(db);
        const auto& gz = config.goszakup;
        if (!gz.token.empty()) {
            transport = std::make_unique<net::CurlTransport>(net::CurlOptions{gz.url, gz.token, gz.timeout_ms});
            quick_transport = std::make_unique<net::CurlTransport>(
                net::CurlOptions{gz.url, gz.token, std::min(gz.timeout_ms, 5'000)});
            client = std::make_unique<ingest::OwsClient>(
                *transport,
                ingest::ClientOptions{gz.max_retries, gz.backoff_base_ms, 60'000, gz.requests_per_second},
                failures);
            quick_client = std::make_unique<ingest::OwsClient>(
                *quick_transport,
                ingest::ClientOptions{1, std::min(gz.backoff_base_ms, 200), 1'000, gz.requests_per_second},
                failures);
            auto dictionaries = ingest::Dictionaries::FromJson(ingest::BuiltInDictionariesJson());
            ZAKUPAI_ASSERT(dictionaries.has_value());
            sync = std::make_unique<ingest::GoszakupSync>(
                *client, *repository, std::move(*dictionaries), clock, failures, ingest::SyncOptions{gz.page_size});
            sync->LoadStoredDictionaries();
        }
        rnu = std::make_unique<ingest::RnuService>(quick_client.get(), *repository, clock, gz.rnu_cache_hours);
    }
};

void AddPortalMetrics(http::Metrics& metrics, Portal& portal) {
    metrics.AddCollector([&portal](std::string& out) {
        out += "# HELP goszakup_sync_errors_total Failures talking to the portal, by kind.\n";
        out += "# TYPE goszakup_sync_errors_total counter\n";
        for (const auto& [kind, count] : portal.failures.Snapshot()) {
            out += fmt::format("goszakup_sync_errors_total{{kind=\"{}\"}} {}\n", kind, count);
        }
        if (!portal.sync) {
            return;
        }
        const auto stats = portal.sync->Stats();
        // A counter, as its name says: goszakup_lots rows are never deleted, so the count only
        // grows (and it is read from the database, so a restart does not reset it).
        http::Metrics::CounterSample(
            out, "goszakup_lots_total", "Lots stored from the portal (rows in goszakup_lots).", stats.lots_total);
        http::Metrics::Gauge(
            out,
            "goszakup_sync_last_success_timestamp_seconds",
            "Unix time the last successful sync finished (0 = never).",
            {{"",
              stats.last_success ? static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                                           stats.last_success->time_since_epoch())
                                                           .count())
                                 : 0.0}});
        http::Metrics::Gauge(out,
                             "goszakup_sync_rows_last_run",
                             "Rows fetched by the last sync run.",
                             {{"", static_cast<double>(stats.last_rows)}});
        http::Metrics::Gauge(out, "goszakup_sync_running", "1 while a sync runs.", {{"", stats.running ? 1.0 : 0.0}});
        out += "# HELP goszakup_sync_runs_total Sync runs, by outcome.\n# TYPE goszakup_sync_runs_total counter\n";
        out += fmt::format("goszakup_sync_runs_total{{outcome=\"ok\"}} {}\n", stats.runs - stats.failed_runs);
        out += fmt::format("goszakup_sync_runs_total{{outcome=\"failed\"}} {}\n", stats.failed_runs);
        http::Metrics::HistogramSamples(out,
                                        "goszakup_sync_duration_seconds",
                                        "How long sync runs take.",
                                        stats.duration_buckets,
                                        stats.duration_sum,
                                        stats.runs);
    });
}

// Runs the lots sync every `interval` (and the RNU list and participants once a day) until stopped.
class SyncScheduler {
public:
    SyncScheduler(
        Portal& portal, risk::RiskService& risk, const Clock& clock, std::chrono::seconds interval, int page_size) {
        thread_ = std::jthread([&portal, &risk, &clock, interval, page_size](const std::stop_token& stop) {
            std::mutex mutex;
            std::condition_variable_any wake;
            auto next_rnu = std::chrono::steady_clock::now();
            while (!stop.stop_requested()) {
                const Instant began = clock.Now();
                const auto report = portal.sync->Run(ingest::SyncRequest{});
                if (report.inserted + report.updated > 0 && !stop.stop_requested()) {
                    // New and changed lots are scored here, in batches, off every request path.
                    const auto scored = risk.Rescore(began);
                    spdlog::info("risk: scored {} new or changed lots ({} high) in {:.1f} s",
                                 scored.lots,
                                 scored.high,
                                 scored.duration_seconds);
                }
                if (std::chrono::steady_clock::now() >= next_rnu && !stop.stop_requested()) {
                    // The registers that change slowly: once a day.
                    const auto rnu = portal.rnu->SyncList(*portal.client, page_size);
                    spdlog::info("rnu list sync: {} entries, {}", rnu.entries, rnu.ok ? "ok" : rnu.error);
                    portal.sync->Run(ingest::SyncRequest{false, std::nullopt, ingest::Register::kSubjects});
                    // Contracts feed concentration, amendments and supplier records; the
                    // evaluations they change are refreshed by the next rescore.
                    const auto contracts =
                        portal.sync->Run(ingest::SyncRequest{false, std::nullopt, ingest::Register::kContracts});
                    if (contracts.ok && contracts.inserted + contracts.updated > 0) {
                        const auto scored = risk.Rescore(std::nullopt);
                        spdlog::info("risk: rescored {} lots after {} contract changes",
                                     scored.lots,
                                     contracts.inserted + contracts.updated);
                    }
                    next_rnu =
                        std::chrono::steady_clock::now() + (rnu.ok ? std::chrono::hours(24) : std::chrono::hours(1));
                }
                std::unique_lock lock(mutex);
                wake.wait_for(lock, stop, interval, [] { return false; });
            }
        });
    }
    void Stop(ingest::GoszakupSync& sync) {
        thread_.request_stop();
        sync.RequestStop();
        thread_.join();
    }

private:
    std::jthread thread_;
};

void WriteSecretFile(const std::string& path, const std::string& secret) {
    std::filesystem::path p(path);
    if (!p.parent_path().empty()) {
        std::filesystem::create_directories(p.parent_path());
    }
    const auto old_mask = ::umask(077);
    std::ofstream(path) << secret << "\n";
    ::umask(old_mask);
}

// The lot index lives in the data directory next to the SQLite file (also with PostgreSQL).
Result<std::unique_ptr<search::LotIndex>> OpenLotIndex(const Config& config) {
    const auto dir = std::filesystem::path(config.data_dir) / "search";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    return search::LotIndex::Open((dir / "lots").string());
}

// The /ask provider, when one is configured (an OpenAI-compatible endpoint before Flowise); the
// transport outlives the provider that uses it.
struct Assistant {
    std::unique_ptr<net::CurlTransport> transport;
    std::unique_ptr<llm::ChatProvider> provider;
};

Assistant OpenAssistant(const Config& config) {
    Assistant assistant;
    const auto& c = config.llm;
    if (!c.url.empty()) {
        assistant.transport = std::make_unique<net::CurlTransport>(net::CurlOptions{c.url, c.key, c.timeout_ms});
        assistant.provider = llm::MakeOpenAiChat(*assistant.transport, c.model);
        spdlog::info("/ask composes answers with {} at {}", c.model, c.url);
    } else if (!c.flowise_url.empty()) {
        assistant.transport =
            std::make_unique<net::CurlTransport>(net::CurlOptions{c.flowise_url, c.flowise_key, c.timeout_ms});
        assistant.provider = llm::MakeFlowiseChat(*assistant.transport, c.flowise_chatflow);
        spdlog::info("/ask composes answers with Flowise chatflow {} at {}", c.flowise_chatflow, c.flowise_url);
    }
    return assistant;
}

// The semantic index with its embedder: the offline fastText model, or the configured provider
// (whose transport must outlive the index: declared first, destroyed last).
struct Semantic {
    std::unique_ptr<net::CurlTransport> transport;
    std::unique_ptr<search::SemanticIndex> index;
};

Semantic OpenSemantic(const Config& config, store::SearchRepository& repository) {
    Semantic semantic;
    std::unique_ptr<search::Embedder> provider;
    const auto& c = config.search;
    if (!c.embeddings_url.empty()) {
        semantic.transport = std::make_unique<net::CurlTransport>(
            net::CurlOptions{c.embeddings_url, c.embeddings_key, c.embeddings_timeout_ms});
        search::ProviderOptions options;
        options.model = c.embeddings_model;
        provider = std::make_unique<search::OpenAiEmbedder>(*semantic.transport, c.embeddings_url, options);
    }
    search::SemanticOptions options;
    options.dir = (std::filesystem::path(config.data_dir) / "search" / "semantic").string();
    options.enabled = c.semantic;
    options.min_corpus = c.semantic_min_lots;
    options.training.threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1U, 4U));
    semantic.index = std::make_unique<search::SemanticIndex>(repository, options, std::move(provider));
    return semantic;
}

int Serve(const Config& config) {
    http::EnsurePortFree(config.http.host, config.http.port);
    SystemClock clock;
    Storage storage = OpenStorage(config, true);
    spdlog::info("database: {} {}, schema version {}",
                 storage.db->description(),
                 config.RedactedDatabaseUrl(),
                 store::SchemaVersion(*storage.db));

    store::BillingRepository billing_repository(*storage.db);
    billing::BillingService billing(billing_repository, *storage.recorder, clock, config.plans);
    if (!config.admin_key.empty()) {
        billing.EnsureConfiguredKey(config.admin_key, "admin");
    }

    auto rules = calc::ParseRuleBook(calc::EmbeddedRuleBookJson());
    ZAKUPAI_ASSERT(rules.has_value());
    calc::CalcService calc(std::move(*rules), *storage.recorder, clock);

    auto letters = docs::LetterTemplates::LoadEmbedded(WorkCalendar::BuiltIn());
    if (!letters) {
        spdlog::critical("{}", letters.error().message);
        return 1;
    }

    http::Metrics metrics;
    store::Database& db = *storage.db;
    store::WriteBehind& recorder = *storage.recorder;
    metrics.AddCollector([&db, &recorder](std::string& out) {
        const auto pool = db.Stats();
        http::Metrics::Gauge(out,
                             "db_pool_connections",
                             "Database connections in the pool, by state.",
                             {{R"(state="in_use")", pool.in_use}, {R"(state="idle")", pool.size - pool.in_use}});
        const auto stats = recorder.Stats();
        http::Metrics::Gauge(out,
                             "write_behind_queue_rows",
                             "Rows waiting to be written (audit, usage, calcs).",
                             {{"", static_cast<double>(stats.queued)}});
        out += "# HELP write_behind_rows_total Rows handled by the write-behind recorder, by outcome.\n";
        out += "# TYPE write_behind_rows_total counter\n";
        out += fmt::format("write_behind_rows_total{{outcome=\"written\"}} {}\n", stats.written);
        out += fmt::format("write_behind_rows_total{{outcome=\"dropped\"}} {}\n", stats.dropped);
    });
    metrics.GetCounter("zakupai_starts_total", "Times this process started serving.").Add();

    http::Router router;
    const api::SystemInfo info{ZAKUPAI_VERSION, ZAKUPAI_BUILD_TYPE, {"calc", "billing", "docs", "ingest", "risk"}};
    api::RegisterSystemRoutes(router, db, metrics, info, clock);
    api::RegisterCalcRoutes(router, calc, metrics, clock);
    api::RegisterBillingRoutes(router, billing, clock);
    store::LotRepository lot_repository(db);
    api::RegisterCalendarRoutes(router, WorkCalendar::BuiltIn(), clock);
    Portal portal(config, db, clock);
    AddPortalMetrics(metrics, portal);
    api::RegisterIngestRoutes(router, portal.sync.get(), *portal.rnu, *portal.repository, clock);
    store::ImportRepository import_repository(db);
    ingest::ImportService imports(import_repository, clock);
    auto risk_rules = risk::LoadRiskRules(config.risk.rules_file);
    if (!risk_rules) {
        spdlog::critical("risk rules: {}", risk_rules.error().message);
        return 2;
    }
    store::RiskRepository risk_repository(db);
    risk::RiskService risk(
        lot_repository, risk_repository, *portal.repository, calc.rules(), WorkCalendar::BuiltIn(), *risk_rules, clock);
    api::RegisterRiskRoutes(router, risk, clock);
    Assistant assistant = OpenAssistant(config);
    docs::Summarizer summarizer;
    if (assistant.provider) {
        summarizer =
            docs::Summarizer{assistant.provider->Name(),
                             [provider = assistant.provider.get()](const std::string& text, docs::Language language) {
                                 return llm::SummarizeLines(*provider, text, language == docs::Language::kKazakh);
                             }};
    }
    docs::TldrService tldr(
        lot_repository,
        calc.rules(),
        clock,
        [&risk](std::int64_t lot_id, docs::Language language) {
            return risk.Summary(lot_id, language == docs::Language::kKazakh);
        },
        std::move(summarizer));
    docs::ComplaintService complaints(lot_repository, *letters);
    api::RegisterDocsRoutes(router, *letters, tldr, complaints, clock);
    auto knowledge = llm::KnowledgeBase::LoadEmbedded();
    if (!knowledge) {
        spdlog::critical("knowledge base: {}", knowledge.error().message);
        return 2;
    }
    llm::AskService ask(**knowledge, assistant.provider.get());
    api::RegisterAskRoutes(router, ask, tldr, clock);
    metrics.AddCollector([&risk](std::string& out) {
        const auto stats = risk.Stats();
        http::Metrics::CounterSample(
            out, "risk_evaluations_total", "Lots scored by the risk engine.", stats.evaluations);
        http::Metrics::CounterSample(out, "risk_high_total", "Evaluations with a high risk level.", stats.high);
        http::Metrics::Gauge(out,
                             "antidumping_lots_ratio",
                             "Share of evaluations with a bid to check that were flagged for dumping.",
                             {{"",
                               stats.dumping_checked > 0 ? static_cast<double>(stats.dumping_flagged) /
                                                               static_cast<double>(stats.dumping_checked)
                                                         : 0.0}});
        http::Metrics::HistogramSamples(out,
                                        "risk_evaluation_duration_seconds",
                                        "Time to evaluate one lot (facts and indicators).",
                                        stats.duration_buckets,
                                        stats.duration_sum,
                                        stats.evaluations);
    });
    api::RegisterImportRoutes(
        router, imports, import_repository, lot_repository, calc.rules(), clock, config.import.max_bytes);
    store::SearchRepository search_repository(db);
    auto lot_index = OpenLotIndex(config);
    if (!lot_index) {
        spdlog::critical("search: {}", lot_index.error().message);
        return 1;
    }
    search::Indexer indexer(search_repository, **lot_index);
    indexer.Start(std::chrono::milliseconds(config.search.index_interval_ms));
    auto semantic = OpenSemantic(config, search_repository);
    if (config.search.semantic) {
        semantic.index->Load();
        semantic.index->Start(std::chrono::milliseconds(config.search.index_interval_ms));
    }
    search::SupplierFinder supplier_finder(**lot_index, *semantic.index, search_repository);
    api::RegisterSearchRoutes(router, **lot_index, *semantic.index, search_repository, clock);
    api::RegisterSemanticRoutes(router, *semantic.index, supplier_finder, search_repository, clock);
    metrics.AddCollector([&index = **lot_index](std::string& out) {
        http::Metrics::Gauge(
            out, "search_index_documents", "Lots in the full-text index.", {{"", static_cast<double>(index.Size())}});
    });
    std::optional<SyncScheduler> scheduler;
    if (portal.sync && config.goszakup.sync_interval_s > 0) {
        scheduler.emplace(
            portal, risk, clock, std::chrono::seconds(config.goszakup.sync_interval_s), config.goszakup.page_size);
        spdlog::info("goszakup sync every {} s from {}", config.goszakup.sync_interval_s, config.goszakup.url);
    } else {
        spdlog::info("goszakup scheduler off ({})", portal.sync ? "interval 0" : "no portal token");
    }

    // The upload route lets a whole file through (plus the multipart framing) so it can answer
    // its own, clearer 413; every other route keeps the small limit.
    HttpConfig http_config = config.http;
    http_config.upload_paths = {"/etl/upload-batch"};
    http_config.upload_body_limit_bytes = config.import.max_bytes + std::size_t{64} * 1024;
    http::Server server(
        http_config,
        router,
        metrics,
        api::MakeAccessHooks(billing, recorder, metrics, clock, config.http.anonymous_per_ip_per_minute));
    server.Run(config.port_file, [&](int port) {
        spdlog::info("ZakupAI {} listening on http://{}:{} (docs at /docs)", ZAKUPAI_VERSION, config.http.host, port);
    });
    if (portal.sync) {
        // A sync started over HTTP runs on the server's blocking pool; end it at its next page.
        portal.sync->RequestStop();
    }
    if (scheduler) {
        scheduler->Stop(*portal.sync);
    }
    indexer.Stop();
    semantic.index->Stop();
    storage.recorder->Stop();
    spdlog::info("stopped cleanly");
    return 0;
}

int SeedDemo(const Config& config, int lots, bool if_empty, const std::string& key_file) {
    SystemClock clock;
    Storage storage = OpenStorage(config, true);
    store::LotRepository lot_repository(*storage.db);
    const auto counts = lot_repository.Counts();
    if (if_empty && counts.lots > 0) {
        std::cout << "demo data: the database already has " << counts.lots << " lots; left as is\n";
    } else {
        DemoData data = MakeDemoData(lots, clock.Now());
        lot_repository.InsertAll(data.suppliers, data.lots, data.prices, clock.Now());
        // The database was empty, so the lots' ids follow their order in `data.lots`.
        const auto ids = lot_repository.LotIds();
        std::vector<std::pair<std::int64_t, store::BidRow>> bids;
        bids.reserve(data.bids.size());
        for (const auto& [index, bid] : data.bids) {
            bids.emplace_back(ids.at(index), bid);
        }
        store::RiskRepository(*storage.db).InsertBids(bids, "demo", clock.Now());
        std::cout << "demo data: loaded " << data.lots.size() << " lots, " << data.suppliers.size() << " suppliers, "
                  << data.prices.size() << " prices, " << data.bids.size() << " bids\n";
    }
    if (!key_file.empty() && !std::filesystem::exists(key_file)) {
        store::BillingRepository repository(*storage.db);
        billing::BillingService billing(repository, *storage.recorder, clock, config.plans);
        auto key = billing.CreateKey(std::nullopt, "demo@zakupai.kz", "premium", "demo key", std::nullopt);
        if (!key) {
            std::cerr << "zakupai: " << key.error().message << "\n";
            return 1;
        }
        WriteSecretFile(key_file, key->api_key);
        std::cout << "demo data: created a premium demo key in " << key_file << "\n";
    }
    return 0;
}

std::string Thousands(std::int64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ' ';
        }
        out += digits[i];
    }
    return out;
}

// One progress line on the terminal: bar (when the total is known), counts, rate, ETA.
void DrawProgress(std::int64_t done,
                  std::optional<std::int64_t> total,
                  std::string_view unit,
                  std::string_view extra,
                  double elapsed_seconds) {
    const double rate = elapsed_seconds > 0 ? static_cast<double>(done) / elapsed_seconds : 0;
    std::string bar;
    std::string eta = "?";
    if (total && *total > 0) {
        const double share = std::min(1.0, static_cast<double>(done) / static_cast<double>(*total));
        const int filled = static_cast<int>(share * 30);
        bar = "[" + std::string(filled, '#') + std::string(30 - filled, '.') + "] ";
        if (rate > 0) {
            eta = fmt::format("{:.0f} s", static_cast<double>(*total - done) / rate);
        }
    }
    std::cerr << fmt::format("\r{}{} / {} {} · {} · {:.0f} {}/s · ETA {}   ",
                             bar,
                             Thousands(done),
                             total ? Thousands(*total) : "?",
                             unit,
                             extra,
                             rate,
                             unit,
                             eta)
              << std::flush;
}

int RescoreCommand(const Config& config, const std::string& since_text) {
    std::optional<Instant> since;
    if (!since_text.empty()) {
        auto day = ParseIsoDate(since_text);
        if (!day) {
            std::cerr << "zakupai: --since must be a date YYYY-MM-DD, got '" << since_text << "'\n";
            return 2;
        }
        since = AlmatyStartOfDay(*day);
    }
    SystemClock clock;
    Storage storage = OpenStorage(config, true);
    auto rules = calc::ParseRuleBook(calc::EmbeddedRuleBookJson());
    ZAKUPAI_ASSERT(rules.has_value());
    store::LotRepository lots(*storage.db);
    store::RiskRepository repository(*storage.db);
    store::GoszakupRepository portal(*storage.db);
    auto risk_rules = risk::LoadRiskRules(config.risk.rules_file);
    if (!risk_rules) {
        std::cerr << "zakupai: risk rules: " << risk_rules.error().message << "\n";
        return 2;
    }
    risk::RiskService risk(lots, repository, portal, *rules, WorkCalendar::BuiltIn(), *risk_rules, clock);
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    const auto report = risk.Rescore(since, [terminal](const risk::RescoreProgress& p) {
        if (terminal) {
            DrawProgress(p.done, p.total, "lots", "scored", p.elapsed_seconds);
        }
    });
    if (terminal) {
        std::cerr << "\n";
    }
    std::cout << fmt::format("risk rescore done: {} lots, {} high, {} with dumping, {} unchanged, {:.1f} s\n",
                             report.lots,
                             report.high,
                             report.dumping,
                             report.unchanged,
                             report.duration_seconds);
    storage.recorder->Stop();
    return 0;
}

int ReindexCommand(const Config& config, bool with_semantic) {
    Storage storage = OpenStorage(config, true);
    auto index = OpenLotIndex(config);
    if (!index) {
        std::cerr << "zakupai: " << index.error().message << "\n";
        return 1;
    }
    store::SearchRepository repository(*storage.db);
    search::Indexer indexer(repository, **index);
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    const auto started = std::chrono::steady_clock::now();
    // A progress bar on a terminal; nothing in a pipe or a log.
    auto progress = [terminal](const char* unit, const char* verb) {
        return [terminal, unit, verb, since = std::chrono::steady_clock::now()](std::int64_t n, std::int64_t total) {
            if (terminal) {
                DrawProgress(n,
                             total,
                             unit,
                             verb,
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count());
            }
        };
    };
    const auto done = indexer.Rebuild(progress("lots", "indexed"));
    if (terminal) {
        std::cerr << "\n";
    }
    std::cout << fmt::format("reindex done: {} lots in {:.1f} s\n",
                             done,
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (with_semantic) {
        // Under the full-text index's lock, so no server writes the vector files meanwhile.
        auto semantic = OpenSemantic(config, repository);
        const auto semantic_started = std::chrono::steady_clock::now();
        auto embedded = semantic.index->Rebuild(progress("texts", "embedded"));
        if (terminal) {
            std::cerr << "\n";
        }
        if (!embedded) {
            std::cerr << "zakupai: semantic index: " << embedded.error().message << "\n";
            return 1;
        }
        const auto status = semantic.index->Status();
        std::cout << fmt::format(
            "semantic reindex done: {} lots and {} documents as {}-dimensional vectors ({}) in {:.1f} s\n",
            status.lots,
            status.documents,
            status.dimension,
            status.embedder,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - semantic_started).count());
    }
    storage.recorder->Stop();
    return 0;
}

int SyncCommand(const Config& config, const std::string& what, bool full, const std::string& since_text) {
    if (config.goszakup.token.empty()) {
        std::cerr << "zakupai: no portal token: set ZAKUPAI_GOSZAKUP_TOKEN or ZAKUPAI_GOSZAKUP_TOKEN_FILE\n";
        return 2;
    }
    std::optional<Date> since;
    if (!since_text.empty()) {
        auto day = ParseIsoDate(since_text);
        if (!day) {
            std::cerr << "zakupai: --since must be a date YYYY-MM-DD, got '" << since_text << "'\n";
            return 2;
        }
        since = *day;
    }
    SystemClock clock;
    Storage storage = OpenStorage(config, true);
    Portal portal(config, *storage.db, clock);
    if (what == "rnu") {
        const auto report = portal.rnu->SyncList(*portal.client, config.goszakup.page_size);
        std::cout << "rnu sync " << (report.ok ? "done" : "failed") << ": " << report.entries << " entries, "
                  << report.pages << " pages, " << report.skipped << " skipped"
                  << (report.ok ? "" : "; " + report.error) << "\n";
        return report.ok ? 0 : 1;
    }
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    auto progress = [terminal](const ingest::SyncProgress& p) {
        if (terminal) {
            DrawProgress(p.rows, p.total, "rows", fmt::format("{} pages", p.pages), p.elapsed_seconds);
        }
    };
    const auto report = portal.sync->Run(ingest::SyncRequest{full,
                                                             since,
                                                             what == "subjects"    ? ingest::Register::kSubjects
                                                             : what == "contracts" ? ingest::Register::kContracts
                                                                                   : ingest::Register::kLots},
                                         progress);
    if (terminal) {
        std::cerr << "\n";
    }
    std::cout << fmt::format(
        "goszakup sync of {} {} ({}{}): fetched {}, inserted {}, updated {}, unchanged {}, events {}, errors {}, pages "
        "{}, "
        "{:.1f} s{}\n",
        report.what,
        report.ok ? "done" : "failed",
        report.mode,
        report.resumed ? ", resumed" : "",
        report.fetched,
        report.inserted,
        report.updated,
        report.unchanged,
        report.events,
        report.errors,
        report.pages,
        report.duration_seconds,
        report.ok ? "" : "; " + report.error);
    storage.recorder->Stop();
    return report.ok ? 0 : 1;
}

struct ImportArgs {
    std::string file;
    std::string kind = "auto";
    bool strict = false;
    std::string source;
    std::string sheet;
    bool json = false;
};

int ImportCommand(const Config& config, const ImportArgs& args) {
    std::ifstream in(args.file, std::ios::binary);
    if (!in) {
        std::cerr << "zakupai: cannot read " << args.file << "\n";
        return 2;
    }
    in.seekg(0, std::ios::end);
    std::string bytes(static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0)), '\0');
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (bytes.size() > config.import.max_bytes) {
        std::cerr << "zakupai: " << args.file << " is " << bytes.size() << " bytes; the limit is "
                  << config.import.max_bytes << " (ZAKUPAI_IMPORT_MAX_BYTES)\n";
        return 2;
    }
    SystemClock clock;
    Storage storage = OpenStorage(config, true);
    store::ImportRepository repository(*storage.db);
    ingest::ImportService imports(repository, clock);
    ingest::ImportOptions options;
    options.kind = args.kind == "lots"     ? ingest::ImportKind::kLots
                   : args.kind == "prices" ? ingest::ImportKind::kPrices
                                           : ingest::ImportKind::kAuto;
    options.strict = args.strict;
    options.source = args.source;
    options.sheet = args.sheet;
    options.file_name = std::filesystem::path(args.file).filename().string();
    auto report = imports.Import(bytes, options);
    storage.recorder->Stop();
    if (!report) {
        std::cerr << "zakupai: " << report.error().message << "\n";
        for (const auto& p : report.error().details) {
            if (report.error().message.find(p.problem) == std::string::npos) {
                std::cerr << "  " << p.field << ": " << p.problem << "\n";
            }
        }
        return 1;
    }
    if (args.json) {
        std::cout << ingest::ImportReportJson(*report) << "\n";
        return 0;
    }
    std::cout << fmt::format(
        "imported {} ({}, {}): {} rows, {} accepted, {} rejected, {} matched to lots, batch {}, "
        "{:.2f} s\n",
        args.file,
        report->kind,
        report->format == "csv" ? report->encoding : "xlsx sheet " + report->sheet,
        report->rows_total,
        report->accepted,
        report->rejected,
        report->matched,
        report->batch_id,
        report->duration_seconds);
    for (std::size_t i = 0; i < report->errors.size() && i < 20; ++i) {
        const auto& e = report->errors[i];
        std::cout << fmt::format("  line {}{}: {}\n", e.line, e.column.empty() ? "" : " [" + e.column + "]", e.error);
    }
    if (report->errors.size() > 20) {
        std::cout << "  ... and " << report->errors.size() - 20 << " more (--json lists them all)\n";
    }
    return 0;
}

}  // namespace

namespace {
int Run(int argc, char** argv);
}

int Main(int argc, char** argv) {
    const int code = Run(argc, argv);
    spdlog::shutdown();  // flushes the asynchronous access log
    return code;
}

namespace {
int Run(int argc, char** argv) {
    CLI::App cli{"ZakupAI: find, judge and win Kazakhstan public tenders"};
    cli.require_subcommand(1);
    CommonOptions common;
    cli.add_option("--config", common.config_file, "JSON config file (also ZAKUPAI_CONFIG)");
    cli.add_option("--data-dir", common.data_dir, "Data directory (also ZAKUPAI_DATA_DIR)");
    cli.add_option(
        "--database-url", common.database_url, "sqlite:///abs/path.db or postgresql://... (also ZAKUPAI_DATABASE_URL)");

    auto* serve = cli.add_subcommand("serve", "Run the HTTP API (migrates the database first)");
    std::string host;
    int port = -1;
    std::string port_file;
    serve->add_option("--host", host, "Address to listen on (ZAKUPAI_HOST)");
    serve->add_option("--port", port, "Port, 0 for any free port (ZAKUPAI_PORT)")->check(CLI::Range(0, 65535));
    serve->add_option("--port-file", port_file, "Write the bound port to this file");

    auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations");

    auto* keys = cli.add_subcommand("keys", "Manage API keys");
    keys->require_subcommand(1);
    auto* keys_create = keys->add_subcommand("create", "Create a key and print it (shown only once)");
    std::string plan = "free";
    std::string name;
    std::int64_t tg_id = 0;
    std::string email;
    keys_create->add_option("--plan", plan, "free | premium | service | admin")
        ->check(CLI::IsMember({"free", "premium", "service", "admin"}));
    keys_create->add_option("--name", name, "A label for the key")->required();
    keys_create->add_option("--tg-id", tg_id, "Telegram user id of the owner");
    keys_create->add_option("--email", email, "E-mail of the owner");
    auto* keys_revoke = keys->add_subcommand("revoke", "Revoke a key by its id");
    std::int64_t key_id = 0;
    keys_revoke->add_option("KEY_ID", key_id, "Key id")->required();

    auto* seed = cli.add_subcommand("seed-demo", "Load the synthetic demo data set");
    int lots = 3000;
    bool if_empty = false;
    std::string key_file;
    seed->add_option("--lots", lots, "How many lots")->check(CLI::Range(1, 5'000'000));
    seed->add_flag("--if-empty", if_empty, "Only when the database has no lots yet");
    seed->add_option("--key-file", key_file, "Create a premium demo key into this file if it does not exist");

    auto* sync = cli.add_subcommand("sync", "Pull data from the state procurement portal");
    sync->require_subcommand(1);
    auto* sync_goszakup =
        sync->add_subcommand("goszakup", "Lots from Goszakup OWS v3: what changed since the last run, or --full");
    bool full = false;
    std::string since;
    sync_goszakup->add_flag("--full", full, "Walk the whole register (resumable)");
    sync_goszakup->add_option("--since", since, "Only lots changed since this Almaty day, YYYY-MM-DD");
    auto* sync_rnu = sync->add_subcommand("rnu", "The register of unreliable suppliers (replaced as a whole)");
    auto* sync_subjects = sync->add_subcommand("subjects", "Participants (suppliers and customers) into suppliers");
    sync_subjects->add_flag("--full", full, "Walk the whole register (resumable)");
    sync_subjects->add_option("--since", since, "Only participants changed since this Almaty day, YYYY-MM-DD");
    auto* sync_contracts =
        sync->add_subcommand("contracts", "Contracts and their amendments (for concentration and amendment checks)");
    sync_contracts->add_flag("--full", full, "Walk the whole register (resumable)");
    sync_contracts->add_option("--since", since, "Only contracts changed since this Almaty day, YYYY-MM-DD");

    auto* import = cli.add_subcommand("import", "Load a CSV or XLSX price list (or lots) in one transaction");
    ImportArgs import_args;
    import->add_option("FILE", import_args.file, "The .csv or .xlsx file")->required();
    import->add_option("--kind", import_args.kind, "auto | prices | lots")
        ->check(CLI::IsMember({"auto", "prices", "lots"}));
    import->add_flag("--strict", import_args.strict, "Import nothing if any row is bad");
    import->add_option("--source", import_args.source, "Source name for rows without one");
    import->add_option("--sheet", import_args.sheet, "XLSX sheet name (default: the first with rows)");
    import->add_flag("--json", import_args.json, "Print the full report as JSON");

    auto* risk_cmd = cli.add_subcommand("risk", "Risk engine tasks");
    risk_cmd->require_subcommand(1);
    auto* rescore = risk_cmd->add_subcommand("rescore", "Score the stored lots again (all, or changed since a day)");
    std::string rescore_since;
    rescore->add_option("--since", rescore_since, "Only lots created or changed since this Almaty day, YYYY-MM-DD");

    auto* reindex = cli.add_subcommand("reindex", "Rebuild the full-text lot index from the database");
    bool reindex_semantic = false;
    reindex->add_flag("--semantic",
                      reindex_semantic,
                      "Also train the word vectors and rebuild the semantic index (or re-embed with the provider)");

    auto* version = cli.add_subcommand("version", "Print the version");

    CLI11_PARSE(cli, argc, argv);

    if (version->parsed()) {
        std::cout << "zakupai " << ZAKUPAI_VERSION << " (" << ZAKUPAI_BUILD_TYPE << ")\n";
        return 0;
    }
    auto config = LoadEffectiveConfig(common);
    if (!config) {
        ReportConfigError(config.error());
        return 2;
    }
    if (!host.empty()) {
        config->http.host = host;
    }
    if (port >= 0) {
        config->http.port = port;
    }
    config->port_file = port_file;
    SetupLogging(config->log_level);
    try {
        if (serve->parsed()) {
            return Serve(*config);
        }
        if (migrate->parsed()) {
            Storage storage = OpenStorage(*config, false);
            const int applied = store::Migrate(*storage.db);
            std::cout << "migrations applied: " << applied << "; schema version " << store::SchemaVersion(*storage.db)
                      << "\n";
            return 0;
        }
        if (seed->parsed()) {
            return SeedDemo(*config, lots, if_empty, key_file);
        }
        if (rescore->parsed()) {
            return RescoreCommand(*config, rescore_since);
        }
        if (reindex->parsed()) {
            return ReindexCommand(*config, reindex_semantic);
        }
        if (import->parsed()) {
            return ImportCommand(*config, import_args);
        }
        if (sync_goszakup->parsed() || sync_rnu->parsed() || sync_subjects->parsed() || sync_contracts->parsed()) {
            const std::string what = sync_rnu->parsed()         ? "rnu"
                                     : sync_subjects->parsed()  ? "subjects"
                                     : sync_contracts->parsed() ? "contracts"
                                                                : "lots";
            return SyncCommand(*config, what, full, since);
        }
        if (keys_create->parsed() || keys_revoke->parsed()) {
            SystemClock clock;
            Storage storage = OpenStorage(*config, true);
            store::BillingRepository repository(*storage.db);
            billing::BillingService billing(repository, *storage.recorder, clock, config->plans);
            if (keys_create->parsed()) {
                std::optional<std::int64_t> tg;
                if (tg_id > 0) {
                    tg = tg_id;
                }
                auto key = billing.CreateKey(tg, email, plan, name, std::nullopt);
                if (!key) {
                    std::cerr << "zakupai: " << key.error().message << "\n";
                    return 1;
                }
                std::cout << "key id " << key->key_id << " (" << key->plan << "): " << key->api_key << "\n";
                std::cout << "Store it now: only its hash is kept.\n";
                return 0;
            }
            auto revoked = billing.RevokeKey(key_id, billing::Principal{0, 0, "admin", std::nullopt});
            if (!revoked) {
                std::cerr << "zakupai: " << revoked.error().message << "\n";
                return 1;
            }
            std::cout << "key " << key_id << " revoked\n";
            return 0;
        }
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        std::cerr << "zakupai: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
}  // namespace

}  // namespace zakupai::app
