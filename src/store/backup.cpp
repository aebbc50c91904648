#include "store/backup.hpp"

#include <fcntl.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/json.hpp"

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX name

namespace zakupai::store {

namespace fs = std::filesystem;

namespace {

// SOCI's header wraps sqlite3.h in a namespace of its own (and includes it first).
using sqlite_api::sqlite3;
using sqlite_api::sqlite3_backup;
using sqlite_api::sqlite3_backup_finish;
using sqlite_api::sqlite3_backup_init;
using sqlite_api::sqlite3_backup_step;
using sqlite_api::sqlite3_errmsg;
using sqlite_api::sqlite3_errstr;
using sqlite_api::sqlite3_sleep;

constexpr std::string_view kPrefix = "zakupai-";
constexpr std::string_view kSqliteSuffix = ".sqlite3";
constexpr std::string_view kPostgresSuffix = ".pgdump";

std::string Identifier(const std::string& name) {
    std::string out = "\"";
    for (const char c : name) {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

void Mix(std::uint64_t& hash, std::string_view bytes) {
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ULL;
    }
}

Fingerprint FingerprintOf(soci::session& session, Dialect dialect) {
    std::vector<std::string> tables;
    {
        soci::rowset<std::string> names =
            dialect == Dialect::kSqlite
                ? (session.prepare << "SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "AND name NOT LIKE 'sqlite_%' ORDER BY name")
                : (session.prepare << "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                      "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name");
        tables.assign(names.begin(), names.end());
    }
    Fingerprint out;
    for (const auto& table : tables) {
        std::vector<std::string> columns;
        if (dialect == Dialect::kSqlite) {
            soci::rowset<soci::row> info = (session.prepare << "PRAGMA table_info(" + Identifier(table) + ")");
            for (const auto& r : info) {
                columns.push_back(r.get<std::string>(1));
            }
        } else {
            soci::rowset<std::string> names =
                (session.prepare << "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                    "current_schema() AND table_name = :t ORDER BY ordinal_position",
                 soci::use(table));
            columns.assign(names.begin(), names.end());
        }
        // Every column as text (NULL marked apart from ''), rows in the order of all columns:
        // the same data gives the same checksum whatever order the rows were written in.
        std::string select = "SELECT ";
        std::string order = " ORDER BY ";
        for (std::size_t i = 0; i < columns.size(); ++i) {
            select += (i ? ", " : "") + std::string("COALESCE(CAST(") + Identifier(columns[i]) + " AS TEXT), '<null>')";
            order += (i ? ", " : "") + std::to_string(i + 1);
        }
        TableDigest digest;
        digest.checksum = 14695981039346656037ULL;
        select += " FROM ";
        select += Identifier(table);
        select += order;
        soci::rowset<soci::row> rows = (session.prepare << select);
        for (const auto& r : rows) {
            ++digest.rows;
            for (std::size_t i = 0; i < r.size(); ++i) {
                Mix(digest.checksum, r.get<std::string>(i));
                Mix(digest.checksum, std::string_view("\x1f", 1));
            }
            Mix(digest.checksum, std::string_view("\x1e", 1));
        }
        out[table] = digest;
    }
    return out;
}

sqlite3* NativeSqlite(soci::session& session) {
    return static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_;
}

// Copies a whole SQLite database from `from` to `to` in one step, so the copy is one snapshot
// (with WAL, writers on other connections go on meanwhile).
void CopySqlite(sqlite3* from, sqlite3* to) {
    sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
    if (backup == nullptr) {
        throw std::runtime_error(std::string("sqlite backup: ") + sqlite3_errmsg(to));
    }
    int rc = SQLITE_OK;
    do {
        rc = sqlite3_backup_step(backup, -1);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            sqlite3_sleep(50);
        }
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        throw std::runtime_error(std::string("sqlite backup: ") + sqlite3_errstr(rc));
    }
}

// Runs a PostgreSQL client program with the connection in its environment (the password never
// in its arguments, where `ps` would show it). Throws with the program's own complaint.
void RunPostgresTool(std::vector<std::string> args, const std::string& database_url) {
    std::vector<std::string> env_entries;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        env_entries.emplace_back(*e);
    }
    std::vector<std::pair<std::string, std::string>> params;
    for (auto& [key, value] : PostgresConnectParams(database_url)) {
        if (key == "password") {
            env_entries.push_back("PGPASSWORD=" + value);
        } else {
            params.emplace_back(key, value);
        }
    }
    args.push_back(PostgresConnectString(params));
    const fs::path errors = fs::temp_directory_path() / ("zakupai-pgtool-" + std::to_string(::getpid()) + ".err");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    envp.reserve(env_entries.size() + 1);
    for (auto& e : env_entries) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        throw std::runtime_error(args[0] + " cannot be started: " + std::strerror(spawned));
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::ifstream in(errors);
    std::stringstream complaint;
    complaint << in.rdbuf();
    fs::remove(errors);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw std::runtime_error(args[0] + " failed: " + complaint.str());
    }
}

std::string StampOf(Instant now) {
    std::string stamp = FormatUtcTimestamp(now);  // 2026-12-06T07:25:01.123Z
    stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }), stamp.end());
    return stamp.substr(0, stamp.find('.')) + "Z";  // 20261206T072501Z
}

