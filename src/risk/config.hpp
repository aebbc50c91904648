#pragma once
// The risk engine's settings: the "risk" section of the configuration.
#include <string>

#include "core/settings.hpp"

namespace zakupai::risk {

struct RiskConfig {
    std::string rules_file;  // overrides data/risk_rules.json key by key; empty = the built-in rules
    // risk_evaluations keeps this many evaluations per lot (the newest); older ones are pruned in
    // the background every prune_interval_s (0 = never).
    int keep_evaluations = 10;
    int prune_interval_s = 3600;
};

void DescribeSettings(SettingsSection<RiskConfig>& section);

}  // namespace zakupai::risk
