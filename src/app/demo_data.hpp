#pragma once
// A realistic synthetic data set for a fresh install: Russian lot titles, customers and
// suppliers with valid BINs, prices, deadlines around today. Deterministic for a given seed.
#include <cstdint>
#include <vector>

#include "store/lot_repository.hpp"
#include "store/risk_repository.hpp"

namespace zakupai::app {

struct DemoData {
    std::vector<store::SupplierRow> suppliers;
    std::vector<store::LotRow> lots;
    std::vector<store::PriceRow> prices;
    // Bids on lots past evaluation, by index into `lots`: mostly ordinary, with a few of the
    // patterns the risk engine looks for (one bid, near-equal or equal prices).
    std::vector<std::pair<std::size_t, store::BidRow>> bids;
};

DemoData MakeDemoData(int lot_count, Instant now, std::uint64_t seed = 42);

// A syntactically valid BIN (resident legal entity, head office) with a correct check digit.
std::string MakeBin(std::uint64_t& state, int year, int month);

}  // namespace zakupai::app
