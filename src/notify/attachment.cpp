#include "notify/attachment.hpp"

#include <openssl/evp.h>

#include <boost/json.hpp>

namespace zakupai::notify {

namespace json = boost::json;

std::string Base64Encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(bytes.data()),
                                        static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::string out(3 * (text.size() / 4), '\0');
    const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(text.data()),
                                        static_cast<int>(text.size()));
    if (written < 0) {
        return std::nullopt;
    }
    // EVP_DecodeBlock counts the padding as zero bytes.
    std::size_t size = static_cast<std::size_t>(written);
    for (std::size_t i = text.size(); i > 0 && text[i - 1] == '=' && size > 0; --i) {
        --size;
    }
    out.resize(size);
    return out;
}

json::object AttachmentJson(const Attachment& file) {
    return json::object{
        {"filename", file.filename}, {"content_type", file.content_type}, {"base64", Base64Encode(file.bytes)}};
}

std::optional<Attachment> ReadAttachment(const json::object& stored) {
    const auto* filename = stored.if_contains("filename");
    const auto* type = stored.if_contains("content_type");
    const auto* data = stored.if_contains("base64");
    if (filename == nullptr || !filename->is_string() || filename->get_string().empty() || type == nullptr ||
        !type->is_string() || data == nullptr || !data->is_string()) {
        return std::nullopt;
    }
    auto bytes = Base64Decode(data->get_string());
    if (!bytes || bytes->empty() || bytes->size() > kMaxAttachmentBytes) {
        return std::nullopt;
    }
    return Attachment{std::string(filename->get_string()), std::string(type->get_string()), std::move(*bytes)};
}

}  // namespace zakupai::notify
