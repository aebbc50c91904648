#pragma once
// The documents' settings: the "docs" section of the configuration.
#include "core/settings.hpp"

namespace zakupai::docs {

struct DocsConfig {
    // A PDF or DOCX longer than this is refused (422 "document too long: N pages, limit M"):
    // letters and complaints run to a few pages; a 99 000-item list took 9 s to set.
    int max_pages = 100;
    // A render still running after this long stops with a 422.
    int render_budget_ms = 10'000;
};

void DescribeSettings(SettingsSection<DocsConfig>& section);

}  // namespace zakupai::docs
