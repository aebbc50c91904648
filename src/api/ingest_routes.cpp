#include <fmt/format.h>

#include "api/api.hpp"
#include "calc/calculators.hpp"
#include "core/json.hpp"
#include "core/numbers.hpp"
#include "http/multipart.hpp"
#include "ingest/batch_import.hpp"
#include "ingest/rnu.hpp"
#include "ingest/sync.hpp"

namespace zakupai::api {

namespace {

void WriteSyncReport(JsonWriter& w, const ingest::SyncReport& r) {
    w.Field("status", r.ok ? "ok" : "failed")
        .Field("what", r.what)
        .Field("mode", r.mode)
        .Field("fetched", r.fetched)
        .Field("inserted", r.inserted)
        .Field("updated", r.updated)
        .Field("unchanged", r.unchanged)
        .Field("events", r.events)
        .Field("errors", r.errors)
        .Field("pages", r.pages)
        .Key("total");
    if (r.total) {
        w.Int(*r.total);
    } else {
        w.Null();
    }
    w.Key("duration").Decimal(static_cast<std::int64_t>(r.duration_seconds * 1000), 3);
    w.Field("resumed", r.resumed).Field("joined", r.joined);
    w.OptionalField("since", r.since.empty() ? std::nullopt : std::optional(r.since));
    w.OptionalField("error", r.error.empty() ? std::nullopt : std::optional(r.error));
}

}  // namespace

void WriteRnuAnswer(JsonWriter& w, const ingest::RnuAnswer& a) {
    // The original API's fields first; what it never had (why, since, until) after.
    w.Field("supplier_bin", a.supplier_bin)
        .Field("status", a.listed ? "BLACKLISTED" : "ACTIVE")
        .Field("is_blocked", a.listed)
        .Field("source", a.source)
        .Field("validated_at", FormatUtcTimestamp(a.validated_at))
        .Field("listed", a.listed)
        .Field("age_seconds", a.age_seconds)
        .Field("stale", a.stale);
    const ingest::RnuListing* current = nullptr;
    for (const auto& l : a.listings) {
        if (l.active) {
            current = &l;
        }
    }
    auto optional = [](const ingest::RnuListing* l, const std::string ingest::RnuListing::*field) {
        return l != nullptr && !(l->*field).empty() ? std::optional(l->*field) : std::nullopt;
    };
    w.OptionalField("listed_since", optional(current, &ingest::RnuListing::since))
        .OptionalField("listed_until", optional(current, &ingest::RnuListing::until))
        .OptionalField("reason", optional(current, &ingest::RnuListing::reason));
    w.Key("listings").BeginArray();
    for (const auto& l : a.listings) {
        w.BeginObject()
            .Field("supplier_name", l.supplier_name)
            .Field("since", l.since)
            .Field("until", l.until)
            .Field("reason", l.reason)
            .Field("court_decision", l.court_decision)
            .Field("active", l.active)
            .EndObject();
    }
    w.EndArray();
}

void WriteImportReport(JsonWriter& w, const ingest::ImportReport& r) {
    w.Field("success", r.committed).Field("batch_id", r.batch_id).Field("rows_processed", r.accepted);
    w.Key("errors").BeginArray();
    for (const auto& e : r.errors) {
        w.BeginObject()
            .Field("row", e.row)
            .Field("line", e.line)
            .Field("column", e.column)
            .Field("error", e.error)
            .EndObject();
    }
    w.EndArray()
        .Field("errors_truncated", r.errors_truncated)
        .Field("kind", r.kind)
        .Field("format", r.format)
        .Field("encoding", r.encoding)
        .OptionalField("delimiter", r.delimiter.empty() ? std::nullopt : std::optional(r.delimiter))
        .OptionalField("sheet", r.sheet.empty() ? std::nullopt : std::optional(r.sheet))
        .Field("rows_total", r.rows_total)
        .Field("accepted", r.accepted)
        .Field("rejected", r.rejected)
        .Field("matched", r.matched)
        .Field("already_present", r.already_present)
        .Field("updated", r.updated);
    w.Key("columns").BeginArray();
    for (const auto& c : r.columns) {
        w.String(c);
    }
    w.EndArray().Key("ignored_columns").BeginArray();
    for (const auto& c : r.ignored_columns) {
        w.String(c);
    }
    w.EndArray();
    w.Key("duration").Decimal(static_cast<std::int64_t>(r.duration_seconds * 1000), 3);
}

void RegisterIngestRoutes(http::Router& router,
                          ingest::GoszakupSync* sync,
                          ingest::RnuService& rnu,
                          store::GoszakupRepository& repository,
                          const Clock& clock) {
    const http::RouteOptions service{.is_public = false, .required_plan = Plan::kService, .counts_usage = false};
    http::RouteOptions long_running = service;
    long_running.blocking = true;

    router.Add(
        "POST",
        "/etl/goszakup/sync",
        [sync, &clock](http::Request& request) {
            if (sync == nullptr) {
                return http::ErrorResponse(503,
                                           "unavailable",
                                           "Goszakup sync is off: no portal token is configured "
                                           "(ZAKUPAI_GOSZAKUP_TOKEN or ZAKUPAI_GOSZAKUP_TOKEN_FILE)",
                                           request.request_id);
            }
            ingest::SyncRequest sync_request;
            boost::json::object empty;
            auto body = request.body.empty() ? Result<boost::json::object>(empty) : ParseJsonObject(request.body);
            if (!body) {
                return http::ErrorResponse(body.error(), request.request_id);
            }
            JsonFields f(*body);
            sync_request.full = f.Bool({"full"}, false).value_or(request.Query("full") == "true");
            std::string what = f.Choice({"register"}, {"lots", "subjects", "contracts"}, false).value_or("");
            if (what.empty()) {
                what = request.Query("register").empty() ? "lots" : std::string(request.Query("register"));
                if (what != "lots" && what != "subjects" && what != "contracts") {
                    f.Problem("register", "must be lots, subjects or contracts");
                }
            }
            sync_request.what = what == "subjects"    ? ingest::Register::kSubjects
                                : what == "contracts" ? ingest::Register::kContracts
                                                      : ingest::Register::kLots;
            sync_request.since = f.Day({"since"}, false);
            if (!sync_request.since && !request.Query("since").empty()) {
                auto day = ParseIsoDate(request.Query("since"));
                if (!day) {
                    f.Problem("since", "must be a date YYYY-MM-DD");
                } else {
                    sync_request.since = *day;
                }
            }
            if (auto ok = f.Finish(); !ok) {
                return http::ErrorResponse(ok.error(), request.request_id);
            }
            const auto report = sync->Run(sync_request);
            if (!report.ok) {
                // What landed before the failure stays, and the next run resumes after it.
                return http::ErrorResponse(502,
                                           "bad_gateway",
                                           fmt::format("{}; {} page(s) with {} row(s) landed before it, the next run "
                                                       "resumes after them",
                                                       report.error,
                                                       report.pages,
                                                       report.fetched),
                                           request.request_id);
            }
            return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) { WriteSyncReport(w, report); });
        },
        long_running);

    router.Add(
        "GET",
        "/etl/goszakup/events",
        [&repository, &clock](http::Request& request) {
            // after=latest answers no events and the newest id: a new reader starts from now
            // instead of paging through the whole history.
            const bool from_now = request.Query("after") == "latest";
            const auto after = request.Query("after").empty() ? std::optional<std::int64_t>(0)
                               : from_now                     ? std::optional(repository.LatestEventId())
                                                              : ParseWholeNumber(request.Query("after"));
            const auto limit = request.Query("limit").empty() ? std::optional<std::int64_t>(100)
                                                              : ParseWholeNumber(request.Query("limit"));
            std::vector<FieldProblem> problems;
            if (!after || *after < 0) {
                problems.push_back({"after", "must be a non-negative integer (an event id) or latest"});
            }
            if (!limit || *limit < 1 || *limit > 1000) {
                problems.push_back({"limit", "must be an integer from 1 to 1000"});
            }
            if (!problems.empty()) {
                return http::ErrorResponse(Error::Invalid(std::move(problems)), request.request_id);
            }
            const auto events =
                from_now ? std::vector<store::LotEvent>{} : repository.EventsAfter(*after, static_cast<int>(*limit));
            return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
                w.Key("events").BeginArray();
                for (const auto& e : events) {
                    w.BeginObject()
                        .Field("id", e.id)
                        .Field("lot_id", e.lot_id)
                        .Field("lot_number", e.lot_number)
                        .Field("kind", e.kind)
                        .OptionalField("old", e.kind == "created" ? std::nullopt : std::optional(e.old_value))
                        .Field("new", e.new_value)
                        .Field("seen_at", e.seen_at)
                        .EndObject();
                }
                w.EndArray().Key("next_after").Int(events.empty() ? *after : events.back().id);
            });
        },
        service);

    auto validate = [&rnu, &clock](http::Request& request) {
        auto answer = rnu.Check(request.path_params.at("bin"));
        if (!answer) {
            return http::ErrorResponse(answer.error(), request.request_id);
        }
        return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) { WriteRnuAnswer(w, *answer); });
    };
    router.Add("GET", "/risk/validate_rnu/{bin}", validate);
    router.Add("GET", "/validate_rnu/{bin}", validate);  // the original risk-engine path
}

