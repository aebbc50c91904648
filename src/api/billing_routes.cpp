
#include "api/api.hpp"
#include "core/json.hpp"

namespace zakupai::api {

namespace {

http::Response Problem(const Error& error, const http::Request& request) {
    return http::ErrorResponse(error, request.request_id);
}

bool IsIntegration(const http::Caller& caller) {
    return Satisfies(caller.plan, Plan::kService);
}

void WriteLimits(JsonWriter& w, const billing::PlanLimits& limits) {
    w.Key("limits").BeginObject().Field("per_day", limits.per_day).Field("per_hour", limits.per_hour);
    w.Field("per_minute", limits.per_minute).EndObject();
}

}  // namespace

void RegisterBillingRoutes(http::Router& router, billing::BillingService& billing, const Clock& clock) {
    const http::RouteOptions admin{.is_public = false, .required_plan = Plan::kAdmin, .counts_usage = false};
    http::RouteOptions admin_creates = admin;
    admin_creates.keeps_answers = true;
    const http::RouteOptions service{.is_public = false, .required_plan = Plan::kService, .counts_usage = false};
    const http::RouteOptions own{.is_public = false, .required_plan = Plan::kFree, .counts_usage = false};

    router.Add(
        "POST",
        "/billing/create_key",
        [&billing, &clock](http::Request& request) {
            auto body = ParseJsonObject(request.body);
            if (!body) {
                return Problem(body.error(), request);
            }
            JsonFields f(*body);
            auto tg_id = f.Int({"tg_id"}, 1, INT64_MAX, true);
            auto email = f.String({"email"}, 3, 254, false);
            auto plan = f.Word<Plan>({"plan"}, false);
            auto name = f.String({"name"}, 1, 100, false);
            auto days = f.Int({"expires_in_days"}, 1, 3650, false);
            if (email && email->find('@') == std::string::npos) {
                f.Problem("email", "must be an e-mail address");
            }
            if (auto ok = f.Finish(); !ok) {
                return Problem(ok.error(), request);
            }
            std::optional<Instant> expires;
            if (days) {
                expires = clock.Now() + std::chrono::days{*days};
            }
            auto created =
                billing.CreateKey(tg_id, email.value_or(""), plan.value_or(Plan::kFree), name.value_or(""), expires);
            if (!created) {
                return Problem(created.error(), request);
            }
            return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
                w.Field("api_key", created->api_key).Field("plan", Name(created->plan));
                w.OptionalField(
                    "expires_at",
                    created->expires_at ? std::optional(FormatUtcTimestamp(*created->expires_at)) : std::nullopt);
                w.Field("key_id", created->key_id).Field("user_id", created->user_id);
            });
        },
        admin_creates);

    router.Add(
        "POST",
        "/billing/validate_key",
        [&billing](http::Request& request) {
            auto body = ParseJsonObject(request.body);
            if (!body) {
                return Problem(body.error(), request);
            }
            JsonFields f(*body);
            auto key = f.String({"api_key"}, 1, 256, true);
            auto endpoint = f.String({"endpoint"}, 1, 200, true);
            if (auto ok = f.Finish(); !ok) {
                return Problem(ok.error(), request);
            }
            if (!IsIntegration(request.caller) && *key != request.Header("x-api-key")) {
                return Problem(Error{ErrorCode::kPermissionDenied, "only the service plan may validate other keys", {}},
                               request);
            }
            const auto v = billing.ValidateKey(*key);
            JsonWriter w;
            w.BeginObject()
                .Field("valid", v.valid)
                .Field("plan", Name(v.plan))
                .Field("remaining_requests", v.remaining_requests);
            w.OptionalField("message", v.message.empty() ? std::nullopt : std::optional(v.message));
            return http::Response::Json(w.EndObject().Take());
        },
        own);

    router.Add(
        "POST",
        "/billing/usage",
        [&billing](http::Request& request) {
            auto body = ParseJsonObject(request.body);
            if (!body) {
                return Problem(body.error(), request);
            }
            JsonFields f(*body);
            auto key = f.String({"api_key"}, 1, 256, true);
            auto endpoint = f.String({"endpoint"}, 1, 200, true);
            auto requests = f.Int({"requests"}, 1, 1'000'000, false);
            if (auto ok = f.Finish(); !ok) {
                return Problem(ok.error(), request);
            }
            auto logged = billing.RecordUsage(*key, *endpoint, requests.value_or(1));
            if (!logged) {
                return Problem(logged.error(), request);
            }
            return http::Response::Json(*logged ? R"({"logged":true})" : R"({"logged":false})");
        },
        service);

    router.Add(
        "GET",
        "/billing/stats/{tg_id}",
        [&billing](http::Request& request) {
            auto tg_id = PositivePathId(request, "tg_id");
            if (!tg_id) {
                return Problem(Error::Invalid("tg_id", "must be a positive integer"), request);
            }
            if (!IsIntegration(request.caller) && request.caller.tg_id != *tg_id) {
                return Problem(Error::NotFound("User not found"), request);
            }
            auto stats = billing.Stats(*tg_id);
            if (!stats) {
                return Problem(stats.error(), request);
            }
            const auto& s = *stats;
            auto remaining = [](std::int64_t limit, std::int64_t used) {
                return limit > 0 ? std::max<std::int64_t>(0, limit - used) : -1;
            };
            JsonWriter w;
            w.BeginObject().Field("tg_id", *tg_id).Field("plan", Name(s.user.plan)).Field("status", s.user.status);
            w.Field("created_at", s.user.created_at);
            w.Key("keys").BeginObject().Field("total", s.keys_total).Field("active", s.keys_active).EndObject();
            w.Key("usage")
                .BeginObject()
                .Field("total_requests", s.total_requests)
                .Field("today_requests", s.today_requests);
            w.Field("hour_requests", s.hour_requests).Field("daily_limit", s.limits.per_day);
            w.Field("hourly_limit", s.limits.per_hour).EndObject();
            w.Key("limits").BeginObject().Field("daily_remaining", remaining(s.limits.per_day, s.today_requests));
            w.Field("hourly_remaining", remaining(s.limits.per_hour, s.hour_requests)).EndObject().EndObject();
            return http::Response::Json(w.Take());
        },
        own);

    router.Add(
        "GET",
        "/billing/me",
        [&billing](http::Request& request) {
            const auto v = billing.ValidateKey(std::string(request.Header("x-api-key")));
            JsonWriter w;
            w.BeginObject().Field("key_id", request.caller.key_id).Field("user_id", request.caller.user_id);
            w.Field("plan", Name(request.caller.plan));
            WriteLimits(w, billing.Limits(request.caller.plan));
            w.Field("remaining_today", v.remaining_requests >= 0 ? v.remaining_requests + 1 : -1).EndObject();
            return http::Response::Json(w.Take());
        },
        own);

    router.Add(
        "DELETE",
        "/billing/keys/{key_id}",
        [&billing](http::Request& request) {
            auto key_id = PositivePathId(request, "key_id");
            if (!key_id) {
                return Problem(Error::Invalid("key_id", "must be a positive integer"), request);
            }
            billing::Principal actor{request.caller.key_id, request.caller.user_id, request.caller.plan, std::nullopt};
            auto revoked = billing.RevokeKey(*key_id, actor);
            if (!revoked) {
                return Problem(revoked.error(), request);
            }
            JsonWriter w;
            w.BeginObject().Field("key_id", *key_id).Field("revoked", true).EndObject();
            return http::Response::Json(w.Take());
        },
        own);

    router.Add(
        "POST",
        "/billing/payments",
        [&billing](http::Request& request) {
            auto body = ParseJsonObject(request.body);
            if (!body) {
                return Problem(body.error(), request);
            }
            JsonFields f(*body);
            auto tg_id = f.Int({"tg_id"}, 1, INT64_MAX, true);
            auto amount = f.Money({"amount"}, true);
            auto plan = f.Word<Plan>({"plan"}, true);
            if (plan == Plan::kAdmin) {
                f.Problem("plan", "must be one of: free, premium, service");  // admin is given, never bought
            }
            auto days = f.Int({"period_days"}, 1, 3650, false);
            auto method = f.String({"method"}, 1, 50, false);
            auto external = f.String({"external_id"}, 1, 200, false);
            if (auto ok = f.Finish(); !ok) {
                return Problem(ok.error(), request);
            }
            auto recorded = billing.RecordPayment(billing::PaymentRequest{
                *tg_id, *amount, *plan, days.value_or(30), method.value_or(""), external.value_or("")});
            if (!recorded) {
                return Problem(recorded.error(), request);
            }
            JsonWriter w;
            w.BeginObject().Field("recorded", *recorded).Field("duplicate", !*recorded).Field("tg_id", *tg_id);
            w.Field("plan", Name(*plan)).MoneyField("amount", *amount).EndObject();
            return http::Response::Json(w.Take(), *recorded ? 201 : 200);
        },
        admin_creates);
}

}  // namespace zakupai::api
