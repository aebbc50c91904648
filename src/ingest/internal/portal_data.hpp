#pragma once
// Reading the portal's JSON: lots and RNU rows in either naming (GraphQL camelCase, REST
// snake_case), its zone-less local timestamps, and the reference dictionaries. Lenient about
// missing or extra keys (the schema drifts between years), strict about values it stores.
#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/goszakup_repository.hpp"

namespace zakupai::ingest {

// "2026-10-07 11:30:02" or "2025-03-28T14:11:15.030000", Almaty local time (the portal's
// zone is undocumented; Almaty is the only reading that matches its publication times).
std::optional<Instant> ParsePortalTime(std::string_view text);
std::string FormatPortalTime(Instant instant);  // "YYYY-MM-DD HH:MM:SS" in Almaty time

// Our method code for a ref_trade_methods id (tender, auction, price_offers, single_source), the
// vocabulary of the calculators and documents; empty for ids without a clear mapping.
std::string MethodCode(int trade_method_id);

// The known ids from the reference (data/goszakup_refs.json), compiled in: the offline default.
std::string_view BuiltInDictionariesJson();

// Lot statuses, trade methods, announcement statuses, subject types.
class Dictionaries {
public:
    static Result<Dictionaries> FromJson(std::string_view json);  // {"ref_lots_status":[{id,code,name_ru}],...}
    static const std::vector<std::string>& Names();
    void Replace(const std::string& ref_name, std::vector<store::RefRow> rows);
    const store::RefRow* Find(const std::string& ref_name, std::int64_t id) const;
    const std::vector<store::RefRow>& Rows(const std::string& ref_name) const;

private:
    std::map<std::string, std::vector<store::RefRow>> refs_;
};

// One dictionary from a /v3/refs/<name> REST envelope; rows without an id are skipped.
std::vector<store::RefRow> ParseRefItems(const boost::json::value& envelope);

struct BadRow {
    std::string id;
    std::string reason;
};

// One page's bookkeeping, whatever the register: how the run loop moves its cursor.
struct PageMeta {
    std::size_t raw_count = 0;
    bool has_next = false;
    std::optional<std::int64_t> last_id;
    std::optional<std::int64_t> total;
    std::optional<std::int64_t> min_id;  // the smallest id on the page, when lastId is missing
    std::vector<BadRow> bad;
    // The date each good row carries in the portal's clock, the one incremental runs filter on:
    // indexDate for lots (when the portal indexed the change), lastUpdateDate for the rest.
    std::vector<std::string> dates;
};

// A GraphQL page: its bookkeeping and the rows that passed.
template <class Row>
struct Page {
    PageMeta meta;
    std::vector<Row> rows;
};
using LotsPage = Page<store::GoszakupLot>;
using SubjectsPage = Page<store::SubjectRow>;
using RnuPage = Page<store::RnuEntry>;
using ContractsPage = Page<store::ContractRow>;

// The GraphQL query the sync sends for a page of lots.
const std::string& LotsQuery();
// An answer whose shape is wrong (no data.Lots list, no pageInfo) is an error; a bad row
// inside a good answer is listed in `meta.bad` and the rest are kept.
Result<LotsPage> ParseLotsPage(const boost::json::object& answer, const Dictionaries& refs);

// GraphQL Contract, keyed by the contract id; every amendment is its own row pointing to its
// parent. Sums are tenge (contractSum without VAT, contractSumWnds with it).
const std::string& ContractsQuery();
Result<ContractsPage> ParseContractsPage(const boost::json::object& answer);

// GraphQL Subjects (participants), keyed by pid. A subject without a 12-digit BIN or IIN is a
// bad row.
const std::string& SubjectsQuery();
Result<SubjectsPage> ParseSubjectsPage(const boost::json::object& answer);

const std::string& RnuQuery();
Result<RnuPage> ParseRnuPage(const boost::json::object& answer);
// /v3/rnu/{biin}: an object, a list, or an envelope with items; both namings.
std::vector<store::RnuEntry> ParseRnuDetail(const boost::json::value& body, const Dictionaries& refs);

}  // namespace zakupai::ingest
