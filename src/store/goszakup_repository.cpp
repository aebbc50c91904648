#include "store/goszakup_repository.hpp"

#include <soci/soci.h>

#include "store/internal/row_reading.hpp"

namespace zakupai::store {

namespace {

// A nullable timestamp bound to a prepared statement.
struct TimestampSlot {
    std::string text;
    soci::indicator ind = soci::i_null;
    void Set(const std::optional<Instant>& at) {
        if (at) {
            text = FormatUtcTimestamp(*at);
            ind = soci::i_ok;
        } else {
            text.clear();
            ind = soci::i_null;
        }
    }
};

// The columns both tables share, bound once and refilled per row.
struct LotSlots {
    GoszakupLot lot;
    long long amount = 0;
    long long source_id = 0;
    long long trd_buy_id = 0;
    int is_deleted = 0;
    std::string status_text;
    std::string lots_method;  // the code the rest of the app uses, the name when there is none
    TimestampSlot deadline;
    TimestampSlot start_date;
    TimestampSlot publish_date;
    std::string now;

    void Fill(const GoszakupLot& from) {
        lot = from;
        amount = from.amount;
        source_id = from.source_id;
        trd_buy_id = from.trd_buy_id;
        is_deleted = from.is_deleted ? 1 : 0;
        lots_method = from.method_code.empty() ? from.method : from.method_code;
        deadline.Set(from.deadline);
        start_date.Set(from.start_date);
        publish_date.Set(from.publish_date);
    }
};

void WriteSyncState(soci::session& s, const std::string& sync_name, const SyncState& state, Instant now);

}  // namespace

PageCounts GoszakupRepository::UpsertPage(const std::vector<GoszakupLot>& lots,
                                          const std::string& sync_name,
                                          const SyncState& state,
                                          Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    PageCounts counts;
    // The prepared statements live in this block: SQLite cannot commit while one of them still
    // holds an unfinished result, and destroying them finalises it.
    {
        LotSlots v;
        v.now = FormatUtcTimestamp(now);

        long long found_id = 0;
        long long found_lot_id = 0;
        soci::indicator found_lot_ind = soci::i_null;
        int found_status_id = 0;
        soci::indicator found_status_ind = soci::i_null;
        std::string found_status;
        soci::indicator found_status_text_ind = soci::i_null;
        long long found_amount = 0;
        soci::indicator found_amount_ind = soci::i_null;
        std::string found_update;
        soci::indicator found_update_ind = soci::i_null;
        soci::statement find = (s->prepare << "SELECT id, lot_id, status_id, status, amount, last_update_date "
                                              "FROM goszakup_lots WHERE plan_number = :p AND lot_number = :l",
                                soci::use(v.lot.plan_number),
                                soci::use(v.lot.lot_number),
                                soci::into(found_id),
                                soci::into(found_lot_id, found_lot_ind),
                                soci::into(found_status_id, found_status_ind),
                                soci::into(found_status, found_status_text_ind),
                                soci::into(found_amount, found_amount_ind),
                                soci::into(found_update, found_update_ind));

        long long new_lot_id = 0;
        soci::statement insert_lot =
            (s->prepare
                 << "INSERT INTO lots (title, description, price, deadline, customer_bin, customer_name, plan_id, "
                    "status, method, region, enstru, quantity, unit, created_at, updated_at) VALUES (:title, :descr, "
                    ":price, :deadline, :bin, :cname, :plan, :status, :method, :region, :enstru, :qty, :unit, :c, "
                    ":u) RETURNING id",
             soci::use(v.lot.name_ru),
             soci::use(v.lot.description_ru),
             soci::use(v.amount),
             soci::use(v.deadline.text, v.deadline.ind),
             soci::use(v.lot.customer_bin),
             soci::use(v.lot.customer_name),
             soci::use(v.lot.plan_number),
             soci::use(v.lot.status),
             soci::use(v.lots_method),
             soci::use(v.lot.kato),
             soci::use(v.lot.enstru),
             soci::use(v.lot.quantity),
             soci::use(v.lot.unit),
             soci::use(v.now),
             soci::use(v.now),
             soci::into(new_lot_id));
        long long target_lot_id = 0;
        soci::statement update_lot =
            (s->prepare
                 << "UPDATE lots SET title = :title, description = :descr, price = :price, deadline = :deadline, "
                    "customer_bin = :bin, customer_name = :cname, plan_id = :plan, status = :status, method = "
                    ":method, region = :region, enstru = :enstru, quantity = :qty, unit = :unit, updated_at = :u "
                    "WHERE id = :id",
             soci::use(v.lot.name_ru),
             soci::use(v.lot.description_ru),
             soci::use(v.amount),
             soci::use(v.deadline.text, v.deadline.ind),
             soci::use(v.lot.customer_bin),
             soci::use(v.lot.customer_name),
             soci::use(v.lot.plan_number),
             soci::use(v.lot.status),
             soci::use(v.lots_method),
             soci::use(v.lot.kato),
             soci::use(v.lot.enstru),
             soci::use(v.lot.quantity),
             soci::use(v.lot.unit),
             soci::use(v.now),
             soci::use(target_lot_id));

        long long new_gz_id = 0;
        soci::statement insert_gz =
            (s->prepare
                 << "INSERT INTO goszakup_lots (plan_number, lot_number, customer_bin, status, amount, name_ru, "
                    "name_kz, description_ru, method, announcement_number, deadline, enstru, kato, created_at, "
                    "updated_at, source_id, status_id, method_id, trd_buy_id, customer_name, quantity, publish_date, "
                    "start_date, last_update_date, index_date, is_deleted, lot_id) VALUES (:plan, :lot, :bin, "
                    ":status, :amount, :nru, :nkz, :dru, :method, :anno, :deadline, :enstru, :kato, :c, :u, :sid, "
                    ":stid, :mid, :tbid, :cname, :qty, :pub, :start, :lud, :idx, :del, :lotid) RETURNING id",
             soci::use(v.lot.plan_number),
             soci::use(v.lot.lot_number),
             soci::use(v.lot.customer_bin),
             soci::use(v.lot.status),
             soci::use(v.amount),
             soci::use(v.lot.name_ru),
             soci::use(v.lot.name_kz),
             soci::use(v.lot.description_ru),
             soci::use(v.lot.method),
             soci::use(v.lot.announcement_number),
             soci::use(v.deadline.text, v.deadline.ind),
             soci::use(v.lot.enstru),
             soci::use(v.lot.kato),
             soci::use(v.now),
             soci::use(v.now),
             soci::use(v.source_id),
             soci::use(v.lot.status_id),
             soci::use(v.lot.method_id),
             soci::use(v.trd_buy_id),
             soci::use(v.lot.customer_name),
             soci::use(v.lot.quantity),
             soci::use(v.publish_date.text, v.publish_date.ind),
             soci::use(v.start_date.text, v.start_date.ind),
             soci::use(v.lot.last_update_date),
             soci::use(v.lot.index_date),
             soci::use(v.is_deleted),
             soci::use(target_lot_id),
             soci::into(new_gz_id));
        long long target_gz_id = 0;
        soci::statement update_gz =
            (s->prepare
                 << "UPDATE goszakup_lots SET customer_bin = :bin, status = :status, amount = :amount, name_ru = "
                    ":nru, name_kz = :nkz, description_ru = :dru, method = :method, announcement_number = :anno, "
                    "deadline = :deadline, enstru = :enstru, kato = :kato, updated_at = :u, source_id = :sid, "
                    "status_id = :stid, method_id = :mid, trd_buy_id = :tbid, customer_name = :cname, quantity = "
                    ":qty, publish_date = :pub, start_date = :start, last_update_date = :lud, index_date = :idx, "
                    "is_deleted = :del, lot_id = :lotid WHERE id = :id",
             soci::use(v.lot.customer_bin),
             soci::use(v.lot.status),
             soci::use(v.amount),
             soci::use(v.lot.name_ru),
             soci::use(v.lot.name_kz),
             soci::use(v.lot.description_ru),
             soci::use(v.lot.method),
             soci::use(v.lot.announcement_number),
             soci::use(v.deadline.text, v.deadline.ind),
             soci::use(v.lot.enstru),
             soci::use(v.lot.kato),
             soci::use(v.now),
             soci::use(v.source_id),
             soci::use(v.lot.status_id),
             soci::use(v.lot.method_id),
             soci::use(v.trd_buy_id),
             soci::use(v.lot.customer_name),
             soci::use(v.lot.quantity),
             soci::use(v.publish_date.text, v.publish_date.ind),
             soci::use(v.start_date.text, v.start_date.ind),
             soci::use(v.lot.last_update_date),
             soci::use(v.lot.index_date),
             soci::use(v.is_deleted),
             soci::use(target_lot_id),
             soci::use(target_gz_id));

        std::string event_kind;
        std::string event_old;
        soci::indicator event_old_ind = soci::i_null;
        std::string event_new;
        soci::statement insert_event =
            (s->prepare << "INSERT INTO goszakup_lot_events (goszakup_lot_id, kind, old_value, "
                           "new_value, seen_at) VALUES (:gid, :kind, :old, :new, :seen)",
             soci::use(target_gz_id),
             soci::use(event_kind),
             soci::use(event_old, event_old_ind),
             soci::use(event_new),
             soci::use(v.now));
        auto record_event = [&](std::string kind, const std::optional<std::string>& old_value, std::string new_value) {
            event_kind = std::move(kind);
            event_old = old_value.value_or("");
            event_old_ind = old_value ? soci::i_ok : soci::i_null;
            event_new = std::move(new_value);
            insert_event.execute(true);
            ++counts.events;
        };

        for (const auto& lot : lots) {
            v.Fill(lot);
            const bool exists = find.execute(true);
            if (!exists) {
                insert_lot.execute(true);
                target_lot_id = new_lot_id;
                insert_gz.execute(true);
                target_gz_id = new_gz_id;
                record_event("created", std::nullopt, lot.status);
                ++counts.inserted;
                continue;
            }
            target_gz_id = found_id;
            const bool same_status = found_status_ind == soci::i_ok && found_status_id == lot.status_id;
            const bool same_amount = found_amount_ind == soci::i_ok && found_amount == lot.amount;
            const bool same_stamp = found_update_ind == soci::i_ok && found_update == lot.last_update_date;
            if (same_status && same_amount && same_stamp && found_lot_ind == soci::i_ok) {
                ++counts.unchanged;
                continue;
            }
            if (found_lot_ind == soci::i_ok) {
                target_lot_id = found_lot_id;
                update_lot.execute(true);
            } else {
                // The lots row was deleted by hand; the portal still has the lot, so bring it back.
                insert_lot.execute(true);
                target_lot_id = new_lot_id;
            }
            update_gz.execute(true);
            if (!same_status) {
                std::optional<std::string> old_status;
                if (found_status_text_ind == soci::i_ok) {
                    old_status = found_status;
                }
                record_event("status", old_status, lot.status);
            }
            if (!same_amount) {
                std::optional<std::string> old_amount;
                if (found_amount_ind == soci::i_ok) {
                    old_amount = std::to_string(found_amount);
                }
                record_event("amount", old_amount, std::to_string(lot.amount));
            }
            ++counts.updated;
        }
    }
    // The cursor moves in the same transaction as the rows: a killed run resumes exactly after
    // the last page that landed.
    WriteSyncState(*s, sync_name, state, now);
    tx.Commit();
    return counts;
}

PageCounts GoszakupRepository::UpsertSubjects(const std::vector<SubjectRow>& subjects,
                                              const std::string& sync_name,
                                              const SyncState& state,
                                              Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    PageCounts counts;
    {
        SubjectRow v;
        long long pid = 0;
        int supplier = 0;
        int customer = 0;
        const std::string ts = FormatUtcTimestamp(now);
        std::string found_update;
        soci::indicator found_ind = soci::i_null;
        soci::statement find = (s->prepare << "SELECT last_update_date FROM suppliers WHERE bin = :b",
                                soci::use(v.bin),
                                soci::into(found_update, found_ind));
        soci::statement insert =
            (s->prepare << "INSERT INTO suppliers (bin, name, oked, region, created_at, name_kz, source_id, "
                           "is_supplier, is_customer, last_update_date, updated_at) VALUES (:b, :n, :o, :r, :c, :kz, "
                           ":pid, :s, :cu, :lud, :u)",
             soci::use(v.bin),
             soci::use(v.name_ru),
             soci::use(v.oked),
             soci::use(v.kato),
             soci::use(ts),
             soci::use(v.name_kz),
             soci::use(pid),
             soci::use(supplier),
             soci::use(customer),
             soci::use(v.last_update_date),
             soci::use(ts));
        soci::statement update =
            (s->prepare << "UPDATE suppliers SET name = :n, oked = :o, region = :r, name_kz = :kz, source_id = :pid, "
                           "is_supplier = :s, is_customer = :cu, last_update_date = :lud, updated_at = :u WHERE bin = "
                           ":b",
             soci::use(v.name_ru),
             soci::use(v.oked),
             soci::use(v.kato),
             soci::use(v.name_kz),
             soci::use(pid),
             soci::use(supplier),
             soci::use(customer),
             soci::use(v.last_update_date),
             soci::use(ts),
             soci::use(v.bin));
        for (const auto& subject : subjects) {
            v = subject;
            pid = subject.pid;
            supplier = subject.is_supplier ? 1 : 0;
            customer = subject.is_customer ? 1 : 0;
            found_ind = soci::i_null;
            if (!find.execute(true)) {
                insert.execute(true);
                ++counts.inserted;
            } else if (found_ind == soci::i_ok && found_update == subject.last_update_date) {
                ++counts.unchanged;
            } else {
                update.execute(true);
                ++counts.updated;
            }
        }
    }
    WriteSyncState(*s, sync_name, state, now);
    tx.Commit();
    return counts;
}

PageCounts GoszakupRepository::UpsertContracts(const std::vector<ContractRow>& contracts,
                                               const std::string& sync_name,
                                               const SyncState& state,
                                               Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    PageCounts counts;
    const std::string ts = FormatUtcTimestamp(now);
    for (const auto& c : contracts) {
        long long source = c.source_id;
        std::string found_update;
        soci::indicator found_ind = soci::i_null;
        long long found_id = 0;
        *s << "SELECT id, last_update_date FROM contracts WHERE source_id = :s", soci::use(source),
            soci::into(found_id), soci::into(found_update, found_ind);
        const bool exists = s->got_data();
        if (exists && found_ind == soci::i_ok && found_update == c.last_update_date) {
            ++counts.unchanged;
            continue;
        }
        // Nullable columns: SOCI binds NULL through an indicator next to a placeholder value.
        auto opt = [](const auto& value, soci::indicator& ind) {
            ind = value ? soci::i_ok : soci::i_null;
            return value ? static_cast<long long>(*value) : 0LL;
        };
        soci::indicator parent_ind{}, root_ind{}, buy_ind{}, amount_ind{}, vat_ind{}, year_ind{}, method_ind{},
            status_ind{};
        long long parent = opt(c.parent_source_id, parent_ind);
        long long root = opt(c.root_source_id, root_ind);
        long long buy = opt(c.trd_buy_id, buy_ind);
        long long amount = opt(c.amount, amount_ind);
        long long vat = opt(c.amount_with_vat, vat_ind);
        long long year = opt(c.fin_year, year_ind);
        long long method = opt(c.method_id, method_ind);
        long long status = opt(c.status_id, status_ind);
        soci::indicator sign_ind = c.sign_date ? soci::i_ok : soci::i_null;
        std::string sign = c.sign_date ? FormatUtcTimestamp(*c.sign_date) : std::string();
        std::string grounds = JoinIds(c.amendment_grounds);
        int deleted = c.is_deleted ? 1 : 0;
        if (exists) {
            *s << "UPDATE contracts SET parent_source_id = :p, root_source_id = :r, trd_buy_id = :b, "
                  "announcement_number = :an, customer_bin = :cb, supplier_bin = :sb, contract_number = :n, amount = "
                  ":a, amount_with_vat = :av, sign_date = :sd, fin_year = :y, method_id = :m, status_id = :st, "
                  "amendment_grounds = :g, last_update_date = :lud, is_deleted = :d, updated_at = :u WHERE source_id = "
                  ":s",
                soci::use(parent, parent_ind), soci::use(root, root_ind), soci::use(buy, buy_ind),
                soci::use(c.announcement_number), soci::use(c.customer_bin), soci::use(c.supplier_bin),
                soci::use(c.contract_number), soci::use(amount, amount_ind), soci::use(vat, vat_ind),
                soci::use(sign, sign_ind), soci::use(year, year_ind), soci::use(method, method_ind),
                soci::use(status, status_ind), soci::use(grounds), soci::use(c.last_update_date), soci::use(deleted),
                soci::use(ts), soci::use(source);
            ++counts.updated;
        } else {
            *s << "INSERT INTO contracts (source_id, parent_source_id, root_source_id, trd_buy_id, "
                  "announcement_number, "
                  "customer_bin, supplier_bin, contract_number, amount, amount_with_vat, sign_date, fin_year, "
                  "method_id, "
                  "status_id, amendment_grounds, last_update_date, is_deleted, updated_at) VALUES (:s, :p, :r, :b, "
                  ":an, "
                  ":cb, :sb, :n, :a, :av, :sd, :y, :m, :st, :g, :lud, :d, :u)",
                soci::use(source), soci::use(parent, parent_ind), soci::use(root, root_ind), soci::use(buy, buy_ind),
                soci::use(c.announcement_number), soci::use(c.customer_bin), soci::use(c.supplier_bin),
                soci::use(c.contract_number), soci::use(amount, amount_ind), soci::use(vat, vat_ind),
                soci::use(sign, sign_ind), soci::use(year, year_ind), soci::use(method, method_ind),
                soci::use(status, status_ind), soci::use(grounds), soci::use(c.last_update_date), soci::use(deleted),
                soci::use(ts);
            ++counts.inserted;
        }
    }
    WriteSyncState(*s, sync_name, state, now);
    tx.Commit();
    return counts;
}

std::int64_t GoszakupRepository::CountContracts() {
    Database::Lease s(db_);
    long long count = 0;
    *s << "SELECT COUNT(*) FROM contracts", soci::into(count);
    return count;
}

SyncState GoszakupRepository::LoadSyncState(const std::string& sync_name) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT mode, since, cursor, pages, run_started_at, last_success_at, last_report, watermark "
                       "FROM sync_state WHERE name = :n",
         soci::use(sync_name));
    SyncState state;
    for (const auto& r : rows) {
        state.mode = Text(r, 0);
        state.since = Text(r, 1);
        if (r.get_indicator(2) == soci::i_ok) {
            state.cursor = ToLong(r, 2);
        }
        state.pages = static_cast<int>(ToLong(r, 3));
        if (r.get_indicator(4) == soci::i_ok) {
            state.run_started_at = ParseStoredInstant(TimestampText(r, 4));
        }
        if (r.get_indicator(5) == soci::i_ok) {
            state.last_success_at = ParseStoredInstant(TimestampText(r, 5));
        }
        state.last_report = Text(r, 6);
        state.watermark = Text(r, 7);
    }
    return state;
}

