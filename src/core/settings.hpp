#pragma once
// How configuration is read: every module declares the settings of its own section (a JSON path
// in the config file, an environment name derived from that path, the older environment names it
// also answers to, and how a text becomes a typed value); the composition root collects the
// sections and reads the file, then the environment, which wins. Every bad value is reported,
// all at once, naming the JSON path or the variable that carried it.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace zakupai {

// One setting bound to the object it fills.
struct Setting {
    std::string path;                  // "goszakup.sync_interval_s"
    std::vector<std::string> aliases;  // older environment names, still read (after the path's own)
    bool from_config_file = true;      // false for secrets: never written in a config file
    bool from_secret_file = false;     // also <NAME>_FILE, a file holding the value (mounted secrets)
    // Stores a value given as text; returns the problem when it is not acceptable.
    std::function<std::optional<std::string>(const std::string& text)> apply;
};

// "goszakup.sync_interval_s" -> "ZAKUPAI_GOSZAKUP_SYNC_INTERVAL_S".
std::string EnvironmentName(std::string_view path);

// The typed readings every setting kind shares; the problem text when the value does not fit.
std::optional<std::string> ParseIntSetting(const std::string& text,
                                           std::int64_t min,
                                           std::int64_t max,
                                           std::int64_t& out);
std::optional<std::string> ParseBoolSetting(const std::string& text, bool& out);
std::optional<std::string> ParseUrlSetting(const std::string& text, std::string& out);

// A module's section of the configuration: typed declarations that bind to `T`'s fields.
template <class T>
class SettingsSection {
public:
    SettingsSection(std::string prefix, T& target, std::vector<Setting>& out)
        : prefix_(std::move(prefix)), target_(target), out_(out) {}

    using Aliases = std::vector<std::string>;

    template <class Field>
    void Int(std::string_view name, Field T::*field, std::int64_t min, std::int64_t max, Aliases aliases = {}) {
        Add(name, std::move(aliases), false, [&target = target_, field, min, max](const std::string& v) {
            std::int64_t value = 0;
            if (auto problem = ParseIntSetting(v, min, max, value)) {
                return problem;
            }
            target.*field = static_cast<Field>(value);
            return std::optional<std::string>();
        });
    }
    // A switch, in any of the spellings deployment files use for one.
    void Bool(std::string_view name, bool T::*field, Aliases aliases = {}) {
        Add(name, std::move(aliases), false, [&target = target_, field](const std::string& v) {
            return ParseBoolSetting(v, target.*field);
        });
    }
    // Any text but the empty one (a host name, a model name).
    void Text(std::string_view name, std::string T::*field, Aliases aliases = {}) {
        Add(name,
            std::move(aliases),
            false,
            [&target = target_, field](const std::string& v) -> std::optional<std::string> {
                if (v.empty()) {
                    return "must not be empty";
                }
                target.*field = v;
                return std::nullopt;
            });
    }
    // Any text, the empty one too (a path that may be unset).
    void OptionalText(std::string_view name, std::string T::*field, Aliases aliases = {}) {
        Add(name, std::move(aliases), false, [&target = target_, field](const std::string& v) {
            target.*field = v;
            return std::optional<std::string>();
        });
    }
    // An http(s) base URL, kept without its trailing slashes.
    void Url(std::string_view name, std::string T::*field, Aliases aliases = {}) {
        Add(name, std::move(aliases), false, [&target = target_, field](const std::string& v) {
            return ParseUrlSetting(v, target.*field);
        });
    }
    // A secret (a token, a password): from the environment or a file named by <NAME>_FILE.
    void Secret(std::string_view name, std::string T::*field, Aliases aliases = {}) {
        Add(name, std::move(aliases), true, [&target = target_, field](const std::string& v) {
            target.*field = v;
            return std::optional<std::string>();
        });
    }
    // Anything else: `apply` reads the text into the section. With `secret_file`, <NAME>_FILE may
    // hold the value (a database URL with its password).
    void Custom(std::string_view name,
                std::function<std::optional<std::string>(T&, const std::string&)> apply,
                Aliases aliases = {},
                bool secret_file = false) {
        Add(name, std::move(aliases), false, [&target = target_, apply = std::move(apply)](const std::string& v) {
            return apply(target, v);
        });
        out_.back().from_secret_file = secret_file;
    }

    T& target() { return target_; }
    const std::string& prefix() const { return prefix_; }

private:
    void Add(std::string_view name,
             Aliases aliases,
             bool secret,
             std::function<std::optional<std::string>(const std::string&)> apply) {
        out_.push_back(Setting{prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name),
                               std::move(aliases),
                               !secret,
                               secret,
                               std::move(apply)});
    }

    std::string prefix_;
    T& target_;
    std::vector<Setting>& out_;
};

// Reads `file_path` (when not empty) and then `env` into the bound settings, in their order.
// Problems name the JSON path (from the file) or the variable (from the environment).
Result<void> ApplySettings(const std::vector<Setting>& settings,
                           const std::string& file_path,
                           const std::map<std::string, std::string>& env);

std::map<std::string, std::string> ProcessEnvironment();

}  // namespace zakupai
