#pragma once
// The sub-commands of `zakupai`, one file each under commands/; each returns the exit code
// (0 done, 1 failed, 2 refused: bad arguments or configuration).
#include <cstdint>
#include <string>

#include "app/config.hpp"

namespace zakupai::app {

int Serve(const Config& config);
int Migrate(const Config& config);

struct BackupArgs {
    std::string dir;  // empty: <data_dir>/backups
    int keep = 0;     // 0: keep every backup
};
int Backup(const Config& config, const BackupArgs& args);
// Refuses without `confirmed` (it replaces the database); verifies against the manifest.
int Restore(const Config& config, const std::string& file, bool confirmed);
// The audit log's whole months older than audit.keep_days into gzip JSON-lines archives, and
// an archive read back (verified against its name) for an audit.
int ArchiveAudit(const Config& config);
int ReadAudit(const std::string& file);
int SeedDemo(const Config& config, int lots, bool if_empty, const std::string& key_file);

struct KeyArgs {
    std::string plan = "free";
    std::string name;
    std::int64_t tg_id = 0;
    std::string email;
};
int CreateKey(const Config& config, const KeyArgs& args);
int RevokeKey(const Config& config, std::int64_t key_id);

// what: lots | subjects | contracts | rnu.
int Sync(const Config& config, const std::string& what, bool full, const std::string& since);

struct ImportArgs {
    std::string file;
    std::string kind = "auto";
    bool strict = false;
    std::string source;
    std::string sheet;
    bool json = false;
};
int Import(const Config& config, const ImportArgs& args);

int Rescore(const Config& config, const std::string& since);
int PruneEvaluations(const Config& config, int keep);
int Reindex(const Config& config, bool with_semantic);

}  // namespace zakupai::app
