#pragma once
// A file the bot sends (a complaint PDF, a DOCX to edit). It is rendered when the user asks
// and kept in the outbox row, base64 in the JSON body, so a restart or a retry sends the same
// bytes; the sender turns it into a multipart sendDocument.
#include <boost/json/object.hpp>
#include <optional>
#include <string>

namespace zakupai::notify {

// Telegram's limit for a bot's upload is 50 MB; our documents are a few dozen kilobytes, so a
// larger one is a bug in a renderer, refused before it is stored.
inline constexpr std::size_t kMaxAttachmentBytes = std::size_t{10} * 1024 * 1024;

struct Attachment {
    std::string filename;
    std::string content_type;
    std::string bytes;
};

boost::json::object AttachmentJson(const Attachment& file);
// Nullopt when the stored object is not one AttachmentJson wrote.
std::optional<Attachment> ReadAttachment(const boost::json::object& stored);

std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace zakupai::notify
