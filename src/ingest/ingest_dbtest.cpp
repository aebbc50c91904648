// Batch imports end to end on a real database: every fixture in tests/cases/import through
// ImportService, then the rows as stored. SQLite always, PostgreSQL when configured.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "ingest/batch_import.hpp"
#include "store/database.hpp"
#include "store/import_repository.hpp"
#include "store/lot_repository.hpp"
#include "support/db_backend.hpp"

namespace zakupai::ingest {
namespace {

const calc::RuleBook& Rules() {
    static const auto kRules = *calc::ParseRuleBook(calc::EmbeddedRuleBookJson());
    return kRules;
}

namespace json = boost::json;

class FixedClock : public Clock {
public:
    Instant Now() const override {
        return std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + std::chrono::hours{10};
    }
};

std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::string CaseDir() {
    return std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/import/";
}

std::string Str(const json::value& v) {
    return std::string(v.as_string());
}

using ImportTest = test::BackendTest;

TEST_P(ImportTest, FixtureFilesLandAsExpected) {
    const auto cases = json::parse(ReadFile(CaseDir() + "cases.json")).at("cases").as_array();
    ASSERT_GE(cases.size(), 10u);
    for (const auto& c : cases) {
        const auto& spec = c.as_object();
        const std::string file = Str(spec.at("file"));
        SCOPED_TRACE(file);
        auto db = backend_->Open();
        store::Migrate(*db);
        {
            store::Database::Lease s(*db);
            *s << "DELETE FROM lot_prices";
            *s << "DELETE FROM prices";
            *s << "DELETE FROM lots";
            *s << "DELETE FROM import_batches";
        }
        store::ImportRepository repository(*db);
        store::LotRepository lot_repository(*db);
        FixedClock clock;
        ImportService imports(repository, lot_repository, Rules(), clock);
        ImportOptions options;
        options.strict = spec.contains("strict") && spec.at("strict").as_bool();
        options.file_name = file;
        auto report = imports.Import(ReadFile(CaseDir() + file), options);
        store::Database::Lease s(*db);
        long long prices = 0;
        *s << "SELECT COUNT(*) FROM prices", soci::into(prices);
        long long batches = 0;
        *s << "SELECT COUNT(*) FROM import_batches", soci::into(batches);
        if (spec.contains("error")) {
            ASSERT_FALSE(report.has_value());
            EXPECT_EQ(report.error().code, ErrorCode::kInvalidArgument);
            EXPECT_EQ(report.error().message.rfind(Str(spec.at("error")), 0), 0u) << report.error().message;
            EXPECT_EQ(prices, 0);  // nothing half-written
            EXPECT_EQ(batches, 0);
            continue;
        }
        ASSERT_TRUE(report.has_value()) << report.error().message;
        EXPECT_TRUE(report->committed);
        EXPECT_EQ(batches, 1);
        for (const auto& [key, value] : spec.at("report").as_object()) {
            const std::string k(key);
            if (value.is_string()) {
                const std::string actual = k == "kind"       ? report->kind
                                           : k == "format"   ? report->format
                                           : k == "encoding" ? report->encoding
                                           : k == "sheet"    ? report->sheet
                                                             : report->delimiter;
                EXPECT_EQ(actual, Str(value)) << k;
            } else {
                const std::int64_t actual = k == "rows_total" ? report->rows_total
                                            : k == "accepted" ? report->accepted
                                                              : report->rejected;
                EXPECT_EQ(actual, value.as_int64()) << k;
            }
        }
        const auto& errors = spec.at("errors").as_array();
        ASSERT_EQ(report->errors.size(), errors.size());
        for (std::size_t i = 0; i < errors.size(); ++i) {
            const auto& e = errors[i].as_array();
            EXPECT_EQ(report->errors[i].row, e[0].as_int64());
            EXPECT_EQ(report->errors[i].line, e[1].as_int64());
            EXPECT_EQ(report->errors[i].column, Str(e[2]));
            EXPECT_EQ(report->errors[i].error, Str(e[3]));
        }
        if (spec.contains("prices")) {
            soci::rowset<soci::row> rows =
                (s->prepare << "SELECT sku, title, unit, price, captured_at, source FROM prices ORDER BY id");
            std::vector<std::vector<std::string>> actual;
            for (const auto& r : rows) {
                std::tm tm{};
                std::string captured;
                if (r.get_properties(4).get_data_type() == soci::dt_date) {
                    tm = r.get<std::tm>(4);
                    char buf[32];
                    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
                    captured = buf;
                } else {
                    captured = r.get<std::string>(4);
                }
                const auto price = r.get_properties(3).get_data_type() == soci::dt_long_long
                                       ? r.get<long long>(3)
                                       : static_cast<long long>(r.get<int>(3));
                actual.push_back({r.get<std::string>(0),
                                  r.get<std::string>(1),
                                  r.get<std::string>(2),
                                  std::to_string(price),
                                  captured,
                                  r.get<std::string>(5)});
            }
            const auto& expected = spec.at("prices").as_array();
            ASSERT_EQ(actual.size(), expected.size());
            for (std::size_t i = 0; i < expected.size(); ++i) {
                const auto& e = expected[i].as_array();
                EXPECT_EQ(actual[i],
                          (std::vector<std::string>{
                              Str(e[0]), Str(e[1]), Str(e[2]), std::to_string(e[3].as_int64()), Str(e[4]), Str(e[5])}));
            }
        }
        if (spec.contains("lots")) {
            store::LotRepository lots(*db);
            long long first_id = 0;
            *s << "SELECT MIN(id) FROM lots", soci::into(first_id);
            const auto& expected = spec.at("lots").as_array();
            for (std::size_t i = 0; i < expected.size(); ++i) {
                const auto& e = expected[i].as_array();
                auto lot = lots.FindLot(first_id + static_cast<long long>(i));
                ASSERT_TRUE(lot.has_value());
                EXPECT_EQ(lot->row.title, Str(e[0]));
                EXPECT_EQ(lot->row.price, e[1].as_int64());
                ASSERT_TRUE(lot->deadline.has_value());
                EXPECT_EQ(FormatUtcTimestamp(*lot->deadline), Str(e[2]));
                EXPECT_EQ(lot->row.customer_bin, Str(e[3]));
                EXPECT_EQ(lot->row.quantity, Str(e[4]));
                EXPECT_EQ(lot->row.enstru, Str(e[5]));
            }
        }
    }
}

TEST_P(ImportTest, PriceRowsAreMatchedToLotsBySkuThenByName) {
    auto db = backend_->Open();
    store::Migrate(*db);
    FixedClock clock;
    store::LotRepository lots(*db);
    store::LotRow paper;
    paper.title = "Бумага для офисной техники формата А4";
    paper.price = 125'000'000;
    paper.quantity = "500";
    paper.enstru = "171211.100.000001";
    store::LotRow repair;
    repair.title = "Текущий ремонт кровли здания школы";
    repair.price = 1'845'000'000;
    repair.quantity = "1";
    lots.InsertAll({}, {paper, repair}, {}, clock.Now());
    store::ImportRepository repository(*db);
    ImportService imports(repository, lots, Rules(), clock);
    const std::string csv =
        "Артикул;Наименование;Цена\n"
        "171211.100.000001;Что угодно;2000\n"       // ENSTRU code as SKU: exact
        "P-2;Бумаги офисные для техники А4;1900\n"  // stems match the first lot
        "R-1;Ремонт кровли;900000\n"                // 2 of 2 stems in a 4-stem title: 0.67
        "Z-9;Гвозди строительные;50\n";             // nothing
    auto report = imports.Import(csv, ImportOptions{});
    ASSERT_TRUE(report.has_value()) << report.error().message;
    EXPECT_EQ(report->matched, 3);
    const auto paper_prices = repository.LotPrices(1, 10);
    ASSERT_EQ(paper_prices.size(), 2u);
    EXPECT_EQ(paper_prices[0].sku, "171211.100.000001");
    EXPECT_EQ(paper_prices[0].kind, "sku");
    EXPECT_DOUBLE_EQ(paper_prices[0].score, 1.0);
    EXPECT_EQ(paper_prices[0].qty, Quantity::Whole(500));
    EXPECT_EQ(paper_prices[1].sku, "P-2");
    EXPECT_EQ(paper_prices[1].kind, "name");
    EXPECT_GE(paper_prices[1].score, 0.5);
    const auto repair_prices = repository.LotPrices(2, 10);
    ASSERT_EQ(repair_prices.size(), 1u);
    EXPECT_EQ(repair_prices[0].sku, "R-1");
    EXPECT_EQ(repair_prices[0].price, 90'000'000);
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? std::string("PostgreSQL") : std::string("SQLite");
});

}  // namespace
}  // namespace zakupai::ingest
