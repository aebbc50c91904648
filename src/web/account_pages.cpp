// The account (key, plan, usage by day, saved searches, language) and price lists (upload with
// the per-row error table, history).
#include <fmt/format.h>

#include <boost/json.hpp>

#include "billing/billing_service.hpp"
#include "http/multipart.hpp"
#include "ingest/batch_import.hpp"
#include "store/import_repository.hpp"
#include "store/notify_repository.hpp"
#include "store/search_repository.hpp"
#include "web/internal/panel.hpp"

namespace zakupai::web {

namespace {

constexpr int kUsageDays = 30;
constexpr int kUploadHistory = 10;

http::Response AccountPage(const Panel& panel,
                           const http::Request& request,
                           Session& session,
                           const std::string& new_key) {
    const auto& s = panel.services();
    const Instant now = s.clock.Now();
    mustache::data context;
    context.set("plan_name", Text(std::string(Name(session.principal.plan))));
    const auto& limits = s.billing.Limits(session.principal.plan);
    context.set("limit_day", limits.per_day > 0 ? Text(std::to_string(limits.per_day)) : mustache::data{false});
    if (!new_key.empty()) {
        context.set("new_key", Text(new_key));
    }
    // Usage by Almaty day over the last 30 days, for the chart (data attributes, no inline script).
    const Date today = AlmatyDate(now);
    const Date first = std::chrono::sys_days{today} - std::chrono::days{kUsageDays - 1};
    std::vector<std::int64_t> per_day(kUsageDays, 0);
    for (const auto& [at, requests] : s.sessions.UsageWindows(session.principal.user_id, AlmatyStartOfDay(first))) {
        const int index = DaysBetween(first, AlmatyDate(at));
        if (index >= 0 && index < kUsageDays) {
            per_day[static_cast<std::size_t>(index)] += requests;
        }
    }
    std::string days;
    std::string counts;
    for (int i = 0; i < kUsageDays; ++i) {
        const Date day = std::chrono::sys_days{first} + std::chrono::days{i};
        days += (i == 0 ? "" : ",") + FormatIsoDate(day).substr(5);  // "12-06": the chart's x labels
        counts += (i == 0 ? "" : ",") + std::to_string(per_day[static_cast<std::size_t>(i)]);
    }
    context.set("usage_days", Text(days));
    context.set("usage_counts", Text(counts));
    context.set("today_requests", Text(std::to_string(per_day.back())));
    mustache::data saved{mustache::data::type::list};
    for (const auto& search :
         s.saved_searches.ListSaved(store::OwnerName(session.principal.user_id, session.principal.key_id))) {
        mustache::data item;
        item.set("name", Text(search.name));
        std::string query;
        if (auto json = boost::json::parse(search.query); json.is_object()) {
            for (const auto& [key, value] : json.as_object()) {
                const std::string text =
                    value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value);
                query += (query.empty() ? "" : "&") + std::string(key) + "=" + UrlEncode(text);
            }
        }
        item.set("href", Text("/app/search?" + query));
        saved.push_back(item);
    }
    context.set("saved_searches", saved);
    mustache::data keys{mustache::data::type::list};
    for (const auto& key : s.billing.KeysOfUser(session.principal.user_id)) {
        mustache::data item;
        item.set("prefix", Text(key.prefix + "…"));
        item.set("name", Text(key.name));
        item.set("status", Text(key.status));
        item.set("created", Text(key.created_at.substr(0, 10)));
        item.set("current", mustache::data{key.id == session.principal.key_id});
        keys.push_back(item);
    }
    context.set("keys", keys);
    // The bot's subscriptions of the user's private chat (managed there: /subscriptions).
    mustache::data subscriptions{mustache::data::type::list};
    if (session.principal.tg_id) {
        for (const auto& subscription : s.notify.Subscriptions(*session.principal.tg_id)) {
            mustache::data item;
            item.set("kind", Text(panel.Label(panel.Language(request, &session), "kind_" + subscription.kind)));
            item.set("target", Text(subscription.target));
            item.set("paused", mustache::data{subscription.paused});
            subscriptions.push_back(item);
        }
    }
    context.set("has_subscriptions", mustache::data{!subscriptions.is_empty_list()});
    context.set("subscriptions", subscriptions);
    context.set("has_saved", mustache::data{!saved.is_empty_list()});
    context.set("charts", mustache::data{true});
    return panel.Page(request, &session, "account", std::move(context));
}

mustache::data UploadHistory(const Panel& panel, const Session& session) {
    mustache::data history{mustache::data::type::list};
    for (const auto& [batch, at] : panel.services().uploads.BatchesOfUser(session.principal.user_id, kUploadHistory)) {
        mustache::data item;
        item.set("file", Text(batch.file_name));
        item.set("at", Text(at.substr(0, 16)));
        item.set("rows", Text(std::to_string(batch.rows_total)));
        item.set("accepted", Text(std::to_string(batch.rows_accepted)));
        item.set("rejected", Text(std::to_string(batch.rows_rejected)));
        history.push_back(item);
    }
    return history;
}

}  // namespace

