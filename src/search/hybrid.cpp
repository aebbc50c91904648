#include "search/internal/hybrid.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <unordered_map>

namespace zakupai::search {

namespace {

constexpr double kRankConstant = 60;  // Cormack et al.'s k: damps the head of each list
// Below this cosine a neighbour is noise rather than a lot about the same thing.
constexpr float kMinSimilarity = 0.35F;

}  // namespace

Result<LotResults> HybridSearch(const LotIndex& index, const SemanticIndex& semantic, const LotQuery& query) {
    assert(query.sort == SortBy::kRelevance);
    LotQuery words = query;
    words.offset = 0;
    // Deep pages read further down the words' list, so every lot it has can be reached.
    words.limit = std::max(kFusionDepth, query.offset + query.limit);
    auto text = index.Search(words);
    if (!text) {
        return Fail(text.error());
    }
    LotResults out;
    out.facets = std::move(text->facets);
    out.total_exact = text->total_exact;
    auto neighbours = semantic.NearestLots(query.text, kFusionDepth);
    std::vector<std::int64_t> by_meaning;
    if (!neighbours) {
        out.semantic = neighbours.error().message;
    } else {
        out.semantic = "on";
        std::vector<std::int64_t> candidates;
        for (const auto& n : *neighbours) {
            if (n.score >= kMinSimilarity) {
                candidates.push_back(n.id);
            }
        }
        if (!candidates.empty()) {
            // The filters and exclusion words hold for lots found by meaning too.
            LotQuery filters = query;
            filters.text.clear();
            filters.only_ids = candidates;
            filters.offset = 0;
            filters.limit = static_cast<int>(candidates.size());
            filters.facets = false;
            auto allowed = index.Search(filters);
            if (!allowed) {
                return Fail(allowed.error());
            }
            std::unordered_map<std::int64_t, bool> ok;
            for (const auto& hit : allowed->hits) {
                ok[hit.id] = true;
            }
            for (auto id : candidates) {
                if (ok.contains(id)) {
                    by_meaning.push_back(id);
                }
            }
        }
    }
    struct Fused {
        double score = 0;
        bool text = false;
        bool meaning = false;
    };
    std::unordered_map<std::int64_t, Fused> fused;
    for (std::size_t rank = 0; rank < text->hits.size(); ++rank) {
        auto& f = fused[text->hits[rank].id];
        f.score += 1.0 / (kRankConstant + static_cast<double>(rank + 1));
        f.text = true;
    }
    for (std::size_t rank = 0; rank < by_meaning.size(); ++rank) {
        auto& f = fused[by_meaning[rank]];
        f.score += 1.0 / (kRankConstant + static_cast<double>(rank + 1));
        f.meaning = true;
    }
    std::vector<std::pair<std::int64_t, Fused>> ranked(fused.begin(), fused.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.second.score != b.second.score ? a.second.score > b.second.score : a.first > b.first;
    });
    // Lots matched only by words beyond the fusion depth still count toward the total.
    std::int64_t only_meaning = 0;
    for (const auto& [id, f] : ranked) {
        only_meaning += f.meaning && !f.text ? 1 : 0;
    }
    out.total = text->total + only_meaning;
    const double top = ranked.empty() ? 1 : ranked.front().second.score;
    const auto from = std::min(ranked.size(), static_cast<std::size_t>(query.offset));
    const auto to = std::min(ranked.size(), from + static_cast<std::size_t>(query.limit));
    for (auto i = from; i < to; ++i) {
        const auto& [id, f] = ranked[i];
        out.hits.push_back(LotHit{id,
                                  std::round(100.0 * f.score / top),
                                  f.text && f.meaning ? "both"
                                  : f.text            ? "text"
                                                      : "meaning"});
    }
    return out;
}

}  // namespace zakupai::search
