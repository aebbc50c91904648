#pragma once
// What the risk engine reads about a lot's surroundings, and risk_evaluations.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/money.hpp"
#include "core/time.hpp"
#include "core/vocabulary.hpp"
#include "store/database.hpp"
#include "store/goszakup_repository.hpp"

namespace zakupai::store {

// What the portal row adds to a stored lot (all empty for lots that did not come from it).
struct LotDates {
    std::optional<Instant> start;  // bid acceptance opens
    std::optional<Instant> created;
    std::optional<std::int64_t> trd_buy_id;  // the announcement, which contracts point to
    std::string name_kz;
    std::string plan_id;  // the plan point: repeat procedures and a later single source share it
};

struct BidRow {
    std::string supplier_bin;
    Tiyn price = 0;
    BidStatus status = BidStatus::kValid;
    std::optional<Instant> submitted_at;
};

// An earlier procedure on the same plan point (a failed tender before a single source).
struct PriorProcedure {
    std::int64_t lot_id = 0;
    std::string method;
    std::string status;
    std::vector<BidRow> bids;
    bool bids_known = false;
};

// Contracts one customer signed in a year, by supplier (root contracts, each counted once).
struct SupplierShare {
    std::string customer_bin;
    std::string supplier_bin;
    std::int64_t contracts = 0;
};

struct SupplierRecord {
    std::int64_t contracts = 0;
    Tiyn contracts_amount = 0;
    std::int64_t customers = 0;
    std::int64_t amended_up = 0;  // amendments that raised a contract's amount
    std::int64_t bids = 0;
    std::int64_t wins = 0;
    std::vector<std::pair<std::string, std::int64_t>> top_customers;  // bin -> contracts
};

// An indicator's fixed words under one model (rules in force): stored once, not per evaluation.
struct IndicatorText {
    std::string indicator;
    std::string name_ru;
    std::string name_kz;
    std::string threshold;
    std::string source;
};

struct StoredEvaluation {
    std::int64_t id = 0;
    std::int64_t lot_id = 0;
    std::string model_version;
    int score = 0;
    std::vector<std::string> flags;  // the triggered indicators
    std::string explain;             // the findings in the risk engine's own schema
    std::string created_at;
};

class RiskRepository {
public:
    explicit RiskRepository(Database& db) : db_(db) {}
    LotDates Dates(std::int64_t lot_id);
    // Unit prices (tiyn per unit) of up to `limit` other lots with this ENSTRU code and a quantity.
    std::vector<double> PeerUnitPrices(const std::string& enstru, std::int64_t exclude_lot_id, int limit);
    // The cheapest matched price-list offer times the quantity it was matched with.
    std::optional<Tiyn> CheapestSupplierCost(std::int64_t lot_id);
    // Other lots of the customer with the code, created within `days` of `around`, oldest first,
    // at most 50: (id, price).
    std::vector<std::pair<std::int64_t, Tiyn>> SameCodeLots(const std::string& customer_bin,
                                                            const std::string& enstru,
                                                            std::int64_t exclude_lot_id,
                                                            Instant around,
                                                            int days);
    struct CodeLot {
        std::int64_t id = 0;
        Tiyn price = 0;
        Instant created;
    };
    // Every lot of the customer with the code (up to `limit`, oldest first): a rescore reads a pair
    // once and filters by date in memory.
    std::vector<CodeLot> CodeLots(const std::string& customer_bin, const std::string& enstru, int limit);
    // Records the evaluation and sets lots.risk_score, in one transaction.
    std::int64_t SaveEvaluation(std::int64_t lot_id,
                                const std::string& model_version,
                                int score,
                                const std::vector<std::string>& flags,
                                const std::string& explain,
                                Instant now);
    std::optional<StoredEvaluation> LatestEvaluation(std::int64_t lot_id);
    // Idempotent: a model's texts are written once and never change.
    void SaveIndicatorTexts(const std::string& model_version, const std::vector<IndicatorText>& texts);
    std::vector<IndicatorText> LoadIndicatorTexts(const std::string& model_version);

    struct NewEvaluation {
        std::int64_t lot_id = 0;
        std::string model_version;
        int score = 0;
        std::vector<std::string> flags;
        std::string explain;
    };
    // Many evaluations in one transaction (a rescore commits in batches). With `skip_unchanged`
    // an evaluation identical to the lot's latest one (same digest of model, score, flags and
    // findings) is not written again, so rescoring an unchanged table does not grow it.
    // Returns how many were written.
    std::size_t SaveEvaluations(const std::vector<NewEvaluation>& evaluations,
                                Instant now,
                                bool skip_unchanged = false);
    struct CustomerLot {
        std::int64_t lot_id = 0;
        Tiyn price = 0;
        int score = 0;
        std::vector<std::string> flags;  // triggered indicator ids
    };
    // The latest evaluation of each of the customer's lots (lots never scored are left out).
    std::vector<CustomerLot> CustomerEvaluations(const std::string& customer_bin);
    std::int64_t CountCustomerLots(const std::string& customer_bin);
    // Bids on a stored lot; `known` is false when none were ever recorded.
    std::vector<BidRow> Bids(std::int64_t lot_id, bool* known = nullptr);
    // Replaces the lot's bids in one transaction (and touches the lot so a rescore sees it).
    void ReplaceBids(std::int64_t lot_id, const std::vector<BidRow>& bids, const std::string& source, Instant now);
    // Many lots' bids in one transaction (demo data, bulk loads); lots must have none yet.
    void InsertBids(const std::vector<std::pair<std::int64_t, BidRow>>& bids, const std::string& source, Instant now);
    // Other lots of the plan point created before `before`, oldest first, with their bids.
    std::vector<PriorProcedure> PriorProcedures(const std::string& plan_id,
                                                std::int64_t exclude_lot_id,
                                                Instant before);
    // (start, deadline) of up to `limit` recent portal lots of the method, for its usual windows.
    std::vector<std::pair<Instant, Instant>> MethodWindows(const std::string& method, int limit);
    // Every version of the contracts signed on an announcement.
    std::vector<ContractRow> ContractsForPurchase(std::int64_t trd_buy_id);
    // Root contracts per customer and supplier in a financial year.
    std::vector<SupplierShare> YearShares(int fin_year);
    SupplierRecord Supplier(const std::string& bin);
    // The latest evaluation of each lot the supplier bid on or holds a contract for.
    std::vector<CustomerLot> SupplierEvaluations(const std::string& bin);

    // Lots created or updated at or after `since` (all when nullopt), by id.
    std::vector<std::int64_t> LotIdsChangedSince(std::optional<Instant> since);
    // Deletes all but the newest `keep` evaluations of every lot, in batches; how many went.
    std::int64_t PruneEvaluations(int keep);

private:
    Database& db_;
};

}  // namespace zakupai::store
