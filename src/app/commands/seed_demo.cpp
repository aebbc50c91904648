// `zakupai seed-demo`: the synthetic data set `make run` serves, and a premium demo key.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/commands.hpp"
#include "app/demo_data.hpp"
#include "app/modules.hpp"
#include "billing/billing_service.hpp"
#include "store/lot_repository.hpp"
#include "store/risk_repository.hpp"

namespace zakupai::app {

namespace {

void WriteSecretFile(const std::string& path, const std::string& secret) {
    std::filesystem::path p(path);
    if (!p.parent_path().empty()) {
        std::filesystem::create_directories(p.parent_path());
    }
    const auto old_mask = ::umask(077);
    std::ofstream(path) << secret << "\n";
    ::umask(old_mask);
}

}  // namespace

int SeedDemo(const Config& config, int lots, bool if_empty, const std::string& key_file) {
    Modules m(config, true);
    const Instant now = m.clock().Now();
    auto& lot_repository = m.Lots();
    const auto counts = lot_repository.Counts();
    if (if_empty && counts.lots > 0) {
        std::cout << "demo data: the database already has " << counts.lots << " lots; left as is\n";
    } else {
        DemoData data = MakeDemoData(lots, now);
        lot_repository.InsertAll(data.suppliers, data.lots, data.prices, now);
        // The database was empty, so the lots' ids follow their order in `data.lots`.
        const auto ids = lot_repository.LotIds();
        std::vector<std::pair<std::int64_t, store::BidRow>> bids;
        bids.reserve(data.bids.size());
        for (const auto& [index, bid] : data.bids) {
            bids.emplace_back(ids.at(index), bid);
        }
        store::RiskRepository(m.Database()).InsertBids(bids, "demo", now);
        std::cout << "demo data: loaded " << data.lots.size() << " lots, " << data.suppliers.size() << " suppliers, "
                  << data.prices.size() << " prices, " << data.bids.size() << " bids\n";
    }
    if (!key_file.empty() && !std::filesystem::exists(key_file)) {
        auto key = m.Billing().CreateKey(std::nullopt, "demo@zakupai.kz", Plan::kPremium, "demo key", std::nullopt);
        if (!key) {
            std::cerr << "zakupai: " << key.error().message << "\n";
            return 1;
        }
        WriteSecretFile(key_file, key->api_key);
        std::cout << "demo data: created a premium demo key in " << key_file << "\n";
    }
    return 0;
}

}  // namespace zakupai::app