void GoszakupRepository::SaveSyncState(const std::string& sync_name, const SyncState& state, Instant now) {
    Database::Lease s(db_);
    WriteSyncState(*s, sync_name, state, now);
}

namespace {

void WriteSyncState(soci::session& s, const std::string& sync_name, const SyncState& state, Instant now) {
    const std::string ts = FormatUtcTimestamp(now);
    long long cursor = state.cursor.value_or(0);
    soci::indicator cursor_ind = state.cursor ? soci::i_ok : soci::i_null;
    TimestampSlot started;
    started.Set(state.run_started_at);
    TimestampSlot success;
    success.Set(state.last_success_at);
    soci::indicator mode_ind = state.mode.empty() ? soci::i_null : soci::i_ok;
    soci::indicator report_ind = state.last_report.empty() ? soci::i_null : soci::i_ok;
    soci::indicator watermark_ind = state.watermark.empty() ? soci::i_null : soci::i_ok;
    s << "INSERT INTO sync_state (name, mode, since, cursor, pages, run_started_at, last_success_at, last_report, "
         "watermark, updated_at) VALUES (:n, :m, :s, :c, :p, :r, :l, :rep, :w, :u) ON CONFLICT (name) DO UPDATE SET "
         "mode = excluded.mode, since = excluded.since, cursor = excluded.cursor, pages = excluded.pages, "
         "run_started_at = excluded.run_started_at, last_success_at = excluded.last_success_at, last_report = "
         "excluded.last_report, watermark = excluded.watermark, updated_at = excluded.updated_at",
        soci::use(sync_name), soci::use(state.mode, mode_ind), soci::use(state.since), soci::use(cursor, cursor_ind),
        soci::use(state.pages), soci::use(started.text, started.ind), soci::use(success.text, success.ind),
        soci::use(state.last_report, report_ind), soci::use(state.watermark, watermark_ind), soci::use(ts);
}

}  // namespace

