#pragma once
// Batch imports: import_batches, the price rows and lots they bring, and the lot_prices
// matches between prices and lots. One transaction per batch.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "core/quantity.hpp"
#include "core/time.hpp"
#include "store/database.hpp"
#include "store/lot_repository.hpp"

namespace zakupai::store {

struct BatchRecord {
    std::string id;    // UUID
    std::string kind;  // prices | lots
    std::string file_name;
    std::string format;
    std::string encoding;
    std::int64_t rows_total = 0;
    std::int64_t rows_accepted = 0;
    std::int64_t rows_rejected = 0;
    bool strict = false;
    std::int64_t api_key_id = 0;
};

struct ImportedPrice {
    std::string source;
    std::string sku;
    std::string sku_norm;
    std::string title;
    std::string unit;
    Tiyn price = 0;
    std::string supplier_bin;
    Instant captured_at;
};

struct PriceMatchRow {
    std::size_t price_index = 0;  // into the batch's prices
    std::int64_t lot_id = 0;
    Quantity qty = Quantity::Whole(1);
    double score = 0;
    std::string kind;
};

struct LotForMatching {
    std::int64_t id = 0;
    std::string title;
    std::string enstru;
    std::string quantity;
};

struct MatchedPrice {
    std::int64_t price_id = 0;
    std::string source;
    std::string sku;
    std::string title;
    std::string unit;
    Tiyn price = 0;
    std::string captured_at;
    Quantity qty = Quantity::Whole(1);
    double score = 0;
    std::string kind;
};

// What a price upload changed: a row with the same source, SKU and capture time as a stored one
// is the same offer; with the same price, title and unit it was already there, otherwise it is a
// correction that replaces the stored values.
struct SavedPrices {
    std::int64_t inserted = 0;
    std::int64_t updated = 0;
    std::int64_t unchanged = 0;
    std::int64_t matched = 0;  // lot_prices rows written for the inserted and updated offers
};

class ImportRepository {
public:
    explicit ImportRepository(Database& db) : db_(db) {}
    std::vector<LotForMatching> LotsForMatching();
    // The user's latest uploads (through any of its keys), newest first, with when they came.
    std::vector<std::pair<BatchRecord, std::string>> BatchesOfUser(std::int64_t user_id, int limit);
    // `matches` is called once the price rows are in (matching can run meanwhile on another
    // thread); its rows refer to prices by index.
    SavedPrices SavePrices(const BatchRecord& batch,
                           const std::vector<ImportedPrice>& prices,
                           const std::function<std::vector<PriceMatchRow>()>& matches,
                           Instant now);
    void SaveLots(const BatchRecord& batch, const std::vector<LotRow>& lots, Instant now);
    // Best matches first, then the cheapest.
    std::vector<MatchedPrice> LotPrices(std::int64_t lot_id, int limit);

private:
    Database& db_;
};

}  // namespace zakupai::store
