#pragma once
// The whole configuration: each module's section, read from an optional JSON file and then the
// ZAKUPAI_* environment (the environment wins), validated as a whole before anything starts.
#include <map>
#include <string>

#include "billing/config.hpp"
#include "calc/config.hpp"
#include "docs/config.hpp"
#include "http/config.hpp"
#include "ingest/config.hpp"
#include "llm/config.hpp"
#include "net/vault.hpp"
#include "notify/config.hpp"
#include "risk/config.hpp"
#include "search/config.hpp"
#include "store/config.hpp"

namespace zakupai::app {

// Several instances on one PostgreSQL: the "cluster" section.
struct ClusterConfig {
    int lease_ttl_ms = 15000;  // a dead leader's work moves to another instance within this
    std::string instance;      // this instance's name in the lease; empty = <hostname>:<data_dir>
};

struct Config {
    std::string data_dir = "./var";
    std::string log_level = "info";
    std::string log_format = "text";  // text | json (for Loki)
    std::string port_file;            // where serve writes the bound port (tests use port 0)
    http::HttpConfig http;
    store::DatabaseConfig database;
    store::AuditConfig audit;
    ClusterConfig cluster;
    ingest::GoszakupConfig goszakup;
    ingest::ImportConfig import;
    calc::CalcConfig calc;
    docs::DocsConfig docs;
    risk::RiskConfig risk;
    search::SearchConfig search;
    llm::LlmConfig llm;
    notify::TelegramConfig telegram;
    billing::BillingConfig billing;
    // Where secrets come from when set (ZAKUPAI_VAULT_ADDR): they override the environment.
    net::VaultSettings vault;
    // What Vault supplied, by environment name: the log names them, SIGHUP compares with them.
    std::map<std::string, std::string> from_vault;
};

// The environment with the Vault secret's values laid over it (a value named "database.url",
// "DATABASE_URL" or "ZAKUPAI_DATABASE_URL" becomes ZAKUPAI_DATABASE_URL; its *_FILE is dropped).
// Unchanged when `vault` is not configured; an error when it is and cannot be read.
Result<std::map<std::string, std::string>> OverlayVault(const net::VaultSettings& vault,
                                                        std::map<std::string, std::string> env,
                                                        std::map<std::string, std::string>* supplied = nullptr);

// Reads `file_path` (if non-empty) and then the environment. `env` is injected for tests.
Result<Config> LoadConfig(const std::string& file_path, const std::map<std::string, std::string>& env);

// The name this instance holds the leader lease and counts usage under: cluster.instance, or
// its host and data directory (two instances on one host never share one: each keeps its own
// search index). The same after a restart, so a crashed leader that comes back resumes its lease
// at once and its own usage counts continue.
std::string InstanceName(const Config& config);

// Where the audit log's archives go: audit.archive_dir, or <data_dir>/audit.
std::string AuditArchiveDir(const Config& config);

// Every setting's JSON path and environment names (the path's own first), for --help-config.
std::vector<std::pair<std::string, std::vector<std::string>>> DescribeConfig();

}  // namespace zakupai::app