void WriteManifest(const std::string& path, const BackupFile& backup, Dialect dialect, Instant now) {
    JsonWriter w;
    w.BeginObject()
        .Field("file", fs::path(backup.path).filename().string())
        .Field("created_at", FormatUtcTimestamp(now))
        .Field("database", dialect == Dialect::kSqlite ? "sqlite" : "postgresql")
        .Field("bytes", backup.bytes)
        .Key("tables")
        .BeginObject();
    for (const auto& [table, digest] : backup.fingerprint) {
        w.Key(table).BeginObject().Field("rows", digest.rows).Field("checksum", std::to_string(digest.checksum));
        w.EndObject();
    }
    w.EndObject().EndObject();
    std::ofstream(path + ".tmp") << w.str() << "\n";
    fs::rename(path + ".tmp", path);
}

bool IsBackupName(const std::string& name) {
    return name.starts_with(kPrefix) && (name.ends_with(kSqliteSuffix) || name.ends_with(kPostgresSuffix));
}

}  // namespace

Fingerprint TakeFingerprint(Database& db) {
    Database::Lease session(db);
    return FingerprintOf(*session, db.dialect());
}

BackupFile Backup(Database& db, const std::string& database_url, const std::string& dir, Instant now) {
    fs::create_directories(dir);
    const bool sqlite = db.dialect() == Dialect::kSqlite;
    BackupFile out;
    out.path =
        (fs::path(dir) / (std::string(kPrefix) + StampOf(now) + std::string(sqlite ? kSqliteSuffix : kPostgresSuffix)))
            .string();
    const std::string partial = out.path + ".partial";
    fs::remove(partial);
    if (sqlite) {
        {
            Database::Lease source(db);
            soci::session copy(soci::sqlite3, "db=" + partial);
            CopySqlite(NativeSqlite(*source), NativeSqlite(copy));
            // The copy keeps the source's WAL mode; a backup is one self-contained file.
            copy << "PRAGMA journal_mode=DELETE";
            out.fingerprint = FingerprintOf(copy, Dialect::kSqlite);
        }
    } else {
        Database::Lease session(db);
        *session << "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
        try {
            std::string snapshot;
            *session << "SELECT pg_export_snapshot()", soci::into(snapshot);
            out.fingerprint = FingerprintOf(*session, Dialect::kPostgres);
            RunPostgresTool(
                {"pg_dump", "--format=custom", "--no-owner", "--snapshot=" + snapshot, "--file=" + partial, "--dbname"},
                database_url);
            *session << "COMMIT";
        } catch (...) {
            *session << "ROLLBACK";
            throw;
        }
    }
    fs::rename(partial, out.path);
    out.bytes = static_cast<std::int64_t>(fs::file_size(out.path));
    WriteManifest(out.path + ".json", out, db.dialect(), now);
    return out;
}

int PruneBackups(const std::string& dir, int keep) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && IsBackupName(name)) {
            names.push_back(name);
        }
    }
    std::sort(names.begin(), names.end());  // the stamp sorts as time
    int removed = 0;
    for (std::size_t i = 0; i + static_cast<std::size_t>(std::max(keep, 0)) < names.size(); ++i) {
        fs::remove(fs::path(dir) / names[i]);
        fs::remove(fs::path(dir) / (names[i] + ".json"));
        ++removed;
    }
    return removed;
}

Result<Fingerprint> ReadManifest(const std::string& backup_path) {
    const std::string path = backup_path + ".json";
    std::ifstream in(path);
    if (!in) {
        return Fail(Error::Invalid("backup", "no manifest " + path + " beside the backup"));
    }
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(text.str(), ec);
    const auto* tables = !ec && parsed.is_object() ? parsed.as_object().if_contains("tables") : nullptr;
    if (tables == nullptr || !tables->is_object()) {
        return Fail(Error::Invalid("backup", "manifest " + path + " is not a backup manifest"));
    }
    Fingerprint out;
    for (const auto& [table, digest] : tables->as_object()) {
        const auto* rows = digest.is_object() ? digest.as_object().if_contains("rows") : nullptr;
        const auto* checksum = digest.is_object() ? digest.as_object().if_contains("checksum") : nullptr;
        if (rows == nullptr || !rows->is_int64() || checksum == nullptr || !checksum->is_string()) {
            return Fail(
                Error::Invalid("backup", "manifest " + path + ": table " + std::string(table) + " is malformed"));
        }
        try {
            out[std::string(table)] = {rows->as_int64(), std::stoull(std::string(checksum->as_string()))};
        } catch (const std::exception&) {
            return Fail(
                Error::Invalid("backup", "manifest " + path + ": table " + std::string(table) + " is malformed"));
        }
    }
    return out;
}

Result<Fingerprint> Restore(Database& db, const std::string& database_url, const std::string& backup_path) {
    const bool sqlite = db.dialect() == Dialect::kSqlite;
    if (!fs::is_regular_file(backup_path)) {
        return Fail(Error::Invalid("backup", "no such file " + backup_path));
    }
    if (backup_path.ends_with(sqlite ? kPostgresSuffix : kSqliteSuffix)) {
        return Fail(Error::Invalid("backup",
                                   std::string("a ") + (sqlite ? "PostgreSQL" : "SQLite") +
                                       " backup cannot be restored into " + (sqlite ? "SQLite" : "PostgreSQL")));
    }
    if (sqlite) {
        Database::Lease target(db);
        soci::session source(soci::sqlite3, "db=" + backup_path);
        CopySqlite(NativeSqlite(source), NativeSqlite(*target));
    } else {
        RunPostgresTool({"pg_restore",
                         "--clean",
                         "--if-exists",
                         "--no-owner",
                         "--single-transaction",
                         "--exit-on-error",
                         backup_path,
                         "--dbname"},
                        database_url);
    }
    return TakeFingerprint(db);
}

}  // namespace zakupai::store
