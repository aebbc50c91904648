#include "notify/telegram_text.hpp"

namespace zakupai::notify {

namespace {

bool IsContinuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

// UTF-16 units of the character starting at `lead`: two for a 4-byte sequence.
std::size_t Units(unsigned char lead) {
    return lead >= 0xF0 ? 2 : 1;
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::size_t TelegramLength(std::string_view utf8) {
    std::size_t n = 0;
    for (char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        if (!IsContinuation(u)) {
            n += Units(u);
        }
    }
    return n;
}

std::vector<std::string> SplitMessage(std::string_view text, std::size_t limit) {
    std::vector<std::string> parts;
    while (!text.empty()) {
        // The byte where `limit` characters end.
        std::size_t units = 0;
        std::size_t end = 0;
        while (end < text.size()) {
            const auto u = static_cast<unsigned char>(text[end]);
            if (units + Units(u) > limit) {
                break;
            }
            units += Units(u);
            ++end;
            while (end < text.size() && IsContinuation(static_cast<unsigned char>(text[end]))) {
                ++end;
            }
        }
        if (end == text.size()) {
            parts.emplace_back(text);
            break;
        }
        std::size_t cut = text.rfind('\n', end);
        if (cut == std::string_view::npos || cut == 0) {
            cut = text.rfind(' ', end);
        }
        if (cut == std::string_view::npos || cut == 0) {
            cut = end;
        }
        parts.emplace_back(text.substr(0, cut));
        text.remove_prefix(cut);
        while (!text.empty() && (text.front() == '\n' || text.front() == ' ')) {
            text.remove_prefix(1);
        }
    }
    return parts;
}

std::string Clip(std::string_view text, std::size_t limit) {
    if (TelegramLength(text) <= limit) {
        return std::string(text);
    }
    const auto parts = SplitMessage(text, limit - 1);
    return parts.front() + "…";
}

}  // namespace zakupai::notify
