#pragma once
// The bot's conversation: one update in, the replies written to the outbox (never sent from
// here). Commands in Russian and Kazakh, by the user's Telegram language until /lang changes it:
// /start, /help, /lang, /key, /lot, /search, /rnu, /ask, /subscribe, /subscriptions,
// /complaint, and the inline buttons they show. It calls the same typed domain services the HTTP API calls.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/time.hpp"
#include "docs/locale.hpp"
#include "docs/render.hpp"
#include "search/lot_index.hpp"
#include "store/notify_repository.hpp"

namespace zakupai {
namespace billing {
class BillingService;
}
namespace docs {
class TldrService;
class ComplaintService;
}  // namespace docs
namespace search {
class LotSearch;
}
namespace ingest {
class RnuService;
}
namespace risk {
class RiskService;
}
namespace llm {
class AskService;
}
}  // namespace zakupai

namespace zakupai::notify {

struct BotServices {
    store::NotifyRepository& repository;
    billing::BillingService& billing;
    docs::TldrService& tldr;
    risk::RiskService& risk;
    search::LotSearch& search;
    ingest::RnuService& rnu;
    llm::AskService& ask;
    docs::ComplaintService& complaints;
    const Clock& clock;
    int max_subscriptions = 50;
    docs::RenderLimits render_limits{};
    std::string web_login_url;  // <panel>/login/telegram, or empty (no login button)
};

// One inline keyboard button: its label and its callback data (at most 64 bytes), or a
// login_url that opens the web panel logged in as the user (Telegram signs the redirect).
struct Button {
    Button(std::string label, std::string callback, std::string url = "")
        : text(std::move(label)), data(std::move(callback)), login_url(std::move(url)) {}
    std::string text;
    std::string data;
    std::string login_url;
};

// A sendMessage call's JSON body: HTML text, no link previews, buttons in rows.
std::string MessageBody(std::int64_t chat_id,
                        const std::string& html,
                        const std::vector<std::vector<Button>>& keyboard = {});

// Words, -exclusions and filters as a search takes them: "бумага А4 -картридж регион:75
// способ:auction от:100000 до:5000000" (amounts in tenge; Kazakh names өңір, тәсіл, бастап,
// дейін). 422 naming the filter whose value is not one.
Result<search::LotQuery> WordsQuery(const std::string& words);

class Bot {
public:
    explicit Bot(BotServices services) : s_(std::move(services)) {}
    // Never throws for a payload, however malformed: an update that cannot be understood is
    // logged and answered with help when it came from a chat. False when an outage (the
    // database) stopped it: the update is tried again.
    bool Handle(const store::PendingUpdate& update);

private:
    struct Context;
    void OnMessage(Context& c, const std::string& text);
    void OnCallback(Context& c, const std::string& data);
    void Start(Context& c);
    void Help(Context& c);
    void Language(Context& c, const std::string& argument);
    void Key(Context& c);
    void Lot(Context& c, const std::string& argument);
    void RiskDetails(Context& c, std::int64_t lot_id);
    void Search(Context& c, const std::string& words, int offset);
    void Rnu(Context& c, const std::string& argument);
    void Ask(Context& c, const std::string& question);
    void Subscribe(Context& c, const std::string& argument);
    void ListSubscriptions(Context& c);
    void Quiet(Context& c, const std::string& argument);
    void Digest(Context& c, const std::string& argument);
    void Complaint(Context& c, const std::string& argument);
    void ComplaintFile(Context& c, std::int64_t lot_id, const std::string& reason, bool pdf);
    void Reply(Context& c, const std::string& html, const std::vector<std::vector<Button>>& keyboard = {});

    BotServices s_;
};

}  // namespace zakupai::notify
