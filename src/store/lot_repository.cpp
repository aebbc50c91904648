#include "store/lot_repository.hpp"

#include <soci/soci.h>

#include "store/internal/row_reading.hpp"

namespace zakupai::store {

std::optional<Quantity> LotRow::ParsedQuantity() const {
    auto parsed = Quantity::Parse(quantity);
    return parsed ? std::optional(*parsed) : std::nullopt;
}

TableCounts LotRepository::Counts() {
    Database::Lease s(db_);
    TableCounts counts;
    long long value = 0;
    *s << "SELECT COUNT(*) FROM lots", soci::into(value);
    counts.lots = value;
    *s << "SELECT COUNT(*) FROM suppliers", soci::into(value);
    counts.suppliers = value;
    *s << "SELECT COUNT(*) FROM prices", soci::into(value);
    counts.prices = value;
    return counts;
}

std::optional<LotRecord> LotRepository::FindLot(std::int64_t id) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, title, description, price, deadline, customer_bin, customer_name, plan_id, status, "
                       "method, region, enstru, quantity, unit FROM lots WHERE id = :id",
         soci::use(id));
    for (const auto& r : rows) {
        auto text = [&](std::size_t i) {
            return r.get_indicator(i) == soci::i_ok ? r.get<std::string>(i) : std::string();
        };
        LotRecord lot;
        lot.id = ToLong(r, 0);
        lot.row.title = text(1);
        lot.row.description = text(2);
        lot.row.price = ToLong(r, 3);
        if (r.get_indicator(4) == soci::i_ok) {
            lot.deadline = ParseStoredInstant(TimestampText(r, 4));
        }
        lot.row.customer_bin = text(5);
        lot.row.customer_name = text(6);
        lot.row.plan_id = text(7);
        lot.row.status = text(8);
        lot.row.method = text(9);
        lot.row.region = text(10);
        lot.row.enstru = text(11);
        lot.row.quantity = text(12);
        lot.row.unit = text(13);
        return lot;
    }
    return std::nullopt;
}

void LotRepository::InsertAll(const std::vector<SupplierRow>& suppliers,
                              const std::vector<LotRow>& lots,
                              const std::vector<PriceRow>& prices,
                              Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    {
        std::vector<std::string> bin, name, oked, region, created;
        for (const auto& r : suppliers) {
            bin.push_back(r.bin);
            name.push_back(r.name);
            oked.push_back(r.oked);
            region.push_back(r.region);
            created.push_back(ts);
        }
        if (!bin.empty()) {
            *s << "INSERT INTO suppliers (bin, name, oked, region, created_at) VALUES (:b, :n, :o, :r, :c)",
                soci::use(bin), soci::use(name), soci::use(oked), soci::use(region), soci::use(created);
        }
    }
    {
        std::vector<std::string> title, description, deadline, bin, customer, plan, status, method, region, enstru, qty,
            unit, created;
        std::vector<long long> price;
        for (const auto& r : lots) {
            title.push_back(r.title);
            description.push_back(r.description);
            price.push_back(r.price);
            deadline.push_back(FormatUtcTimestamp(r.deadline));
            bin.push_back(r.customer_bin);
            customer.push_back(r.customer_name);
            plan.push_back(r.plan_id);
            status.push_back(r.status);
            method.push_back(r.method);
            region.push_back(r.region);
            enstru.push_back(r.enstru);
            qty.push_back(r.quantity);
            unit.push_back(r.unit);
            created.push_back(ts);
        }
        if (!title.empty()) {
            *s << "INSERT INTO lots (title, description, price, deadline, customer_bin, customer_name, plan_id, "
                  "status, "
                  "method, region, enstru, quantity, unit, created_at, updated_at) VALUES (:t, :d, :p, :dl, :b, :cn, "
                  ":pl, :s, :m, :r, :e, :q, :u, :c, :c2)",
                soci::use(title), soci::use(description), soci::use(price), soci::use(deadline), soci::use(bin),
                soci::use(customer), soci::use(plan), soci::use(status), soci::use(method), soci::use(region),
                soci::use(enstru), soci::use(qty), soci::use(unit), soci::use(created), soci::use(created);
        }
    }
    {
        std::vector<std::string> source, sku, title, supplier, captured;
        std::vector<soci::indicator> supplier_ind;
        std::vector<long long> price;
        for (const auto& r : prices) {
            source.push_back(r.source);
            sku.push_back(r.sku);
            title.push_back(r.title);
            price.push_back(r.price);
            supplier.push_back(r.supplier_bin);
            supplier_ind.push_back(r.supplier_bin.empty() ? soci::i_null : soci::i_ok);
            captured.push_back(FormatUtcTimestamp(r.captured_at));
        }
        if (!source.empty()) {
            *s << "INSERT INTO prices (source, sku, title, price, currency, supplier_bin, captured_at) "
                  "VALUES (:s, :k, :t, :p, 'KZT', :b, :c)",
                soci::use(source), soci::use(sku), soci::use(title), soci::use(price),
                soci::use(supplier, supplier_ind), soci::use(captured);
        }
    }
    tx.Commit();
}

std::vector<std::int64_t> LotRepository::LotIds() {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows = (s->prepare << "SELECT id FROM lots ORDER BY id");
    std::vector<std::int64_t> ids;
    for (const auto& r : rows) {
        ids.push_back(ToLong(r, 0));
    }
    return ids;
}

}  // namespace zakupai::store
