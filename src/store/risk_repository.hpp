#pragma once
// What the risk engine reads about a lot's surroundings, and risk_evaluations.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/money.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace zakupai::store {

struct LotDates {
    std::optional<Instant> start;  // from the portal, when the lot came from it
    std::optional<Instant> created;
};

struct StoredEvaluation {
    std::int64_t id = 0;
    std::int64_t lot_id = 0;
    std::string model_version;
    int score = 0;
    std::string flags;    // JSON
    std::string explain;  // JSON
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
    // Other lots of the customer with the code, created within `days` of `around`: (id, price).
    std::vector<std::pair<std::int64_t, Tiyn>> SameCodeLots(const std::string& customer_bin,
                                                            const std::string& enstru,
                                                            std::int64_t exclude_lot_id,
                                                            Instant around,
                                                            int days);
    // Records the evaluation and sets lots.risk_score, in one transaction.
    std::int64_t SaveEvaluation(std::int64_t lot_id,
                                const std::string& model_version,
                                int score,
                                const std::string& flags,
                                const std::string& explain,
                                Instant now);
    std::optional<StoredEvaluation> LatestEvaluation(std::int64_t lot_id);

    struct NewEvaluation {
        std::int64_t lot_id = 0;
        std::string model_version;
        int score = 0;
        std::string flags;
        std::string explain;
    };
    // Many evaluations in one transaction (a rescore commits in batches).
    void SaveEvaluations(const std::vector<NewEvaluation>& evaluations, Instant now);
    struct CustomerLot {
        std::int64_t lot_id = 0;
        Tiyn price = 0;
        int score = 0;
        std::string flags;  // JSON array of triggered indicator ids
    };
    // The latest evaluation of each of the customer's lots (lots never scored are left out).
    std::vector<CustomerLot> CustomerEvaluations(const std::string& customer_bin);
    std::int64_t CountCustomerLots(const std::string& customer_bin);
    // Lots created or updated at or after `since` (all when nullopt), by id.
    std::vector<std::int64_t> LotIdsChangedSince(std::optional<Instant> since);

private:
    Database& db_;
};

}  // namespace zakupai::store
