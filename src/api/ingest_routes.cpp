#include <fmt/format.h>

#include "api/api.hpp"
#include "calc/calculators.hpp"
#include "core/json.hpp"
#include "http/multipart.hpp"
#include "ingest/batch_import.hpp"
#include "ingest/rnu.hpp"
#include "ingest/sync.hpp"

namespace zakupai::api {

void RegisterIngestRoutes(http::Router& router,
                          ingest::GoszakupSync* sync,
                          ingest::RnuService& rnu,
                          store::GoszakupRepository& repository,
                          const Clock& clock) {
    const http::RouteOptions service{.is_public = false, .required_plan = "service", .counts_usage = false};
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
            return http::Response::Json(WithMeta(ingest::SyncReportJson(report), request.request_id, clock.Now()));
        },
        long_running);

    router.Add(
        "GET",
        "/etl/goszakup/events",
        [&repository, &clock](http::Request& request) {
            const auto after =
                request.Query("after").empty() ? std::optional<std::int64_t>(0) : ParseInteger(request.Query("after"));
            const auto limit = request.Query("limit").empty() ? std::optional<std::int64_t>(100)
                                                              : ParseInteger(request.Query("limit"));
            std::vector<FieldProblem> problems;
            if (!after || *after < 0) {
                problems.push_back({"after", "must be a non-negative integer (an event id)"});
            }
            if (!limit || *limit < 1 || *limit > 1000) {
                problems.push_back({"limit", "must be an integer from 1 to 1000"});
            }
            if (!problems.empty()) {
                return http::ErrorResponse(Error::Invalid(std::move(problems)), request.request_id);
            }
            const auto events = repository.EventsAfter(*after, static_cast<int>(*limit));
            JsonWriter w;
            w.BeginObject().Key("events").BeginArray();
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
            w.EndArray().Key("next_after").Int(events.empty() ? *after : events.back().id).EndObject();
            return http::Response::Json(WithMeta(w.Take(), request.request_id, clock.Now()));
        },
        service);

    auto validate = [&rnu, &clock](http::Request& request) {
        auto answer = rnu.Check(request.path_params.at("bin"));
        if (!answer) {
            return http::ErrorResponse(answer.error(), request.request_id);
        }
        return http::Response::Json(WithMeta(ingest::RnuAnswerJson(*answer), request.request_id, clock.Now()));
    };
    router.Add("GET", "/risk/validate_rnu/{bin}", validate);
    router.Add("GET", "/validate_rnu/{bin}", validate);  // the original risk-engine path
}

}  // namespace zakupai::api

namespace zakupai::api {

void RegisterImportRoutes(http::Router& router,
                          ingest::ImportService& imports,
                          store::ImportRepository& repository,
                          store::LotRepository& lots,
                          const calc::RuleBook& rules,
                          const Clock& clock,
                          std::size_t max_bytes) {
    const http::RouteOptions premium{.is_public = false, .required_plan = "premium", .counts_usage = true};
    // An import takes up to a second of CPU: off the I/O threads.
    http::RouteOptions upload = premium;
    upload.blocking = true;
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
            return http::Response::Json(WithMeta(ingest::ImportReportJson(*report), request.request_id, clock.Now()));
        },
        upload);

    router.Add("GET", "/lots/{id}/prices", [&repository, &lots, &rules, &clock](http::Request& request) {
        const auto id = PositivePathId(request, "id");
        if (!id) {
            return http::ErrorResponse(Error::Invalid("id", "must be a positive integer"), request.request_id);
        }
        const auto lot = lots.FindLot(*id);
        if (!lot) {
            return http::ErrorResponse(Error::NotFound("lot " + std::to_string(*id) + " not found"),
                                       request.request_id);
        }
        const Date today = AlmatyDate(clock.Now());
        const auto* vat = rules.FindVat("standard", today);
        const calc::BasisPoints vat_rate = vat != nullptr ? vat->rate : 0;
        JsonWriter w;
        w.BeginObject()
            .Field("lot_id", lot->id)
            .Field("title", lot->row.title)
            .MoneyField("lot_price", lot->row.price)
            .Field("quantity", lot->row.quantity)
            .Field("unit", lot->row.unit)
            .Key("vat_rate")
            .Decimal(vat_rate, 2)
            .Field("lot_price_includes_vat", false);
        w.Key("prices").BeginArray();
        for (const auto& p : repository.LotPrices(*id, 50)) {
            // The portal's lot amounts are without VAT; a price-list price is the supplier's net cost.
            const Tiyn cost = static_cast<Tiyn>(std::llround(static_cast<double>(p.price) * p.qty));
            calc::MarginInput input;
            input.lot_price = lot->row.price;
            input.cost = cost;
            input.vat_rate = vat_rate;
            input.price_includes_vat = false;
            const auto margin = calc::CalculateMargin(input);
            w.BeginObject()
                .Field("price_id", p.price_id)
                .Field("source", p.source)
                .Field("sku", p.sku)
                .Field("name", p.title)
                .Field("unit", p.unit)
                .MoneyField("price", p.price)
                .Field("captured_at", p.captured_at)
                .Key("match_score")
                .Decimal(std::llround(p.score * 100), 2)
                .Field("match_kind", p.kind)
                .Key("qty")
                .Decimal(std::llround(p.qty * 1000), 3)
                .MoneyField("cost_total", cost)
                .MoneyField("profit", margin.profit)
                .Key("margin_pct")
                .Decimal(margin.margin, 2)
                .EndObject();
        }
        w.EndArray().EndObject();
        return http::Response::Json(WithMeta(w.Take(), request.request_id, clock.Now()));
    });
}

}  // namespace zakupai::api
