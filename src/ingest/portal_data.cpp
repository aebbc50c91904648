#include "ingest/internal/portal_data.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <charconv>
#include <cmath>

namespace zakupai::embedded {
extern const std::string_view kGoszakupRefs;
}

namespace zakupai::ingest {

std::string_view BuiltInDictionariesJson() {
    return embedded::kGoszakupRefs;
}

namespace {

const boost::json::value* Field(const boost::json::object& o, std::string_view camel, std::string_view snake = {}) {
    if (const auto* v = o.if_contains(camel); v != nullptr && !v->is_null()) {
        return v;
    }
    if (!snake.empty()) {
        if (const auto* v = o.if_contains(snake); v != nullptr && !v->is_null()) {
            return v;
        }
    }
    return nullptr;
}

std::optional<std::int64_t> AsInt(const boost::json::value* v) {
    if (v == nullptr) {
        return std::nullopt;
    }
    if (v->is_int64()) {
        return v->get_int64();
    }
    if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return static_cast<std::int64_t>(v->get_uint64());
    }
    if (v->is_double() && std::isfinite(v->get_double()) && std::trunc(v->get_double()) == v->get_double() &&
        std::abs(v->get_double()) < 9e15) {
        return static_cast<std::int64_t>(v->get_double());
    }
    if (v->is_string()) {
        std::int64_t out = 0;
        const auto& s = v->get_string();
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (ec == std::errc{} && end == s.data() + s.size()) {
            return out;
        }
    }
    return std::nullopt;
}

std::optional<double> AsNumber(const boost::json::value* v) {
    if (v == nullptr) {
        return std::nullopt;
    }
    if (v->is_double()) {
        return std::isfinite(v->get_double()) ? std::optional(v->get_double()) : std::nullopt;
    }
    if (v->is_int64()) {
        return static_cast<double>(v->get_int64());
    }
    if (v->is_uint64()) {
        return static_cast<double>(v->get_uint64());
    }
    if (v->is_string()) {
        const auto& s = v->get_string();
        double out = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (ec == std::errc{} && end == s.data() + s.size() && std::isfinite(out)) {
            return out;
        }
    }
    return std::nullopt;
}

std::string AsText(const boost::json::value* v) {
    if (v == nullptr) {
        return {};
    }
    if (v->is_string()) {
        return std::string(v->get_string());
    }
    if (auto i = AsInt(v)) {
        return std::to_string(*i);
    }
    return {};
}

// The first element of a list (or the value itself), as text: pointList, plnPointKatoList.
std::string FirstOf(const boost::json::value* v) {
    if (v != nullptr && v->is_array()) {
        return v->get_array().empty() ? std::string() : AsText(&v->get_array().front());
    }
    return AsText(v);
}

const boost::json::object* FirstObject(const boost::json::value* v) {
    if (v == nullptr) {
        return nullptr;
    }
    if (v->is_object()) {
        return &v->get_object();
    }
    if (v->is_array() && !v->get_array().empty() && v->get_array().front().is_object()) {
        return &v->get_array().front().get_object();
    }
    return nullptr;
}

bool IsTwelveDigits(std::string_view s) {
    return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Formats a quantity without a float's noise: 500 -> "500", 12.5 -> "12.5".
std::string QuantityText(double count) {
    if (std::trunc(count) == count && std::abs(count) < 1e15) {
        return std::to_string(static_cast<std::int64_t>(count));
    }
    return fmt::format("{:.3f}", count);
}

struct PageInfo {
    bool has_next = false;
    std::optional<std::int64_t> last_id;
    std::optional<std::int64_t> total;
};

Result<std::pair<const boost::json::array*, PageInfo>> PageOf(const boost::json::object& answer,
                                                              std::string_view root) {
    const auto* data = answer.if_contains("data");
    if (data == nullptr || !data->is_object()) {
        return Fail(Error{ErrorCode::kUnavailable, "goszakup: the answer has no data object", {}});
    }
    const auto* list = data->get_object().if_contains(root);
    if (list == nullptr || !(list->is_array() || list->is_null())) {
        return Fail(Error{ErrorCode::kUnavailable, fmt::format("goszakup: data.{} is not a list", root), {}});
    }
    PageInfo info;
    const boost::json::object* page_info = nullptr;
    if (const auto* ext = answer.if_contains("extensions"); ext != nullptr && ext->is_object()) {
        if (const auto* pi = ext->get_object().if_contains("pageInfo"); pi != nullptr && pi->is_object()) {
            page_info = &pi->get_object();
        }
    }
    if (page_info == nullptr) {
        return Fail(Error{ErrorCode::kUnavailable, "goszakup: the answer has no extensions.pageInfo", {}});
    }
    if (const auto* next = page_info->if_contains("hasNextPage"); next != nullptr && next->is_bool()) {
        info.has_next = next->get_bool();
    }
    info.last_id = AsInt(Field(*page_info, "lastId"));
    info.total = AsInt(Field(*page_info, "totalCount"));
    static const boost::json::array kEmpty;
    return std::pair{list->is_array() ? &list->get_array() : &kEmpty, info};
}

// The loop every register shares: each item parsed by `parse` (a Result), failures kept as bad
// rows named by the item's `id_key`, and the cursor bookkeeping from `id_of` and `date_of`.
template <class Row, class Parse, class IdOf, class DateOf>
Result<Page<Row>> ReadPage(const boost::json::object& answer,
                           std::string_view root,
                           std::string_view id_key,
                           Parse parse,
                           IdOf id_of,
                           DateOf date_of) {
    auto page = PageOf(answer, root);
    if (!page) {
        return Fail(page.error());
    }
    Page<Row> out;
    out.meta.has_next = page->second.has_next;
    out.meta.last_id = page->second.last_id;
    out.meta.total = page->second.total;
    out.meta.raw_count = page->first->size();
    for (const auto& item : *page->first) {
        const auto* o = item.if_object();
        if (o == nullptr) {
            out.meta.bad.push_back({"?", "not an object"});
            continue;
        }
        Result<Row> row = parse(*o);
        if (!row) {
            const auto id = AsText(Field(*o, id_key));
            out.meta.bad.push_back({id.empty() ? "?" : id, row.error().message});
            continue;
        }
        const std::int64_t id = id_of(*row);
        out.meta.min_id = std::min(out.meta.min_id.value_or(id), id);
        out.meta.dates.push_back(date_of(*row));
        out.rows.push_back(std::move(*row));
    }
    return out;
}

Result<store::GoszakupLot> ParseLot(const boost::json::object& o, const Dictionaries& refs) {
    store::GoszakupLot lot;
    auto id = AsInt(Field(o, "id"));
    if (!id || *id <= 0) {
        return Fail(Error::Invalid("id", "missing or not a positive integer"));
    }
    lot.source_id = *id;
    lot.lot_number = AsText(Field(o, "lotNumber", "lot_number"));
    if (lot.lot_number.empty() || lot.lot_number.size() > 64) {
        return Fail(Error::Invalid("lotNumber", "missing or longer than 64 characters"));
    }
    const auto* amount_field = Field(o, "amount");
    auto amount = AsNumber(amount_field);
    if (amount_field != nullptr && (!amount || *amount < 0 || *amount > 1e13)) {
        return Fail(Error::Invalid("amount", "not a non-negative number of tenge"));
    }
    lot.amount = amount ? static_cast<Tiyn>(std::llround(*amount * 100.0)) : 0;
    if (auto count = AsNumber(Field(o, "count"))) {
        lot.quantity = QuantityText(*count);
    }
    lot.customer_bin = AsText(Field(o, "customerBin", "customer_bin"));
    if (!lot.customer_bin.empty() && !IsTwelveDigits(lot.customer_bin)) {
        return Fail(Error::Invalid("customerBin", "not 12 digits"));
    }
    lot.customer_name = AsText(Field(o, "customerNameRu", "customer_name_ru"));
    lot.status_id = static_cast<int>(AsInt(Field(o, "refLotStatusId", "ref_lot_status_id")).value_or(0));
    if (const auto* status = refs.Find("ref_lots_status", lot.status_id)) {
        lot.status = status->code;
    } else {
        lot.status = lot.status_id != 0 ? std::to_string(lot.status_id) : std::string();
    }
    lot.method_id = static_cast<int>(AsInt(Field(o, "refTradeMethodsId", "ref_trade_methods_id")).value_or(0));
    lot.method_code = MethodCode(lot.method_id);
    if (const auto* method = refs.Find("ref_trade_methods", lot.method_id)) {
        lot.method = method->name_ru;
    } else if (lot.method_id != 0) {
        lot.method = std::to_string(lot.method_id);
    }
    lot.name_ru = AsText(Field(o, "nameRu", "name_ru"));
    lot.name_kz = AsText(Field(o, "nameKz", "name_kz"));
    lot.description_ru = AsText(Field(o, "descriptionRu", "description_ru"));
    if (lot.name_ru.empty()) {
        lot.name_ru = lot.name_kz.empty() ? lot.lot_number : lot.name_kz;
    }
    lot.announcement_number = AsText(Field(o, "trdBuyNumberAnno", "trd_buy_number_anno"));
    lot.trd_buy_id = AsInt(Field(o, "trdBuyId", "trd_buy_id")).value_or(0);
    lot.last_update_date = AsText(Field(o, "lastUpdateDate", "last_update_date"));
    lot.index_date = AsText(Field(o, "indexDate", "index_date"));
    lot.is_deleted = AsInt(Field(o, "isDeleted", "is_deleted")).value_or(0) != 0;
    lot.kato = FirstOf(Field(o, "plnPointKatoList", "pln_point_kato_list"));

    const auto* plan = FirstObject(Field(o, "Plans"));
    lot.plan_number = FirstOf(Field(o, "pointList", "point_list"));
    if (lot.plan_number.empty()) {
        lot.plan_number = AsText(Field(o, "pln_point_id"));
    }
    if (plan != nullptr) {
        if (lot.plan_number.empty()) {
            lot.plan_number = AsText(Field(*plan, "id"));
        }
        lot.enstru = AsText(Field(*plan, "refEnstruCode", "ref_enstru_code"));
        if (const auto* units = FirstObject(Field(*plan, "RefUnits"))) {
            lot.unit = AsText(Field(*units, "nameRu"));
        }
        if (lot.kato.empty()) {
            if (const auto* kato = FirstObject(Field(*plan, "PlansKato"))) {
                lot.kato = AsText(Field(*kato, "refKatoCode"));
            }
        }
    }
    if (lot.plan_number.empty()) {
        // lotNumber is "<plan point id>-<method><n>" (88105345-ЗЦП1).
        lot.plan_number = lot.lot_number.substr(0, lot.lot_number.find('-'));
    }
    if (const auto* buy = FirstObject(Field(o, "TrdBuy"))) {
        lot.publish_date = ParsePortalTime(AsText(Field(*buy, "publishDate", "publish_date")));
        lot.start_date = ParsePortalTime(AsText(Field(*buy, "startDate", "start_date")));
        lot.deadline = ParsePortalTime(AsText(Field(*buy, "endDate", "end_date")));
        if (lot.announcement_number.empty()) {
            lot.announcement_number = AsText(Field(*buy, "numberAnno"));
        }
    }
    return lot;
}

store::RnuEntry ParseRnuEntry(const boost::json::object& o, const Dictionaries* refs) {
    store::RnuEntry e;
    e.source_id = AsInt(Field(o, "id")).value_or(0);
    e.supplier_biin = AsText(Field(o, "supplierBiin", "supplier_biin"));
    e.supplier_name_ru = AsText(Field(o, "supplierNameRu", "supplier_name_ru"));
    e.supplier_name_kz = AsText(Field(o, "supplierNameKz", "supplier_name_kz"));
    e.start_date = AsText(Field(o, "startDate", "start_date"));
    e.end_date = AsText(Field(o, "endDate", "end_date"));
    e.kato = FirstOf(Field(o, "katoList", "kato_list"));
    e.court_decision = AsText(Field(o, "courtDecision", "court_decision"));
    if (auto date = AsText(Field(o, "courtDecisionDate", "court_decision_date")); !date.empty()) {
        e.court_decision += (e.court_decision.empty() ? "" : " от ") + date;
    }
    const auto reason_id = AsInt(Field(o, "refReasonId", "ref_reason_id"));
    if (reason_id) {
        const auto* reason = refs != nullptr ? refs->Find("ref_reason", *reason_id) : nullptr;
        e.reason = reason != nullptr ? reason->name_ru : "ref_reason " + std::to_string(*reason_id);
    }
    if (auto customer = AsText(Field(o, "customerNameRu", "customer_name_ru")); !customer.empty()) {
        e.reason += (e.reason.empty() ? "" : "; ") + std::string("заказчик: ") + customer;
    }
    return e;
}

}  // namespace

std::string MethodCode(int trade_method_id) {
    switch (trade_method_id) {
        case 2:    // открытый конкурс
        case 22:   // конкурс с двухэтапными процедурами
        case 32:   // конкурс с предварительным квалификационным отбором
        case 132:  // первый этап конкурса с рамочным соглашением
        case 188:  // конкурс с рейтингово-балльной системой
            return "tender";
        case 3:
            return "price_offers";
        case 7:
            return "auction";
        case 6:   // из одного источника по несостоявшимся закупкам
        case 23:  // из одного источника путём прямого заключения договора
            return "single_source";
        default:
            return {};
    }
}

std::optional<Instant> ParsePortalTime(std::string_view text) {
    if (text.size() < 10) {
        return std::nullopt;
    }
    auto date = ParseIsoDate(text.substr(0, 10));
    if (!date) {
        return std::nullopt;
    }
    int hh = 0;
    int mm = 0;
    int ss = 0;
    if (text.size() >= 19) {
        if (text[10] != ' ' && text[10] != 'T') {
            return std::nullopt;
        }
        auto two = [&](std::size_t pos, int& out) {
            if (!std::isdigit(static_cast<unsigned char>(text[pos])) ||
                !std::isdigit(static_cast<unsigned char>(text[pos + 1]))) {
                return false;
            }
            out = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
            return true;
        };
        if (!two(11, hh) || text[13] != ':' || !two(14, mm) || text[16] != ':' || !two(17, ss) || hh > 23 || mm > 59 ||
            ss > 60) {
            return std::nullopt;
        }
    } else if (text.size() != 10) {
        return std::nullopt;
    }
    const Instant local_as_utc =
        std::chrono::sys_days{*date} + std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss};
    // Almaty was UTC+6 until 2024-03-01 and is UTC+5 since; the offset at the guess decides.
    const auto offset = AlmatyUtcOffset(local_as_utc - std::chrono::hours{5});
    return local_as_utc - offset;
}

