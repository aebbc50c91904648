#pragma once
// Database tests run against SQLite always and against PostgreSQL when ZAKUPAI_TEST_PG_URL is
// set (scripts/test starts a throwaway server; ZAKUPAI_REQUIRE_PG=1 makes its absence a failure).
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "store/database.hpp"

namespace zakupai::test {

// A fresh database per test: a temp SQLite file, or a new PostgreSQL database.
class Backend {
public:
    explicit Backend(bool postgres) : postgres_(postgres) {
        std::random_device rd;
        name_ = "zk_test_" + std::to_string(rd()) + std::to_string(rd());
        if (postgres) {
            const char* base = std::getenv("ZAKUPAI_TEST_PG_URL");
            soci::session admin(soci::postgresql, store::PostgresConnectString(base));
            admin << "CREATE DATABASE " + name_;
            std::string url = base;
            url = url.substr(0, url.rfind('/') + 1) + name_;
            config_.url = url;
        } else {
            dir_ = std::filesystem::temp_directory_path() / name_;
            config_.url = "sqlite://" + (dir_ / "test.db").string();
        }
        config_.pool_size = 3;
    }
    ~Backend() {
        if (postgres_) {
            soci::session admin(soci::postgresql, store::PostgresConnectString(std::getenv("ZAKUPAI_TEST_PG_URL")));
            admin << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
        } else {
            std::filesystem::remove_all(dir_);
        }
    }
    std::unique_ptr<store::Database> Open() const { return store::Database::Open(config_, dir_.string()); }
    // The same database opened with other settings (how statements run, pool size).
    std::unique_ptr<store::Database> Open(const std::function<void(store::DatabaseConfig&)>& adjust) const {
        store::DatabaseConfig config = config_;
        adjust(config);
        return store::Database::Open(config, dir_.string());
    }

private:
    bool postgres_;
    std::string name_;
    std::filesystem::path dir_;
    store::DatabaseConfig config_;
};

class BackendTest : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        if (GetParam() && std::getenv("ZAKUPAI_TEST_PG_URL") == nullptr) {
            if (std::getenv("ZAKUPAI_REQUIRE_PG") != nullptr)
                FAIL() << "ZAKUPAI_TEST_PG_URL is not set";
            GTEST_SKIP() << "PostgreSQL not configured (set ZAKUPAI_TEST_PG_URL)";
        }
        backend_ = std::make_unique<Backend>(GetParam());
    }
    std::unique_ptr<Backend> backend_;
};

}  // namespace zakupai::test
