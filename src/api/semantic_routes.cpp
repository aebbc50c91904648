// Meaning-based search: the seed's embedding-api (POST /embed, /index, /search) with real
// vectors, GET /semantic/status, and the supplier finder.
#include <fmt/format.h>

#include <array>
#include <boost/json.hpp>
#include <cmath>

#include "api/api.hpp"
#include "core/json.hpp"

namespace zakupai::api {

namespace {

namespace json = boost::json;

constexpr std::size_t kMaxTextBytes = 8000;
constexpr std::size_t kMaxBatch = 64;
constexpr std::string_view kPublicOwner = "public";

// The first 100 characters (not bytes) and an ellipsis when there was more, as the seed did.
std::string Preview(const std::string& text) {
    constexpr std::size_t kCharacters = 100;
    std::size_t characters = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U && characters++ == kCharacters) {
            return text.substr(0, i) + "…";
        }
    }
    return text;
}

void WriteVector(JsonWriter& w, const search::Vector& v) {
    w.BeginArray();
    for (float x : v) {
        w.Raw(fmt::format("{:.6g}", x));
    }
    w.EndArray();
}

// Documents stored with a service key (the ETL's lot attachments) are everyone's; the rest
// belong to whoever stored them.
std::string DocumentOwner(const http::Request& request) {
    return request.caller.plan == Plan::kService ? std::string(kPublicOwner) : OwnerOf(request);
}

http::Response FindSuppliers(const http::Request& request,
                             const search::SupplierFinder& finder,
                             const std::string& text,
                             const Clock& clock,
                             bool seed_shape) {
    const auto started = std::chrono::steady_clock::now();
    json::object params;
    for (const auto& [key, value] : request.query) {
        boost::system::error_code ec;
        auto number = json::parse(value, ec);
        params[key] = !ec && number.is_number() ? number : json::value(value);
    }
    params["q"] = text;
    JsonFields f(params);
    search::SupplierQuery query;
    query.text = f.String({"q"}, 3, 200, true).value_or("");
    query.region = f.String({"region"}, 1, 100, false).value_or("");
    query.min_budget = f.Money({"min_budget"}, false);
    query.max_budget = f.Money({"max_budget"}, false);
    query.limit = static_cast<int>(f.Int({"limit"}, 1, 50, false).value_or(10));
    if (query.min_budget && *query.min_budget < 0) {
        f.Problem("min_budget", "must be >= 0");
    }
    if (query.max_budget && *query.max_budget < 0) {
        f.Problem("max_budget", "must be >= 0");
    }
    if (query.min_budget && query.max_budget && *query.max_budget < *query.min_budget) {
        f.Problem("max_budget", "must be >= min_budget");
    }
    // The seed's sources were marketplaces we do not read; ours are the kinds of evidence.
    std::vector<std::string> ignored;
    if (const auto sources = request.Query("sources"); !sources.empty()) {
        constexpr std::array<std::string_view, 4> kKinds{"winner", "bid", "contract", "price_list"};
        std::size_t start = 0;
        while (start <= sources.size()) {
            const auto end = std::min(sources.find(',', start), sources.size());
            const auto name = sources.substr(start, end - start);
            if (std::find(kKinds.begin(), kKinds.end(), name) != kKinds.end()) {
                query.kinds.emplace_back(name);
            } else if (!name.empty()) {
                ignored.emplace_back(name);
            }
            start = end + 1;
        }
        if (query.kinds.empty()) {
            f.Problem("sources", "none of these is a source here; use winner, bid, contract, price_list");
        }
    }
    if (auto ok = f.Finish(); !ok) {
        return http::ErrorResponse(ok.error(), request.request_id);
    }
    auto found = finder.Find(query);
    if (!found) {
        return http::ErrorResponse(found.error(), request.request_id);
    }
    return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
        if (seed_shape) {
            w.Field("lot_name", query.text);
        } else {
            w.Field("query", query.text);
        }
        w.Key("suppliers").BeginArray();
        for (const auto& s : found->suppliers) {
            const auto rating = std::round(50 * s.score) / 10;
            w.BeginObject()
                .Field("bin", s.profile.bin)
                .Field("name", s.profile.name.empty() ? s.profile.bin : s.profile.name)
                .Field("region", s.profile.region)
                .MoneyField("budget", s.typical_amount)
                .Key("rating")
                .Raw(fmt::format("{:.1f}", rating))
                .Key("score")
                .Raw(fmt::format("{:.4f}", s.score))
                .Key("similarity")
                .Raw(fmt::format("{:.4f}", s.similarity))
                .Key("track_record")
                .Raw(fmt::format("{:.4f}", s.track_record))
                .Field("link", "/risk/suppliers/" + s.profile.bin)
                .Field("source", s.lots.front().kind)
                .Field("contracts", s.profile.contracts)
                .MoneyField("contracts_amount", s.profile.contracts_amount)
                .Field("bids", s.profile.bids)
                .Field("wins", s.profile.wins)
                .Field("in_rnu", s.profile.in_rnu)
                .Field("why", s.why)
                .Key("matched_lots")
                .BeginArray();
            for (const auto& lot : s.lots) {
                w.BeginObject()
                    .Field("lot_id", lot.lot_id)
                    .Field("title", lot.title)
                    .Field("region", lot.region)
                    .Field("kind", lot.kind)
                    .MoneyField("amount", lot.amount)
                    .Key("similarity")
                    .Raw(fmt::format("{:.4f}", lot.similarity))
                    .EndObject();
            }
            w.EndArray().EndObject();
        }
        w.EndArray().Field("total_found", found->total).Key("sources_used").BeginArray();
        for (const auto& source : found->sources_used) {
            w.String(source);
        }
        w.EndArray().Key("sources_ignored").BeginArray();
        for (const auto& source : ignored) {
            w.String(source);
        }
        w.EndArray()
            .Field("semantic", found->semantic)
            .Field("cache_hit", false)
            .Field("latency_ms",
                   std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                       .count());
    });
}

}  // namespace