std::string FormatPortalTime(Instant instant) {
    const auto local = std::chrono::floor<std::chrono::seconds>(instant + AlmatyUtcOffset(instant));
    const auto day = std::chrono::floor<std::chrono::days>(local);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss time{local - day};
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                       static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day()),
                       time.hours().count(),
                       time.minutes().count(),
                       time.seconds().count());
}

Result<Dictionaries> Dictionaries::FromJson(std::string_view json) {
    boost::system::error_code ec;
    auto root = boost::json::parse(json, ec);
    if (ec || !root.is_object()) {
        return Fail(Error::Invalid("dictionaries", "not a JSON object"));
    }
    Dictionaries d;
    for (const auto& name : Names()) {
        const auto* list = root.get_object().if_contains(name);
        if (list == nullptr || !list->is_array()) {
            return Fail(Error::Invalid(name, "missing list"));
        }
        d.Replace(name, ParseRefItems(boost::json::object{{"items", *list}}));
    }
    return d;
}

const std::vector<std::string>& Dictionaries::Names() {
    static const std::vector<std::string> kNames{
        "ref_lots_status", "ref_buy_status", "ref_trade_methods", "ref_subject_type"};
    return kNames;
}

void Dictionaries::Replace(const std::string& ref_name, std::vector<store::RefRow> rows) {
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    refs_[ref_name] = std::move(rows);
}