void RegisterAccountPages(http::Router& router, const Panel& panel) {
    const http::RouteOptions page{.is_public = true, .counts_usage = false};
    router.Add("GET",
               "/app/account",
               WithSession(panel,
                           [&panel](http::Request& request, Session& session) {
                               return AccountPage(panel, request, session, "");
                           }),
               page);
    router.Add("POST",
               "/app/account/rotate",
               WithSessionAndCsrf(panel,
                                  [&panel](http::Request& request, Session& session, auto&) {
                                      auto created = panel.services().billing.RotateKey(session.principal);
                                      if (!created) {
                                          return panel.ErrorPage(request, &session, created.error());
                                      }
                                      // This session (and the user's others on that key) go on with the new key.
                                      panel.services().sessions.MoveSessions(session.principal.key_id, created->key_id);
                                      session.principal.key_id = created->key_id;
                                      return AccountPage(panel, request, session, created->api_key);
                                  }),
               page);

    router.Add("GET",
               "/app/prices",
               WithSession(panel,
                           [&panel](http::Request& request, Session& session) {
                               mustache::data context;
                               context.set("premium",
                                           mustache::data{Satisfies(session.principal.plan, Plan::kPremium)});
                               context.set("history", UploadHistory(panel, session));
                               return panel.Page(request, &session, "prices", std::move(context));
                           }),
               page);
    router.Add("POST",
               "/app/prices",
               WithSessionAndCsrf(
                   panel,
                   [&panel](http::Request& request, Session& session, std::map<std::string, std::string>& form) {
                       const auto& s = panel.services();
                       if (!Satisfies(session.principal.plan, Plan::kPremium)) {
                           return panel.ErrorPage(
                               request, &session, 403, panel.Label(panel.Language(request, &session), "premium_only"));
                       }
                       ingest::ImportOptions options;
                       options.kind = ingest::ImportKind::kPrices;
                       options.api_key_id = session.principal.key_id;
                       options.source = form.contains("source") ? form["source"] : "";
                       std::string_view file;
                       if (auto parts = http::ParseMultipart(request.Header("content-type"), request.body)) {
                           for (const auto& part : *parts) {
                               if (part.name == "file") {
                                   file = part.body;
                                   options.file_name = part.filename;
                               }
                           }
                       }
                       if (file.empty()) {
                           return panel.ErrorPage(request, &session, 422, "file: choose a CSV or XLSX price list");
                       }
                       if (file.size() > panel.config().max_upload_bytes) {
                           return panel.ErrorPage(request,
                                                  &session,
                                                  413,
                                                  fmt::format("the file is {} bytes; the limit is {} bytes",
                                                              file.size(),
                                                              panel.config().max_upload_bytes));
                       }
                       mustache::data context;
                       context.set("premium", mustache::data{true});
                       auto report = s.imports.Import(file, options);
                       int status = 200;
                       if (!report) {
                           status = http::HttpStatus(report.error().code);
                           context.set("problem", Text(Describe(report.error())));
                       } else {
                           context.set("report", mustache::data{true});
                           context.set("file", Text(options.file_name));
                           context.set("rows_total", Text(std::to_string(report->rows_total)));
                           context.set("accepted", Text(std::to_string(report->accepted)));
                           context.set("rejected", Text(std::to_string(report->rejected)));
                           context.set("matched", Text(std::to_string(report->matched)));
                           mustache::data errors{mustache::data::type::list};
                           for (const auto& error : report->errors) {
                               mustache::data item;
                               item.set("row", Text(std::to_string(error.row)));
                               item.set("line", Text(std::to_string(error.line)));
                               item.set("column", Text(error.column));
                               item.set("reason", Text(error.error));
                               errors.push_back(item);
                           }
                           context.set("errors", errors);
                           context.set("has_errors", mustache::data{!report->errors.empty()});
                       }
                       context.set("history", UploadHistory(panel, session));
                       return panel.Page(request, &session, "prices", std::move(context), status);
                   }),
               http::RouteOptions{.is_public = true, .counts_usage = false, .blocking = true});
}

}  // namespace zakupai::web
