#include "store/database.hpp"

#include <filesystem>
#include <soci/connection-pool.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>
#include <stdexcept>

namespace zakupai::store {

Database::Database(Dialect dialect, int size)
    : dialect_(dialect), size_(size), pool_(std::make_unique<soci::connection_pool>(static_cast<std::size_t>(size))) {}

Database::~Database() = default;

std::unique_ptr<Database> Database::Open(const DatabaseConfig& config, const std::string& data_dir) {
    std::string url = config.url;
    if (url.empty()) {
        std::filesystem::create_directories(data_dir);
        url = "sqlite://" + std::filesystem::absolute(std::filesystem::path(data_dir) / "zakupai.db").string();
    }
    const bool sqlite = url.rfind("sqlite://", 0) == 0;
    std::unique_ptr<Database> db(new Database(sqlite ? Dialect::kSqlite : Dialect::kPostgres, config.pool_size));
    if (sqlite) {
        const std::string path = url.substr(std::string("sqlite://").size());
        if (path.empty()) throw std::runtime_error("sqlite:// URL needs a file path, e.g. sqlite:///var/zakupai.db");
        std::filesystem::path parent = std::filesystem::path(path).parent_path();
        if (!parent.empty()) std::filesystem::create_directories(parent);
        db->description_ = "sqlite " + path;
        for (int i = 0; i < config.pool_size; ++i) {
            soci::session& s = db->pool_->at(static_cast<std::size_t>(i));
            s.open(soci::sqlite3, "db=" + path + " timeout=10");
            // WAL lets readers proceed while the write-behind thread commits.
            s << "PRAGMA journal_mode=WAL";
            s << "PRAGMA synchronous=NORMAL";
            s << "PRAGMA foreign_keys=ON";
        }
    } else {
        db->description_ = "postgresql";
        for (int i = 0; i < config.pool_size; ++i) {
            soci::session& s = db->pool_->at(static_cast<std::size_t>(i));
            s.open(soci::postgresql, url);
            s << "SET TIME ZONE 'UTC'";
            s << "SET statement_timeout = 30000";
        }
    }
    return db;
}

Database::Lease::Lease(Database& db) : db_(db) {
    session_ = std::make_unique<soci::session>(*db.pool_);
    db_.in_use_.fetch_add(1);
}

Database::Lease::~Lease() {
    session_.reset();
    db_.in_use_.fetch_sub(1);
}

bool Database::Ping() {
    try {
        Lease s(*this);
        int one = 0;
        *s << "SELECT 1", soci::into(one);
        return one == 1;
    } catch (const std::exception& e) {
        spdlog::warn("database ping failed: {}", e.what());
        return false;
    }
}

}  // namespace zakupai::store
