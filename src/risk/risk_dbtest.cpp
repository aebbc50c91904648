// The risk engine on stored data: bids, an earlier procedure on the same plan point, contract
// versions and the RNU register, read through the repositories on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "calc/rules.hpp"
#include "risk/risk_service.hpp"
#include "store/goszakup_repository.hpp"
#include "store/lot_repository.hpp"
#include "store/risk_repository.hpp"
#include "support/db_backend.hpp"

namespace zakupai::risk {
namespace {

namespace json = boost::json;

constexpr const char* kCustomer = "990640001201";
constexpr const char* kSupplier = "160440007161";
constexpr const char* kOther = "000740001307";

class FixedClock : public Clock {
public:
    Instant Now() const override {
        return std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + std::chrono::hours{10};
    }
};

store::GoszakupLot PortalLot(std::int64_t id, const std::string& plan, const std::string& method, std::int64_t buy) {
    store::GoszakupLot lot;
    lot.source_id = id;
    lot.plan_number = plan;
    lot.lot_number = plan + "-" + std::to_string(id);
    lot.customer_bin = kCustomer;
    lot.customer_name = "ГУ «Тест»";
    lot.amount = 100'000'000;
    lot.name_ru = "Бумага офисная А4";
    lot.name_kz = "А4 кеңсе қағазы";
    lot.method_code = method;
    lot.trd_buy_id = buy;
    lot.quantity = "100";
    lot.enstru = "171211.100.000001";
    lot.last_update_date = "2026-11-20 10:00:00";
    return lot;
}

store::ContractRow Contract(std::int64_t id, std::optional<std::int64_t> parent, Tiyn amount) {
    store::ContractRow c;
    c.source_id = id;
    c.parent_source_id = parent;
    c.trd_buy_id = 101;
    c.customer_bin = kCustomer;
    c.supplier_bin = kSupplier;
    c.contract_number = "Д-" + std::to_string(id);
    c.amount = amount;
    c.fin_year = 2026;
    c.last_update_date = "2026-11-21 10:00:00";
    return c;
}

using RiskStoreTest = test::BackendTest;

long long QueryNumber(store::Database& db, const std::string& sql) {
    store::Database::Lease s(db);
    long long value = 0;
    *s << sql, soci::into(value);
    return value;
}

TEST_P(RiskStoreTest, StoredBidsContractsAndPlanPointsReachTheIndicators) {
    auto db = backend_->Open();
    store::Migrate(*db);
    FixedClock clock;
    store::GoszakupRepository portal(*db);
    store::LotRepository lots(*db);
    store::RiskRepository repository(*db);
    const auto rules = *calc::ParseRuleBook(calc::EmbeddedRuleBookJson());
    metrics::Registry metrics;
    RiskService risk(lots, repository, portal, rules, WorkCalendar::BuiltIn(), DefaultRiskRules(), clock, metrics);

    portal.UpsertPage({PortalLot(1, "P1", "tender", 100),
                       PortalLot(2, "P1", "single_source", 101),
                       PortalLot(3, "P2", "price_offers", 102)},
                      "test",
                      {},
                      clock.Now());
    auto lot_id = [&](std::int64_t source) {
        store::Database::Lease s(*db);
        long long id = 0;
        long long src = source;
        *s << "SELECT lot_id FROM goszakup_lots WHERE source_id = :s", soci::use(src), soci::into(id);
        return static_cast<std::int64_t>(id);
    };
    const auto tender = lot_id(1);
    const auto single = lot_id(2);
    const auto offers = lot_id(3);

    // The tender before the single source: one bid, rejected, so nobody was admitted.
    repository.ReplaceBids(
        tender, {{kSupplier, 100'000'000, BidStatus::kRejected, std::nullopt}}, "protocol", clock.Now());
    // The single source's contract, raised by an amendment without a ground, and five more
    // contracts of the customer with the same supplier this year.
    std::vector<store::ContractRow> contracts{Contract(11, std::nullopt, 100'000'000), Contract(12, 11, 130'000'000)};
    for (int i = 0; i < 5; ++i) {
        auto c = Contract(20 + i, std::nullopt, 1'000'000);
        c.trd_buy_id = 500 + i;
        contracts.push_back(c);
    }
    portal.UpsertContracts(contracts, "goszakup_contracts", {}, clock.Now());
    EXPECT_EQ(portal.CountContracts(), 7);

    auto scored = *risk.ScoreLot(single, {});
    auto statuses = [](const ScoreResult& answer) {
        std::map<std::string, std::string> out;
        for (const auto& f : answer.evaluation.findings) {
            out[f.id] = std::string(StatusName(f.status));
        }
        return out;
    };
    auto s = statuses(scored);
    EXPECT_EQ(s["non_competitive"], "triggered");
    EXPECT_EQ(s["single_source_after_failure"], "triggered");
    EXPECT_EQ(s["amendment_increase"], "triggered");
    EXPECT_EQ(s["customer_concentration"], "triggered");  // 6 of 6 root contracts
    EXPECT_EQ(s["supplier_in_rnu"], "no_data");           // the supplier is known, the register is not
    EXPECT_EQ(scored.evaluation.score, 10 + 30 + 25 + 15);
    EXPECT_EQ(Name(scored.evaluation.level), "high");

    // Once the register lists the contract's supplier, the same lot carries that flag too.
    store::RnuEntry listed;
    listed.source_id = 1;
    listed.supplier_biin = kSupplier;
    listed.supplier_name_ru = "ТОО «Ненадёжный»";
    portal.ReplaceRnu({listed}, clock.Now());
    s = statuses(*risk.ScoreLot(single, {}));
    EXPECT_EQ(s["supplier_in_rnu"], "triggered");

    // Price offers: unknown bids are missing data; "no bids" is a fact; equal prices are a flag.
    EXPECT_EQ(statuses(*risk.ScoreLot(offers, {}))["single_bid"], "no_data");
    repository.ReplaceBids(offers, {}, "protocol", clock.Now());
    bool known = false;
    EXPECT_TRUE(repository.Bids(offers, &known).empty());
    EXPECT_TRUE(known);
    EXPECT_EQ(statuses(*risk.ScoreLot(offers, {}))["single_bid"], "clear");
    auto saved = *risk.SaveBids(
        offers, {{kSupplier, 90'000'000, BidStatus::kWinner}, {kOther, 90'000'000, BidStatus::kValid}}, "protocol");
    s = statuses(saved);
    EXPECT_EQ(s["identical_bids"], "triggered");
    EXPECT_EQ(s["single_bid"], "clear");
    EXPECT_EQ(s["dumping"], "clear");  // the winner's 90 000 tenge is exactly 10% under
    EXPECT_EQ(repository.Bids(offers).size(), 2u);
    EXPECT_FALSE(risk.SaveBids(99999, {}, "protocol").has_value());

    // The supplier's record.
    ASSERT_TRUE(risk.ScoreLot(tender, {}).has_value());
    auto supplier = *risk.Supplier(kSupplier);
    EXPECT_EQ(supplier.contracts, 6);
    EXPECT_EQ(supplier.customers, 1);
    EXPECT_EQ(supplier.amendments_raising_amount, 1);
    EXPECT_EQ(supplier.bids, 2);  // the rejected tender bid and the winning offer
    EXPECT_EQ(supplier.wins, 1);
    EXPECT_EQ(supplier.win_rate_ten_thousandths, 5000);  // 0.5
    EXPECT_TRUE(supplier.rnu_listed);
    EXPECT_EQ(supplier.risk.evaluated, 3);  // tender and offers by bids, single source by contract
    EXPECT_FALSE(risk.Supplier("123").has_value());

    // Explanations in Kazakh when the lot has a Kazakh title.
    auto explained = *risk.Explain(single, false);
    EXPECT_EQ(explained.title_kz, "А4 кеңсе қағазы");
    for (const auto& f : explained.findings) {
        EXPECT_FALSE(f.explanation_kz.empty()) << f.id;
        EXPECT_GE(f.version, 1);
        // The fixed words come back from risk_indicator_texts: each evaluation stores only
        // what differs from lot to lot.
        EXPECT_FALSE(f.name_ru.empty());
        EXPECT_FALSE(f.name_kz.empty());
        EXPECT_FALSE(f.threshold.empty());
        EXPECT_FALSE(f.source.empty());
    }
    const auto stored = repository.LatestEvaluation(single);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->explain.find("\"name\""), std::string::npos);
    EXPECT_EQ(repository.LoadIndicatorTexts(DefaultRiskRules().model).size(), 16u);