const store::RefRow* Dictionaries::Find(const std::string& ref_name, std::int64_t id) const {
    auto it = refs_.find(ref_name);
    if (it == refs_.end()) {
        return nullptr;
    }
    auto row = std::lower_bound(
        it->second.begin(), it->second.end(), id, [](const store::RefRow& r, std::int64_t v) { return r.id < v; });
    return row != it->second.end() && row->id == id ? &*row : nullptr;
}

const std::vector<store::RefRow>& Dictionaries::Rows(const std::string& ref_name) const {
    static const std::vector<store::RefRow> kEmpty;
    auto it = refs_.find(ref_name);
    return it == refs_.end() ? kEmpty : it->second;
}

std::vector<store::RefRow> ParseRefItems(const boost::json::value& envelope) {
    std::vector<store::RefRow> rows;
    const boost::json::array* items = nullptr;
    if (envelope.is_array()) {
        items = &envelope.get_array();
    } else if (envelope.is_object()) {
        if (const auto* v = envelope.get_object().if_contains("items"); v != nullptr && v->is_array()) {
            items = &v->get_array();
        }
    }
    if (items == nullptr) {
        return rows;
    }
    for (const auto& item : *items) {
        if (!item.is_object()) {
            continue;
        }
        const auto& o = item.get_object();
        auto id = AsInt(Field(o, "id"));
        if (!id) {
            continue;
        }
        rows.push_back(store::RefRow{*id,
                                     AsText(Field(o, "code")),
                                     AsText(Field(o, "nameRu", "name_ru")),
                                     AsText(Field(o, "nameKz", "name_kz"))});
    }
    return rows;
}

