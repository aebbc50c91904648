// The search page: the API's search fields in the URL (a search can be bookmarked and shared),
// facet counts beside the filters, paging, autocomplete, "save this search".
#include <fmt/format.h>

#include <boost/json.hpp>

#include "notify/subscriptions.hpp"
#include "search/lot_query_json.hpp"
#include "search/lot_search.hpp"
#include "store/search_repository.hpp"
#include "text/text.hpp"
#include "web/internal/panel.hpp"

namespace zakupai::web {

namespace {

constexpr int kPageSize = 20;
constexpr std::size_t kSuggestions = 8;

// A search's own fields from a query string: no empty ones (a GET form sends every input) and
// none of the notices the page shows after saving or subscribing.
std::map<std::string, std::string> SearchFields(std::map<std::string, std::string> query) {
    std::erase_if(query, [](const auto& field) {
        return field.second.empty() || field.first == "saved" || field.first == "alerted" ||
               field.first == "not_watched";
    });
    return query;
}

std::string QueryString(const std::map<std::string, std::string>& params) {
    std::string out;
    for (const auto& [key, value] : params) {
        out += (out.empty() ? "" : "&") + key + "=" + UrlEncode(value);
    }
    return out;
}

std::string Href(std::map<std::string, std::string> params, const std::string& key, const std::string& value) {
    params.erase("page");
    if (value.empty()) {
        params.erase(key);
    } else {
        params[key] = value;
    }
    return "/app/search?" + QueryString(params);
}

// "бумага А4 -картридж" -> words for `q`, and "-word"s for `exclude`, as the bot reads them.
void SplitExclusions(std::map<std::string, std::string>& params) {
    const auto q = params.find("q");
    if (q == params.end()) {
        return;
    }
    std::string words;
    std::string exclude = params.contains("exclude") ? params["exclude"] : "";
    std::size_t start = 0;
    const std::string& text = q->second;
    while (start < text.size()) {
        const auto end = std::min(text.find(' ', start), text.size());
        const std::string word = text.substr(start, end - start);
        if (word.size() > 1 && word[0] == '-') {
            exclude += (exclude.empty() ? "" : ",") + word.substr(1);
        } else if (!word.empty()) {
            words += (words.empty() ? "" : " ") + word;
        }
        start = end + 1;
    }
    params["q"] = words;
    if (!exclude.empty()) {
        params["exclude"] = exclude;
    }
}

mustache::data Options(const Panel& panel,
                       const std::string& language,
                       const std::string& prefix,
                       const std::vector<std::string>& values,
                       const std::string& selected) {
    mustache::data list{mustache::data::type::list};
    for (const auto& value : values) {
        mustache::data option;
        option.set("value", Text(value));
        option.set("label", Text(panel.Label(language, prefix + value)));
        option.set("selected", mustache::data{value == selected});
        list.push_back(option);
    }
    return list;
}

mustache::data LotRow(const Panel& panel, const std::string& language, const store::IndexableLot& lot, Instant now) {
    mustache::data row;
    row.set("id", Text(std::to_string(lot.id)));
    row.set("title", Text(language == "kk" && !lot.name_kz.empty() ? lot.name_kz : lot.title));
    row.set("amount", Money(lot.price));
    row.set("customer", Text(lot.customer_name));
    row.set("customer_bin", Text(lot.customer_bin));
    row.set("method", Text(panel.Label(language, "method_" + lot.method)));
    row.set("status", Text(panel.Label(language, "status_" + lot.status)));
    row.set("region", Text(lot.region));
    if (lot.deadline) {
        row.set("deadline", Text(FormatAlmatyMinute(*lot.deadline)));
        const auto days = DaysLeft(*lot.deadline, now);
        row.set("days_left", Text(std::to_string(days)));
        row.set("closing", mustache::data{days >= 0 && days <= 3});
    }
    return row;
}

}  // namespace

mustache::data LotRows(const Panel& panel,
                       const std::string& language,
                       const std::vector<search::FoundLot>& lots,
                       Instant now) {
    mustache::data rows{mustache::data::type::list};
    for (const auto& found : lots) {
        rows.push_back(LotRow(panel, language, found.lot, now));
    }
    return rows;
}

void RegisterSearchPages(http::Router& router, const Panel& panel) {
    const http::RouteOptions page{.is_public = true, .counts_usage = false};
    router.Add(
        "GET",
        "/app/search",
        WithSession(
            panel,
            [&panel](http::Request& request, Session& session) {
                const auto& s = panel.services();
                const std::string language = panel.Language(request, &session);
                auto params = SearchFields(request.query);
                mustache::data context;
                context.set("q", Text(params.contains("q") ? params["q"] : ""));
                for (const char* field :
                     {"region", "min_amount", "max_amount", "deadline_from", "deadline_to", "customer_bin"}) {
                    context.set(field, Text(params.contains(field) ? params[field] : ""));
                }
                context.set("methods",
                            Options(panel,
                                    language,
                                    "method_",
                                    {"tender", "auction", "price_offers", "turnkey", "eshop", "single_source"},
                                    params["method"]));
                context.set(
                    "statuses",
                    Options(
                        panel,
                        language,
                        "status_",
                        {"published", "accepting_bids", "evaluation", "completed", "failed", "cancelled", "suspended"},
                        params["status"]));
                mustache::data sorts{mustache::data::type::list};
                const std::string sort_choice = (params.contains("sort") ? params["sort"] : "relevance") +
                                                (params.contains("order") ? "_" + params["order"] : "");
                for (const auto& [value, label] :
                     std::vector<std::pair<std::string, std::string>>{{"relevance", "sort_relevance"},
                                                                      {"amount_desc", "sort_amount_desc"},
                                                                      {"amount_asc", "sort_amount_asc"},
                                                                      {"deadline_asc", "sort_deadline_asc"},
                                                                      {"deadline_desc", "sort_deadline_desc"}}) {
                    mustache::data option;
                    option.set("value", Text(value));
                    option.set("label", Text(panel.Label(language, label)));
                    option.set("selected", mustache::data{value == sort_choice});
                    sorts.push_back(option);
                }
                context.set("sorts", sorts);
                if (request.Query("saved") == "1") {
                    context.set("saved", mustache::data{true});
                }
                if (params.empty()) {
                    return panel.Page(request, &session, "search", std::move(context));
                }
                // The form's one sort list stands for the API's sort and order.
                if (const auto sort = params.find("sort"); sort != params.end()) {
                    const auto underscore = sort->second.rfind('_');
                    if (underscore != std::string::npos && sort->second != "relevance") {
                        params["order"] = sort->second.substr(underscore + 1);
                        sort->second.resize(underscore);
                    }
                }
                auto query_params = params;
                SplitExclusions(query_params);
                query_params["limit"] = std::to_string(kPageSize);
                auto query = search::ParseLotQuery(search::QueryAsJson(query_params));
                if (!query) {
                    mustache::data problems{mustache::data::type::list};
                    for (const auto& problem : query.error().details) {
                        mustache::data item;
                        item.set("field", Text(problem.field));
                        item.set("message", Text(problem.problem));
                        problems.push_back(item);
                    }
                    if (query.error().details.empty()) {
                        mustache::data item;
                        item.set("message", Text(query.error().message));
                        problems.push_back(item);
                    }
                    context.set("problems", problems);
                    context.set("has_problems", mustache::data{true});
                    return panel.Page(request, &session, "search", std::move(context), 422);
                }
                if (auto admitted = s.billing.Admit(session.principal, "web:/app/search"); !admitted) {
                    return panel.ErrorPage(request, &session, admitted.error());
                }
                auto found = s.search.Search(*query);
                if (!found) {
                    return panel.ErrorPage(request, &session, found.error());
                }
                const Instant now = s.clock.Now();
                context.set("searched", mustache::data{true});
                context.set("total", Text(std::to_string(found->total)));
                context.set("lots", LotRows(panel, language, found->lots, now));
                mustache::data facets{mustache::data::type::list};
                for (const auto& [facet, counts] : found->facets) {
                    mustache::data group;
                    group.set("name", Text(panel.Label(language, "facet_" + facet)));
                    mustache::data values{mustache::data::type::list};
                    for (const auto& [value, count] : counts) {
                        mustache::data item;
                        const bool active = params.contains(facet) && params[facet] == value;
                        std::string label_key = facet;
                        label_key.append("_").append(value);
                        item.set("label", Text(facet == "region" ? value : panel.Label(language, label_key)));
                        item.set("count", Text(std::to_string(count)));
                        item.set("href", Text(Href(params, facet, active ? "" : value)));
                        item.set("active", mustache::data{active});
                        values.push_back(item);
                    }
                    group.set("values", values);
                    facets.push_back(group);
                }
                context.set("facets", facets);
                const int page_number = query->offset / kPageSize + 1;
                context.set("page", Text(std::to_string(page_number)));
                if (page_number > 1) {
                    context.set("prev_href", Text(Href(params, "page", std::to_string(page_number - 1))));
                }
                if (query->offset + kPageSize < found->total) {
                    context.set("next_href", Text(Href(params, "page", std::to_string(page_number + 1))));
                }
                auto saved_query = params;
                saved_query.erase("page");
                context.set("query_string", Text(QueryString(saved_query)));
                return panel.Page(request, &session, "search", std::move(context));
            }),
        page);

    // Autocomplete for the last word being typed, from the second character: <option>s for the
    // search box's datalist (htmx swaps them in).
    router.Add("GET",
               "/app/suggest",
               WithSession(panel,
                           [&panel](http::Request& request, Session& session) {
                               const std::string typed(request.Query("q"));
                               const auto last_space = typed.rfind(' ');
                               const std::string head =
                                   last_space == std::string::npos ? "" : typed.substr(0, last_space + 1);
                               const std::string word = typed.substr(head.size());
                               mustache::data options{mustache::data::type::list};
                               if (text::Length(word) >= 2 && !word.starts_with("-")) {
                                   for (const auto& suggestion : panel.services().search.Suggest(word, kSuggestions)) {
                                       mustache::data option;
                                       option.set("value", Text(head + suggestion.text));
                                       option.set("count", Text(std::to_string(suggestion.count)));
                                       options.push_back(option);
                                   }
                               }
                               mustache::data context;
                               context.set("options", options);
                               return panel.Fragment(request, &session, "suggest", std::move(context));
                           }),
               page);

    // "Alert me": the search as the bot's words subscription, in the user's private chat with
    // the bot. What the bot cannot watch (status, deadlines, customer) is named on the page.
    router.Add("POST",
               "/app/alerts",
               WithSessionAndCsrf(
                   panel,
                   [&panel](http::Request& request, Session& session, std::map<std::string, std::string>& form) {
                       const auto& s = panel.services();
                       const std::string language = panel.Language(request, &session);
                       auto params = SearchFields(http::ParseQuery(form["query"]));
                       std::string words = params["q"];
                       const std::vector<std::pair<std::string, std::string>> carried{
                           {"region", "регион:"}, {"method", "способ:"}, {"min_amount", "от:"}, {"max_amount", "до:"}};
                       for (const auto& [field, prefix] : carried) {
                           if (const auto value = params.find(field); value != params.end()) {
                               words += (words.empty() ? "" : " ") + prefix + value->second;
                           }
                       }
                       std::string dropped;
                       for (const char* field : {"status", "deadline_from", "deadline_to", "customer_bin"}) {
                           if (params.contains(field)) {
                               dropped += (dropped.empty() ? "" : ", ") + std::string(field);
                           }
                       }
                       const auto chat =
                           session.principal.tg_id ? s.notify.FindChat(*session.principal.tg_id) : std::nullopt;
                       if (!chat || chat->chat_type != "private") {
                           return panel.ErrorPage(request, &session, 409, panel.Label(language, "alert_me_no_chat"));
                       }
                       auto made =
                           notify::SubscribeToWords(s.notify, chat->chat_id, words, s.max_subscriptions, s.clock.Now());
                       if (!made) {
                           return panel.ErrorPage(request, &session, made.error());
                       }
                       return panel.Redirect("/app/search?" + form["query"] + "&alerted=1" +
                                             (dropped.empty() ? "" : "&not_watched=" + UrlEncode(dropped)));
                   }),
               page);

    router.Add("POST",
               "/app/searches",
               WithSessionAndCsrf(
                   panel,
                   [&panel](http::Request& request, Session& session, std::map<std::string, std::string>& form) {
                       const auto& s = panel.services();
                       auto params = SearchFields(http::ParseQuery(form["query"]));
                       params.erase("page");  // paging is given when a saved search runs
                       SplitExclusions(params);
                       auto json = search::QueryAsJson(params);
                       if (auto ok = search::ParseLotQuery(json); !ok) {
                           return panel.ErrorPage(request, &session, ok.error());
                       }
                       std::string name = form["name"];
                       if (name.empty()) {
                           name = params.contains("q") ? params["q"] : "search";
                       }
                       if (text::Length(name) > 100) {
                           return panel.ErrorPage(request, &session, 422, "name: at most 100 characters");
                       }
                       const std::string owner = store::OwnerName(session.principal.user_id, session.principal.key_id);
                       auto saved = s.saved_searches.CreateSaved(
                           owner, name, boost::json::serialize(json), search::kMaxSavedSearchesPerOwner, s.clock.Now());
                       if (!saved) {
                           return panel.ErrorPage(request, &session, saved.error());
                       }
                       return panel.Redirect("/app/search?" + form["query"] + "&saved=1");
                   }),
               page);
}

}  // namespace zakupai::web
