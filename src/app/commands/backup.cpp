// `zakupai backup` and `zakupai restore`: the whole database to a file and back, each restore
// proved against the fingerprint the backup recorded (store/backup.hpp).
#include "store/backup.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "app/commands.hpp"
#include "app/modules.hpp"

namespace zakupai::app {

namespace {

std::int64_t TotalRows(const store::Fingerprint& fingerprint) {
    std::int64_t rows = 0;
    for (const auto& [table, digest] : fingerprint) {
        rows += digest.rows;
    }
    return rows;
}

}  // namespace

int Backup(const Config& config, const BackupArgs& args) {
    Modules m(config, false);
    const std::string dir = args.dir.empty() ? (std::filesystem::path(config.data_dir) / "backups").string() : args.dir;
    const auto started = std::chrono::steady_clock::now();
    const auto backup = store::Backup(m.Database(), config.database.url, dir, m.clock().Now());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << fmt::format("backup: {} ({} bytes, {} tables, {} rows) in {:.1f} s\n",
                             backup.path,
                             backup.bytes,
                             backup.fingerprint.size(),
                             TotalRows(backup.fingerprint),
                             seconds);
    if (args.keep > 0) {
        const int removed = store::PruneBackups(dir, args.keep);
        std::cout << fmt::format("backup: kept the newest {}, removed {}\n", args.keep, removed);
    }
    return 0;
}

int Restore(const Config& config, const std::string& file, bool confirmed) {
    auto expected = store::ReadManifest(file);
    if (!expected) {
        std::cerr << "zakupai restore: " << expected.error().message << "\n";
        return 2;
    }
    if (!confirmed) {
        std::cerr << "zakupai restore: this replaces everything in the configured database with " << file
                  << "; stop the servers first and run again with --yes\n";
        return 2;
    }
    Modules m(config, false);
    auto restored = store::Restore(m.Database(), config.database.url, file);
    if (!restored) {
        std::cerr << "zakupai restore: " << restored.error().message << "\n";
        return 2;
    }
    int differences = 0;
    for (const auto& [table, digest] : *expected) {
        const auto found = restored->find(table);
        if (found == restored->end() || !(found->second == digest)) {
            std::cerr << fmt::format("zakupai restore: table {} differs from the backup: {} rows expected, {} found\n",
                                     table,
                                     digest.rows,
                                     found == restored->end() ? 0 : found->second.rows);
            ++differences;
        }
    }
    if (differences > 0) {
        return 1;
    }
    std::cout << fmt::format(
        "restore: {} tables, {} rows, every table's row count and checksum equal to the backup's\n"
        "restore: rebuild the search index before serving: zakupai reindex --semantic\n",
        expected->size(),
        TotalRows(*expected));
    return 0;
}

}  // namespace zakupai::app
