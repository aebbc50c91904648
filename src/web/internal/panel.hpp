#pragma once
// What every page of the panel shares: the session behind a request, the CSRF check, the
// language, and rendering a template inside the layout (web-internal).
#include <functional>
#include <kainjow/mustache.hpp>
#include <map>
#include <optional>
#include <string>

#include "billing/billing_service.hpp"
#include "core/money.hpp"
#include "docs/locale.hpp"
#include "http/message.hpp"
#include "search/lot_search.hpp"
#include "store/web_repository.hpp"
#include "web/web.hpp"

namespace zakupai::web {

namespace mustache = kainjow::mustache;

inline constexpr std::string_view kSessionCookie = "zk_session";
inline constexpr std::string_view kLoginCsrfCookie = "zk_login_csrf";
inline constexpr std::string_view kLanguageCookie = "zk_lang";

struct Session {
    store::WebSessionRecord record;
    billing::Principal principal;
};

// The panel's language (ru | kk) as the document services name it: the enum, and "ru" | "kz"
// where letters and complaints take the original API's code.
docs::Language DocsLanguage(const std::string& language);
std::string DocsCode(const std::string& language);

// "1 234 567,89 ₸" and "12,5 %" as the pages show money and rates.
mustache::data Money(Tiyn amount);
mustache::data Percent(std::int64_t basis_points);

// A mustache value from text. (A string literal passed to mustache::data becomes a bool.)
inline mustache::data Text(const std::string& text) {
    return mustache::data{text};
}

// The value of one cookie from the Cookie header; empty when absent.
std::string CookieValue(const http::Request& request, std::string_view name);
// "name=value; Path=/; HttpOnly; SameSite=Lax[; Secure][; Max-Age=N]".
std::string SetCookie(std::string_view name, std::string_view value, std::int64_t max_age_seconds, bool secure);
// 32 random bytes as hex (OpenSSL's RAND_bytes): session tokens and CSRF tokens.
std::string RandomToken();
std::string Sha256Hex(std::string_view text);
bool ConstantTimeEquals(std::string_view a, std::string_view b);
// An application/x-www-form-urlencoded body (or a query string) as fields.
std::map<std::string, std::string> FormFields(const http::Request& request);
// An error's message followed by each field it names: "… ; price: must be a number".
std::string Describe(const Error& error);
// A query-string value: unreserved characters as they are, the rest percent-encoded.
std::string UrlEncode(std::string_view text);

class Panel {
public:
    Panel(const WebServices& services, const WebConfig& config);

    const WebServices& services() const { return s_; }
    const WebConfig& config() const { return config_; }

    // The request's session, checked against its key (revoked, expired: no session).
    std::optional<Session> CurrentSession(const http::Request& request) const;
    // The token of a state-changing request: the form's `csrf` field or the X-CSRF-Token header.
    bool CsrfOk(const http::Request& request,
                const Session& session,
                const std::map<std::string, std::string>& form) const;
    // ru | kk: the session's choice, else the language cookie, else the browser's first choice.
    std::string Language(const http::Request& request, const Session* session) const;
    bool Secure(const http::Request& request) const;

    // The template inside the layout, with the labels of the language and the session's fields.
    http::Response Page(const http::Request& request,
                        const Session* session,
                        const std::string& name,
                        mustache::data context,
                        int status = 200) const;
    // A piece of a page, for htmx to put in place.
    http::Response Fragment(const http::Request& request,
                            const Session* session,
                            const std::string& name,
                            mustache::data context) const;
    http::Response ErrorPage(const http::Request& request,
                             const Session* session,
                             int status,
                             const std::string& message) const;
    // A domain error's page: its HTTP status, its message and every field it names.
    http::Response ErrorPage(const http::Request& request, const Session* session, const Error& error) const;
    http::Response Redirect(const std::string& location) const;
    // The label `key` in the language (the key itself when missing: a test catches that).
    std::string Label(const std::string& language, const std::string& key) const;

private:
    std::string Render(const std::string& name, const mustache::data& context) const;
    mustache::data Labels(const std::string& language) const;

    WebServices s_;
    WebConfig config_;
    std::map<std::string, std::string, std::less<>> templates_;
    std::map<std::string, std::map<std::string, std::string>> labels_;  // language -> key -> text
};

// A handler that needs a session: without one, GET goes to the login page (coming back after)
// and anything else is a 401 page.
using SessionHandler = std::function<http::Response(http::Request&, Session&)>;
http::Handler WithSession(const Panel& panel, SessionHandler handler);
// The same for POST: also refuses (403) a request whose CSRF token is missing or wrong.
http::Handler WithSessionAndCsrf(
    const Panel& panel,
    std::function<http::Response(http::Request&, Session&, std::map<std::string, std::string>&)> handler);

// Telegram's signed login fields (id, auth_date, hash, ...): the user's Telegram id, or why not
// (a bad signature, older than a day).
Result<std::int64_t> CheckTelegramLogin(const std::map<std::string, std::string>& fields,
                                        std::string_view bot_token,
                                        Instant now);

// Found lots as the result rows of the search page and the lot page's similar lots.
mustache::data LotRows(const Panel& panel,
                       const std::string& language,
                       const std::vector<search::FoundLot>& lots,
                       Instant now);

void RegisterSessionRoutes(http::Router& router, const Panel& panel);
void RegisterSearchPages(http::Router& router, const Panel& panel);
void RegisterLotPages(http::Router& router, const Panel& panel);
void RegisterAccountPages(http::Router& router, const Panel& panel);
void RegisterPartyPages(http::Router& router, const Panel& panel);
void RegisterLetterPages(http::Router& router, const Panel& panel);
// Links to the letters a lot page offers (every template but the complaint).
mustache::data LetterLinks(const Panel& panel, std::int64_t lot_id, const std::string& language);
void RegisterAssets(http::Router& router);

}  // namespace zakupai::web
