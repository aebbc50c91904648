#include "billing/config.hpp"

#include <fmt/format.h>

namespace zakupai::billing {

void DescribeSettings(SettingsSection<BillingConfig>& s) {
    for (const Plan plan : {Plan::kFree, Plan::kPremium}) {
        const std::string name(Name(plan));
        const std::string old = plan == Plan::kFree ? "ZAKUPAI_PLAN_FREE_" : "ZAKUPAI_PLAN_PREMIUM_";
        for (const auto& entry : {std::pair{"per_day", &PlanLimits::per_day},
                                  std::pair{"per_hour", &PlanLimits::per_hour},
                                  std::pair{"per_minute", &PlanLimits::per_minute},
                                  std::pair{"documents", &PlanLimits::documents}}) {
            const std::string window = entry.first;
            const auto field = entry.second;
            std::string upper = window;
            for (auto& c : upper) {
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            s.Custom(
                fmt::format("plans.{}.{}", name, window),
                [plan, field](BillingConfig& c, const std::string& v) {
                    std::int64_t value = 0;
                    auto problem = ParseIntSetting(v, 0, 1'000'000'000, value);
                    if (!problem) {
                        c.plans[plan].*field = value;
                    }
                    return problem;
                },
                // The seed's names cover the rate windows only.
                window == "documents" ? std::vector<std::string>{}
                                      : std::vector<std::string>{fmt::format("{}{}", old, upper)});
        }
    }
    s.Secret("admin_key", &BillingConfig::admin_key);
}

std::vector<FieldProblem> Check(const BillingConfig& config) {
    if (!config.admin_key.empty() && config.admin_key.size() < 16) {
        return {{"ZAKUPAI_ADMIN_KEY", "must be at least 16 characters"}};
    }
    return {};
}

}  // namespace zakupai::billing
