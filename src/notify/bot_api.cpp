#include "notify/bot_api.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "notify/attachment.hpp"

namespace zakupai::notify {

namespace json = boost::json;

namespace {

// sendDocument's JSON body with its stored file, as the form Telegram takes for an upload: the
// scalar fields as text parts, the file as the "document" part. Nullopt for a body that is not.
std::optional<std::vector<net::FormPart>> DocumentForm(const std::string& json_body) {
    boost::system::error_code ec;
    const json::value parsed = json::parse(json_body, ec);
    const auto* object = ec ? nullptr : parsed.if_object();
    const auto* document = object != nullptr ? object->if_contains("document") : nullptr;
    if (document == nullptr || !document->is_object()) {
        return std::nullopt;
    }
    auto file = ReadAttachment(document->get_object());
    if (!file) {
        return std::nullopt;
    }
    std::vector<net::FormPart> parts;
    for (const auto& [name, value] : *object) {
        if (name == "document") {
            continue;
        }
        parts.push_back(
            {std::string(name), value.is_string() ? std::string(value.get_string()) : json::serialize(value), "", ""});
    }
    parts.push_back({"document", std::move(file->bytes), file->filename, file->content_type});
    return parts;
}

}  // namespace

BotReply BotApi::Call(const std::string& method, const std::string& json_body) {
    BotReply reply;
    net::TransportResult answer;
    if (method == "sendDocument") {
        auto form = DocumentForm(json_body);
        if (!form) {
            reply.error_code = 400;
            reply.description = "sendDocument without a readable document";
            return reply;
        }
        answer = transport_.PostForm("/" + method, *form);
    } else {
        answer = transport_.PostJson("/" + method, json_body);
    }
    if (!answer) {
        reply.description = answer.error().kind + ": " + answer.error().message;
        return reply;
    }
    boost::system::error_code ec;
    json::value parsed = json::parse(answer->body, ec);
    const auto* object = ec ? nullptr : parsed.if_object();
    if (object == nullptr) {
        reply.error_code = answer->status >= 400 ? answer->status : 502;
        reply.description = "not a Bot API answer (HTTP " + std::to_string(answer->status) + ")";
        return reply;
    }
    const auto* ok = object->if_contains("ok");
    reply.ok = ok != nullptr && ok->is_bool() && ok->get_bool() && answer->status == 200;
    if (reply.ok) {
        if (const auto* result = object->if_contains("result")) {
            reply.result = *result;
        }
        return reply;
    }
    reply.error_code = answer->status;
    if (const auto* code = object->if_contains("error_code"); code != nullptr && code->is_int64()) {
        reply.error_code = static_cast<int>(code->get_int64());
    }
    if (const auto* text = object->if_contains("description"); text != nullptr && text->is_string()) {
        reply.description = std::string(text->get_string());
    }
    if (const auto* parameters = object->if_contains("parameters"); parameters != nullptr && parameters->is_object()) {
        const auto& p = parameters->get_object();
        if (const auto* after = p.if_contains("retry_after"); after != nullptr && after->is_int64()) {
            reply.retry_after = static_cast<int>(std::clamp<std::int64_t>(after->get_int64(), 0, 3600));
        }
        if (const auto* to = p.if_contains("migrate_to_chat_id"); to != nullptr && to->is_int64()) {
            reply.migrate_to_chat_id = to->get_int64();
        }
    }
    if (!reply.retry_after && answer->retry_after_seconds) {
        reply.retry_after = answer->retry_after_seconds;
    }
    return reply;
}

BotReply BotApi::GetUpdates(std::int64_t offset, int timeout_s) {
    json::object body{{"timeout", timeout_s},
                      {"allowed_updates", json::array{"message", "callback_query", "my_chat_member"}}};
    if (offset > 0) {
        body["offset"] = offset;
    }
    return Call("getUpdates", json::serialize(body));
}

std::vector<store::PendingUpdate> ReadUpdates(const json::value& result) {
    std::vector<store::PendingUpdate> out;
    const auto* items = result.if_array();
    if (items == nullptr) {
        return out;
    }
    for (const auto& item : *items) {
        const auto* object = item.if_object();
        const auto* id = object != nullptr ? object->if_contains("update_id") : nullptr;
        if (id != nullptr && id->is_int64() && id->get_int64() >= 0) {
            out.push_back({id->get_int64(), json::serialize(item)});
        }
    }
    return out;
}

}  // namespace zakupai::notify
