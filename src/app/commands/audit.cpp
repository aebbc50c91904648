// `zakupai audit archive` and `zakupai audit read FILE` (store/audit_archive.hpp).
#include <fmt/format.h>

#include <iostream>

#include "app/commands.hpp"
#include "app/modules.hpp"
#include "store/audit_archive.hpp"

namespace zakupai::app {

int ArchiveAudit(const Config& config) {
    Modules m(config, false);
    const auto report = store::ArchiveAuditLog(m.Database(), config.audit, AuditArchiveDir(config), m.clock().Now());
    for (const auto& path : report.written) {
        std::cout << "audit: archived " << path << "\n";
    }
    for (const auto& path : report.expired) {
        std::cout << "audit: removed " << path << " (older than " << config.audit.archive_keep_days << " days)\n";
    }
    std::cout << fmt::format("audit: {} rows moved into {} {}; rows from the month {} days ago on stay\n",
                             report.rows,
                             report.written.size(),
                             report.written.size() == 1 ? "archive" : "archives",
                             config.audit.keep_days);
    return 0;
}

int ReadAudit(const std::string& file) {
    const auto read = store::ReadAuditArchive(file, std::cout);
    std::cout.flush();
    if (!read) {
        std::cerr << "zakupai audit read: " << file << ": " << read.error().message << "\n";
        return 1;
    }
    std::cerr << fmt::format("audit read: {} rows, ids {}..{}, intact\n", read->rows, read->first_id, read->last_id);
    return 0;
}

}  // namespace zakupai::app
