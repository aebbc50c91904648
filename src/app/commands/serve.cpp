// `zakupai serve`: every module in one process, behind the HTTP API. The list of components
// below is the whole service: each registers its routes; each module publishes its own metrics.
#include <spdlog/spdlog.h>

#include <functional>
#include <optional>

#include "api/api.hpp"
#include "app/build_info.hpp"
#include "app/commands.hpp"
#include "app/leadership.hpp"
#include "app/modules.hpp"
#include "app/scheduler.hpp"
#include "core/calendar.hpp"
#include "http/server.hpp"
#include "ingest/portal.hpp"
#include "notify/runner.hpp"
#include "search/indexer.hpp"
#include "search/semantic_index.hpp"
#include "store/database.hpp"
#include "store/lease_repository.hpp"
#include "web/web.hpp"

namespace zakupai::app {

namespace {

struct Component {
    const char* name;
    std::function<void(http::Router&)> add_routes;
};

// SIGHUP: Vault is read again and every secret that changed since the start is named. The
// modules hold their secrets from construction, so a changed one takes effect when the instance
// restarts (one at a time behind nginx: no request is lost); the log says which and that.
void RecheckVault(const Config& config) {
    if (!config.vault.Configured()) {
        return;
    }
    auto fresh = OverlayVault(config.vault, {});
    if (!fresh) {
        spdlog::error("{}; the secrets in use stay", fresh.error().message);
        return;
    }
    std::vector<std::string> changed;
    for (const auto& [name, value] : *fresh) {
        const auto was = config.from_vault.find(name);
        if (was == config.from_vault.end() || was->second != value) {
            changed.push_back(name);
        }
    }
    for (const auto& [name, value] : config.from_vault) {
        if (!fresh->contains(name)) {
            changed.push_back(name);
        }
    }
    if (changed.empty()) {
        spdlog::info("vault: re-read {}/{}, no secret changed", config.vault.mount, config.vault.path);
        return;
    }
    std::string names;
    for (const auto& name : changed) {
        names += (names.empty() ? "" : ", ") + name;
    }
    spdlog::warn("vault: {} changed in {}/{}; restart this instance to use the new value(s)",
                 names,
                 config.vault.mount,
                 config.vault.path);
}

}  // namespace

int Serve(const Config& config) {
    http::EnsurePortFree(config.http.host, config.http.port);
    Modules m(config, true);
    spdlog::info("database: {} {}, schema version {}",
                 m.Database().description(),
                 config.database.Redacted(),
                 store::SchemaVersion(m.Database()));
    if (!config.from_vault.empty()) {
        std::string names;
        for (const auto& [name, value] : config.from_vault) {
            names += (names.empty() ? "" : ", ") + name;
        }
        spdlog::info("vault: {} read from {}/{}", names, config.vault.mount, config.vault.path);
    }
    const Clock& clock = m.clock();
    http::RequestMetrics request_metrics(m.metrics());
    m.metrics().GetCounter("zakupai_starts_total", "Times this process started serving.").Add();

    api::LotViews views(m.Recorder(), m.Records());
    const std::vector<Component> components{
        {"calc", [&](http::Router& r) { api::RegisterCalcRoutes(r, m.Calc(), clock); }},
        {"billing", [&](http::Router& r) { api::RegisterBillingRoutes(r, m.Billing(), clock); }},
        {"calendar", [&](http::Router& r) { api::RegisterCalendarRoutes(r, WorkCalendar::BuiltIn(), clock); }},
        {"ingest",
         [&](http::Router& r) {
             api::RegisterIngestRoutes(r, m.Portal().sync(), m.Portal().rnu(), m.Portal().repository(), clock);
             api::RegisterImportRoutes(r, m.Imports(), clock, config.import.max_bytes);
         }},
        {"risk", [&](http::Router& r) { api::RegisterRiskRoutes(r, m.Risk(), views, clock); }},
        {"docs",
         [&](http::Router& r) {
             const docs::RenderLimits limits{config.docs.max_pages,
                                             std::chrono::milliseconds(config.docs.render_budget_ms)};
             api::RegisterDocsRoutes(r, m.Letters(), m.Tldr(), m.Complaints(), limits, views, clock);
         }},
        {"llm", [&](http::Router& r) { api::RegisterAskRoutes(r, m.Ask(), m.Tldr(), views, clock); }},
        {"search",
         [&](http::Router& r) {
             api::RegisterSearchRoutes(r, m.Search(), m.SearchRepository(), clock);
             api::RegisterSemanticRoutes(r,
                                         m.Semantic(),
                                         m.Suppliers(),
                                         m.SearchRepository(),
                                         config.billing.plans,
                                         !config.search.embeddings_url.empty(),
                                         clock);
         }},
    };
    http::Router router;
    for (const auto& component : components) {
        component.add_routes(router);
    }
    notify::BotRunner* bot = m.Bot();
    if (bot == nullptr) {
        spdlog::info("telegram bot off (no ZAKUPAI_TELEGRAM_TOKEN)");
    } else {
        spdlog::info("telegram bot on ({}) at {}", config.telegram.mode, config.telegram.api_url);
    }
    api::RegisterTelegramRoutes(
        router, bot != nullptr && config.telegram.webhook() ? bot : nullptr, config.telegram.webhook_secret);
    // The web panel on the same services; it outlives the server below.
    const web::WebServices web_services{m.Billing(),
                                        m.WebSessions(),
                                        m.SearchRepository(),
                                        m.Search(),
                                        m.Tldr(),
                                        m.Risk(),
                                        m.Complaints(),
                                        m.Letters(),
                                        m.Ask(),
                                        m.Imports(),
                                        m.ImportRecords(),
                                        m.NotifyRecords(),
                                        m.Calc().rules(),
                                        clock,
                                        config.telegram.max_subscriptions};
    web::WebConfig web_config;
    web_config.render_limits = {config.docs.max_pages, std::chrono::milliseconds(config.docs.render_budget_ms)};
    web_config.max_upload_bytes = config.import.max_bytes;
    web_config.telegram_bot_token = config.telegram.token;
    const web::WebPanel panel(web_services, web_config);
    panel.Register(router);
    const api::SystemInfo info{kVersion, kBuildType, m.Describe()};
    api::RegisterSystemRoutes(router, m.Database(), m.metrics(), info, clock);

    // Background work: the full-text and vector indexes catch up with the database, the
    // scheduler syncs the portal and keeps the tables trim.
    m.Indexer().Start(std::chrono::milliseconds(config.search.index_interval_ms));
    if (config.search.semantic) {
        m.Semantic().Load();
        m.Semantic().Start(std::chrono::milliseconds(config.search.index_interval_ms));
    }
    if (m.Portal().sync() != nullptr && config.goszakup.sync_interval_s > 0) {
        spdlog::info("goszakup sync every {} s from {}", config.goszakup.sync_interval_s, config.goszakup.url);
    } else {
        spdlog::info("goszakup scheduler off ({})", m.Portal().sync() != nullptr ? "interval 0" : "no portal token");
    }
    // One instance of several leads: it alone runs the scheduler's work and the bot.
    store::LeaseRepository leases(m.Database());
    Leadership leadership(leases, clock, InstanceName(config), std::chrono::milliseconds(config.cluster.lease_ttl_ms));
    leadership.PublishMetrics(m.metrics());
    leadership.Start();
    const auto leading = [&leadership] { return leadership.IsLeader(); };
    m.Billing().StartSharingQuotas(std::chrono::seconds(1));
    std::optional<Scheduler> scheduler;
    scheduler.emplace(m, leading);
    // However Serve ends (an exception too), the bot, which asks `leading`, stops before the
    // leadership it asks goes away.
    struct BotStopper {
        notify::BotRunner* bot;
        ~BotStopper() {
            if (bot != nullptr) {
                bot->Stop();
            }
        }
    } const bot_stopper{bot};
    if (bot != nullptr) {
        bot->SetActive(leading);
        bot->Start();
    }

    // The upload route lets a whole file through (plus the multipart framing) so it can answer
    // its own, clearer 413; every other route keeps the small limit.
    http::HttpConfig http_config = config.http;
    http_config.upload_paths = {"/etl/upload-batch", "/app/prices"};
    http_config.upload_body_limit_bytes = config.import.max_bytes + std::size_t{64} * 1024;
    http::Server server(http_config, router, request_metrics, [&] {
        auto hooks = api::MakeAccessHooks(
            m.Billing(), m.Recorder(), m.Records(), m.metrics(), clock, config.http.anonymous_per_ip_per_minute);
        hooks.reload = [&config] { RecheckVault(config); };
        return hooks;
    }());
    server.Run(config.port_file, [&](int port) {
        spdlog::info("ZakupAI {} listening on {}://{}:{} (web panel at /, API docs at /docs){}",
                     kVersion,
                     config.http.Tls() ? "https" : "http",
                     config.http.host,
                     port,
                     config.http.tls_client_ca_file.empty()
                         ? ""
                         : (config.http.tls_client_auth == http::ClientAuth::kAll
                                ? ", client certificates required"
                                : ", client certificates required on admin and service routes"));
    });
    // The scheduler's thread may be inside a sync waiting out a retry: end that wait first.
    m.Portal().Stop();
    scheduler.reset();
    m.Stop();
    // Released last: a standby takes over once nothing here runs the work any more.
    leadership.Stop();
    spdlog::info("stopped cleanly");
    return 0;
}

}  // namespace zakupai::app
