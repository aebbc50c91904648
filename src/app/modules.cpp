#include "app/modules.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "billing/billing_service.hpp"
#include "calc/calc_service.hpp"
#include "core/calendar.hpp"
#include "docs/complaint.hpp"
#include "docs/letters.hpp"
#include "docs/tldr.hpp"
#include "ingest/batch_import.hpp"
#include "ingest/portal.hpp"
#include "llm/ask.hpp"
#include "llm/chat.hpp"
#include "net/transport.hpp"
#include "notify/alerts.hpp"
#include "notify/bot.hpp"
#include "notify/bot_api.hpp"
#include "notify/runner.hpp"
#include "notify/sender.hpp"
#include "risk/risk_service.hpp"
#include "search/embedder.hpp"
#include "search/indexer.hpp"
#include "search/lot_search.hpp"
#include "search/semantic_index.hpp"
#include "search/supplier_finder.hpp"
#include "store/billing_repository.hpp"
#include "store/database.hpp"
#include "store/import_repository.hpp"
#include "store/lot_repository.hpp"
#include "store/notify_repository.hpp"
#include "store/records_repository.hpp"
#include "store/risk_repository.hpp"
#include "store/search_repository.hpp"
#include "store/web_repository.hpp"
#include "store/write_behind.hpp"

