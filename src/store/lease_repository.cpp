#include "store/lease_repository.hpp"

#include <soci/soci.h>

#include "store/internal/row_reading.hpp"

namespace zakupai::store {

bool LeaseRepository::Hold(const std::string& name,
                           const std::string& holder,
                           Instant now,
                           std::chrono::milliseconds ttl) {
    const std::string now_text = FormatUtcTimestamp(now);
    const std::string expires = FormatUtcTimestamp(now + ttl);
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    // Renewed by its holder, or taken over once expired; acquired_at marks a change of holder.
    soci::statement take = (s->prepare << "UPDATE leases SET acquired_at = CASE WHEN holder = :h THEN acquired_at "
                                          "ELSE :now END, holder = :h2, expires_at = :e WHERE name = :n AND "
                                          "(holder = :h3 OR expires_at < :now2)",
                            soci::use(holder),
                            soci::use(now_text),
                            soci::use(holder),
                            soci::use(expires),
                            soci::use(name),
                            soci::use(holder),
                            soci::use(now_text));
    take.execute(true);
    bool held = take.get_affected_rows() == 1;
    if (!held) {
        soci::statement insert = (s->prepare << "INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES "
                                                "(:n, :h, :a, :e) ON CONFLICT (name) DO NOTHING",
                                  soci::use(name),
                                  soci::use(holder),
                                  soci::use(now_text),
                                  soci::use(expires));
        insert.execute(true);
        held = insert.get_affected_rows() == 1;
    }
    tx.Commit();
    return held;
}

void LeaseRepository::Release(const std::string& name, const std::string& holder) {
    Database::Lease s(db_);
    *s << "DELETE FROM leases WHERE name = :n AND holder = :h", soci::use(name), soci::use(holder);
}

std::optional<LeaseRecord> LeaseRepository::Find(const std::string& name) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT holder, acquired_at, expires_at FROM leases WHERE name = :n", soci::use(name));
    for (const auto& r : rows) {
        LeaseRecord lease;
        lease.holder = r.get<std::string>(0);
        lease.acquired_at = ParseStoredInstant(TimestampText(r, 1)).value_or(Instant{});
        lease.expires_at = ParseStoredInstant(TimestampText(r, 2)).value_or(Instant{});
        return lease;
    }
    return std::nullopt;
}

}  // namespace zakupai::store
