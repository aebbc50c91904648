#include "app/config.hpp"

namespace zakupai::app {

namespace {

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
    section("goszakup", c.goszakup);
    section("import", c.import);
    section("calc", c.calc);
    section("docs", c.docs);
    section("risk", c.risk);
    section("search", c.search);
    section("llm", c.llm);
    section("telegram", c.telegram);
    section("", c.billing);
    return settings;
}

}  // namespace

Result<Config> LoadConfig(const std::string& file_path, const std::map<std::string, std::string>& env) {
    Config config;
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

}  // namespace zakupai::app
