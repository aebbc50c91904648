#pragma once
// Backups and restores of the whole database, with a fingerprint of every table (row count and
// a checksum of its rows in key order) taken from the very snapshot that was saved, so a restore
// can prove it brought back exactly that.
//   SQLite: SQLite's online backup API, while the server keeps writing (WAL readers do not
//           block writers); the copy is a consistent snapshot.
//   PostgreSQL: pg_dump (custom format) of a snapshot exported by a REPEATABLE READ transaction
//           that fingerprints the same snapshot; restored by pg_restore in one transaction.
// Files: <dir>/zakupai-YYYYMMDDTHHMMSSZ.sqlite3|.pgdump and a .json manifest beside each.
#include <cstdint>
#include <map>
#include <string>

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace zakupai::store {

struct TableDigest {
    std::int64_t rows = 0;
    std::uint64_t checksum = 0;  // FNV-1a over every row's columns as text, in primary-key order
    bool operator==(const TableDigest&) const = default;
};
using Fingerprint = std::map<std::string, TableDigest>;

// Every table of the live database, now.
Fingerprint TakeFingerprint(Database& db);

struct BackupFile {
    std::string path;
    std::int64_t bytes = 0;
    Fingerprint fingerprint;  // of the saved snapshot
};

// Writes a backup into `dir` (created when missing). `database_url` is the configured one (the
// PostgreSQL connection for pg_dump). Throws on an outage (disk full, pg_dump failing).
BackupFile Backup(Database& db, const std::string& database_url, const std::string& dir, Instant now);

// Deletes all but the newest `keep` backups (and their manifests) in `dir`; returns how many.
int PruneBackups(const std::string& dir, int keep);

// The manifest's fingerprint; a problem names the file when it is missing or malformed.
Result<Fingerprint> ReadManifest(const std::string& backup_path);

// Replaces the database's contents with the backup's and returns the fingerprint of what is now
// in the database. The backup's kind must match the database's (SQLite or PostgreSQL).
Result<Fingerprint> Restore(Database& db, const std::string& database_url, const std::string& backup_path);

}  // namespace zakupai::store
