#include "web/internal/panel.hpp"

#include <boost/json.hpp>
#include <boost/url.hpp>
#include <stdexcept>

#include "billing/secrets.hpp"
#include "docs/locale.hpp"
#include "http/multipart.hpp"

namespace zakupai::embedded {
extern const std::vector<std::pair<std::string_view, std::string_view>>& WebTemplates();
extern const std::string_view kWebLabels;
}  // namespace zakupai::embedded

namespace zakupai::web {

namespace {

std::string_view Trim(std::string_view text) {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace

std::string CookieValue(const http::Request& request, std::string_view name) {
    std::string_view header = request.Header("cookie");
    while (!header.empty()) {
        const auto end = header.find(';');
        const std::string_view pair = Trim(header.substr(0, end));
        header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
            return std::string(pair.substr(eq + 1));
        }
    }
    return {};
}

std::string SetCookie(std::string_view name, std::string_view value, std::int64_t max_age_seconds, bool secure) {
    return std::string(name) + "=" + std::string(value) +
           "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_seconds) + (secure ? "; Secure" : "");
}

docs::Language DocsLanguage(const std::string& language) {
    return language == "kk" ? docs::Language::kKazakh : docs::Language::kRussian;
}

std::string DocsCode(const std::string& language) {
    return language == "kk" ? "kz" : "ru";
}

mustache::data Money(Tiyn amount) {
    return Text(docs::FormatMoney(amount));
}

mustache::data Percent(std::int64_t basis_points) {
    return Text(FormatPercentRu(basis_points) + " %");
}

std::map<std::string, std::string> FormFields(const http::Request& request) {
    return http::ParseQuery(request.body);
}

std::string UrlEncode(std::string_view text) {
    boost::urls::encoding_opts options;
    options.space_as_plus = true;
    return boost::urls::encode(text, boost::urls::unreserved_chars, options);
}

Panel::Panel(const WebServices& services, const WebConfig& config) : s_(services), config_(config) {
    for (const auto& [name, content] : embedded::WebTemplates()) {
        templates_.emplace(std::string(name), std::string(content));
    }
    const auto labels = boost::json::parse(embedded::kWebLabels).as_object();
    for (const auto& [language, table] : labels) {
        auto& out = labels_[std::string(language)];
        for (const auto& [key, text] : table.as_object()) {
            out[std::string(key)] = std::string(text.as_string());
        }
    }
}

std::optional<Session> Panel::CurrentSession(const http::Request& request) const {
    const std::string token = CookieValue(request, kSessionCookie);
    if (token.size() != 64) {
        return std::nullopt;
    }
    auto record = s_.sessions.FindSession(billing::Sha256Hex(token), s_.clock.Now());
    if (!record) {
        return std::nullopt;
    }
    auto principal = s_.billing.AuthenticateKeyId(record->key_id);
    if (!principal) {
        // The key was revoked or expired since the login: the session goes with it.
        s_.sessions.DeleteSession(record->token_hash);
        return std::nullopt;
    }
    return Session{std::move(*record), *principal};
}

bool Panel::CsrfOk(const http::Request& request,
                   const Session& session,
                   const std::map<std::string, std::string>& form) const {
    std::string_view given = request.Header("x-csrf-token");
    if (given.empty()) {
        const auto field = form.find("csrf");
        if (field == form.end()) {
            return false;
        }
        given = field->second;
    }
    return billing::ConstantTimeEquals(given, session.record.csrf);
}

std::string Panel::Language(const http::Request& request, const Session* session) const {
    if (session != nullptr && labels_.contains(session->record.language)) {
        return session->record.language;
    }
    std::string cookie = CookieValue(request, kLanguageCookie);
    if (labels_.contains(cookie)) {
        return cookie;
    }
    const std::string_view accept = request.Header("accept-language");
    return accept.starts_with("kk") || accept.starts_with("kz") ? "kk" : "ru";
}

bool Panel::Secure(const http::Request& request) const {
    return config_.secure_cookies || request.Header("x-forwarded-proto") == "https";
}

std::string Panel::Label(const std::string& language, const std::string& key) const {
    const auto table = labels_.find(language);
    if (table == labels_.end()) {
        return key;
    }
    const auto text = table->second.find(key);
    return text == table->second.end() ? key : text->second;
}

mustache::data Panel::Labels(const std::string& language) const {
    mustache::data t;
    const auto table = labels_.find(language);
    if (table != labels_.end()) {
        for (const auto& [key, text] : table->second) {
            t.set(key, Text(text));
        }
    }
    return t;
}

std::string Panel::Render(const std::string& name, const mustache::data& context) const {
    const auto source = templates_.find(name + ".mustache");
    if (source == templates_.end()) {
        throw std::logic_error("web template missing: " + name);
    }
    mustache::mustache tmpl{source->second};
    if (!tmpl.is_valid()) {
        throw std::logic_error("web template " + name + ": " + tmpl.error_message());
    }
    return tmpl.render(context);
}

http::Response Panel::Page(const http::Request& request,
                           const Session* session,
                           const std::string& name,
                           mustache::data context,
                           int status) const {
    const std::string language = Language(request, session);
    context.set("t", Labels(language));
    if (session != nullptr) {
        context.set("csrf", Text(session->record.csrf));
        context.set("signed_in", mustache::data{true});
        context.set("plan", Text(std::string(Name(session->principal.plan))));
    }
    context.set("path", Text(request.target));
    const std::string content = Render(name, context);
    context.set("content", Text(content));
    http::Response response = http::Response::Text(Render("layout", context), "text/html; charset=utf-8", status);
    response.headers.emplace_back("Cache-Control", "no-store");
    AddSecurityHeaders(response);
    return response;
}

http::Response Panel::Fragment(const http::Request& request,
                               const Session* session,
                               const std::string& name,
                               mustache::data context) const {
    context.set("t", Labels(Language(request, session)));
    http::Response response = http::Response::Text(Render(name, context), "text/html; charset=utf-8");
    response.headers.emplace_back("Cache-Control", "no-store");
    AddSecurityHeaders(response);
    return response;
}

http::Response Panel::ErrorPage(const http::Request& request,
                                const Session* session,
                                int status,
                                const std::string& message) const {
    mustache::data context;
    context.set("status", Text(std::to_string(status)));
    context.set("message", Text(message));
    context.set("request_id", Text(request.request_id));
    return Page(request, session, "error", std::move(context), status);
}

http::Response Panel::ErrorPage(const http::Request& request, const Session* session, const Error& error) const {
    return ErrorPage(request, session, http::HttpStatus(error.code), Describe(error));
}

std::string Describe(const Error& error) {
    std::string message = error.message;
    for (const auto& problem : error.details) {
        message.append("; ").append(problem.field).append(": ").append(problem.problem);
    }
    return message;
}

http::Response Panel::Redirect(const std::string& location) const {
    http::Response response = http::Response::Text("", "text/plain", 303);
    response.headers.emplace_back("Location", location);
    AddSecurityHeaders(response);
    return response;
}

void AddSecurityHeaders(http::Response& response, bool allow_inline_styles) {
    response.headers.emplace_back(
        "Content-Security-Policy",
        std::string("default-src 'self'; script-src 'self'; style-src 'self'") +
            (allow_inline_styles ? " 'unsafe-inline'" : "") +
            "; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
            "object-src 'none'");
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.headers.emplace_back("X-Frame-Options", "DENY");
    response.headers.emplace_back("Referrer-Policy", "same-origin");
}

http::Handler WithSession(const Panel& panel, SessionHandler handler) {
    return [&panel, handler = std::move(handler)](http::Request& request) {
        auto session = panel.CurrentSession(request);
        if (!session) {
            if (request.method == "GET") {
                return panel.Redirect("/login?next=" + UrlEncode(request.target));
            }
            return panel.ErrorPage(
                request, nullptr, 401, panel.Label(panel.Language(request, nullptr), "login_needed"));
        }
        return handler(request, *session);
    };
}

http::Handler WithSessionAndCsrf(
    const Panel& panel,
    std::function<http::Response(http::Request&, Session&, std::map<std::string, std::string>&)> handler) {
    return WithSession(panel, [&panel, handler = std::move(handler)](http::Request& request, Session& session) {
        const std::string_view content_type = request.Header("content-type");
        std::map<std::string, std::string> form;
        if (content_type.starts_with("application/x-www-form-urlencoded")) {
            form = FormFields(request);
        } else if (content_type.starts_with("multipart/form-data")) {
            // An upload form: its small fields (the token among them), never the file.
            if (auto parts = http::ParseMultipart(content_type, request.body)) {
                for (const auto& part : *parts) {
                    if (part.filename.empty() && part.body.size() <= 256) {
                        form[part.name] = std::string(part.body);
                    }
                }
            }
        }
        if (!panel.CsrfOk(request, session, form)) {
            return panel.ErrorPage(request, &session, 403, panel.Label(session.record.language, "csrf_refused"));
        }
        return handler(request, session, form);
    });
}

WebPanel::WebPanel(const WebServices& services, const WebConfig& config)
    : panel_(std::make_unique<Panel>(services, config)) {}

WebPanel::~WebPanel() = default;

void WebPanel::Register(http::Router& router) const {
    RegisterSessionRoutes(router, *panel_);
    RegisterSearchPages(router, *panel_);
    RegisterLotPages(router, *panel_);
    RegisterAccountPages(router, *panel_);
    RegisterPartyPages(router, *panel_);
    RegisterLetterPages(router, *panel_);
    RegisterAssets(router);
}

}  // namespace zakupai::web
