#include "ingest/internal/sku_match.hpp"

#include <xapian.h>

#include <algorithm>
#include <unordered_map>

#include "text/text.hpp"

namespace zakupai::ingest {

std::string NormalizeSku(std::string_view sku) {
    std::string out;
    for (Xapian::Utf8Iterator it(sku.data(), sku.size()), end; it != end; ++it) {
        unsigned ch = Xapian::Unicode::toupper(*it);
        switch (ch) {
            case 0x0410:
                ch = 'A';
                break;
            case 0x0412:
                ch = 'B';
                break;
            case 0x0415:
                ch = 'E';
                break;
            case 0x041A:
                ch = 'K';
                break;
            case 0x041C:
                ch = 'M';
                break;
            case 0x041D:
                ch = 'H';
                break;
            case 0x041E:
                ch = 'O';
                break;
            case 0x0420:
                ch = 'P';
                break;
            case 0x0421:
                ch = 'C';
                break;
            case 0x0422:
                ch = 'T';
                break;
            case 0x0425:
                ch = 'X';
                break;
            case 0x0423:
                ch = 'Y';
                break;
            default:
                break;
        }
        if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) {
            out += static_cast<char>(ch);
        } else if (ch > 0x7F && Xapian::Unicode::is_wordchar(ch)) {
            Xapian::Unicode::append_utf8(out, ch);
        }
    }
    return out;
}

std::vector<std::string> NameStems(std::string_view name) {
    std::vector<std::string> stems;
    for (auto& word : text::Words(name)) {
        const bool digits = std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (text::Length(word) >= 3 && !text::IsStopWord(word)) {
            // Stemming is the costly part of matching and names reuse few words: remember them.
            thread_local std::unordered_map<std::string, std::string> cache;
            auto cached = cache.find(word);
            if (cached == cache.end()) {
                if (cache.size() > 200'000) {
                    cache.clear();
                }
                cached = cache.emplace(word, text::Stem(word)).first;
            }
            if (std::find(stems.begin(), stems.end(), cached->second) == stems.end()) {
                stems.push_back(cached->second);
            }
        } else if (digits && std::find(stems.begin(), stems.end(), word) == stems.end()) {
            // Short numbers carry meaning in names ("А4", "92"): kept as they are.
            stems.push_back(std::move(word));
        }
    }
    return stems;
}

LotMatcher::LotMatcher(const std::vector<MatchCandidate>& lots, double threshold) : threshold_(threshold) {
    ids_.reserve(lots.size());
    stems_.reserve(lots.size());
    for (const auto& lot : lots) {
        const auto index = static_cast<std::uint32_t>(ids_.size());
        ids_.push_back(lot.lot_id);
        std::vector<std::uint32_t> ids;
        for (const auto& stem : NameStems(lot.title)) {
            auto [it, inserted] = stem_ids_.emplace(stem, static_cast<std::uint32_t>(postings_.size()));
            if (inserted) {
                postings_.emplace_back();
            }
            ids.push_back(it->second);
            postings_[it->second].push_back(index);
        }
        std::sort(ids.begin(), ids.end());
        stems_.push_back(std::move(ids));
        if (auto sku = NormalizeSku(lot.enstru); !sku.empty()) {
            by_sku_.emplace(std::move(sku), index);
        }
    }
}

std::vector<LotMatch> LotMatcher::Match(std::string_view sku, std::string_view name, std::size_t limit) const {
    std::vector<LotMatch> out;
    if (const auto normalized = NormalizeSku(sku); !normalized.empty()) {
        auto [begin, end] = by_sku_.equal_range(normalized);
        for (auto it = begin; it != end && out.size() < limit; ++it) {
            out.push_back({ids_[it->second], 1.0, "sku"});
        }
        if (!out.empty()) {
            return out;
        }
    }
    const auto name_stems = NameStems(name);
    std::vector<std::uint32_t> query;
    for (const auto& stem : name_stems) {
        if (auto it = stem_ids_.find(stem); it != stem_ids_.end()) {
            query.push_back(it->second);
        }
    }
    if (query.empty()) {
        return out;
    }
    const std::size_t query_size = name_stems.size();
    std::sort(query.begin(), query.end());
    // Candidates come from the rarest shared stem only, at most 256 of them: the cost per row
    // stays bounded whatever the lots hold, and a name that shares only common words with a
    // lot would not pass the threshold anyway.
    const auto rarest = *std::min_element(
        query.begin(), query.end(), [&](auto a, auto b) { return postings_[a].size() < postings_[b].size(); });
    const auto& candidates = postings_[rarest];
    const std::size_t considered = std::min<std::size_t>(candidates.size(), 256);
    std::vector<LotMatch> scored;
    for (std::size_t i = 0; i < considered; ++i) {
        const auto& lot_stems = stems_[candidates[i]];
        std::size_t common = 0;
        auto a = query.begin();
        auto b = lot_stems.begin();
        while (a != query.end() && b != lot_stems.end()) {
            if (*a < *b) {
                ++a;
            } else if (*b < *a) {
                ++b;
            } else {
                ++common;
                ++a;
                ++b;
            }
        }
        const double dice = 2.0 * static_cast<double>(common) / static_cast<double>(query_size + lot_stems.size());
        if (dice >= threshold_) {
            scored.push_back({ids_[candidates[i]], dice, "name"});
        }
    }
    std::sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) {
        return x.score != y.score ? x.score > y.score : x.lot_id < y.lot_id;
    });
    if (scored.size() > limit) {
        scored.resize(limit);
    }
    return scored;
}

}  // namespace zakupai::ingest
