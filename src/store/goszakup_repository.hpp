#pragma once
// Portal data: goszakup_lots (kept in step with lots), their change events, the sync cursor,
// reference dictionaries and the RNU register with its per-BIN check cache.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace zakupai::store {

// One lot as the sync hands it over: already parsed, money in tiyn, instants in UTC.
struct GoszakupLot {
    std::int64_t source_id = 0;  // the portal's lot id
    std::string plan_number;
    std::string lot_number;
    std::string customer_bin;
    std::string customer_name;
    int status_id = 0;
    std::string status;  // the status code, e.g. PublishedBidAccept
    Tiyn amount = 0;
    std::string name_ru;
    std::string name_kz;
    std::string description_ru;
    int method_id = 0;
    std::string method;       // the method's Russian name (goszakup_lots.method)
    std::string method_code;  // tender | auction | price_offers | eshop | single_source (lots.method)
    std::string announcement_number;
    std::int64_t trd_buy_id = 0;
    std::string quantity;
    std::string unit;
    std::optional<Instant> deadline;
    std::optional<Instant> start_date;
    std::optional<Instant> publish_date;
    std::string enstru;
    std::string kato;
    std::string last_update_date;  // as the portal wrote it: the "unchanged" test compares it
    std::string index_date;
    bool is_deleted = false;
};

// A participant from the portal's register (Subjects), stored in `suppliers`.
struct SubjectRow {
    std::int64_t pid = 0;
    std::string bin;  // the BIN, or the IIN of an individual entrepreneur
    std::string name_ru;
    std::string name_kz;
    std::string oked;
    std::string kato;
    bool is_supplier = false;
    bool is_customer = false;
    std::string last_update_date;
};

// A contract from the portal's register (Contract), one row per version.
struct ContractRow {
    std::int64_t source_id = 0;
    std::optional<std::int64_t> parent_source_id;  // an amendment points to the version it changes
    std::optional<std::int64_t> root_source_id;
    std::optional<std::int64_t> trd_buy_id;
    std::string announcement_number;
    std::string customer_bin;
    std::string supplier_bin;
    std::string contract_number;
    std::optional<Tiyn> amount;  // without VAT
    std::optional<Tiyn> amount_with_vat;
    std::optional<Instant> sign_date;
    std::optional<int> fin_year;
    std::optional<int> method_id;
    std::optional<int> status_id;
    std::vector<std::int64_t> amendment_grounds;  // ref_amendm_agreem_justif ids
    std::string last_update_date;
    bool is_deleted = false;
};

// Where a run stands; saved with every page so a killed run resumes at the next page.
struct SyncState {
    std::string mode;                    // "full" or "incremental"; empty when no run is in progress
    std::string since;                   // the incremental lower bound, portal local time "YYYY-MM-DD HH:MM:SS"
    std::optional<std::int64_t> cursor;  // `after` for the next page; nullopt = first page
    int pages = 0;
    std::optional<Instant> run_started_at;
    std::optional<Instant> last_success_at;
    std::string last_report;  // JSON of the last finished run
    // The newest portal date seen in the data of the last finished run (indexDate for lots,
    // lastUpdateDate for the rest), in the portal's own clock: where the next incremental run
    // starts, so a change the portal indexed late is not skipped.
    std::string watermark;
    bool InProgress() const { return !mode.empty(); }
};

struct PageCounts {
    int inserted = 0;
    int updated = 0;
    int unchanged = 0;
    int events = 0;
};

struct LotEvent {
    std::int64_t id = 0;
    std::int64_t goszakup_lot_id = 0;
    std::int64_t lot_id = 0;
    std::string lot_number;
    std::string kind;  // created | status | amount
    std::string old_value;
    std::string new_value;
    std::string seen_at;
};

struct RefRow {
    std::int64_t id = 0;
    std::string code;
    std::string name_ru;
    std::string name_kz;
};

struct RnuEntry {
    std::int64_t source_id = 0;
    std::string supplier_biin;
    std::string supplier_name_ru;
    std::string supplier_name_kz;
    std::string start_date;  // portal text, kept as given
    std::string end_date;
    std::string reason;
    std::string court_decision;
    std::string kato;
};

struct RnuCheck {
    bool listed = false;
    std::string details;  // JSON
    Instant checked_at;
};

class GoszakupRepository {
public:
    explicit GoszakupRepository(Database& db) : db_(db) {}

    // Upserts one page by (plan_number, lot_number), keeps `lots` in step, records events
    // and saves `state` (the cursor past this page), all in one transaction.
    PageCounts UpsertPage(const std::vector<GoszakupLot>& lots,
                          const std::string& sync_name,
                          const SyncState& state,
                          Instant now);
    // Upserts participants into `suppliers` by BIN and saves `state`, in one transaction.
    PageCounts UpsertSubjects(const std::vector<SubjectRow>& subjects,
                              const std::string& sync_name,
                              const SyncState& state,
                              Instant now);
    // Upserts contracts by the portal's id and saves `state`, in one transaction.
    PageCounts UpsertContracts(const std::vector<ContractRow>& contracts,
                               const std::string& sync_name,
                               const SyncState& state,
                               Instant now);
    std::int64_t CountContracts();
    SyncState LoadSyncState(const std::string& sync_name);
    void SaveSyncState(const std::string& sync_name, const SyncState& state, Instant now);

    std::int64_t CountLots();
    std::vector<LotEvent> EventsAfter(std::int64_t after_id, int limit);
    // The newest event's id (0 when there is none): where a reader that wants only what comes
    // next starts.
    std::int64_t LatestEventId();

    void ReplaceRefs(const std::string& ref_name, const std::vector<RefRow>& rows, Instant now);
    std::vector<RefRow> LoadRefs(const std::string& ref_name);

    // The whole register in one transaction: readers see the old list or the new one.
    void ReplaceRnu(const std::vector<RnuEntry>& entries, Instant now);
    std::vector<RnuEntry> FindRnu(const std::string& biin);
    std::int64_t CountRnu();
    std::optional<RnuCheck> FindRnuCheck(const std::string& biin);
    void SaveRnuCheck(const std::string& biin, const RnuCheck& check);

private:
    Database& db_;
};

}  // namespace zakupai::store
