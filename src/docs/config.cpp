#include "docs/config.hpp"

namespace zakupai::docs {

void DescribeSettings(SettingsSection<DocsConfig>& s) {
    s.Int("max_pages", &DocsConfig::max_pages, 1, 10'000);
    s.Int("render_budget_ms", &DocsConfig::render_budget_ms, 100, 600'000);
}

}  // namespace zakupai::docs
