// `zakupai keys create | revoke`.
#include <iostream>

#include "app/commands.hpp"
#include "app/modules.hpp"
#include "billing/billing_service.hpp"

namespace zakupai::app {

int CreateKey(const Config& config, const KeyArgs& args) {
    Modules m(config, true);
    const auto plan = Parse<Plan>(args.plan);
    if (!plan) {
        std::cerr << "zakupai: --plan must be one of " << NameList<Plan>() << "\n";
        return 2;
    }
    std::optional<std::int64_t> tg;
    if (args.tg_id > 0) {
        tg = args.tg_id;
    }
    auto key = m.Billing().CreateKey(tg, args.email, *plan, args.name, std::nullopt);
    if (!key) {
        std::cerr << "zakupai: " << key.error().message << "\n";
        return 1;
    }
    std::cout << "key id " << key->key_id << " (" << Name(key->plan) << "): " << key->api_key << "\n";
    std::cout << "Store it now: only its hash is kept.\n";
    return 0;
}

int RevokeKey(const Config& config, std::int64_t key_id) {
    Modules m(config, true);
    auto revoked = m.Billing().RevokeKey(key_id, billing::Principal{0, 0, Plan::kAdmin, std::nullopt});
    if (!revoked) {
        std::cerr << "zakupai: " << revoked.error().message << "\n";
        return 1;
    }
    std::cout << "key " << key_id << " revoked\n";
    return 0;
}

}  // namespace zakupai::app