const std::string& LotsQuery() {
    static const std::string kQuery =
        "query($limit:Int,$after:Int,$filter:LotsFiltersInput){Lots(filter:$filter,limit:$limit,after:$after){"
        "id lotNumber refLotStatusId lastUpdateDate count amount nameRu nameKz descriptionRu customerBin "
        "customerNameRu trdBuyId trdBuyNumberAnno refTradeMethodsId isDeleted indexDate pointList plnPointKatoList "
        "Plans{id refEnstruCode RefUnits{nameRu}} TrdBuy{numberAnno publishDate startDate endDate}}}";
    return kQuery;
}

Result<LotsPage> ParseLotsPage(const boost::json::object& answer, const Dictionaries& refs) {
    return ReadPage<store::GoszakupLot>(
        answer,
        "Lots",
        "id",
        [&](const boost::json::object& o) { return ParseLot(o, refs); },
        [](const store::GoszakupLot& lot) { return lot.source_id; },
        [](const store::GoszakupLot& lot) { return lot.index_date.empty() ? lot.last_update_date : lot.index_date; });
}

const std::string& SubjectsQuery() {
    static const std::string kQuery =
        "query($limit:Int,$after:Int,$filter:SubjectFiltersInput){Subjects(filter:$filter,limit:$limit,after:$after){"
        "pid bin iin nameRu nameKz okedList katoList supplier customer typeSupplier lastUpdateDate}}";
    return kQuery;
}