    // Contracts upserted again are unchanged; a newer version replaces the row.
    auto again = portal.UpsertContracts(contracts, "goszakup_contracts", {}, clock.Now());
    EXPECT_EQ(again.unchanged, 7);
    contracts[1].amount = 100'000'000;
    contracts[1].last_update_date = "2026-11-22 10:00:00";
    auto changed = portal.UpsertContracts({contracts[1]}, "goszakup_contracts", {}, clock.Now());
    EXPECT_EQ(changed.updated, 1);
    s = statuses(*risk.ScoreLot(single, {}));
    EXPECT_EQ(s["amendment_increase"], "clear");
}

TEST_P(RiskStoreTest, AnEvaluationThisCodeCannotReadIsScoredAgainAndOldOnesArePruned) {
    auto db = backend_->Open();
    store::Migrate(*db);
    FixedClock clock;
    store::GoszakupRepository portal(*db);
    store::LotRepository lots(*db);
    store::RiskRepository repository(*db);
    const auto rules = *calc::ParseRuleBook(calc::EmbeddedRuleBookJson());
    metrics::Registry metrics;
    RiskService risk(lots, repository, portal, rules, WorkCalendar::BuiltIn(), DefaultRiskRules(), clock, metrics);
    portal.UpsertPage({PortalLot(1, "P1", "tender", 100)}, "test", {}, clock.Now());
    const auto lot = QueryNumber(*db, "SELECT lot_id FROM goszakup_lots");
    ASSERT_TRUE(risk.ScoreLot(lot, {}).has_value());
    auto count = [&] { return QueryNumber(*db, "SELECT COUNT(*) FROM risk_evaluations"); };
    ASSERT_EQ(count(), 1);
    // What an older version stored (the wire format, no schema version), a newer schema, and a
    // damaged row (JSON, so PostgreSQL's JSONB column takes it).
    for (const char* stored : {R"([{"id":"single_bid","version":1,"weight":35,"status":"clear"}])",
                               R"({"v":7,"f":[]})",
                               R"({"v":2,"f":[{"id":"single_bid"}]})"}) {
        {
            store::Database::Lease s(*db);
            const std::string text = stored;
            *s << "UPDATE risk_evaluations SET explain = :e", soci::use(text);
        }
        const auto before = count();
        auto explained = risk.Explain(lot, false);
        ASSERT_TRUE(explained.has_value()) << stored;
        EXPECT_EQ(explained->findings.size(), 16u);  // a fresh evaluation, every indicator in it
        EXPECT_EQ(count(), before + 1);              // recorded, the unreadable one left as it was
        EXPECT_EQ(explained->lot_id, lot);
        {
            store::Database::Lease s(*db);
            *s << "DELETE FROM risk_evaluations WHERE id <> (SELECT MIN(id) FROM risk_evaluations)";
        }
    }
    // Evaluations pile up with every rescore: the newest N per lot are kept.
    for (int i = 0; i < 14; ++i) {
        ASSERT_TRUE(risk.ScoreLot(lot, {}).has_value());
    }
    ASSERT_EQ(count(), 15);
    const auto newest = QueryNumber(*db, "SELECT MAX(id) FROM risk_evaluations");
    EXPECT_EQ(risk.PruneEvaluations(10), 5);
    EXPECT_EQ(count(), 10);
    EXPECT_EQ(QueryNumber(*db, "SELECT MAX(id) FROM risk_evaluations"), newest);
    EXPECT_EQ(risk.PruneEvaluations(10), 0);  // idempotent
    EXPECT_TRUE(risk.Explain(lot, false).has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, RiskStoreTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? std::string("PostgreSQL") : std::string("SQLite");
});

}  // namespace
}  // namespace zakupai::risk
