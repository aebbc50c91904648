#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "api/api.hpp"
#include "core/json.hpp"
#include "store/records_repository.hpp"

namespace zakupai::api {

namespace {

// What identifies a request for Idempotency-Key: method, path, query and body, with a multipart
// boundary left out (a client's retry may draw a new one for the same parts).
std::string RequestDigest(const http::Request& request) {
    std::string body = request.body;
    const auto content_type = request.Header("content-type");
    if (const auto at = content_type.find("boundary="); at != std::string_view::npos) {
        std::string boundary(content_type.substr(at + 9));
        if (const auto end = boundary.find(';'); end != std::string::npos) {
            boundary.resize(end);
        }
        if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
            boundary = boundary.substr(1, boundary.size() - 2);
        }
        for (auto pos = boundary.empty() ? std::string::npos : body.find(boundary); pos != std::string::npos;
             pos = body.find(boundary, pos)) {
            body.erase(pos, boundary.size());
        }
    }
    std::uint64_t h = 14695981039346656037ULL;
    for (const std::string_view part :
         {std::string_view(request.method), std::string_view(request.target), std::string_view(body)}) {
        for (const unsigned char c : part) {
            h = (h ^ c) * 1099511628211ULL;
        }
        h = (h ^ 0xFFU) * 1099511628211ULL;
    }
    return fmt::format("{:016x}", h);
}

constexpr std::size_t kMaxIdempotencyKey = 200;

}  // namespace

http::Hooks MakeAccessHooks(billing::BillingService& billing,
                            store::WriteBehind& recorder,
                            store::RecordsRepository& records,
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
    hooks.before = [&billing, &records, &auth_failures, &plan_rejections, limit_anonymous](
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
        if (route.keeps_answers) {
            // A retry of something already created: the first answer again, nothing new made
            // and nothing counted twice.
            if (const auto idempotency_key = request.Header("idempotency-key"); !idempotency_key.empty()) {
                if (idempotency_key.size() > kMaxIdempotencyKey) {
                    return http::ErrorResponse(Error::Invalid("Idempotency-Key", "must be at most 200 characters"),
                                               request.request_id);
                }
                if (auto kept = records.FindAnswer(principal->key_id, std::string(idempotency_key))) {
                    if (kept->route != route.pattern || kept->request_digest != RequestDigest(request)) {
                        return http::ErrorResponse(
                            Error::Invalid("Idempotency-Key", "was already used for a different request"),
                            request.request_id);
                    }
                    http::Response replay = http::Response::Text(kept->body, kept->content_type, kept->status);
                    replay.headers.emplace_back("Idempotent-Replayed", "true");
                    return replay;
                }
            }
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
    hooks.after = [&recorder, &records, &clock](const http::Request& request,
                                                const http::Route* route,
                                                const http::Response& response,
                                                std::chrono::microseconds elapsed) {
        if (request.caller.key_id == 0 || route == nullptr) {
            return;
        }
        if (route->keeps_answers && response.status < 400) {
            const auto idempotency_key = request.Header("idempotency-key");
            const bool replayed = std::any_of(response.headers.begin(), response.headers.end(), [](const auto& h) {
                return h.first == "Idempotent-Replayed";
            });
            if (!idempotency_key.empty() && idempotency_key.size() <= kMaxIdempotencyKey && !replayed) {
                records.KeepAnswer(
                    request.caller.key_id,
                    std::string(idempotency_key),
                    store::KeptAnswer{
                        route->pattern, RequestDigest(request), response.status, response.content_type, response.body},
                    clock.Now());
            }
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
