#pragma once
// What Telegram accepts: HTML with <, > and & escaped (lot titles are full of the characters
// MarkdownV2 would need escaped), at most 4,096 characters a message, callback data of at most
// 64 bytes.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zakupai::notify {

inline constexpr std::size_t kMaxMessageCharacters = 4096;
inline constexpr std::size_t kMaxCallbackBytes = 64;

std::string EscapeHtml(std::string_view text);

// Characters as Telegram counts them (UTF-16 code units).
std::size_t TelegramLength(std::string_view utf8);

// Splits a message into parts of at most `limit` characters: at a line break when there is one
// in the part, else at a space, else between two characters (never inside one). Lines are kept
// whole where they fit, so a tag opened on a line is closed in the same part.
std::vector<std::string> SplitMessage(std::string_view text, std::size_t limit = kMaxMessageCharacters);

// The first `limit` characters, cut at a word end with "…" when cut (a card's title line).
std::string Clip(std::string_view text, std::size_t limit);

}  // namespace zakupai::notify
