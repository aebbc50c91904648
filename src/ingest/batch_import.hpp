#pragma once
// CSV/XLSX uploads of supplier price lists and of lots: columns found by their Russian or
// English headers, values typed the way Kazakh offices write them ("1 234 567,89", 25.11.2026,
// Excel serial days), every bad row reported with its line and column, one transaction per
// upload, and price rows matched to lots.
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>
#include <vector>

#include "calc/calculators.hpp"
#include "core/error.hpp"
#include "core/money.hpp"
#include "core/quantity.hpp"
#include "core/time.hpp"
#include "ingest/config.hpp"
#include "store/import_repository.hpp"

namespace zakupai::ingest {

// "1 234 567,89", "1234567.89", "1,234,567.89", "12 500 ₸" -> tiyn. Errors name the problem.
Result<Tiyn> ParseMoneyText(std::string_view text);
// 25.11.2026, 25/11/2026, 2026-11-25, with an optional HH:MM[:SS], or an Excel serial day
// (46351, 46351.5); local Almaty time.
Result<Instant> ParseDateText(std::string_view text);
// "12", "12,5", "1 000" -> 12.5 and so on; errors for anything else (Quantity::Parse).
Result<Quantity> ParseQuantityText(std::string_view text);

enum class ImportKind { kAuto, kPrices, kLots };

struct ImportOptions {
    ImportKind kind = ImportKind::kAuto;
    bool strict = false;  // reject the whole upload when any row is bad
    std::string source;   // default "source" for price rows that have none
    std::string file_name;
    std::string sheet;
    std::int64_t api_key_id = 0;
    bool match = true;  // match price rows to lots
};

struct RowError {
    int row = 0;   // record number, the header is row 1 (as the original API counted)
    int line = 0;  // physical line (CSV) or sheet row (XLSX) where the record starts
    std::string column;
    std::string error;
};

struct ImportReport {
    bool committed = false;
    std::string batch_id;
    std::string kind;  // prices | lots
    std::string format;
    std::string encoding;
    std::string delimiter;
    std::string sheet;
    std::int64_t rows_total = 0;
    std::int64_t accepted = 0;
    std::int64_t rejected = 0;
    std::int64_t matched = 0;  // lot_prices rows created
    // Price lists: offers that were stored already (same source, SKU, capture time and values),
    // and offers whose stored values this upload corrected. A re-upload adds nothing.
    std::int64_t already_present = 0;
    std::int64_t updated = 0;
    std::vector<std::string> columns;          // header -> field, as understood
    std::vector<std::string> ignored_columns;  // headers nobody asked for
    std::vector<RowError> errors;              // at most kMaxListedErrors
    bool errors_truncated = false;
    double duration_seconds = 0;
};
inline constexpr std::size_t kMaxListedErrors = 1000;

// A price-list offer matched to a lot, with what it means for a supplier who buys at that price
// and sells at the lot's amount: the cost of the lot's quantity, profit and margin.
struct PricedOffer {
    store::MatchedPrice offer;
    Tiyn cost_total = 0;
    Tiyn profit = 0;
    calc::BasisPoints margin = 0;
};

struct LotPrices {
    store::LotRecord lot;
    calc::BasisPoints vat_rate = 0;   // today's standard rate; lot amounts are without VAT
    std::vector<PricedOffer> offers;  // best matches first, then the cheapest
};

class ImportService {
public:
    ImportService(store::ImportRepository& repository,
                  store::LotRepository& lots,
                  const calc::RuleBook& rules,
                  const Clock& clock,
                  const ImportConfig& config = {})
        : repository_(repository),
          lots_(lots),
          rules_(rules),
          clock_(clock),
          config_(config),
          slots_(std::clamp(config.max_parallel, 1, kMaxParallel)) {}
    // 422 for an unreadable file or missing columns; with strict, 422 listing the bad rows. At
    // most `max_parallel` files are read at once (each holds its table in memory); a caller
    // waits up to `queue_wait_ms` for its turn, then gets 503 with Retry-After.
    Result<ImportReport> Import(std::string_view bytes, const ImportOptions& options);
    // The offers matched to a stored lot; 404 for an unknown lot.
    Result<LotPrices> PricesFor(std::int64_t lot_id, int limit);

    static constexpr int kMaxParallel = 64;

private:
    Result<ImportReport> ImportNow(std::string_view bytes, const ImportOptions& options);

    store::ImportRepository& repository_;
    store::LotRepository& lots_;
    const calc::RuleBook& rules_;
    const Clock& clock_;
    ImportConfig config_;
    std::counting_semaphore<kMaxParallel> slots_;
};

}  // namespace zakupai::ingest
