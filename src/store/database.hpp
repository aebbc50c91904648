#pragma once
// One data-access layer for SQLite (embedded default, WAL) and PostgreSQL, through SOCI.
// Everything SQL lives under src/store/. Connection failures are exceptions (outages);
// callers above the store never see SOCI types.
#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "metrics/metrics.hpp"
#include "store/config.hpp"

namespace soci {
class session;
class connection_pool;
class backend_factory;
}  // namespace soci

namespace zakupai::store {

enum class Dialect { kSqlite, kPostgres };

struct PoolStats {
    int size = 0;
    int in_use = 0;
    int waiting = 0;
};

class Database {
public:
    // Opens the pool. An empty URL means <data_dir>/zakupai.db. Throws on connection failure.
    static std::unique_ptr<Database> Open(const DatabaseConfig& config, const std::string& data_dir);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Dialect dialect() const { return dialect_; }
    const std::string& description() const { return description_; }
    PoolStats Stats() const { return {size_, in_use_.load(), waiting_.load()}; }
    // db_pool_connections{state}, db_pool_waiting.
    void PublishMetrics(metrics::Registry& registry);

    // Where a read may go: the primary (what was just written is there), or a replica when one
    // is configured (database.read_url) and a little lag does no harm.
    enum class Reading { kPrimary, kMayLag };

    // A pooled session for the lifetime of the lease.
    class Lease {
    public:
        explicit Lease(Database& db, Reading reading = Reading::kPrimary);
        ~Lease();
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        soci::session& operator*() { return *session_; }
        soci::session* operator->() { return session_.get(); }

    private:
        Database& db_;
        std::unique_ptr<soci::session> session_;
    };

    // True when a trivial query succeeds within the pool's timeout.
    bool Ping();

private:
    Database(Dialect dialect, int size);
    Dialect dialect_;
    int size_;
    std::atomic<int> in_use_{0};
    std::atomic<int> waiting_{0};
    // Declared before the pool: the pool's sessions use it until they close.
    std::unique_ptr<soci::backend_factory> postgres_factory_;
    std::unique_ptr<soci::connection_pool> pool_;
    std::unique_ptr<soci::connection_pool> replica_pool_;
    std::string description_;
};

// A transaction that takes SQLite's write lock up front (BEGIN IMMEDIATE). A deferred one that
// reads before it writes fails at once with SQLITE_BUSY when another connection commits in
// between (its snapshot can no longer be upgraded), and the busy timeout does not help.
class WriteTransaction {
public:
    WriteTransaction(soci::session& session, Dialect dialect);
    ~WriteTransaction();  // rolls back unless committed
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    void Commit();

private:
    soci::session& session_;
    bool open_ = true;
};

// postgresql://user:pass@host:port/db?sslmode=require -> libpq "key=value" form, which
// SOCI 4.0 passes through intact (it mangles URIs). Percent-escapes are decoded.
std::string PostgresConnectString(const std::string& url);
// The same as key/value pairs (user, password, host, port, dbname, then the query's), decoded.
std::vector<std::pair<std::string, std::string>> PostgresConnectParams(const std::string& url);
std::string PostgresConnectString(const std::vector<std::pair<std::string, std::string>>& params);

// Applies every migration not yet recorded in schema_migrations, each in its own transaction.
// Returns the number applied. Safe to run concurrently from several processes on PostgreSQL.
int Migrate(Database& db);
int SchemaVersion(Database& db);

}  // namespace zakupai::store