namespace zakupai::app {

// Members in dependency order: what is declared later may use what is declared earlier, and is
// destroyed first.
struct Modules::Parts {
    std::unique_ptr<store::Database> db;
    std::unique_ptr<store::WriteBehind> recorder;
    std::unique_ptr<store::LotRepository> lots;
    std::unique_ptr<store::SearchRepository> search_repository;
    std::unique_ptr<store::BillingRepository> billing_repository;
    std::unique_ptr<store::RiskRepository> risk_repository;
    std::unique_ptr<store::ImportRepository> import_repository;
    std::unique_ptr<store::WebRepository> web_repository;
    std::unique_ptr<store::RecordsRepository> records;
    std::unique_ptr<billing::BillingService> billing;
    std::unique_ptr<calc::CalcService> calc;
    std::unique_ptr<docs::LetterTemplates> letters;
    std::unique_ptr<ingest::Portal> portal;
    std::unique_ptr<risk::RiskRules> risk_rules;
    std::unique_ptr<risk::RiskService> risk;
    std::unique_ptr<net::CurlTransport> chat_transport;
    std::unique_ptr<llm::ChatProvider> chat;
    bool chat_opened = false;
    std::unique_ptr<docs::TldrService> tldr;
    std::unique_ptr<docs::ComplaintService> complaints;
    std::unique_ptr<ingest::ImportService> imports;
    std::unique_ptr<search::LotIndex> lot_index;
    std::unique_ptr<search::Indexer> indexer;
    std::unique_ptr<net::CurlTransport> embeddings_transport;
    std::unique_ptr<search::SemanticIndex> semantic;
    std::unique_ptr<search::LotSearch> search;
    std::unique_ptr<search::SupplierFinder> suppliers;
    std::unique_ptr<llm::KnowledgeBase> knowledge;
    std::unique_ptr<llm::FactBook> facts;
    std::unique_ptr<llm::AskService> ask;
    std::unique_ptr<store::NotifyRepository> notify_repository;
    std::unique_ptr<net::CurlTransport> bot_transport;   // answers at once
    std::unique_ptr<net::CurlTransport> poll_transport;  // holds a long poll
    std::unique_ptr<notify::BotApi> bot_api;
    std::unique_ptr<notify::BotApi> poll_api;
    std::unique_ptr<notify::Bot> bot;
    std::unique_ptr<notify::AlertMatcher> alerts;
    std::unique_ptr<notify::OutboxSender> sender;
    std::unique_ptr<notify::BotRunner> bot_runner;
    bool bot_opened = false;
    std::atomic<bool> bot_stopping{false};  // ends the long poll in progress
};

Modules::Modules(const Config& config, bool migrate) : config_(config), parts_(std::make_unique<Parts>()) {
    metrics::PublishProcessMetrics(metrics_);
    // The SQLite file, the search index and the backups live here; the disk alert reads these.
    metrics_.AddGaugeCallback(
        "data_dir_filesystem_bytes", "The data directory's file system, by size and free space.", [this] {
            std::error_code ec;
            const auto space = std::filesystem::space(config_.data_dir, ec);
            if (ec) {
                return std::vector<metrics::Sample>{};
            }
            return std::vector<metrics::Sample>{{R"(kind="size")", static_cast<double>(space.capacity)},
                                                {R"(kind="free")", static_cast<double>(space.available)}};
        });
    parts_->db = store::Database::Open(config_.database, config_.data_dir);
    if (migrate) {
        store::Migrate(*parts_->db);
    }
    parts_->db->PublishMetrics(metrics_);
    store::WriteBehind::Options recorder_options;
    recorder_options.instance = InstanceName(config_);
    parts_->recorder = std::make_unique<store::WriteBehind>(*parts_->db, recorder_options);
    parts_->recorder->PublishMetrics(metrics_);
}

Modules::~Modules() {
    Stop();
}

void Modules::Stop() {
    if (parts_->bot_runner) {
        parts_->bot_stopping = true;
        parts_->bot_runner->Stop();
    }
    if (parts_->portal) {
        // A sync started over HTTP runs on the server's blocking pool; end it at its next page,
        // and end any wait between retries at once.
        parts_->portal->Stop();
    }
    if (parts_->indexer) {
        parts_->indexer->Stop();
    }
    if (parts_->semantic) {
        parts_->semantic->Stop();
    }
    parts_->recorder->Stop();
}

store::Database& Modules::Database() {
    return *parts_->db;
}

store::WriteBehind& Modules::Recorder() {
    return *parts_->recorder;
}

store::LotRepository& Modules::Lots() {
    if (!parts_->lots) {
        parts_->lots = std::make_unique<store::LotRepository>(*parts_->db);
    }
    return *parts_->lots;
}

store::WebRepository& Modules::WebSessions() {
    if (!parts_->web_repository) {
        parts_->web_repository = std::make_unique<store::WebRepository>(*parts_->db);
    }
    return *parts_->web_repository;
}

store::ImportRepository& Modules::ImportRecords() {
    if (!parts_->import_repository) {
        parts_->import_repository = std::make_unique<store::ImportRepository>(*parts_->db);
    }
    return *parts_->import_repository;
}

store::SearchRepository& Modules::SearchRepository() {
    if (!parts_->search_repository) {
        parts_->search_repository = std::make_unique<store::SearchRepository>(*parts_->db);
    }
    return *parts_->search_repository;
}

store::RecordsRepository& Modules::Records() {
    if (!parts_->records) {
        parts_->records = std::make_unique<store::RecordsRepository>(*parts_->db);
    }
    return *parts_->records;
}

billing::BillingService& Modules::Billing() {
    if (!parts_->billing) {
        parts_->billing_repository = std::make_unique<store::BillingRepository>(*parts_->db);
        parts_->billing = std::make_unique<billing::BillingService>(
            *parts_->billing_repository, *parts_->recorder, clock_, config_.billing.plans, InstanceName(config_));
        parts_->billing->PublishMetrics(metrics_);
        if (!config_.billing.admin_key.empty()) {
            parts_->billing->EnsureConfiguredKey(config_.billing.admin_key, Plan::kAdmin);
        }
    }
    return *parts_->billing;
}

calc::CalcService& Modules::Calc() {
    if (!parts_->calc) {
        auto rules = calc::ParseRuleBook(calc::EmbeddedRuleBookJson());
        ZAKUPAI_ASSERT(rules.has_value());  // compiled in and tested
        parts_->calc = std::make_unique<calc::CalcService>(std::move(*rules), *parts_->recorder, clock_, metrics_);
    }
    return *parts_->calc;
}

const docs::LetterTemplates& Modules::Letters() {
    if (!parts_->letters) {
        auto letters = docs::LetterTemplates::LoadEmbedded(WorkCalendar::BuiltIn());
        if (!letters) {
            throw StartupError("letter templates: " + letters.error().message);
        }
        parts_->letters = std::make_unique<docs::LetterTemplates>(std::move(*letters));
    }
    return *parts_->letters;
}

ingest::Portal& Modules::Portal() {
    if (!parts_->portal) {
        parts_->portal = std::make_unique<ingest::Portal>(config_.goszakup, *parts_->db, clock_, metrics_);
    }
    return *parts_->portal;
}

risk::RiskService& Modules::Risk() {
    if (!parts_->risk) {
        auto rules = risk::LoadRiskRules(config_.risk.rules_file);
        if (!rules) {
            throw StartupError("risk rules: " + rules.error().message);
        }
        parts_->risk_rules = std::make_unique<risk::RiskRules>(std::move(*rules));
        parts_->risk_repository = std::make_unique<store::RiskRepository>(*parts_->db);
        parts_->risk = std::make_unique<risk::RiskService>(Lots(),
                                                           *parts_->risk_repository,
                                                           Portal().repository(),
                                                           Calc().rules(),
                                                           WorkCalendar::BuiltIn(),
                                                           *parts_->risk_rules,
                                                           clock_,
                                                           metrics_);
    }
    return *parts_->risk;
}

const llm::ChatProvider* Modules::ChatProvider() {
    if (!parts_->chat_opened) {
        parts_->chat_opened = true;
        const auto& c = config_.llm;
        if (!c.url.empty()) {
            parts_->chat_transport = std::make_unique<net::CurlTransport>(net::CurlOptions{c.url, c.key, c.timeout_ms});
            parts_->chat = llm::MakeOpenAiChat(*parts_->chat_transport, c.model);
            spdlog::info("/ask composes answers with {} at {}", c.model, c.url);
        } else if (!c.flowise_url.empty()) {
            parts_->chat_transport =
                std::make_unique<net::CurlTransport>(net::CurlOptions{c.flowise_url, c.flowise_key, c.timeout_ms});
            parts_->chat = llm::MakeFlowiseChat(*parts_->chat_transport, c.flowise_chatflow);
            spdlog::info("/ask composes answers with Flowise chatflow {} at {}", c.flowise_chatflow, c.flowise_url);
        }
    }
    return parts_->chat.get();
}

docs::TldrService& Modules::Tldr() {
    if (!parts_->tldr) {
        docs::Summarizer summarizer;
        if (const auto* provider = ChatProvider()) {
            summarizer =
                docs::Summarizer{provider->Name(), [provider](const std::string& text, docs::Language language) {
                                     return llm::SummarizeLines(*provider, text, language == docs::Language::kKazakh);
                                 }};
        }
        auto& risk = Risk();
        parts_->tldr = std::make_unique<docs::TldrService>(
            Lots(),
            Calc().rules(),
            clock_,
            [&risk](std::int64_t lot_id, docs::Language language) {
                return risk.Summary(lot_id, language == docs::Language::kKazakh);
            },
            std::move(summarizer));
    }
    return *parts_->tldr;
}

docs::ComplaintService& Modules::Complaints() {
    if (!parts_->complaints) {
        parts_->complaints = std::make_unique<docs::ComplaintService>(Lots(), Letters());
    }
    return *parts_->complaints;
}

ingest::ImportService& Modules::Imports() {
    if (!parts_->imports) {
        parts_->imports =
            std::make_unique<ingest::ImportService>(ImportRecords(), Lots(), Calc().rules(), clock_, config_.import);
    }
    return *parts_->imports;
}

search::LotIndex& Modules::LotIndex() {
    if (!parts_->lot_index) {
        // The lot index lives in the data directory next to the SQLite file (also with PostgreSQL).
        const auto dir = std::filesystem::path(config_.data_dir) / "search";
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        auto index = search::LotIndex::Open((dir / "lots").string());
        if (!index) {
            throw StartupError("search: " + index.error().message);
        }
        parts_->lot_index = std::move(*index);
        metrics_.AddGaugeCallback(
            "search_index_documents", "Lots in the full-text index.", [&index = *parts_->lot_index] {
                return std::vector<metrics::Sample>{{"", static_cast<double>(index.Size())}};
            });
    }
    return *parts_->lot_index;
}

search::Indexer& Modules::Indexer() {
    if (!parts_->indexer) {
        parts_->indexer = std::make_unique<search::Indexer>(SearchRepository(), LotIndex());
    }
    return *parts_->indexer;
}

search::SemanticIndex& Modules::Semantic() {
    if (!parts_->semantic) {
        // The provider's transport must outlive the index that uses it: declared first in Parts.
        std::unique_ptr<search::Embedder> provider;
        const auto& c = config_.search;
        if (!c.embeddings_url.empty()) {
            parts_->embeddings_transport = std::make_unique<net::CurlTransport>(
                net::CurlOptions{c.embeddings_url, c.embeddings_key, c.embeddings_timeout_ms});
            search::ProviderOptions options;
            options.model = c.embeddings_model;
            provider =
                std::make_unique<search::OpenAiEmbedder>(*parts_->embeddings_transport, c.embeddings_url, options);
        }
        search::SemanticOptions options;
        options.dir = (std::filesystem::path(config_.data_dir) / "search" / "semantic").string();
        options.enabled = c.semantic;
        options.min_corpus = c.semantic_min_lots;
        options.training.threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1U, 4U));
        parts_->semantic = std::make_unique<search::SemanticIndex>(SearchRepository(), options, std::move(provider));
    }
    return *parts_->semantic;
}