std::int64_t GoszakupRepository::CountLots() {
    Database::Lease s(db_);
    long long count = 0;
    *s << "SELECT COUNT(*) FROM goszakup_lots", soci::into(count);
    return count;
}

std::vector<LotEvent> GoszakupRepository::EventsAfter(std::int64_t after_id, int limit) {
    Database::Lease s(db_);
    long long after = after_id;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT e.id, e.goszakup_lot_id, g.lot_id, g.lot_number, e.kind, e.old_value, e.new_value, "
                       "e.seen_at FROM goszakup_lot_events e JOIN goszakup_lots g ON g.id = e.goszakup_lot_id WHERE "
                       "e.id > :after ORDER BY e.id LIMIT :lim",
         soci::use(after),
         soci::use(limit));
    std::vector<LotEvent> events;
    for (const auto& r : rows) {
        events.push_back(LotEvent{ToLong(r, 0),
                                  ToLong(r, 1),
                                  ToLong(r, 2),
                                  Text(r, 3),
                                  Text(r, 4),
                                  Text(r, 5),
                                  Text(r, 6),
                                  TimestampText(r, 7)});
    }
    return events;
}

std::int64_t GoszakupRepository::LatestEventId() {
    Database::Lease s(db_);
    long long latest = 0;
    *s << "SELECT COALESCE(MAX(id), 0) FROM goszakup_lot_events", soci::into(latest);
    return latest;
}

