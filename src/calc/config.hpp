#pragma once
// The calculators' settings: the "calc" section of the configuration.
#include "core/settings.hpp"

namespace zakupai::calc {

struct CalcConfig {
    // Answered calculations (finance_calcs) are kept this many days; older ones are deleted by the
    // scheduler once a day (0 = kept for ever).
    int retention_days = 365;
};

void DescribeSettings(SettingsSection<CalcConfig>& section);

}  // namespace zakupai::calc
