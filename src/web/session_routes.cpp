// Logging in and out: an API key (or Telegram's signed login) exchanged for a session cookie.
#include <fmt/format.h>

#include <algorithm>

#include "billing/quota.hpp"
#include "billing/secrets.hpp"
#include "core/numbers.hpp"
#include "web/internal/panel.hpp"

namespace zakupai::web {

namespace {

// Only a path of this site is followed after a login (never "//evil.example" or a scheme).
std::string SafeNext(const std::string& next) {
    if (next.size() > 1 && next[0] == '/' && next[1] != '/' && next[1] != '\\' &&
        next.find_first_of("\r\n") == std::string::npos) {
        return next;
    }
    return "/app/search";
}

http::Response StartSession(const Panel& panel,
                            const http::Request& request,
                            const billing::Principal& principal,
                            const std::string& next) {
    const auto& s = panel.services();
    const std::string token = billing::RandomHexToken();
    const Instant now = s.clock.Now();
    const auto ttl = std::chrono::duration_cast<std::chrono::seconds>(panel.config().session_ttl);
    s.sessions.CreateSession(store::WebSessionRecord{billing::Sha256Hex(token),
                                                     principal.key_id,
                                                     principal.user_id,
                                                     billing::RandomHexToken(),
                                                     panel.Language(request, nullptr)},
                             now,
                             now + ttl);
    http::Response response = panel.Redirect(SafeNext(next));
    response.headers.emplace_back("Set-Cookie", SetCookie(kLoginCsrfCookie, "", 0, panel.Secure(request)));
    response.headers.emplace_back("Set-Cookie", SetCookie(kSessionCookie, token, ttl.count(), panel.Secure(request)));
    return response;
}

http::Response LoginPage(const Panel& panel, const http::Request& request, const std::string& problem, int status) {
    // The login form has no session to hold its CSRF token: the token is also a cookie, and
    // the POST must bring both (a cross-site form cannot read or set the cookie).
    std::string token = CookieValue(request, kLoginCsrfCookie);
    if (token.size() != 64) {
        token = billing::RandomHexToken();
    }
    mustache::data context;
    context.set("login_csrf", Text(token));
    context.set("next", Text(SafeNext(std::string(request.Query("next")))));
    if (!problem.empty()) {
        context.set("problem", Text(problem));
    }
    context.set("telegram_login", mustache::data{!panel.config().telegram_bot_token.empty()});
    http::Response response = panel.Page(request, nullptr, "login", std::move(context), status);
    response.headers.emplace_back("Set-Cookie", SetCookie(kLoginCsrfCookie, token, 3600, panel.Secure(request)));
    return response;
}

}  // namespace

// Telegram's login (the widget, or a bot button with login_url): the fields but `hash`, sorted
// and joined by newlines, signed by HMAC-SHA256 keyed with SHA-256 of the bot token.
Result<std::int64_t> CheckTelegramLogin(const std::map<std::string, std::string>& fields,
                                        std::string_view bot_token,
                                        Instant now) {
    const auto hash = fields.find("hash");
    const auto id = fields.find("id");
    const auto auth_date = fields.find("auth_date");
    if (hash == fields.end() || id == fields.end() || auth_date == fields.end()) {
        return Fail(Error::Invalid("hash", "Telegram's login needs id, auth_date and hash"));
    }
    std::string check;
    for (const auto& [name, value] : fields) {  // std::map: sorted by name
        if (name == "hash" || name == "next") {
            continue;
        }
        if (!check.empty()) {
            check += '\n';
        }
        check.append(name).append("=").append(value);
    }
    if (!billing::ConstantTimeEquals(billing::HmacSha256Hex(billing::Sha256Raw(bot_token), check), hash->second)) {
        return Fail(Error{ErrorCode::kUnauthenticated, "Telegram's login signature does not match", {}});
    }
    const auto signed_at_seconds = ParseWholeNumber(auth_date->second);
    const auto tg_id = ParseWholeNumber(id->second);
    if (!signed_at_seconds || !tg_id) {
        return Fail(Error::Invalid("auth_date", "must be whole numbers (auth_date and id)"));
    }
    const std::int64_t signed_at = *signed_at_seconds;
    const auto age = now - Instant{std::chrono::seconds{signed_at}};
    if (age > std::chrono::hours{24} || age < -std::chrono::minutes{5}) {
        return Fail(Error{ErrorCode::kUnauthenticated, "Telegram's login is older than a day: log in again", {}});
    }
    return *tg_id;
}

// Login attempts a browser (an IP address) may make a minute: ample for people, a wall for a
// script guessing keys or signatures.
constexpr std::int64_t kLoginAttemptsPerMinute = 30;

void RegisterSessionRoutes(http::Router& router, const Panel& panel) {
    const http::RouteOptions page{.is_public = true, .counts_usage = false};
    auto attempts = std::make_shared<billing::IpLimiter>(kLoginAttemptsPerMinute);
    // The page that says to wait, or nothing when this attempt may go on.
    auto too_many = [&panel, attempts](const http::Request& request) -> std::optional<http::Response> {
        const auto decision = attempts->Consume(request.remote_ip, panel.services().clock.Now());
        if (decision.allowed) {
            return std::nullopt;
        }
        http::Response response = panel.ErrorPage(request, nullptr, 429, decision.reason);
        response.headers.emplace_back("Retry-After", std::to_string(decision.retry_after_seconds));
        return response;
    };
    router.Add(
        "GET",
        "/",
        [&panel](http::Request& request) {
            return panel.Redirect(panel.CurrentSession(request) ? "/app/search" : "/login");
        },
        page);
    router.Add(
        "GET", "/login", [&panel](http::Request& request) { return LoginPage(panel, request, "", 200); }, page);
    router.Add(
        "POST",
        "/login",
        [&panel, too_many](http::Request& request) {
            if (auto refused = too_many(request)) {
                return *refused;
            }
            auto form = FormFields(request);
            const std::string cookie = CookieValue(request, kLoginCsrfCookie);
            if (cookie.size() != 64 || !billing::ConstantTimeEquals(cookie, form["csrf"])) {
                return panel.ErrorPage(
                    request, nullptr, 403, panel.Label(panel.Language(request, nullptr), "csrf_refused"));
            }
            auto principal = panel.services().billing.Authenticate(form["api_key"]);
            if (!principal) {
                return LoginPage(
                    panel,
                    request,
                    panel.Label(panel.Language(request, nullptr), "login_bad") + ": " + principal.error().message,
                    401);
            }
            return StartSession(panel, request, *principal, form["next"]);
        },
        page);
    router.Add(
        "GET",
        "/login/telegram",
        [&panel, too_many](http::Request& request) {
            if (auto refused = too_many(request)) {
                return *refused;
            }
            const auto& s = panel.services();
            const std::string& token = panel.config().telegram_bot_token;
            if (token.empty()) {
                return panel.ErrorPage(request, nullptr, 404, "Telegram login is off: the bot has no token here");
            }
            auto tg_id = CheckTelegramLogin(request.query, token, s.clock.Now());
            if (!tg_id) {
                return LoginPage(panel, request, tg_id.error().message, 401);
            }
            // The bot's user: its newest active key, or a Free key issued now (as /start does).
            auto principal = s.billing.PrincipalOfTelegramUser(*tg_id);
            if (!principal) {
                return LoginPage(panel, request, principal.error().message, 401);
            }
            return StartSession(panel, request, *principal, std::string(request.Query("next")));
        },
        page);
    // Log out here, or everywhere (every session of the user, on any device).
    for (const bool everywhere : {false, true}) {
        router.Add("POST",
                   everywhere ? "/logout-all" : "/logout",
                   WithSessionAndCsrf(panel,
                                      [&panel, everywhere](http::Request& request, Session& session, auto&) {
                                          if (everywhere) {
                                              panel.services().sessions.DeleteUserSessions(session.principal.user_id);
                                          } else {
                                              panel.services().sessions.DeleteSession(session.record.token_hash);
                                          }
                                          http::Response response = panel.Redirect("/login");
                                          response.headers.emplace_back(
                                              "Set-Cookie", SetCookie(kSessionCookie, "", 0, panel.Secure(request)));
                                          return response;
                                      }),
                   page);
    }
    router.Add(
        "POST",
        "/lang",
        [&panel](http::Request& request) {
            auto form = FormFields(request);
            const std::string language = form["lang"] == "kk" ? "kk" : "ru";
            if (auto session = panel.CurrentSession(request)) {
                if (!panel.CsrfOk(request, *session, form)) {
                    return panel.ErrorPage(request, &*session, 403, panel.Label(language, "csrf_refused"));
                }
                panel.services().sessions.SetLanguage(session->record.token_hash, language);
            }
            http::Response response = panel.Redirect(SafeNext(form["next"]));
            response.headers.emplace_back(
                "Set-Cookie", SetCookie(kLanguageCookie, language, 365LL * 24 * 3600, panel.Secure(request)));
            return response;
        },
        page);
}

}  // namespace zakupai::web
