#include "core/settings.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX name

namespace zakupai {

std::string EnvironmentName(std::string_view path) {
    std::string out = "ZAKUPAI_";
    for (const char c : path) {
        out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

std::optional<std::string> ParseIntSetting(const std::string& text,
                                           std::int64_t min,
                                           std::int64_t max,
                                           std::int64_t& out) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return "must be an integer, got '" + text + "'";
    }
    if (value < min || value > max) {
        return "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text;
    }
    out = value;
    return std::nullopt;
}

std::optional<std::string> ParseBoolSetting(const std::string& text, bool& out) {
    if (text == "on" || text == "true" || text == "1") {
        out = true;
    } else if (text == "off" || text == "false" || text == "0") {
        out = false;
    } else {
        return "must be on or off (true/false, 1/0), got '" + text + "'";
    }
    return std::nullopt;
}

std::optional<std::string> ParseUrlSetting(const std::string& text, std::string& out) {
    if (text.rfind("http://", 0) != 0 && text.rfind("https://", 0) != 0) {
        return "must start with http:// or https://";
    }
    out = text;
    while (!out.empty() && out.back() == '/') {
        out.pop_back();
    }
    return std::nullopt;
}

std::map<std::string, std::string> ProcessEnvironment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string::npos) {
            env[entry.substr(0, eq)] = entry.substr(eq + 1);
        }
    }
    return env;
}

namespace {

// "http.port" in {"http":{"port":8080}} -> "8080"; nullopt when absent.
std::optional<std::string> LookupJson(const boost::json::object& root, const std::string& path) {
    const boost::json::object* object = &root;
    std::stringstream in(path);
    std::string part;
    std::vector<std::string> parts;
    while (std::getline(in, part, '.')) {
        parts.push_back(part);
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
        auto it = object->find(parts[i]);
        if (it == object->end()) {
            return std::nullopt;
        }
        if (i + 1 < parts.size()) {
            if (!it->value().is_object()) {
                return std::nullopt;
            }
            object = &it->value().as_object();
            continue;
        }
        const auto& v = it->value();
        if (v.is_string()) {
            return std::string(v.get_string());
        }
        if (v.is_bool()) {
            return v.get_bool() ? "true" : "false";
        }
        if (v.is_int64()) {
            return std::to_string(v.get_int64());
        }
        if (v.is_array()) {
            std::string joined;
            for (const auto& item : v.get_array()) {
                if (item.is_string()) {
                    joined += (joined.empty() ? "" : ",") + std::string(item.get_string());
                }
            }
            return joined;
        }
        return boost::json::serialize(v);
    }
    return std::nullopt;
}

std::optional<std::string> ReadSecretFile(const std::string& path, std::string& out) {
    std::ifstream file(path);
    if (!file) {
        return "cannot read file " + path;
    }
    std::getline(file, out);
    while (!out.empty() && (out.back() == '\r' || out.back() == ' ')) {
        out.pop_back();
    }
    return std::nullopt;
}

}  // namespace

Result<void> ApplySettings(const std::vector<Setting>& settings,
                           const std::string& file_path,
                           const std::map<std::string, std::string>& env) {
    std::vector<FieldProblem> problems;
    boost::json::object file_root;
    if (!file_path.empty()) {
        std::ifstream file(file_path);
        if (!file) {
            return Fail(Error::Invalid("--config", "cannot read " + file_path));
        }
        std::stringstream buffer;
        buffer << file.rdbuf();
        boost::system::error_code ec;
        auto parsed = boost::json::parse(buffer.str(), ec);
        if (ec || !parsed.is_object()) {
            return Fail(Error::Invalid(file_path, "is not a JSON object"));
        }
        file_root = std::move(parsed.as_object());
    }
    for (const auto& setting : settings) {
        if (setting.from_config_file) {
            if (auto from_file = LookupJson(file_root, setting.path)) {
                if (auto problem = setting.apply(*from_file)) {
                    problems.push_back({setting.path, *problem});
                }
            }
        }
        // The path's own name first, then the older names: the first one set wins.
        std::vector<std::string> names{EnvironmentName(setting.path)};
        names.insert(names.end(), setting.aliases.begin(), setting.aliases.end());
        for (const auto& name : names) {
            if (auto it = env.find(name); it != env.end()) {
                if (auto problem = setting.apply(it->second)) {
                    problems.push_back({name, *problem});
                }
                break;
            }
            if (!setting.from_secret_file) {
                continue;
            }
            if (auto it = env.find(name + "_FILE"); it != env.end()) {
                std::string value;
                if (auto problem = ReadSecretFile(it->second, value)) {
                    problems.push_back({name + "_FILE", *problem});
                } else if (auto invalid = setting.apply(value)) {
                    problems.push_back({name + "_FILE", *invalid});
                }
                break;
            }
        }
    }
    if (!problems.empty()) {
        return Fail(Error::Invalid(std::move(problems)));
    }
    return {};
}

}  // namespace zakupai
