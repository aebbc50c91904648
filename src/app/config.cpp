#include "app/config.hpp"

#include <unistd.h>

#include <array>
#include <filesystem>

namespace zakupai::app {

namespace {

void DescribeVault(SettingsSection<net::VaultSettings>& s) {
    s.Url("addr", &net::VaultSettings::addr);
    s.Secret("token", &net::VaultSettings::token);
    s.OptionalText("role_id", &net::VaultSettings::role_id);
    s.Secret("secret_id", &net::VaultSettings::secret_id);
    s.Text("mount", &net::VaultSettings::mount);
    s.Text("path", &net::VaultSettings::path);
    s.Int("timeout_ms", &net::VaultSettings::timeout_ms, 100, 120'000);
}

std::string EnvironmentNameOfSecret(const std::string& name) {
    if (name.rfind("ZAKUPAI_", 0) == 0) {
        return name;
    }
    return EnvironmentName(name);  // "database.url", "database_url", "DATABASE_URL"
}

std::vector<Setting> Bind(Config& c) {
    std::vector<Setting> settings;
    SettingsSection<Config> top("", c, settings);
    top.Custom("data_dir", [](Config& config, const std::string& v) -> std::optional<std::string> {
        if (v.empty()) {
            return "must not be empty";
        }
        config.data_dir = v;
        return std::nullopt;
    });
    top.Custom("log_level", [](Config& config, const std::string& v) -> std::optional<std::string> {
        static const std::vector<std::string> kLevels{"trace", "debug", "info", "warn", "error", "off"};
        if (std::find(kLevels.begin(), kLevels.end(), v) == kLevels.end()) {
            return "must be one of trace, debug, info, warn, error, off";
        }
        config.log_level = v;
        return std::nullopt;
    });
    top.Custom("log_format", [](Config& config, const std::string& v) -> std::optional<std::string> {
        if (v != "text" && v != "json") {
            return "must be text or json";
        }
        config.log_format = v;
        return std::nullopt;
    });
    // Each module describes its own section.
    auto section = [&settings](const char* prefix, auto& target) {
        SettingsSection<std::remove_reference_t<decltype(target)>> s(prefix, target, settings);
        DescribeSettings(s);
    };
    section("http", c.http);
    section("database", c.database);
    section("audit", c.audit);
    SettingsSection<ClusterConfig> cluster("cluster", c.cluster, settings);
    cluster.Int("lease_ttl_ms", &ClusterConfig::lease_ttl_ms, 300, 600'000);
    cluster.OptionalText("instance", &ClusterConfig::instance);
    section("goszakup", c.goszakup);
    section("import", c.import);
    section("calc", c.calc);
    section("docs", c.docs);
    section("risk", c.risk);
    section("search", c.search);
    section("llm", c.llm);
    section("telegram", c.telegram);
    section("", c.billing);
    SettingsSection<net::VaultSettings> vault("vault", c.vault, settings);
    DescribeVault(vault);
    return settings;
}

}  // namespace

Result<std::map<std::string, std::string>> OverlayVault(const net::VaultSettings& vault,
                                                        std::map<std::string, std::string> env,
                                                        std::map<std::string, std::string>* supplied) {
    if (!vault.Configured()) {
        return env;
    }
    auto secret = net::ReadVaultSecret(vault);
    if (!secret) {
        return Fail(secret.error());
    }
    for (const auto& [name, value] : *secret) {
        const std::string variable = EnvironmentNameOfSecret(name);
        env[variable] = value;
        env.erase(variable + "_FILE");
        if (supplied != nullptr) {
            (*supplied)[variable] = value;
        }
    }
    return env;
}

Result<Config> LoadConfig(const std::string& file_path, const std::map<std::string, std::string>& process_env) {
    // Vault's own settings first (from the file and the environment), then its secret over the
    // environment, then everything.
    net::VaultSettings vault;
    {
        std::vector<Setting> vault_settings;
        SettingsSection<net::VaultSettings> section("vault", vault, vault_settings);
        DescribeVault(section);
        if (auto applied = ApplySettings(vault_settings, file_path, process_env); !applied) {
            return Fail(applied.error());
        }
    }
    std::map<std::string, std::string> from_vault;
    auto overlaid = OverlayVault(vault, process_env, &from_vault);
    if (!overlaid) {
        return Fail(overlaid.error());
    }
    const auto& env = *overlaid;
    Config config;
    config.from_vault = std::move(from_vault);
    const auto settings = Bind(config);
    auto applied = ApplySettings(settings, file_path, env);
    std::vector<FieldProblem> problems = applied ? std::vector<FieldProblem>{} : applied.error().details;
    if (!applied && problems.empty()) {
        return Fail(applied.error());
    }
    for (auto more : {http::Check(config.http),
                      llm::Check(config.llm),
                      billing::Check(config.billing),
                      notify::Check(config.telegram)}) {
        problems.insert(problems.end(), more.begin(), more.end());
    }
    if (!problems.empty()) {
        return Fail(Error::Invalid(std::move(problems)));
    }
    return config;
}

std::vector<std::pair<std::string, std::vector<std::string>>> DescribeConfig() {
    Config config;
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    for (const auto& s : Bind(config)) {
        std::vector<std::string> names{EnvironmentName(s.path)};
        names.insert(names.end(), s.aliases.begin(), s.aliases.end());
        out.emplace_back(s.path, std::move(names));
    }
    return out;
}

std::string AuditArchiveDir(const Config& config) {
    return config.audit.archive_dir.empty() ? (std::filesystem::path(config.data_dir) / "audit").string()
                                            : config.audit.archive_dir;
}

std::string InstanceName(const Config& config) {
    if (!config.cluster.instance.empty()) {
        return config.cluster.instance;
    }
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) {
        host = {'?'};
    }
    return std::string(host.data()) + ":" + std::filesystem::absolute(config.data_dir).lexically_normal().string();
}

}  // namespace zakupai::app