search::LotSearch& Modules::Search() {
    if (!parts_->search) {
        parts_->search = std::make_unique<search::LotSearch>(LotIndex(), Semantic(), SearchRepository());
    }
    return *parts_->search;
}

search::SupplierFinder& Modules::Suppliers() {
    if (!parts_->suppliers) {
        parts_->suppliers = std::make_unique<search::SupplierFinder>(LotIndex(), Semantic(), SearchRepository());
    }
    return *parts_->suppliers;
}

llm::AskService& Modules::Ask() {
    if (!parts_->ask) {
        auto knowledge = llm::KnowledgeBase::LoadEmbedded();
        if (!knowledge) {
            throw StartupError("knowledge base: " + knowledge.error().message);
        }
        parts_->knowledge = std::move(*knowledge);
        parts_->facts = std::make_unique<llm::FactBook>(Calc().rules(), WorkCalendar::BuiltIn());
        llm::Meaning meaning;
        if (config_.search.semantic) {
            meaning = [&semantic = Semantic()](const std::vector<std::string>& texts) { return semantic.Embed(texts); };
        }
        parts_->ask = std::make_unique<llm::AskService>(
            *parts_->knowledge, parts_->facts.get(), ChatProvider(), std::move(meaning));
    }
    return *parts_->ask;
}

