#pragma once
// Matching a supplier's price rows to lots: by normalised SKU first (a supplier who lists
// ENSTRU codes as SKUs matches exactly), then by the similarity of Russian names after
// Snowball stemming (Xapian's), so "Бумага офисная А4" finds "Бумаги офисной формата А4".
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace zakupai::ingest {

// Upper-case ASCII letters and digits only; Cyrillic look-alikes (А, В, Е, К, М, Н, О, Р, С,
// Т, Х, У) become their Latin twins, because people type SKUs on either keyboard.
std::string NormalizeSku(std::string_view sku);
// Lower-cased, ё → е, split on non-word characters, stop words and 1-2 letter tokens dropped,
// stemmed; duplicates removed, order kept.
std::vector<std::string> NameStems(std::string_view name);

struct MatchCandidate {
    std::int64_t lot_id = 0;
    std::string title;
    std::string enstru;
};

struct LotMatch {
    std::int64_t lot_id = 0;
    double score = 0;  // 1.0 for an SKU match; the Dice coefficient of the stems otherwise
    std::string kind;  // sku | name
};

class LotMatcher {
public:
    explicit LotMatcher(const std::vector<MatchCandidate>& lots, double threshold = 0.5);
    // Up to `limit` lots, best first.
    std::vector<LotMatch> Match(std::string_view sku, std::string_view name, std::size_t limit = 3) const;

private:
    double threshold_;
    std::vector<std::int64_t> ids_;
    std::vector<std::vector<std::uint32_t>> stems_;  // per lot, sorted stem ids
    std::unordered_map<std::string, std::uint32_t> stem_ids_;
    std::vector<std::vector<std::uint32_t>> postings_;  // stem id -> lot indexes
    std::unordered_multimap<std::string, std::uint32_t> by_sku_;
};

}  // namespace zakupai::ingest
