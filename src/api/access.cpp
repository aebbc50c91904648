#include <memory>

#include "api/api.hpp"
#include "core/json.hpp"

namespace zakupai::api {

http::Hooks MakeAccessHooks(billing::BillingService& billing,
                            store::WriteBehind& recorder,
                            metrics::Registry& metrics,
                            const Clock& clock,
                            std::int64_t anonymous_per_ip_per_minute) {
    // Looked up once: a flood of refused requests should not also contend on the metrics map.
    metrics::Counter& ip_rejections =
        metrics.GetCounter("ratelimit_rejections_total", "Requests refused by a rate limit or quota.", R"(limit="ip")");
    metrics::Counter& plan_rejections = metrics.GetCounter(
        "ratelimit_rejections_total", "Requests refused by a rate limit or quota.", R"(limit="plan")");
    metrics::Counter& auth_failures =
        metrics.GetCounter("auth_failures_total", "Requests refused for a missing or invalid API key.");
    auto ip_limiter = std::make_shared<billing::IpLimiter>(anonymous_per_ip_per_minute);
    auto limit_anonymous =
        [ip_limiter, &clock, &ip_rejections](http::Request& request) -> std::optional<http::Response> {
        auto decision = ip_limiter->Consume(request.remote_ip, clock.Now());
        if (decision.allowed) {
            return std::nullopt;
        }
        ip_rejections.Add();
        Error error{ErrorCode::kQuotaExceeded, decision.reason, {}};
        error.retry_after_seconds = decision.retry_after_seconds;
        return http::ErrorResponse(error, request.request_id);
    };

    http::Hooks hooks;
    hooks.unmatched = limit_anonymous;
    hooks.before = [&billing, &auth_failures, &plan_rejections, limit_anonymous](
                       http::Request& request, const http::Route& route) -> std::optional<http::Response> {
        // Public endpoints (health, metrics, docs) are cheap and polled by monitors: not limited.
        if (route.is_public) {
            return std::nullopt;
        }
        std::string_view key = request.Header("x-api-key");
        if (key.empty()) {
            std::string_view authorization = request.Header("authorization");
            if (authorization.starts_with("Bearer ")) {
                key = authorization.substr(7);
            }
        }
        auto principal = billing.Authenticate(key);
        if (!principal) {
            if (auto limited = limit_anonymous(request)) {
                return limited;
            }
            auth_failures.Add();
            return http::ErrorResponse(principal.error(), request.request_id);
        }
        request.caller =
            http::Caller{principal->key_id, principal->user_id, principal->tg_id.value_or(0), principal->plan};
        if (!Satisfies(principal->plan, route.required_plan)) {
            return http::ErrorResponse(
                Error{ErrorCode::kPermissionDenied,
                      "this endpoint needs a key with the " + std::string(Name(route.required_plan)) +
                          " plan; this key has the " + std::string(Name(principal->plan)) + " plan",
                      {}},
                request.request_id);
        }
        if (route.counts_usage) {
            auto admitted = billing.Admit(*principal, route.pattern);
            if (!admitted) {
                plan_rejections.Add();
                return http::ErrorResponse(admitted.error(), request.request_id);
            }
        }
        return std::nullopt;
    };
    hooks.after = [&recorder, &clock](const http::Request& request,
                                      const http::Route* route,
                                      const http::Response& response,
                                      std::chrono::microseconds elapsed) {
        if (request.caller.key_id == 0 || route == nullptr) {
            return;
        }
        recorder.Add(store::AuditRow{request.caller.key_id,
                                     request.caller.user_id,
                                     request.method,
                                     route->pattern,
                                     response.status,
                                     request.request_id,
                                     request.remote_ip,
                                     elapsed.count(),
                                     clock.Now()});
    };
    return hooks;
}

}  // namespace zakupai::api
