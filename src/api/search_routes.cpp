// Lot search: GET /search/lots and the seed's POST /api/search/advanced (one parser for both),
// and GET /api/search/autocomplete.
#include <spdlog/spdlog.h>

#include <array>
#include <boost/json.hpp>

#include "api/api.hpp"
#include "core/bin.hpp"
#include "core/json.hpp"
#include "search/lot_query_json.hpp"
#include "search/lot_search.hpp"
#include "store/search_repository.hpp"
#include "text/text.hpp"

namespace zakupai::api {

namespace {

namespace json = boost::json;

void WriteResults(JsonWriter& w, const search::LotQuery& q, const search::LotPage& page) {
    w.Key("results").BeginArray();
    for (const auto& found : page.lots) {
        const auto& lot = found.lot;
        w.BeginObject()
            .Field("id", lot.id)
            .Field("nameRu", lot.title)
            .MoneyField("amount", lot.price)
            .Field("status", lot.status)
            .Field("trdBuyId", lot.trd_buy_id)
            .Field("customerNameRu", lot.customer_name)
            .Field("customer_bin", lot.customer_bin)
            .Field("name_kz", lot.name_kz)
            .Field("method", lot.method)
            .Field("region", lot.region)
            .Field("enstru", lot.enstru)
            .Field("announcement", lot.announcement)
            .Key("deadline");
        if (lot.deadline) {
            w.String(FormatUtcTimestamp(*lot.deadline));
        } else {
            w.Null();
        }
        w.Field("relevance", static_cast<std::int64_t>(found.relevance));
        if (!found.matched_by.empty()) {
            w.Field("matched_by", found.matched_by);
        }
        w.EndObject();
    }
    w.EndArray()
        .Field("total_count", page.total)
        .Field("total_exact", page.total_exact)
        .Field("limit", q.limit)
        .Field("offset", q.offset)
        .Key("next_cursor");
    const std::int64_t next = q.offset + q.limit;
    if (next < page.total && next <= 10'000) {
        w.String("o" + std::to_string(next));
    } else {
        w.Null();
    }
    if (q.semantic) {
        w.Field("semantic", page.semantic);
    }
    w.Key("facets").BeginObject();
    for (const auto& [name, counts] : page.facets) {
        w.Key(name).BeginObject();
        for (const auto& [value, count] : counts) {
            w.Field(value, count);
        }
        w.EndObject();
    }
    w.EndObject();
}

// The fields a saved query may carry: those of /search/lots except paging.
constexpr std::array<std::string_view, 18> kSavedQueryFields{"query",
                                                             "q",
                                                             "text",
                                                             "exclude",
                                                             "min_amount",
                                                             "max_amount",
                                                             "status",
                                                             "method",
                                                             "customer_bin",
                                                             "region",
                                                             "kato",
                                                             "enstru",
                                                             "deadline_from",
                                                             "deadline_to",
                                                             "sort",
                                                             "order",
                                                             "facets",
                                                             "semantic"};

// A stored query read back with the limits of a request body. A row this code would not have
// written (damaged, or from before the query was validated) is an error value, never a 503.
Result<json::object> StoredQuery(const store::SavedSearch& saved) {
    auto query = ParseJsonObject(saved.query);
    if (!query) {
        spdlog::warn("saved search {}: the stored query cannot be read: {}", saved.id, query.error().message);
        return Fail(Error{ErrorCode::kConflict,
                          "saved search " + std::to_string(saved.id) + " cannot be read; replace it (PUT) or delete it",
                          {}});
    }
    return query;
}

void WriteSaved(JsonWriter& w, const store::SavedSearch& saved, const json::object& query) {
    w.Field("id", saved.id)
        .Field("name", saved.name)
        .Key("query")
        .Raw(json::serialize(query))
        .Field("created_at", saved.created_at)
        .Field("updated_at", saved.updated_at);
}

// {name, query:{...}}: the query must be one /search/lots would accept, so a saved search can
// always run. Paging is not part of a saved search.
Result<std::pair<std::string, std::string>> ParseSavedBody(std::string_view body_text) {
    auto body = ParseJsonObject(body_text);
    if (!body) {
        return Fail(body.error());
    }
    JsonFields f(*body);
    const auto name = f.String({"name"}, 1, 100, true);
    const auto* query = body->if_contains("query");
    if (query == nullptr || !query->is_object()) {
        f.Problem("query", "is required: an object with the fields of /search/lots");
    } else {
        for (const auto& [key, value] : query->get_object()) {
            if (key == "limit" || key == "offset" || key == "page" || key == "cursor") {
                f.Problem("query." + std::string(key), "paging is given when the search is run, not saved");
            } else if (std::find(kSavedQueryFields.begin(), kSavedQueryFields.end(), key) == kSavedQueryFields.end()) {
                f.Problem("query." + std::string(key), "is not a field of /search/lots");
            }
        }
        if (auto parsed = search::ParseLotQuery(query->get_object()); !parsed) {
            for (const auto& p : parsed.error().details) {
                f.Problem("query." + p.field, p.problem);
            }
        }
    }
    if (auto ok = f.Finish(); !ok) {
        return Fail(ok.error());
    }
    return std::pair{*name, json::serialize(*query)};
}

http::Response Saved(const http::Request& request,
                     const Clock& clock,
                     const store::SavedSearch& saved,
                     int status = 200) {
    auto query = StoredQuery(saved);
    if (!query) {
        return http::ErrorResponse(query.error(), request.request_id);
    }
    return JsonAnswer(
        request, clock.Now(), [&](JsonWriter& w) { WriteSaved(w, saved, *query); }, status);
}

}  // namespace

void RegisterSearchRoutes(http::Router& router,
                          const search::LotSearch& search,
                          store::SearchRepository& lots,
                          const Clock& clock) {
    auto run = [&search, &clock](const http::Request& request, const json::object& body) {
        auto query = search::ParseLotQuery(body);
        if (!query) {
            return http::ErrorResponse(query.error(), request.request_id);
        }
        auto page = search.Search(*query);
        if (!page) {
            return http::ErrorResponse(page.error(), request.request_id);
        }
        return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) { WriteResults(w, *query, *page); });
    };
    router.Add("GET", "/search/lots", [run](http::Request& request) {
        return run(request, search::QueryAsJson(request.query));
    });
    router.Add("POST", "/api/search/advanced", [run](http::Request& request) {
        auto body = ParseJsonObject(request.body);
        if (!body) {
            return http::ErrorResponse(body.error(), request.request_id);
        }
        return run(request, *body);
    });
    router.Add("GET", "/api/search/autocomplete", [&search, &clock](http::Request& request) {
        if (!request.query.contains("query")) {
            return http::ErrorResponse(Error::Invalid("query", "is required"), request.request_id);
        }
        const std::string text(request.Query("query"));
        if (text.size() > 200) {
            return http::ErrorResponse(Error::Invalid("query", "at most 200 characters"), request.request_id);
        }
        std::vector<search::Suggestion> found;
        // From the second character: count characters, not bytes (Cyrillic takes two).
        const auto first = text.find_first_not_of(' ');
        const std::string trimmed = first == std::string::npos ? std::string() : text.substr(first);
        if (text::Length(trimmed) >= 2) {
            found = search.Suggest(trimmed, 5);
        }
        return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
            w.Key("suggestions").BeginArray();
            for (const auto& s : found) {
                w.String(s.text);
            }
            w.EndArray().Key("items").BeginArray();
            for (const auto& s : found) {
                w.BeginObject().Field("text", s.text).Field("kind", s.kind).Field("count", s.count).EndObject();
            }
            w.EndArray();
        });
    });

    router.Add(
        "POST",
        "/search/saved",
        [&lots, &clock](http::Request& request) {
            auto body = ParseSavedBody(request.body);
            if (!body) {
                return http::ErrorResponse(body.error(), request.request_id);
            }
            auto saved = lots.CreateSaved(
                OwnerOf(request), body->first, body->second, search::kMaxSavedSearchesPerOwner, clock.Now());
            if (!saved) {
                return http::ErrorResponse(saved.error(), request.request_id);
            }
            return Saved(request, clock, *saved, 201);
        },
        http::RouteOptions{.keeps_answers = true});
    router.Add("GET", "/search/saved", [&lots, &clock](http::Request& request) {
        const auto list = lots.ListSaved(OwnerOf(request));
        return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
            w.Key("saved").BeginArray();
            for (const auto& saved : list) {
                // One damaged row must not take the owner's whole list with it.
                if (auto query = StoredQuery(saved)) {
                    w.BeginObject();
                    WriteSaved(w, saved, *query);
                    w.EndObject();
                }
            }
            w.EndArray();
        });
    });
    auto find = [&lots](const http::Request& request) -> Result<store::SavedSearch> {
        const auto id = PositivePathId(request, "id");
        if (!id) {
            return Fail(Error::Invalid("id", "must be a positive integer"));
        }
        auto saved = lots.FindSaved(OwnerOf(request), *id);
        if (!saved) {
            return Fail(Error::NotFound("saved search " + std::to_string(*id) + " not found"));
        }
        return *saved;
    };
    router.Add("GET", "/search/saved/{id}", [find, &clock](http::Request& request) {
        auto saved = find(request);
        if (!saved) {
            return http::ErrorResponse(saved.error(), request.request_id);
        }
        return Saved(request, clock, *saved);
    });
    router.Add("PUT", "/search/saved/{id}", [&lots, &clock](http::Request& request) {
        const auto id = PositivePathId(request, "id");
        if (!id) {
            return http::ErrorResponse(Error::Invalid("id", "must be a positive integer"), request.request_id);
        }
        auto body = ParseSavedBody(request.body);
        if (!body) {
            return http::ErrorResponse(body.error(), request.request_id);
        }
        auto saved = lots.ReplaceSaved(OwnerOf(request), *id, body->first, body->second, clock.Now());
        if (!saved) {
            return http::ErrorResponse(saved.error(), request.request_id);
        }
        return Saved(request, clock, *saved);
    });
    router.Add("DELETE", "/search/saved/{id}", [&lots](http::Request& request) {
        const auto id = PositivePathId(request, "id");
        if (!id) {
            return http::ErrorResponse(Error::Invalid("id", "must be a positive integer"), request.request_id);
        }
        if (!lots.DeleteSaved(OwnerOf(request), *id)) {
            return http::ErrorResponse(Error::NotFound("saved search " + std::to_string(*id) + " not found"),
                                       request.request_id);
        }
        return http::Response::Text("", "text/plain", 204);
    });
    // Runs a saved search; limit, offset, page and cursor come from this request's query string.
    router.Add("GET", "/search/saved/{id}/results", [find, run](http::Request& request) {
        auto saved = find(request);
        if (!saved) {
            return http::ErrorResponse(saved.error(), request.request_id);
        }
        auto stored = StoredQuery(*saved);
        if (!stored) {
            return http::ErrorResponse(stored.error(), request.request_id);
        }
        auto& query = *stored;
        for (auto& [key, value] : search::QueryAsJson(request.query)) {
            if (key == "limit" || key == "offset" || key == "page" || key == "cursor") {
                query[key] = value;
            }
        }
        return run(request, query);
    });
}

}  // namespace zakupai::api