Result<SubjectsPage> ParseSubjectsPage(const boost::json::object& answer) {
    auto parse = [](const boost::json::object& o) -> Result<store::SubjectRow> {
        store::SubjectRow s;
        const auto pid = AsInt(Field(o, "pid"));
        s.pid = pid.value_or(0);
        s.bin = AsText(Field(o, "bin"));
        if (s.bin.empty()) {
            s.bin = AsText(Field(o, "iin"));  // an individual entrepreneur has an IIN and no BIN
        }
        if (!pid || *pid <= 0 || !IsTwelveDigits(s.bin)) {
            return Fail(Error::Invalid("pid", "no positive pid or no 12-digit BIN/IIN"));
        }
        s.name_ru = AsText(Field(o, "nameRu", "name_ru"));
        s.name_kz = AsText(Field(o, "nameKz", "name_kz"));
        if (s.name_ru.empty()) {
            s.name_ru = s.name_kz.empty() ? s.bin : s.name_kz;
        }
        s.oked = FirstOf(Field(o, "okedList", "oked_list"));
        s.kato = FirstOf(Field(o, "katoList", "kato_list"));
        s.is_supplier = AsInt(Field(o, "supplier")).value_or(0) != 0;
        s.is_customer = AsInt(Field(o, "customer")).value_or(0) != 0;
        s.last_update_date = AsText(Field(o, "lastUpdateDate", "last_update_date"));
        return s;
    };
    return ReadPage<store::SubjectRow>(
        answer,
        "Subjects",
        "pid",
        parse,
        [](const store::SubjectRow& s) { return s.pid; },
        [](const store::SubjectRow& s) { return s.last_update_date; });
}