void GoszakupRepository::ReplaceRefs(const std::string& ref_name, const std::vector<RefRow>& rows, Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    *s << "DELETE FROM goszakup_refs WHERE ref_name = :r", soci::use(ref_name);
    RefRow v;
    long long id = 0;
    soci::statement insert = (s->prepare << "INSERT INTO goszakup_refs (ref_name, id, code, name_ru, name_kz, "
                                            "updated_at) VALUES (:r, :id, :code, :ru, :kz, :u)",
                              soci::use(ref_name),
                              soci::use(id),
                              soci::use(v.code),
                              soci::use(v.name_ru),
                              soci::use(v.name_kz),
                              soci::use(ts));
    for (const auto& row : rows) {
        v = row;
        id = row.id;
        insert.execute(true);
    }
    insert.clean_up();
    tx.Commit();
}

std::vector<RefRow> GoszakupRepository::LoadRefs(const std::string& ref_name) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, code, name_ru, name_kz FROM goszakup_refs WHERE ref_name = :r ORDER BY id",
         soci::use(ref_name));
    std::vector<RefRow> out;
    for (const auto& r : rows) {
        out.push_back(RefRow{ToLong(r, 0), Text(r, 1), Text(r, 2), Text(r, 3)});
    }
    return out;
}

void GoszakupRepository::ReplaceRnu(const std::vector<RnuEntry>& entries, Instant now) {
    Database::Lease s(db_);
    WriteTransaction tx(*s, db_.dialect());
    const std::string ts = FormatUtcTimestamp(now);
    *s << "DELETE FROM rnu_entries";
    RnuEntry v;
    long long source_id = 0;
    soci::statement insert =
        (s->prepare << "INSERT INTO rnu_entries (source_id, supplier_biin, supplier_name_ru, supplier_name_kz, "
                       "start_date, end_date, reason, court_decision, kato, synced_at) VALUES (:sid, :biin, :ru, :kz, "
                       ":start, :end, :reason, :court, :kato, :u)",
         soci::use(source_id),
         soci::use(v.supplier_biin),
         soci::use(v.supplier_name_ru),
         soci::use(v.supplier_name_kz),
         soci::use(v.start_date),
         soci::use(v.end_date),
         soci::use(v.reason),
         soci::use(v.court_decision),
         soci::use(v.kato),
         soci::use(ts));
    for (const auto& entry : entries) {
        v = entry;
        source_id = entry.source_id;
        insert.execute(true);
    }
    insert.clean_up();
    tx.Commit();
}

