#pragma once
// Retention of the audit log (table audit_log): rows stay in the table for `keep_days`; whole
// months (Asia/Almaty calendar months) whose every row is older than that move into one gzip
// JSON-lines archive each, <dir>/audit-YYYY-MM.ids-<first>-<last>.jsonl.gz, and are deleted from
// the table in one transaction; archives are kept `archive_keep_days` after their month ends.
// A run cut off anywhere is repeated by the next: the archive of a month is written to a
// temporary file and renamed into place before its rows are deleted, and the same rows make the
// same file again.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/config.hpp"
#include "store/database.hpp"

namespace zakupai::store {

struct AuditArchiveReport {
    std::vector<std::string> written;  // archive paths, oldest month first
    std::int64_t rows = 0;             // moved out of the table
    std::vector<std::string> expired;  // archives removed after archive_keep_days
};

// Throws on an outage (the database, a full disk); the table keeps every row it could not archive.
AuditArchiveReport ArchiveAuditLog(Database& db, const AuditConfig& config, const std::string& dir, Instant now);

struct AuditArchiveSummary {
    std::int64_t rows = 0;
    std::int64_t first_id = 0;
    std::int64_t last_id = 0;
};

// Decompresses an archive to `out` (one JSON object per line) and checks it against its name:
// every line an object, ids ascending within the named range, the first and last ids as named.
// A problem says what is wrong and where (a truncated or tampered file, not an archive at all).
Result<AuditArchiveSummary> ReadAuditArchive(const std::string& path, std::ostream& out);

}  // namespace zakupai::store
