#include <fmt/format.h>

#include <charconv>

#include "api/api.hpp"
#include "core/json.hpp"
#include "ingest/rnu.hpp"
#include "ingest/sync.hpp"

namespace zakupai::api {

namespace {

std::optional<std::int64_t> IntParam(std::string_view text) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

void RegisterIngestRoutes(http::Router& router,
                          ingest::GoszakupSync* sync,
                          ingest::RnuService& rnu,
                          store::GoszakupRepository& repository,
                          const Clock& clock) {
    const http::RouteOptions service{.is_public = false, .required_plan = "service", .counts_usage = false};

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
        service);

    router.Add(
        "GET",
        "/etl/goszakup/events",
        [&repository, &clock](http::Request& request) {
            const auto after = request.Query("after").empty() ? std::optional<std::int64_t>(0)
                                                               : IntParam(request.Query("after"));
            const auto limit = request.Query("limit").empty() ? std::optional<std::int64_t>(100)
                                                               : IntParam(request.Query("limit"));
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
