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
    // A PostgreSQL replica for reads that may lag a little (the search indexes' catch-up);
    // empty: every read goes to `url`.
    std::string read_url;
    // The database URL with any password replaced, for logs.
    std::string Redacted() const;
};

void DescribeSettings(SettingsSection<DatabaseConfig>& section);

// The audit log's retention: the "audit" section.
struct AuditConfig {
    int keep_days = 180;           // in the table; older whole months move to archives
    int archive_keep_days = 1096;  // three years after the month ends; 0 keeps archives forever
    std::string archive_dir;       // empty = <data_dir>/audit
};

void DescribeSettings(SettingsSection<AuditConfig>& section);

}  // namespace zakupai::store