void RegisterSemanticRoutes(http::Router& router,
                            search::SemanticIndex& semantic,
                            const search::SupplierFinder& finder,
                            store::SearchRepository& repository,
                            const std::map<Plan, billing::PlanLimits>& plans,
                            bool remote_embeddings,
                            const Clock& clock) {
    // An outside provider embeds over the network (seconds when it is slow): then the routes
    // that embed wait for it off the I/O threads. The offline model answers in microseconds.
    const http::RouteOptions embeds{.blocking = remote_embeddings};
    // {text, dim?} → {vector, dim, text_length}; {texts:[...]} → {vectors, dim}.
    router.Add(
        "POST",
        "/embed",
        [&semantic, &clock](http::Request& request) {
            auto body = ParseJsonObject(request.body);
            if (!body) {
                return http::ErrorResponse(body.error(), request.request_id);
            }
            JsonFields f(*body);
            std::vector<std::string> texts;
            const bool batch = body->contains("texts");
            if (batch) {
                const auto& v = body->at("texts");
                if (!v.is_array() || v.as_array().empty() || v.as_array().size() > kMaxBatch) {
                    f.Problem("texts", "must be a list of 1 to " + std::to_string(kMaxBatch) + " strings");
                } else {
                    for (std::size_t i = 0; i < v.as_array().size(); ++i) {
                        const auto& item = v.as_array()[i];
                        if (!item.is_string() || item.as_string().empty() || item.as_string().size() > kMaxTextBytes) {
                            f.Problem(fmt::format("texts[{}]", i), "must be a string of 1 to 8000 bytes");
                        } else {
                            texts.emplace_back(item.as_string());
                        }
                    }
                }
            } else if (auto text = f.String({"text"}, 1, kMaxTextBytes, true)) {
                texts.push_back(*text);
            }
            const auto dim = f.Int({"dim"}, 1, 4096, false);
            if (auto ok = f.Finish(); !ok) {
                return http::ErrorResponse(ok.error(), request.request_id);
            }
            auto vectors = semantic.Embed(texts);
            if (!vectors) {
                return http::ErrorResponse(vectors.error(), request.request_id);
            }
            const auto actual = static_cast<std::int64_t>(vectors->front().size());
            if (dim && *dim != actual) {
                return http::ErrorResponse(
                    Error::Invalid("dim", "this model's vectors have " + std::to_string(actual) + " dimensions"),
                    request.request_id);
            }
            return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
                if (batch) {
                    w.Key("vectors").BeginArray();
                    for (const auto& v : *vectors) {
                        WriteVector(w, v);
                    }
                    w.EndArray();
                } else {
                    w.Key("vector");
                    WriteVector(w, vectors->front());
                    w.Field("text_length", static_cast<std::int64_t>(texts.front().size()));
                }
                w.Field("dim", actual).Field("model", semantic.Status().embedder);
            });
        },
        embeds);

    // {ref_id, text} → stored (replacing the caller's document with that ref_id) and findable.
    router.Add(
        "POST",
        "/index",
        [&semantic, &repository, &plans, &clock](http::Request& request) {
            auto body = ParseJsonObject(request.body);
            if (!body) {
                return http::ErrorResponse(body.error(), request.request_id);
            }
            JsonFields f(*body);
            const auto ref_id = f.String({"ref_id"}, 1, 128, true);
            const auto text = f.String({"text"}, 1, kMaxTextBytes, true);
            if (auto ok = f.Finish(); !ok) {
                return http::ErrorResponse(ok.error(), request.request_id);
            }
            const auto limit = plans.find(request.caller.plan);
            const std::int64_t cap = limit == plans.end() ? 0 : limit->second.documents;
            const auto stored = repository.UpsertDocument(DocumentOwner(request), *ref_id, *text, clock.Now(), cap);
            if (!stored) {
                return http::ErrorResponse(
                    Error{ErrorCode::kPermissionDenied,
                          fmt::format("document limit reached: the {} plan keeps {} documents; index again under an "
                                      "existing ref_id to replace one",
                                      Name(request.caller.plan),
                                      cap),
                          {}},
                    request.request_id);
            }
            const auto& document = *stored;
            semantic.IndexDocument(document);
            const auto status = semantic.Status();
            return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
                w.Field("id", document.id)
                    .Field("ref_id", document.ref_id)
                    .Field("vector_dim", static_cast<std::int64_t>(status.dimension))
                    .Field("indexed", status.ready)
                    .Field("visibility", document.owner == kPublicOwner ? "public" : "private");
            });
        },
        http::RouteOptions{.blocking = remote_embeddings, .keeps_answers = true});

    // {query, top_k, collection} → the nearest documents (the caller's and public ones) and lots.
    router.Add(
        "POST",
        "/search",
        [&semantic, &repository, &clock](http::Request& request) {
            auto body = ParseJsonObject(request.body);
            if (!body) {
                return http::ErrorResponse(body.error(), request.request_id);
            }
            JsonFields f(*body);
            const auto query = f.String({"query"}, 1, 2000, true);
            const auto top_k = static_cast<std::size_t>(f.Int({"top_k", "limit"}, 1, 20, false).value_or(10));
            const auto collection = f.Choice({"collection"}, {"all", "documents", "lots"}, false).value_or("all");
            if (auto ok = f.Finish(); !ok) {
                return http::ErrorResponse(ok.error(), request.request_id);
            }
            struct Found {
                std::string ref_id;
                std::string kind;
                float score = 0;
                std::string text;
            };
            std::vector<Found> found;
            if (collection != "lots") {
                const auto owner = DocumentOwner(request);
                auto near = semantic.NearestDocuments(*query, owner, std::string(kPublicOwner), top_k);
                if (!near) {
                    return http::ErrorResponse(near.error(), request.request_id);
                }
                std::vector<std::int64_t> ids;
                for (const auto& n : *near) {
                    ids.push_back(n.id);
                }
                const auto documents = repository.Documents(ids);
                for (const auto& n : *near) {
                    for (const auto& d : documents) {
                        // The vectors know owners too; checking again costs nothing and survives a
                        // document changing hands between the search and the read.
                        if (d.id == n.id && (d.owner == owner || d.owner == kPublicOwner)) {
                            found.push_back(Found{d.ref_id, "document", n.score, d.text});
                        }
                    }
                }
            }
            if (collection != "documents") {
                auto near = semantic.NearestLots(*query, top_k);
                if (!near) {
                    return http::ErrorResponse(near.error(), request.request_id);
                }
                std::vector<std::int64_t> ids;
                for (const auto& n : *near) {
                    ids.push_back(n.id);
                }
                const auto lots = repository.Lots(ids);
                for (const auto& n : *near) {
                    for (const auto& lot : lots) {
                        if (lot.id == n.id) {
                            found.push_back(Found{"lot:" + std::to_string(lot.id), "lot", n.score, lot.title});
                        }
                    }
                }
            }
            std::stable_sort(
                found.begin(), found.end(), [](const Found& a, const Found& b) { return a.score > b.score; });
            const auto total = found.size();
            if (found.size() > top_k) {
                found.resize(top_k);
            }
            return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
                w.Key("results").BeginArray();
                for (const auto& item : found) {
                    w.BeginObject()
                        .Field("ref_id", item.ref_id)
                        .Field("kind", item.kind)
                        .Key("score")
                        .Raw(fmt::format("{:.4f}", item.score))
                        .Field("text_preview", Preview(item.text))
                        .EndObject();
                }
                w.EndArray()
                    .Field("query", *query)
                    .Field("top_k", static_cast<std::int64_t>(top_k))
                    .Field("collection", collection)
                    .Field("total_found", static_cast<std::int64_t>(total));
            });
        },
        embeds);

    router.Add("GET", "/semantic/status", [&semantic, &clock](http::Request& request) {
        const auto s = semantic.Status();
        return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
            w.Field("ready", s.ready)
                .Field("building", s.building)
                .Field("embedder", s.embedder)
                .Field("dimension", static_cast<std::int64_t>(s.dimension))
                .Field("lots", s.lots)
                .Field("documents", s.documents)
                .Field("problem", s.problem);
        });
    });

    router.Add(
        "GET",
        "/suppliers/find",
        [&finder, &clock](http::Request& request) {
            if (!request.query.contains("q")) {
                return http::ErrorResponse(Error::Invalid("q", "is required"), request.request_id);
            }
            return FindSuppliers(request, finder, std::string(request.Query("q")), clock, false);
        },
        embeds);
    router.Add(
        "GET",
        "/api/supplier/{lot_name}",
        [&finder, &clock](http::Request& request) {
            return FindSuppliers(request, finder, request.path_params.at("lot_name"), clock, true);
        },
        embeds);
}

}  // namespace zakupai::api
