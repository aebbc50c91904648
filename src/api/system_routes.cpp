#include "api/api.hpp"
#include "core/json.hpp"
#include "store/database.hpp"

namespace zakupai::embedded {
extern const std::string_view kOpenApi;
}  // namespace zakupai::embedded

namespace zakupai::api {

std::string_view OpenApiDocument() {
    return embedded::kOpenApi;
}

void RegisterSystemRoutes(
    http::Router& router, store::Database& db, metrics::Registry& metrics, const SystemInfo& info, const Clock& clock) {
    const http::RouteOptions open{.is_public = true, .required_plan = Plan::kFree, .counts_usage = false};
    router.Add(
        "GET", "/health", [](http::Request&) { return http::Response::Json(R"({"status":"ok"})"); }, open);
    // The original gateway's per-service health paths, kept for its monitors.
    for (const char* service : {"calc", "risk", "doc", "emb", "etl", "billing"}) {
        router.Add(
            "GET",
            std::string("/") + service + "/health",
            [](http::Request&) { return http::Response::Json(R"({"status":"ok"})"); },
            open);
    }
    router.Add(
        "GET",
        "/ready",
        [&db, &clock](http::Request& request) {
            const bool ok = db.Ping();
            JsonWriter w;
            w.BeginObject().Field("status", ok ? "ready" : "not_ready").Field("database", ok ? "ok" : "unreachable");
            w.Field("ts", FormatUtcTimestamp(clock.Now())).EndObject();
            if (!ok) {
                return http::ErrorResponse(503, "unavailable", "database unreachable", request.request_id);
            }
            return http::Response::Json(w.Take());
        },
        open);
    router.Add(
        "GET",
        "/metrics",
        [&metrics](http::Request&) {
            return http::Response::Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8");
        },
        open);
    router.Add(
        "GET",
        "/openapi.json",
        [](http::Request&) { return http::Response::Json(std::string(OpenApiDocument())); },
        open);
    router.Add(
        "GET",
        "/info",
        [&db, info](http::Request&) {
            JsonWriter w;
            w.BeginObject().Field("service", "zakupai").Field("version", info.version);
            w.Key("build").BeginObject().Field("type", info.build_type).Field("compiler", __VERSION__);
            w.Field("date", __DATE__).EndObject();
            w.Key("modules").BeginArray();
            for (const auto& m : info.modules) {
                w.String(m);
            }
            w.EndArray();
            w.Field("database", db.dialect() == store::Dialect::kSqlite ? "sqlite" : "postgresql");
            w.Field("schema_version", store::SchemaVersion(db)).EndObject();
            return http::Response::Json(w.Take());
        },
        http::RouteOptions{.is_public = false, .required_plan = Plan::kFree, .counts_usage = false});
}

}  // namespace zakupai::api
