// How SOCI's statements run on PostgreSQL: each connection keeps the data statements it runs more
// than once, by text, for its whole life (no parse, plan and DEALLOCATE per query); with prepared
// statements off (PgBouncer in transaction mode) nothing is kept on the server.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <string>

#include "store/database.hpp"
#include "support/db_backend.hpp"

namespace zakupai::store {
namespace {

using StatementsTest = test::BackendTest;

long long Kept(soci::session& s, const std::string& like) {
    long long count = -1;
    s << "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE :text", soci::use(like), soci::into(count);
    return count;
}

TEST_P(StatementsTest, AConnectionKeepsEachDataStatementOnceAndRunsScriptsAsTheyAre) {
    auto db = backend_->Open([](DatabaseConfig& c) { c.pool_size = 1; });
    Database::Lease s(*db);
    for (const long long x : {1LL, 41LL, -5LL}) {
        long long y = 0;
        *s << "SELECT :x + 1", soci::use(x), soci::into(y);
        EXPECT_EQ(y, x + 1);
    }
    EXPECT_EQ(Kept(*s, "SELECT $1 + 1"), 1);

    // Run once (like SQL with ids written into it), a statement is not kept.
    long long once = 0;
    *s << "SELECT :x + 2", soci::use(40), soci::into(once);
    EXPECT_EQ(once, 42);
    EXPECT_EQ(Kept(*s, "SELECT $1 + 2"), 0);

    // A script of several statements cannot be prepared: it runs as it is, and nothing is kept.
    *s << "CREATE TABLE kept_t (x INTEGER); INSERT INTO kept_t VALUES (7)";
    EXPECT_EQ(Kept(*s, "CREATE TABLE kept_t%"), 0);

    // A statement kept inside a transaction that rolls back stays kept and works, also after a
    // change to its table.
    {
        WriteTransaction tx(*s, db->dialect());
        *s << "INSERT INTO kept_t (x) VALUES (:x)", soci::use(8);
        *s << "INSERT INTO kept_t (x) VALUES (:x)", soci::use(8);
    }
    *s << "ALTER TABLE kept_t ADD COLUMN y INTEGER";
    *s << "INSERT INTO kept_t (x) VALUES (:x)", soci::use(9);
    long long rows = 0;
    long long sum = 0;
    *s << "SELECT COUNT(*), SUM(x) FROM kept_t", soci::into(rows), soci::into(sum);
    EXPECT_EQ(rows, 2);
    EXPECT_EQ(sum, 16);
    EXPECT_EQ(Kept(*s, "INSERT INTO kept_t (x) VALUES ($1)"), 1);

    // A statement the server refuses says why, as before.
    try {
        *s << "SELECT nothing FROM no_such_table WHERE x = :x", soci::use(1);
        FAIL() << "a query on a missing table ran";
    } catch (const soci::soci_error& e) {
        EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos) << e.what();
    }
    EXPECT_EQ(Kept(*s, "%no_such_table%"), 0);
}

TEST_P(StatementsTest, WithoutPreparedStatementsNothingIsKeptOnTheServer) {
    auto db = backend_->Open([](DatabaseConfig& c) {
        c.pool_size = 1;
        c.prepared_statements = false;
    });
    Database::Lease s(*db);
    for (const long long x : {1LL, 2LL}) {
        long long y = 0;
        *s << "SELECT :x * 10", soci::use(x), soci::into(y);
        EXPECT_EQ(y, x * 10);
    }
    EXPECT_EQ(Kept(*s, "%"), 0);
}

// PostgreSQL only: SQLite has no server to keep statements on.
INSTANTIATE_TEST_SUITE_P(Backends, StatementsTest, ::testing::Values(true), [](const auto& /*unused*/) {
    return "PostgreSQL";
});

}  // namespace
}  // namespace zakupai::store