void RegisterImportRoutes(http::Router& router,
                          ingest::ImportService& imports,
                          const Clock& clock,
                          std::size_t max_bytes) {
    const http::RouteOptions premium{.is_public = false, .required_plan = Plan::kPremium, .counts_usage = true};
    // An import takes up to a second of CPU: off the I/O threads.
    http::RouteOptions upload = premium;
    upload.blocking = true;
    upload.keeps_answers = true;  // a retry after a lost answer must not import the file twice
    router.Add(
        "POST",
        "/etl/upload-batch",
        [&imports, &clock, max_bytes](http::Request& request) {
            ingest::ImportOptions options;
            std::map<std::string, std::string> fields(request.query.begin(), request.query.end());
            std::string_view file;
            const std::string_view content_type = request.Header("content-type");
            if (content_type.substr(0, 10) == "multipart/") {
                auto parts = http::ParseMultipart(content_type, request.body);
                if (!parts) {
                    return http::ErrorResponse(parts.error(), request.request_id);
                }
                bool found = false;
                for (const auto& part : *parts) {
                    if (part.name == "file") {
                        file = part.body;
                        options.file_name = part.filename;
                        found = true;
                    } else if (part.body.size() <= 256) {
                        fields[part.name] = std::string(part.body);
                    }
                }
                if (!found) {
                    return http::ErrorResponse(Error::Invalid("file", "is required (a multipart field named file)"),
                                               request.request_id);
                }
            } else {
                // A raw body (curl --data-binary @prices.csv) works too; the name comes from ?filename=.
                file = request.body;
                options.file_name = fields.contains("filename") ? fields["filename"] : "";
            }
            if (file.size() > max_bytes) {
                return http::ErrorResponse(
                    413,
                    "payload_too_large",
                    fmt::format("the file is {} bytes; the limit is {} bytes", file.size(), max_bytes),
                    request.request_id);
            }
            std::vector<FieldProblem> problems;
            const std::string kind = fields.contains("kind") ? fields["kind"] : "auto";
            if (kind == "prices") {
                options.kind = ingest::ImportKind::kPrices;
            } else if (kind == "lots") {
                options.kind = ingest::ImportKind::kLots;
            } else if (kind != "auto") {
                problems.push_back({"kind", "must be auto, prices or lots"});
            }
            const std::string strict = fields.contains("strict") ? fields["strict"] : "false";
            if (strict != "true" && strict != "false" && strict != "1" && strict != "0") {
                problems.push_back({"strict", "must be true or false"});
            }
            options.strict = strict == "true" || strict == "1";
            options.source = fields.contains("source") ? fields["source"] : "";
            options.sheet = fields.contains("sheet") ? fields["sheet"] : "";
            if (options.source.size() > 200) {
                problems.push_back({"source", "must be at most 200 characters"});
            }
            if (!problems.empty()) {
                return http::ErrorResponse(Error::Invalid(std::move(problems)), request.request_id);
            }
            options.api_key_id = request.caller.key_id;
            auto report = imports.Import(file, options);
            if (!report) {
                return http::ErrorResponse(report.error(), request.request_id);
            }
            return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) { WriteImportReport(w, *report); });
        },
        upload);

    router.Add("GET", "/lots/{id}/prices", [&imports, &clock](http::Request& request) {
        const auto id = PositivePathId(request, "id");
        if (!id) {
            return http::ErrorResponse(Error::Invalid("id", "must be a positive integer"), request.request_id);
        }
        auto prices = imports.PricesFor(*id, 50);
        if (!prices) {
            return http::ErrorResponse(prices.error(), request.request_id);
        }
        const auto& lot = prices->lot;
        return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
            w.Field("lot_id", lot.id)
                .Field("title", lot.row.title)
                .MoneyField("lot_price", lot.row.price)
                .Field("quantity", lot.row.quantity)
                .Field("unit", lot.row.unit)
                .Key("vat_rate")
                .Decimal(prices->vat_rate, 2)
                .Field("lot_price_includes_vat", false);
            w.Key("prices").BeginArray();
            for (const auto& p : prices->offers) {
                w.BeginObject()
                    .Field("price_id", p.offer.price_id)
                    .Field("source", p.offer.source)
                    .Field("sku", p.offer.sku)
                    .Field("name", p.offer.title)
                    .Field("unit", p.offer.unit)
                    .MoneyField("price", p.offer.price)
                    .Field("captured_at", p.offer.captured_at)
                    .Key("match_score")
                    .Decimal(std::llround(p.offer.score * 100), 2)
                    .Field("match_kind", p.offer.kind)
                    .Key("qty")
                    .Decimal(p.offer.qty.milli(), Quantity::kScale)
                    .MoneyField("cost_total", p.cost_total)
                    .MoneyField("profit", p.profit)
                    .Key("margin_pct")
                    .Decimal(p.margin, 2)
                    .EndObject();
            }
            w.EndArray();
        });
    });
}

}  // namespace zakupai::api
