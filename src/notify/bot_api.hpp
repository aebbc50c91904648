#pragma once
// The Telegram Bot API over HTTPS: one call is a JSON POST to <api_url>/bot<token>/<method>,
// answered by {"ok": true, "result": ...} or {"ok": false, "error_code", "description",
// "parameters": {"retry_after", "migrate_to_chat_id"}}. The token is part of the transport's
// base URL and never appears in a log line or an error.
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/transport.hpp"
#include "store/notify_repository.hpp"

namespace zakupai::notify {

struct BotReply {
    bool ok = false;
    int error_code = 0;  // Telegram's, or the HTTP status; 0 when nothing answered
    std::string description;
    std::optional<int> retry_after;                  // 429
    std::optional<std::int64_t> migrate_to_chat_id;  // a group that became a supergroup
    boost::json::value result;

    // Nothing answered, or the server failed: the same call may succeed later.
    bool Outage() const { return error_code == 0 || error_code >= 500; }
    // "Forbidden: bot was blocked by the user", or kicked from the group.
    bool Blocked() const { return error_code == 403; }
};

class BotApi {
public:
    explicit BotApi(net::Transport& transport) : transport_(transport) {}

    // sendDocument's body carries its file as notify::AttachmentJson and goes as multipart.
    BotReply Call(const std::string& method, const std::string& json_body);
    // Long polling: updates after `offset`, waiting up to `timeout_s` for one.
    BotReply GetUpdates(std::int64_t offset, int timeout_s);

private:
    net::Transport& transport_;
};

// The updates in a getUpdates result, each with its id and its JSON as received. Items that are
// not objects with an integer update_id are left out.
std::vector<store::PendingUpdate> ReadUpdates(const boost::json::value& result);

}  // namespace zakupai::notify
