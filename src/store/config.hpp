#pragma once
// The database settings: the "database" section of the configuration.
#include <string>

#include "core/settings.hpp"

namespace zakupai::store {

struct DatabaseConfig {
    std::string url;  // sqlite:///abs/path.db or postgresql://...; empty = <data_dir>/zakupai.db
    int pool_size = 4;
    // Off behind PgBouncer in transaction mode, which keeps no named prepared statements.
    bool prepared_statements = true;
    // The database URL with any password replaced, for logs.
    std::string Redacted() const;
};

void DescribeSettings(SettingsSection<DatabaseConfig>& section);

}  // namespace zakupai::store
