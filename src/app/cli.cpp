#include "app/cli.hpp"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/build_info.hpp"
#include "app/commands.hpp"
#include "app/modules.hpp"
#include "core/logging.hpp"

namespace zakupai::app {

namespace {

struct CommonOptions {
    std::string config_file;
    std::string data_dir;
    std::string database_url;
};

Result<Config> LoadEffectiveConfig(const CommonOptions& options) {
    auto env = ProcessEnvironment();
    std::string file = options.config_file;
    if (file.empty() && env.contains("ZAKUPAI_CONFIG")) {
        file = env["ZAKUPAI_CONFIG"];
    }
    // Command-line flags override the environment, which overrides the file.
    if (!options.data_dir.empty()) {
        env["ZAKUPAI_DATA_DIR"] = options.data_dir;
    }
    if (!options.database_url.empty()) {
        env["ZAKUPAI_DATABASE_URL"] = options.database_url;
    }
    return LoadConfig(file, env);
}

void ReportConfigError(const Error& error) {
    std::cerr << "zakupai: invalid configuration:\n";
    for (const auto& p : error.details) {
        std::cerr << "  " << p.field << ": " << p.problem << "\n";
    }
    if (error.details.empty()) {
        std::cerr << "  " << error.message << "\n";
    }
}

void PrintSettings() {
    std::cout << "Every setting: its path in the --config JSON file, then the environment variables that set it\n"
                 "(the first is derived from the path; the others are older names, still read):\n\n";
    for (const auto& [path, names] : DescribeConfig()) {
        std::string line = "  " + path;
        line.resize(std::max<std::size_t>(line.size() + 1, 40), ' ');
        for (std::size_t i = 0; i < names.size(); ++i) {
            line += (i == 0 ? "" : ", ") + names[i];
        }
        std::cout << line << "\n";
    }
}

int Run(int argc, char** argv) {
    CLI::App cli{"ZakupAI: find, judge and win Kazakhstan public tenders"};
    cli.require_subcommand(1);
    CommonOptions common;
    cli.add_option("--config", common.config_file, "JSON config file (also ZAKUPAI_CONFIG)");
    cli.add_option("--data-dir", common.data_dir, "Data directory (also ZAKUPAI_DATA_DIR)");
    cli.add_option(
        "--database-url", common.database_url, "sqlite:///abs/path.db or postgresql://... (also ZAKUPAI_DATABASE_URL)");

    auto* serve = cli.add_subcommand("serve", "Run the HTTP API (migrates the database first)");
    std::string host;
    int port = -1;
    std::string port_file;
    serve->add_option("--host", host, "Address to listen on (ZAKUPAI_HTTP_HOST)");
    serve->add_option("--port", port, "Port, 0 for any free port (ZAKUPAI_HTTP_PORT)")->check(CLI::Range(0, 65535));
    serve->add_option("--port-file", port_file, "Write the bound port to this file");

    auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations");
    auto* settings = cli.add_subcommand("settings", "List every setting with its environment variables");

    auto* keys = cli.add_subcommand("keys", "Manage API keys");
    keys->require_subcommand(1);
    auto* keys_create = keys->add_subcommand("create", "Create a key and print it (shown only once)");
    KeyArgs key_args;
    keys_create->add_option("--plan", key_args.plan, "free | premium | service | admin")
        ->check(CLI::IsMember({"free", "premium", "service", "admin"}));
    keys_create->add_option("--name", key_args.name, "A label for the key")->required();
    keys_create->add_option("--tg-id", key_args.tg_id, "Telegram user id of the owner");
    keys_create->add_option("--email", key_args.email, "E-mail of the owner");
    auto* keys_revoke =
        keys->add_subcommand("revoke", "Revoke a key by its id; running servers refuse it within a second");
    std::int64_t key_id = 0;
    keys_revoke->add_option("KEY_ID", key_id, "Key id")->required();

    auto* seed = cli.add_subcommand("seed-demo", "Load the synthetic demo data set");
    int lots = 3000;
    bool if_empty = false;
    std::string key_file;
    seed->add_option("--lots", lots, "How many lots")->check(CLI::Range(1, 5'000'000));
    seed->add_flag("--if-empty", if_empty, "Only when the database has no lots yet");
    seed->add_option("--key-file", key_file, "Create a premium demo key into this file if it does not exist");

    auto* sync = cli.add_subcommand("sync", "Pull data from the state procurement portal");
    sync->require_subcommand(1);
    auto* sync_goszakup =
        sync->add_subcommand("goszakup", "Lots from Goszakup OWS v3: what changed since the last run, or --full");
    bool full = false;
    std::string since;
    sync_goszakup->add_flag("--full", full, "Walk the whole register (resumable)");
    sync_goszakup->add_option("--since", since, "Only lots changed since this Almaty day, YYYY-MM-DD");
    auto* sync_rnu = sync->add_subcommand("rnu", "The register of unreliable suppliers (replaced as a whole)");
    auto* sync_subjects = sync->add_subcommand("subjects", "Participants (suppliers and customers) into suppliers");
    sync_subjects->add_flag("--full", full, "Walk the whole register (resumable)");
    sync_subjects->add_option("--since", since, "Only participants changed since this Almaty day, YYYY-MM-DD");
    auto* sync_contracts =
        sync->add_subcommand("contracts", "Contracts and their amendments (for concentration and amendment checks)");
    sync_contracts->add_flag("--full", full, "Walk the whole register (resumable)");
    sync_contracts->add_option("--since", since, "Only contracts changed since this Almaty day, YYYY-MM-DD");

    auto* import = cli.add_subcommand("import", "Load a CSV or XLSX price list (or lots) in one transaction");
    ImportArgs import_args;
    import->add_option("FILE", import_args.file, "The .csv or .xlsx file")->required();
    import->add_option("--kind", import_args.kind, "auto | prices | lots")
        ->check(CLI::IsMember({"auto", "prices", "lots"}));
    import->add_flag("--strict", import_args.strict, "Import nothing if any row is bad");
    import->add_option("--source", import_args.source, "Source name for rows without one");
    import->add_option("--sheet", import_args.sheet, "XLSX sheet name (default: the first with rows)");
    import->add_flag("--json", import_args.json, "Print the full report as JSON");

    auto* risk_cmd = cli.add_subcommand("risk", "Risk engine tasks");
    risk_cmd->require_subcommand(1);
    auto* rescore = risk_cmd->add_subcommand("rescore", "Score the stored lots again (all, or changed since a day)");
    std::string rescore_since;
    rescore->add_option("--since", rescore_since, "Only lots created or changed since this Almaty day, YYYY-MM-DD");
    auto* prune = risk_cmd->add_subcommand("prune", "Keep only the newest evaluations of every lot");
    int keep = -1;
    prune->add_option("--keep", keep, "How many per lot (default: risk.keep_evaluations)")
        ->check(CLI::Range(1, 10'000));

    auto* reindex = cli.add_subcommand("reindex", "Rebuild the full-text lot index from the database");
    bool reindex_semantic = false;
    reindex->add_flag("--semantic",
                      reindex_semantic,
                      "Also train the word vectors and rebuild the semantic index (or re-embed with the provider)");

    auto* backup = cli.add_subcommand("backup", "Back the database up while it serves (with a verifiable manifest)");
    BackupArgs backup_args;
    backup->add_option("--dir", backup_args.dir, "Where backups go (default <data-dir>/backups)");
    backup->add_option("--keep", backup_args.keep, "Keep only the newest N backups (0 = all)")
        ->check(CLI::NonNegativeNumber);
    auto* restore = cli.add_subcommand("restore", "Replace the database with a backup and verify every table");
    std::string restore_file;
    bool restore_confirmed = false;
    restore->add_option("file", restore_file, "The backup file (its .json manifest beside it)")->required();
    restore->add_flag("--yes", restore_confirmed, "Yes, replace everything in the configured database");

    auto* audit = cli.add_subcommand("audit", "The audit log's archives");
    audit->require_subcommand(1);
    auto* audit_archive =
        audit->add_subcommand("archive", "Move whole months older than audit.keep_days into gzip JSON-lines archives");
    auto* audit_read =
        audit->add_subcommand("read", "Print an archive's rows as JSON lines, verified against its name");
    std::string audit_file;
    audit_read->add_option("file", audit_file, "An archive (audit-YYYY-MM.ids-FIRST-LAST.jsonl.gz)")->required();

    auto* version = cli.add_subcommand("version", "Print the version");

    CLI11_PARSE(cli, argc, argv);

    if (version->parsed()) {
        std::cout << "zakupai " << kVersion << " (" << kBuildType << ")\n";
        return 0;
    }
    if (settings->parsed()) {
        PrintSettings();
        return 0;
    }
    auto config = LoadEffectiveConfig(common);
    if (!config) {
        ReportConfigError(config.error());
        return 2;
    }
    if (!host.empty()) {
        config->http.host = host;
    }
    if (port >= 0) {
        config->http.port = port;
    }
    config->port_file = port_file;
    SetupLogging(config->log_level, config->log_format);
    try {
        if (serve->parsed()) {
            return Serve(*config);
        }
        if (migrate->parsed()) {
            return Migrate(*config);
        }
        if (backup->parsed()) {
            return Backup(*config, backup_args);
        }
        if (audit_archive->parsed()) {
            return ArchiveAudit(*config);
        }
        if (audit_read->parsed()) {
            return ReadAudit(audit_file);
        }
        if (restore->parsed()) {
            return Restore(*config, restore_file, restore_confirmed);
        }
        if (seed->parsed()) {
            return SeedDemo(*config, lots, if_empty, key_file);
        }
        if (rescore->parsed()) {
            return Rescore(*config, rescore_since);
        }
        if (prune->parsed()) {
            return PruneEvaluations(*config, keep > 0 ? keep : config->risk.keep_evaluations);
        }
        if (reindex->parsed()) {
            return Reindex(*config, reindex_semantic);
        }
        if (import->parsed()) {
            return Import(*config, import_args);
        }
        if (sync_goszakup->parsed() || sync_rnu->parsed() || sync_subjects->parsed() || sync_contracts->parsed()) {
            const std::string what = sync_rnu->parsed()         ? "rnu"
                                     : sync_subjects->parsed()  ? "subjects"
                                     : sync_contracts->parsed() ? "contracts"
                                                                : "lots";
            return Sync(*config, what, full, since);
        }
        if (keys_create->parsed()) {
            return CreateKey(*config, key_args);
        }
        if (keys_revoke->parsed()) {
            return RevokeKey(*config, key_id);
        }
    } catch (const StartupError& e) {
        spdlog::critical("{}", e.what());
        std::cerr << "zakupai: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        std::cerr << "zakupai: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace

int Main(int argc, char** argv) {
    const int code = Run(argc, argv);
    spdlog::shutdown();  // flushes the asynchronous access log
    return code;
}

}  // namespace zakupai::app
