#include "search/lot_search.hpp"

#include "search/internal/hybrid.hpp"

namespace zakupai::search {

Result<LotPage> LotSearch::Search(const LotQuery& query) const {
    const bool hybrid = query.semantic && !query.text.empty();
    auto results = hybrid ? HybridSearch(index_, semantic_, query) : index_.Search(query);
    if (!results) {
        return Fail(results.error());
    }
    LotPage page;
    page.total = results->total;
    page.total_exact = results->total_exact;
    page.facets = std::move(results->facets);
    page.semantic = query.semantic && query.text.empty() ? "no query text: filters only" : results->semantic;
    std::vector<std::int64_t> ids;
    ids.reserve(results->hits.size());
    for (const auto& hit : results->hits) {
        ids.push_back(hit.id);
    }
    std::size_t i = 0;
    for (auto& lot : lots_.Lots(ids)) {
        // Hits and lots are in the same order; a lot deleted since it was indexed is skipped.
        while (i < results->hits.size() && results->hits[i].id != lot.id) {
            ++i;
        }
        FoundLot found{std::move(lot), 0, {}};
        if (i < results->hits.size()) {
            found.relevance = results->hits[i].relevance;
            found.matched_by = results->hits[i].matched_by;
        }
        page.lots.push_back(std::move(found));
    }
    return page;
}

}  // namespace zakupai::search
