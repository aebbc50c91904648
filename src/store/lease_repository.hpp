#pragma once
// Named leases (table leases): which instance holds a piece of work that must run on one
// instance at a time. A lease is held until its expiry and renewed by its holder; once expired,
// any instance may take it. Time is the instances' own clock (they run NTP; the TTL is seconds,
// skew is milliseconds).
#include <chrono>
#include <optional>
#include <string>

#include "core/time.hpp"
#include "store/database.hpp"

namespace zakupai::store {

struct LeaseRecord {
    std::string holder;
    Instant acquired_at{};
    Instant expires_at{};
};

class LeaseRepository {
public:
    explicit LeaseRepository(Database& db) : db_(db) {}

    // Takes `name` for `holder`, or renews it, until now + ttl. False while another holder's
    // lease is unexpired. Races between instances are settled by the database (one row).
    bool Hold(const std::string& name, const std::string& holder, Instant now, std::chrono::milliseconds ttl);
    // Gives the lease up at once (a clean shutdown), so another instance need not wait it out.
    void Release(const std::string& name, const std::string& holder);
    std::optional<LeaseRecord> Find(const std::string& name);

private:
    Database& db_;
};

}  // namespace zakupai::store
