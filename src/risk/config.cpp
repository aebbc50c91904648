#include "risk/config.hpp"

namespace zakupai::risk {

void DescribeSettings(SettingsSection<RiskConfig>& s) {
    s.OptionalText("rules_file", &RiskConfig::rules_file);
    s.Int("keep_evaluations", &RiskConfig::keep_evaluations, 1, 10'000);
    s.Int("prune_interval_s", &RiskConfig::prune_interval_s, 0, 604'800);
}

}  // namespace zakupai::risk
