// `zakupai import FILE`: a price list or lots in one transaction, as the upload route does.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/api.hpp"
#include "app/commands.hpp"
#include "app/modules.hpp"
#include "ingest/batch_import.hpp"

namespace zakupai::app {

int Import(const Config& config, const ImportArgs& args) {
    std::ifstream in(args.file, std::ios::binary);
    if (!in) {
        std::cerr << "zakupai: cannot read " << args.file << "\n";
        return 2;
    }
    in.seekg(0, std::ios::end);
    std::string bytes(static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0)), '\0');
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (bytes.size() > config.import.max_bytes) {
        std::cerr << "zakupai: " << args.file << " is " << bytes.size() << " bytes; the limit is "
                  << config.import.max_bytes << " (ZAKUPAI_IMPORT_MAX_BYTES)\n";
        return 2;
    }
    Modules m(config, true);
    ingest::ImportOptions options;
    options.kind = args.kind == "lots"     ? ingest::ImportKind::kLots
                   : args.kind == "prices" ? ingest::ImportKind::kPrices
                                           : ingest::ImportKind::kAuto;
    options.strict = args.strict;
    options.source = args.source;
    options.sheet = args.sheet;
    options.file_name = std::filesystem::path(args.file).filename().string();
    auto report = m.Imports().Import(bytes, options);
    m.Stop();
    if (!report) {
        std::cerr << "zakupai: " << report.error().message << "\n";
        for (const auto& p : report.error().details) {
            if (report.error().message.find(p.problem) == std::string::npos) {
                std::cerr << "  " << p.field << ": " << p.problem << "\n";
            }
        }
        return 1;
    }
    if (args.json) {
        JsonWriter w;
        w.BeginObject();
        api::WriteImportReport(w, *report);
        std::cout << w.EndObject().Take() << "\n";
        return 0;
    }
    std::cout << fmt::format(
        "imported {} ({}, {}): {} rows, {} accepted ({} already there, {} corrected), {} rejected, {} matched to lots, "
        "batch {}, {:.2f} s\n",
        args.file,
        report->kind,
        report->format == "csv" ? report->encoding : "xlsx sheet " + report->sheet,
        report->rows_total,
        report->accepted,
        report->already_present,
        report->updated,
        report->rejected,
        report->matched,
        report->batch_id,
        report->duration_seconds);
    for (std::size_t i = 0; i < report->errors.size() && i < 20; ++i) {
        const auto& e = report->errors[i];
        std::cout << fmt::format("  line {}{}: {}\n", e.line, e.column.empty() ? "" : " [" + e.column + "]", e.error);
    }
    if (report->errors.size() > 20) {
        std::cout << "  ... and " << report->errors.size() - 20 << " more (--json lists them all)\n";
    }
    return 0;
}

}  // namespace zakupai::app
