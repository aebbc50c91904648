#pragma once
// A lot search as a supplier sees it: the index's hits (by words, or by words and meaning
// fused) with each lot's stored fields, in the hits' order. What the API, the bot and the web
// panel all run.
#include <map>
#include <string>
#include <vector>

#include "search/lot_index.hpp"
#include "search/semantic_index.hpp"
#include "store/search_repository.hpp"

namespace zakupai::search {

struct FoundLot {
    store::IndexableLot lot;
    double relevance = 0;    // percent, 0 when not sorted by relevance
    std::string matched_by;  // hybrid search only: text | meaning | both
};

struct LotPage {
    std::vector<FoundLot> lots;  // a lot deleted since it was indexed is left out
    std::int64_t total = 0;
    bool total_exact = true;
    std::map<std::string, std::map<std::string, std::int64_t>> facets;
    std::string semantic;  // with query.semantic: "on", or why meaning was not used
};

class LotSearch {
public:
    LotSearch(const LotIndex& index, const SemanticIndex& semantic, store::SearchRepository& lots)
        : index_(index), semantic_(semantic), lots_(lots) {}
    // 422 naming `query` when the text cannot be parsed.
    Result<LotPage> Search(const LotQuery& query) const;
    std::vector<Suggestion> Suggest(const std::string& prefix, std::size_t limit) const {
        return index_.Suggest(prefix, limit);
    }

private:
    const LotIndex& index_;
    const SemanticIndex& semantic_;
    store::SearchRepository& lots_;
};

}  // namespace zakupai::search
