#include "risk/rules.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

namespace zakupai::embedded {
extern const std::string_view kRiskRules;
}  // namespace zakupai::embedded

namespace zakupai::risk {

namespace json = boost::json;

namespace {

std::optional<double> Number(const json::value& v) {
    if (v.is_int64()) {
        return static_cast<double>(v.as_int64());
    }
    if (v.is_uint64()) {
        return static_cast<double>(v.as_uint64());
    }
    if (v.is_double()) {
        return v.as_double();
    }
    return std::nullopt;
}

// Lays `source` over `rules`. With `defining` set (the embedded file) new indicators and
// parameters are created; otherwise only known ones may be changed.
Result<void> Apply(const json::object& source, bool defining, RiskRules& rules) {
    auto invalid = [](const std::string& field, const std::string& problem) {
        return Fail(Error::Invalid(field, problem));
    };
    for (const auto& [key, value] : source) {
        const std::string name(key);
        if (name == "_comment") {
            continue;
        }
        if (name == "model") {
            if (!value.is_string() || value.as_string().empty()) {
                return invalid("model", "must be a non-empty string");
            }
            rules.model = std::string(value.as_string());
        } else if (name == "levels") {
            if (!value.is_object()) {
                return invalid("levels", "must be an object");
            }
            for (const auto& [level, bound] : value.as_object()) {
                const auto n = Number(bound);
                if (!n || *n < 1 || *n > 100) {
                    return invalid("levels." + std::string(level), "must be a number from 1 to 100");
                }
                if (level == "medium") {
                    rules.medium = static_cast<int>(*n);
                } else if (level == "high") {
                    rules.high = static_cast<int>(*n);
                } else {
                    return invalid("levels." + std::string(level), "unknown level (medium, high)");
                }
            }
        } else if (name == "indicators") {
            if (!value.is_object()) {
                return invalid("indicators", "must be an object");
            }
            for (const auto& [id_key, spec] : value.as_object()) {
                const std::string id(id_key);
                const std::string at = "indicators." + id;
                if (!defining && !rules.indicators.contains(id)) {
                    return invalid(at, "unknown indicator");
                }
                if (!spec.is_object()) {
                    return invalid(at, "must be an object");
                }
                IndicatorRule& rule = rules.indicators[id];
                for (const auto& [field_key, field] : spec.as_object()) {
                    const std::string field_name(field_key);
                    const auto n = Number(field);
                    if (field_name == "weight") {
                        if (!n || *n < 0 || *n > 100 || *n != static_cast<int>(*n)) {
                            return invalid(at + ".weight", "must be a whole number from 0 to 100");
                        }
                        rule.weight = static_cast<int>(*n);
                    } else if (field_name == "version") {
                        if (!n || *n < 1 || *n != static_cast<int>(*n)) {
                            return invalid(at + ".version", "must be a whole number from 1");
                        }
                        rule.version = static_cast<int>(*n);
                    } else if (field_name == "params") {
                        if (!field.is_object()) {
                            return invalid(at + ".params", "must be an object");
                        }
                        for (const auto& [param_key, param] : field.as_object()) {
                            const std::string param_name(param_key);
                            std::string param_at = at;
                            param_at.append(".params.").append(param_name);
                            const auto p = Number(param);
                            if (!defining && !rule.params.contains(param_name)) {
                                return invalid(param_at, "unknown parameter");
                            }
                            if (!p || *p < 0) {
                                return invalid(param_at, "must be a number ≥ 0");
                            }
                            rule.params[param_name] = *p;
                        }
                    } else if (field_name == "allowed_grounds") {
                        if (!field.is_array()) {
                            return invalid(at + ".allowed_grounds", "must be an array of reference ids");
                        }
                        rule.allowed_grounds.clear();
                        for (const auto& ground : field.as_array()) {
                            if (!ground.is_int64()) {
                                return invalid(at + ".allowed_grounds", "must be an array of reference ids");
                            }
                            rule.allowed_grounds.push_back(ground.as_int64());
                        }
                    } else {
                        std::string field_at = at;
                        field_at.append(".").append(field_name);
                        return invalid(field_at, "unknown field (version, weight, params)");
                    }
                }
            }
        } else {
            return invalid(name, "unknown field (model, levels, indicators)");
        }
    }
    if (rules.medium >= rules.high) {
        return invalid("levels", "medium must be below high");
    }
    return {};
}

Result<RiskRules> Parse(std::string_view text, bool defining, RiskRules rules) {
    boost::system::error_code ec;
    const auto value = json::parse(text, ec);
    if (ec || !value.is_object()) {
        return Fail(Error::Invalid("risk_rules", "must be a JSON object"));
    }
    if (auto applied = Apply(value.as_object(), defining, rules); !applied) {
        return Fail(applied.error());
    }
    return rules;
}

}  // namespace

const IndicatorRule& RiskRules::Rule(std::string_view id) const {
    const auto it = indicators.find(std::string(id));
    ZAKUPAI_ASSERT(it != indicators.end());
    return it->second;
}

double RiskRules::Param(std::string_view id, std::string_view name) const {
    const auto& params = Rule(id).params;
    const auto it = params.find(std::string(name));
    ZAKUPAI_ASSERT(it != params.end());
    return it->second;
}

RiskLevel RiskRules::Level(int score) const {
    return score >= high ? RiskLevel::kHigh : score >= medium ? RiskLevel::kMedium : RiskLevel::kLow;
}

const RiskRules& DefaultRiskRules() {
    static const RiskRules kRules = [] {
        auto parsed = Parse(embedded::kRiskRules, true, RiskRules{});
        ZAKUPAI_ASSERT(parsed.has_value());
        return *parsed;
    }();
    return kRules;
}

Result<RiskRules> ParseRiskRulesOverride(std::string_view override_json) {
    auto rules = Parse(override_json, false, DefaultRiskRules());
    if (rules) {
        // Evaluations name the model they were made under; an override makes a different one.
        std::uint32_t h = 2166136261U;
        for (const unsigned char c : override_json) {
            h = (h ^ c) * 16777619U;
        }
        rules->model += fmt::format("+{:08x}", h);
    }
    return rules;
}

Result<RiskRules> LoadRiskRules(const std::string& path) {
    if (path.empty()) {
        return DefaultRiskRules();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Fail(Error::Invalid("risk.rules_file", "cannot read " + path));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return ParseRiskRulesOverride(text.str());
}

}  // namespace zakupai::risk
