#pragma once
// Who could supply this? Suppliers who won, bid on, signed a contract for, or quoted in a price
// list lots like the one described — found by words and by meaning — ranked by how close those
// lots are and by their track record, each with the lots that made it match.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/money.hpp"
#include "search/lot_index.hpp"
#include "search/semantic_index.hpp"
#include "store/search_repository.hpp"

namespace zakupai::search {

struct SupplierQuery {
    std::string text;
    std::string region;  // the supplier's region or where it delivered, as a prefix (case folded)
    std::optional<Tiyn> min_budget;
    std::optional<Tiyn> max_budget;
    std::vector<std::string> kinds;  // winner, bid, contract, price_list; empty = all
    int limit = 10;
};

struct MatchedLot {
    std::int64_t lot_id = 0;
    std::string title;
    std::string region;
    std::string kind;  // winner | bid | contract | price_list
    Tiyn amount = 0;
    double similarity = 0;  // 0..1
};

struct SupplierMatch {
    store::SupplierProfile profile;
    double similarity = 0;         // of the closest lot, 0..1
    double track_record = 0;       // wins and contracts, 0..1
    double score = 0;              // 0..1, what the list is sorted by
    Tiyn typical_amount = 0;       // median of the matched amounts
    std::vector<MatchedLot> lots;  // the closest first, at most 3
    std::string why;               // in Russian, for people
};

struct SupplierResults {
    std::vector<SupplierMatch> suppliers;
    std::int64_t total = 0;
    std::vector<std::string> sources_used;
    std::string semantic;  // "on", or why meaning was not used
};

class SupplierFinder {
public:
    SupplierFinder(const LotIndex& index, const SemanticIndex& semantic, store::SearchRepository& repository)
        : index_(index), semantic_(semantic), repository_(repository) {}
    Result<SupplierResults> Find(const SupplierQuery& query) const;

private:
    const LotIndex& index_;
    const SemanticIndex& semantic_;
    store::SearchRepository& repository_;
};

}  // namespace zakupai::search