std::vector<RnuEntry> GoszakupRepository::FindRnu(const std::string& biin) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT source_id, supplier_biin, supplier_name_ru, supplier_name_kz, start_date, end_date, "
                       "reason, court_decision, kato FROM rnu_entries WHERE supplier_biin = :b ORDER BY id",
         soci::use(biin));
    std::vector<RnuEntry> out;
    for (const auto& r : rows) {
        out.push_back(RnuEntry{ToLong(r, 0),
                               Text(r, 1),
                               Text(r, 2),
                               Text(r, 3),
                               Text(r, 4),
                               Text(r, 5),
                               Text(r, 6),
                               Text(r, 7),
                               Text(r, 8)});
    }
    return out;
}

std::int64_t GoszakupRepository::CountRnu() {
    Database::Lease s(db_);
    long long count = 0;
    *s << "SELECT COUNT(*) FROM rnu_entries", soci::into(count);
    return count;
}

std::optional<RnuCheck> GoszakupRepository::FindRnuCheck(const std::string& biin) {
    Database::Lease s(db_);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT listed, details, checked_at FROM rnu_checks WHERE biin = :b", soci::use(biin));
    for (const auto& r : rows) {
        auto at = ParseStoredInstant(TimestampText(r, 2));
        if (!at) {
            return std::nullopt;
        }
        return RnuCheck{ToLong(r, 0) != 0, Text(r, 1), *at};
    }
    return std::nullopt;
}

void GoszakupRepository::SaveRnuCheck(const std::string& biin, const RnuCheck& check) {
    Database::Lease s(db_);
    const std::string ts = FormatUtcTimestamp(check.checked_at);
    const int listed = check.listed ? 1 : 0;
    *s << "INSERT INTO rnu_checks (biin, listed, details, checked_at) VALUES (:b, :l, :d, :c) ON CONFLICT (biin) DO "
          "UPDATE SET listed = excluded.listed, details = excluded.details, checked_at = excluded.checked_at",
        soci::use(biin), soci::use(listed), soci::use(check.details), soci::use(ts);
}

}  // namespace zakupai::store