const std::string& ContractsQuery() {
    static const std::string kQuery =
        "query($limit:Int,$after:Int,$filter:ContractFiltersInput){Contract(filter:$filter,limit:$limit,after:$after){"
        "id parentId rootId trdBuyId trdBuyNumberAnno refAmendmAgreemJustifId supplierBiin customerBin contractNumber "
        "contractSum contractSumWnds signDate finYear faktTradeMethodsId refContractStatusId deleted lastUpdateDate}}";
    return kQuery;
}

Result<ContractsPage> ParseContractsPage(const boost::json::object& answer) {
    auto money = [](const boost::json::value* v) -> Result<std::optional<Tiyn>> {
        if (v == nullptr || v->is_null()) {
            return std::optional<Tiyn>{};
        }
        const auto n = AsNumber(v);
        if (!n || *n < 0 || *n > 1e13) {
            return Fail(Error::Invalid("contractSum", "not a non-negative number of tenge"));
        }
        return std::optional<Tiyn>(static_cast<Tiyn>(std::llround(*n * 100.0)));
    };
    auto positive = [](const boost::json::value* v) -> std::optional<std::int64_t> {
        const auto n = AsInt(v);
        return n && *n > 0 ? n : std::nullopt;
    };
    auto parse = [&](const boost::json::object& o) -> Result<store::ContractRow> {
        store::ContractRow c;
        const auto id = AsInt(Field(o, "id"));
        if (!id || *id <= 0) {
            return Fail(Error::Invalid("id", "no positive contract id"));
        }
        c.source_id = *id;
        c.parent_source_id = positive(Field(o, "parentId", "parent_id"));
        if (c.parent_source_id == c.source_id) {
            c.parent_source_id.reset();  // the first version may point to itself
        }
        c.root_source_id = positive(Field(o, "rootId", "root_id"));
        c.trd_buy_id = positive(Field(o, "trdBuyId", "trd_buy_id"));
        c.announcement_number = AsText(Field(o, "trdBuyNumberAnno", "trd_buy_number_anno"));
        c.supplier_bin = AsText(Field(o, "supplierBiin", "supplier_biin"));
        c.customer_bin = AsText(Field(o, "customerBin", "customer_bin"));
        if ((!c.supplier_bin.empty() && !IsTwelveDigits(c.supplier_bin)) ||
            (!c.customer_bin.empty() && !IsTwelveDigits(c.customer_bin))) {
            return Fail(Error::Invalid("supplierBiin", "a BIN/IIN that is not 12 digits"));
        }
        c.contract_number = AsText(Field(o, "contractNumber", "contract_number"));
        auto amount = money(Field(o, "contractSum", "contract_sum"));
        auto with_vat = money(Field(o, "contractSumWnds", "contract_sum_wnds"));
        if (!amount || !with_vat) {
            return Fail(!amount ? amount.error() : with_vat.error());
        }
        c.amount = *amount;
        c.amount_with_vat = *with_vat;
        c.sign_date = ParsePortalTime(AsText(Field(o, "signDate", "sign_date")));
        if (auto year = positive(Field(o, "finYear", "fin_year"))) {
            c.fin_year = static_cast<int>(*year);
        }
        if (auto method = positive(Field(o, "faktTradeMethodsId", "fakt_trade_methods_id"))) {
            c.method_id = static_cast<int>(*method);
        }
        if (auto status = positive(Field(o, "refContractStatusId", "ref_contract_status_id"))) {
            c.status_id = static_cast<int>(*status);
        }
        // The REST register gives a list of ids, GraphQL sometimes a single one.
        if (const auto* grounds = Field(o, "refAmendmAgreemJustifId", "ref_amendm_agreem_justif_id")) {
            if (grounds->is_array()) {
                for (const auto& g : grounds->get_array()) {
                    if (auto n = AsInt(&g); n && *n > 0) {
                        c.amendment_grounds.push_back(*n);
                    }
                }
            } else if (auto n = positive(grounds)) {
                c.amendment_grounds.push_back(*n);
            }
        }
        c.is_deleted = AsInt(Field(o, "deleted", "is_deleted")).value_or(0) != 0;
        c.last_update_date = AsText(Field(o, "lastUpdateDate", "last_update_date"));
        return c;
    };
    return ReadPage<store::ContractRow>(
        answer,
        "Contract",
        "id",
        parse,
        [](const store::ContractRow& c) { return c.source_id; },
        [](const store::ContractRow& c) { return c.last_update_date; });
}

