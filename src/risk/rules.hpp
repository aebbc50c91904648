#pragma once
// The risk engine's weights and thresholds: data/risk_rules.json compiled in, optionally
// overridden key by key from a file (ZAKUPAI_RISK_RULES_FILE) so an analyst can tune them
// without a rebuild. A typo in an override is refused, not ignored: a silently unused
// threshold would make the score lie.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/vocabulary.hpp"

namespace zakupai::risk {

struct IndicatorRule {
    int version = 1;
    int weight = 0;                             // points added to the score when triggered
    std::map<std::string, double> params;       // thresholds, by name
    std::vector<std::int64_t> allowed_grounds;  // amendment_increase only
};

struct RiskRules {
    std::string model;  // recorded with every evaluation
    int medium = 30;
    int high = 60;
    std::map<std::string, IndicatorRule> indicators;

    // Both assert: indicators ask only for what the embedded file defines.
    const IndicatorRule& Rule(std::string_view id) const;
    double Param(std::string_view id, std::string_view name) const;
    RiskLevel Level(int score) const;
};

// The compiled-in rules (always valid: a test parses them).
const RiskRules& DefaultRiskRules();
// The compiled-in rules with `override_json` laid over them.
Result<RiskRules> ParseRiskRulesOverride(std::string_view override_json);
// Reads and applies an override file; an empty path gives the defaults.
Result<RiskRules> LoadRiskRules(const std::string& path);

}  // namespace zakupai::risk
