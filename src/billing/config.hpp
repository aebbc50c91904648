#pragma once
// Plans and their limits, and the bootstrap admin key.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/settings.hpp"
#include "core/vocabulary.hpp"

namespace zakupai::billing {

struct PlanLimits {
    std::int64_t per_day = 0;     // 0 = unlimited
    std::int64_t per_hour = 0;    // 0 = unlimited
    std::int64_t per_minute = 0;  // 0 = unlimited
    std::int64_t documents = 0;   // kept for POST /search; 0 = unlimited
};

struct BillingConfig {
    std::map<Plan, PlanLimits> plans{{Plan::kFree, {100, 20, 10, 200}},
                                     {Plan::kPremium, {5000, 500, 60, 10'000}},
                                     {Plan::kService, {0, 0, 0, 0}},
                                     {Plan::kAdmin, {0, 0, 0, 0}}};
    std::string admin_key;  // optional bootstrap admin key (a secret)
};

// Top-level paths: "plans.free.per_day", "plans.premium.documents", "admin_key".
void DescribeSettings(SettingsSection<BillingConfig>& section);
std::vector<FieldProblem> Check(const BillingConfig& config);

}  // namespace zakupai::billing