const std::string& RnuQuery() {
    static const std::string kQuery =
        "query($limit:Int,$after:Int,$filter:RnuFiltersInput){Rnu(filter:$filter,limit:$limit,after:$after){"
        "id pid supplierNameRu supplierNameKz supplierBiin supplierInnunp startDate endDate katoList systemId}}";
    return kQuery;
}

Result<RnuPage> ParseRnuPage(const boost::json::object& answer) {
    auto parse = [](const boost::json::object& o) -> Result<store::RnuEntry> {
        auto entry = ParseRnuEntry(o, nullptr);
        if (!IsTwelveDigits(entry.supplier_biin)) {
            return Fail(Error::Invalid("supplierBiin", "not 12 digits"));
        }
        return entry;
    };
    return ReadPage<store::RnuEntry>(
        answer,
        "Rnu",
        "id",
        parse,
        [](const store::RnuEntry& e) { return e.source_id; },
        [](const store::RnuEntry&) { return std::string(); });
}

std::vector<store::RnuEntry> ParseRnuDetail(const boost::json::value& body, const Dictionaries& refs) {
    std::vector<store::RnuEntry> out;
    auto take = [&](const boost::json::value& v) {
        if (const auto* o = v.if_object()) {
            auto entry = ParseRnuEntry(*o, &refs);
            if (IsTwelveDigits(entry.supplier_biin)) {
                out.push_back(std::move(entry));
            }
        }
    };
    if (body.is_array()) {
        for (const auto& v : body.get_array()) {
            take(v);
        }
    } else if (const auto* o = body.if_object()) {
        if (const auto* items = o->if_contains("items"); items != nullptr && items->is_array()) {
            for (const auto& v : items->get_array()) {
                take(v);
            }
        } else {
            take(body);
        }
    }
    return out;
}

}  // namespace zakupai::ingest
