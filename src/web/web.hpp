#pragma once
// The supplier's web panel, served by `zakupai serve`: server-rendered pages (mustache
// templates, Russian and Kazakh) on the same typed domain services the API and the bot call,
// with htmx for the parts that update in place (autocomplete, the lot's questions) and uPlot
// for charts, both served from the binary. Sessions are cookies exchanged for an API key.
#include <chrono>
#include <memory>
#include <string>

#include "core/time.hpp"
#include "docs/render.hpp"
#include "http/router.hpp"

namespace zakupai {
namespace billing {
class BillingService;
}
namespace calc {
struct RuleBook;
}
namespace docs {
class TldrService;
class ComplaintService;
class LetterTemplates;
}  // namespace docs
namespace ingest {
class ImportService;
}
namespace llm {
class AskService;
}
namespace risk {
class RiskService;
}
namespace search {
class LotSearch;
}
namespace store {
class WebRepository;
class SearchRepository;
class ImportRepository;
class NotifyRepository;
}  // namespace store
}  // namespace zakupai

namespace zakupai::web {

struct WebServices {
    billing::BillingService& billing;
    store::WebRepository& sessions;
    store::SearchRepository& saved_searches;
    search::LotSearch& search;
    docs::TldrService& tldr;
    risk::RiskService& risk;
    docs::ComplaintService& complaints;
    const docs::LetterTemplates& letters;
    llm::AskService& ask;
    ingest::ImportService& imports;
    store::ImportRepository& uploads;
    store::NotifyRepository& notify;  // the bot's chats and subscriptions ("alert me")
    const calc::RuleBook& rules;
    const Clock& clock;
    int max_subscriptions = 50;  // per chat, as the bot's /subscribe
};

struct WebConfig {
    std::chrono::hours session_ttl{24 * 7};
    // Cookies marked Secure: set when the panel is reached over TLS (a proxy in front says so by
    // X-Forwarded-Proto: https; such a request gets Secure cookies regardless).
    bool secure_cookies = false;
    docs::RenderLimits render_limits{};
    std::size_t max_upload_bytes = std::size_t{20} * 1024 * 1024;
    // Telegram login (the bot's login_url button, or the widget's redirect): the bot's token
    // checks the signature. Empty: no Telegram login.
    std::string telegram_bot_token;
};

class Panel;

// GET / and /login, POST /login, /logout, /logout-all, the pages under /app/, the static files
// under /static/ and Swagger UI at /docs. Every route is public to the API's key check: the
// panel authenticates by its session cookie and checks a CSRF token on every POST. The routes
// refer to this object: it must outlive the server.
class WebPanel {
public:
    WebPanel(const WebServices& services, const WebConfig& config);
    ~WebPanel();
    WebPanel(const WebPanel&) = delete;
    WebPanel& operator=(const WebPanel&) = delete;
    void Register(http::Router& router) const;

private:
    std::unique_ptr<Panel> panel_;
};

// The security headers every panel answer carries (CSP without inline scripts, no framing,
// no sniffing, same-origin referrers).
void AddSecurityHeaders(http::Response& response, bool allow_inline_styles = false);

}  // namespace zakupai::web
