#include "calc/config.hpp"

namespace zakupai::calc {

void DescribeSettings(SettingsSection<CalcConfig>& s) {
    s.Int("retention_days", &CalcConfig::retention_days, 0, 36'500);
}

}  // namespace zakupai::calc