store::NotifyRepository& Modules::NotifyRecords() {
    if (!parts_->notify_repository) {
        parts_->notify_repository = std::make_unique<store::NotifyRepository>(*parts_->db);
    }
    return *parts_->notify_repository;
}

notify::BotRunner* Modules::Bot() {
    if (!parts_->bot_opened) {
        parts_->bot_opened = true;
        const auto& c = config_.telegram;
        if (!c.enabled()) {
            return nullptr;
        }
        // The token is the path's secret: part of the base URL, never of a log line.
        const std::string base = c.api_url + "/bot" + c.token;
        NotifyRecords();
        parts_->bot_transport = std::make_unique<net::CurlTransport>(net::CurlOptions{base, "", c.send_timeout_ms});
        parts_->poll_transport = std::make_unique<net::CurlTransport>(
            net::CurlOptions{base, "", c.poll_timeout_s * 1000 + c.send_timeout_ms, &parts_->bot_stopping});
        parts_->bot_api = std::make_unique<notify::BotApi>(*parts_->bot_transport);
        parts_->poll_api = std::make_unique<notify::BotApi>(*parts_->poll_transport);
        parts_->bot = std::make_unique<notify::Bot>(notify::BotServices{
            *parts_->notify_repository,
            Billing(),
            Tldr(),
            Risk(),
            Search(),
            Portal().rnu(),
            Ask(),
            Complaints(),
            clock_,
            c.max_subscriptions,
            docs::RenderLimits{config_.docs.max_pages, std::chrono::milliseconds(config_.docs.render_budget_ms)},
            c.web_url.empty() ? "" : c.web_url + "/login/telegram"});
        parts_->alerts = std::make_unique<notify::AlertMatcher>(*parts_->notify_repository,
                                                                SearchRepository(),
                                                                LotIndex(),
                                                                &Portal().rnu(),
                                                                WorkCalendar::BuiltIn(),
                                                                clock_);
        parts_->sender = std::make_unique<notify::OutboxSender>(*parts_->notify_repository, *parts_->bot_api, clock_);
        metrics_.AddGaugeCallback("notify_outbox_messages",
                                  "Telegram outbox messages by status (a growing pending count is a backlog).",
                                  [&repository = *parts_->notify_repository] {
                                      const auto counts = repository.CountOutbox();
                                      return std::vector<metrics::Sample>{
                                          {R"(status="pending")", static_cast<double>(counts.pending)},
                                          {R"(status="sent")", static_cast<double>(counts.sent)},
                                          {R"(status="failed")", static_cast<double>(counts.failed)}};
                                  });
        parts_->bot_runner = std::make_unique<notify::BotRunner>(
            c, *parts_->bot, *parts_->alerts, *parts_->sender, *parts_->poll_api, *parts_->notify_repository, clock_);
    }
    return parts_->bot_runner.get();
}

std::vector<std::string> Modules::Describe() {
    std::vector<std::string> out{
        "core", "store:" + std::string(parts_->db->dialect() == store::Dialect::kSqlite ? "sqlite" : "postgresql")};
    auto add = [&out](bool built, std::string name) {
        if (built) {
            out.push_back(std::move(name));
        }
    };
    add(parts_->billing != nullptr, "billing");
    add(parts_->calc != nullptr, "calc");
    add(parts_->letters != nullptr || parts_->tldr != nullptr, "docs");
    add(parts_->risk != nullptr, "risk");
    add(parts_->portal != nullptr, "ingest");
    add(parts_->portal != nullptr && parts_->portal->sync() != nullptr, "ingest:goszakup_sync");
    add(parts_->lot_index != nullptr, "search");
    add(parts_->semantic != nullptr && config_.search.semantic, "search:semantic");
    add(parts_->ask != nullptr, "llm");
    add(parts_->chat != nullptr, "llm:" + (parts_->chat ? parts_->chat->Name() : std::string()));
    add(parts_->bot_runner != nullptr, "notify:telegram_" + config_.telegram.mode);
    return out;
}

}  // namespace zakupai::app
