#pragma once
// Lots, suppliers and prices: the demo loader's bulk writes and simple counts for now.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "core/quantity.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace zakupai::store {

struct LotRow {
    std::string title;
    std::string description;
    Tiyn price = 0;
    Instant deadline;
    std::string customer_bin;
    std::string customer_name;
    std::string plan_id;
    std::string status;
    std::string method;
    std::string region;
    std::string enstru;
    std::string quantity;  // as the source wrote it ("500", "12.500"); see ParsedQuantity()
    std::string unit;

    // The quantity as a number; nullopt when there is none or the text is not one.
    std::optional<Quantity> ParsedQuantity() const;
};

struct SupplierRow {
    std::string bin;
    std::string name;
    std::string oked;
    std::string region;
};

struct PriceRow {
    std::string source;
    std::string sku;
    std::string title;
    Tiyn price = 0;
    std::string supplier_bin;
    Instant captured_at;
};

struct LotRecord {
    std::int64_t id = 0;
    LotRow row;
    std::optional<Instant> deadline;  // nullopt when the lot has none
};

struct TableCounts {
    std::int64_t lots = 0;
    std::int64_t suppliers = 0;
    std::int64_t prices = 0;
};

class LotRepository {
public:
    explicit LotRepository(Database& db) : db_(db) {}
    TableCounts Counts();
    std::optional<LotRecord> FindLot(std::int64_t id);
    // All rows in one transaction: a failed load leaves nothing behind.
    // Every lot id, ascending.
    std::vector<std::int64_t> LotIds();
    void InsertAll(const std::vector<SupplierRow>& suppliers,
                   const std::vector<LotRow>& lots,
                   const std::vector<PriceRow>& prices,
                   Instant now);

private:
    Database& db_;
};

}  // namespace zakupai::store
