#pragma once
// Full-text and meaning together: the words' ranking and the vectors' ranking fused by
// reciprocal rank fusion (Σ 1 / (60 + rank)), so a lot that says "бумага для принтера" is found
// for "листы А4 для печати" and a lot with every word still comes first.
#include "search/lot_index.hpp"
#include "search/semantic_index.hpp"

namespace zakupai::search {

// How many of each list take part in the fusion: deep enough for ten pages of ten.
inline constexpr int kFusionDepth = 200;

// Same query, same filters; sorted by fused relevance only. When the semantic index is not
// ready the full-text results come back alone and `semantic` says why.
Result<LotResults> HybridSearch(const LotIndex& index, const SemanticIndex& semantic, const LotQuery& query);

}  // namespace zakupai::search
