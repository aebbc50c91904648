#include "search/supplier_finder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "text/text.hpp"

namespace zakupai::search {

namespace {

constexpr int kCandidateLots = 200;
constexpr float kMinSimilarity = 0.45F;  // stricter than search: a supplier is a bigger claim
// Xapian's percent for a lot sharing only a common word with the query is low: leave those out.
constexpr double kMinTextPercent = 30;
// A supplier's track record saturates at this many wins and contracts together.
constexpr double kProvenDeliveries = 20;
constexpr double kSimilarityWeight = 0.7;
// A supplier in the unreliable suppliers register is listed (a buyer should know) but last.
constexpr double kRnuPenalty = 0.1;

const char* KindInRussian(const std::string& kind) {
    if (kind == "winner") {
        return "победитель";
    }
    if (kind == "contract") {
        return "договор";
    }
    if (kind == "price_list") {
        return "прайс-лист";
    }
    return "заявка";
}

bool RegionMatches(const std::string& value, const std::string& wanted_folded) {
    return !value.empty() && text::Fold(value).find(wanted_folded) != std::string::npos;
}

}  // namespace

Result<SupplierResults> SupplierFinder::Find(const SupplierQuery& query) const {
    // Lots like the one described: by words (Xapian's percent) and by meaning (cosine).
    std::unordered_map<std::int64_t, double> similarity;
    // Any of the words: a supplier of "бумага А4" is a candidate for "бумага для принтера".
    LotQuery words;
    words.text = query.text;
    words.match_any = true;
    words.limit = kCandidateLots;
    words.facets = false;
    auto text = index_.Search(words);
    if (!text) {
        return Fail(text.error());
    }
    for (const auto& hit : text->hits) {
        if (hit.relevance >= kMinTextPercent) {
            similarity[hit.id] = hit.relevance / 100.0;
        }
    }
    SupplierResults out;
    auto neighbours = semantic_.NearestLots(query.text, kCandidateLots);
    if (neighbours) {
        out.semantic = "on";
        for (const auto& n : *neighbours) {
            if (n.score >= kMinSimilarity) {
                auto& s = similarity[n.id];
                s = std::max(s, static_cast<double>(n.score));
            }
        }
    } else {
        out.semantic = neighbours.error().message;
    }
    std::vector<std::int64_t> lot_ids;
    lot_ids.reserve(similarity.size());
    for (const auto& [id, s] : similarity) {
        lot_ids.push_back(id);
    }
    std::unordered_map<std::int64_t, store::IndexableLot> lots;
    for (auto& lot : repository_.Lots(lot_ids)) {
        lots.emplace(lot.id, std::move(lot));
    }

    std::map<std::string, std::vector<MatchedLot>> by_supplier;
    std::map<std::string, bool> sources;
    for (const auto& link : repository_.SupplierLinks(lot_ids)) {
        if (!query.kinds.empty() && std::find(query.kinds.begin(), query.kinds.end(), link.kind) == query.kinds.end()) {
            continue;
        }
        // The budget is about what the supplier delivered for: amounts outside it do not count.
        if ((query.min_budget && link.amount < *query.min_budget) ||
            (query.max_budget && link.amount > *query.max_budget)) {
            continue;
        }
        const auto lot = lots.find(link.lot_id);
        by_supplier[link.supplier_bin].push_back(MatchedLot{link.lot_id,
                                                            lot != lots.end() ? lot->second.title : "",
                                                            lot != lots.end() ? lot->second.region : "",
                                                            link.kind,
                                                            link.amount,
                                                            similarity[link.lot_id]});
        sources[link.kind] = true;
    }
    std::vector<std::string> bins;
    bins.reserve(by_supplier.size());
    for (const auto& [bin, matched] : by_supplier) {
        bins.push_back(bin);
    }
    const std::string region = text::Fold(query.region);
    for (auto& profile : repository_.SupplierProfiles(bins)) {
        auto& matched = by_supplier[profile.bin];
        if (!region.empty() && !RegionMatches(profile.region, region) &&
            std::none_of(
                matched.begin(), matched.end(), [&](const MatchedLot& m) { return RegionMatches(m.region, region); })) {
            continue;
        }
        // Deliveries in the asked-for region first: they are the evidence the buyer wants to see.
        std::sort(matched.begin(), matched.end(), [&](const MatchedLot& a, const MatchedLot& b) {
            const bool a_here = !region.empty() && RegionMatches(a.region, region);
            const bool b_here = !region.empty() && RegionMatches(b.region, region);
            if (a_here != b_here) {
                return a_here;
            }
            return a.similarity != b.similarity ? a.similarity > b.similarity : a.lot_id < b.lot_id;
        });
        SupplierMatch m;
        m.profile = profile;
        // The closest lot, plus a little for each further one: many similar deliveries beat one.
        m.similarity = std::max_element(matched.begin(), matched.end(), [](const MatchedLot& a, const MatchedLot& b) {
                           return a.similarity < b.similarity;
                       })->similarity;
        const double breadth = std::min(0.1, 0.02 * static_cast<double>(matched.size() - 1));
        m.track_record = std::min(
            1.0, std::log1p(static_cast<double>(profile.wins + profile.contracts)) / std::log1p(kProvenDeliveries));
        m.score = kSimilarityWeight * std::min(1.0, m.similarity + breadth) + (1 - kSimilarityWeight) * m.track_record;
        if (profile.in_rnu) {
            m.score *= kRnuPenalty;
        }
        std::vector<Tiyn> amounts;
        for (const auto& lot : matched) {
            if (lot.amount > 0) {
                amounts.push_back(lot.amount);
            }
        }
        if (!amounts.empty()) {
            std::nth_element(
                amounts.begin(), amounts.begin() + static_cast<std::ptrdiff_t>(amounts.size() / 2), amounts.end());
            m.typical_amount = amounts[amounts.size() / 2];
        }
        const auto& best = matched.front();
        m.why = fmt::format(
            "{} по лоту «{}» (сходство {:.0f}%)", KindInRussian(best.kind), best.title, 100 * best.similarity);
        if (matched.size() > 1) {
            m.why += fmt::format("; ещё похожих лотов: {}", matched.size() - 1);
        }
        m.why += fmt::format("; побед: {}, договоров: {}", profile.wins, profile.contracts);
        if (profile.in_rnu) {
            m.why += "; в реестре недобросовестных поставщиков";
        }
        if (matched.size() > 3) {
            matched.resize(3);
        }
        m.lots = matched;
        out.suppliers.push_back(std::move(m));
    }
    std::sort(out.suppliers.begin(), out.suppliers.end(), [](const SupplierMatch& a, const SupplierMatch& b) {
        return a.score != b.score ? a.score > b.score : a.profile.bin < b.profile.bin;
    });
    out.total = static_cast<std::int64_t>(out.suppliers.size());
    if (out.suppliers.size() > static_cast<std::size_t>(query.limit)) {
        out.suppliers.resize(static_cast<std::size_t>(query.limit));
    }
    for (const auto& [kind, used] : sources) {
        out.sources_used.push_back(kind);
    }
    return out;
}

}  // namespace zakupai::search
