#include "ingest/sku_match.hpp"

#include <xapian.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace zakupai::ingest {

namespace {

const std::unordered_set<std::string>& StopWords() {
    static const std::unordered_set<std::string> kWords{
        "для", "или", "при", "под", "над", "без", "это", "все", "так", "как", "что", "шт", "упак", "the", "and"};
    return kWords;
}

}  // namespace

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
    thread_local Xapian::Stem stemmer("russian");
    std::vector<std::string> stems;
    std::string word;
    auto flush = [&]() {
        if (word.empty()) {
            return;
        }
        std::size_t letters = 0;
        for (Xapian::Utf8Iterator it(word), end; it != end; ++it) {
            ++letters;
        }
        if (letters >= 3 && !StopWords().contains(word)) {
            // Stemming is the costly part of matching and names reuse few words: remember them.
            thread_local std::unordered_map<std::string, std::string> cache;
            auto cached = cache.find(word);
            if (cached == cache.end()) {
                if (cache.size() > 200'000) {
                    cache.clear();
                }
                cached = cache.emplace(word, stemmer(word)).first;
            }
            const std::string& stem = cached->second;
            if (std::find(stems.begin(), stems.end(), stem) == stems.end()) {
                stems.push_back(stem);
            }
        } else if (letters >= 1 && std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            // Short numbers carry meaning in names ("А4", "92"): kept as they are.
            if (std::find(stems.begin(), stems.end(), word) == stems.end()) {
                stems.push_back(word);
            }
        }
        word.clear();
    };
    for (Xapian::Utf8Iterator it(name.data(), name.size()), end; it != end; ++it) {
        unsigned ch = *it;
        if (Xapian::Unicode::is_wordchar(ch)) {
            ch = Xapian::Unicode::tolower(ch);
            if (ch == 0x0451) {
                ch = 0x0435;  // ё -> е: written both ways
            }
            Xapian::Unicode::append_utf8(word, ch);
        } else {
            flush();
        }
    }
    flush();
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
