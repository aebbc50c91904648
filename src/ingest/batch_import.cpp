#include "ingest/batch_import.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <xapian.h>

#include <charconv>
#include <cmath>
#include <future>

#include "core/bin.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "ingest/internal/portal_data.hpp"
#include "ingest/internal/sku_match.hpp"
#include "ingest/internal/table_reader.hpp"

namespace zakupai::ingest {

namespace {

// Spaces people put into numbers and around values: ASCII, no-break, narrow no-break, thin.
std::string StripSpaces(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == ' ' || c == '\t') {
            continue;
        }
        if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
            ++i;
            continue;
        }
        if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
            (static_cast<unsigned char>(text[i + 2]) == 0xAF || static_cast<unsigned char>(text[i + 2]) == 0x89)) {
            i += 2;
            continue;
        }
        out += text[i];
    }
    return out;
}

std::string Trim(std::string_view text) {
    auto is_space = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && is_space(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    // A no-break space at either end.
    while (text.size() >= 2 && text.substr(0, 2) == "\xC2\xA0") {
        text.remove_prefix(2);
    }
    while (text.size() >= 2 && text.substr(text.size() - 2) == "\xC2\xA0") {
        text.remove_suffix(2);
    }
    return std::string(text);
}

bool AllDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Lower-case letters and digits only: "Ед. изм." -> "едизм", "Цена, тг" -> "ценатг".
std::string HeaderKey(std::string_view header) {
    std::string key;
    for (Xapian::Utf8Iterator it(header.data(), header.size()), end; it != end; ++it) {
        unsigned ch = *it;
        if (!Xapian::Unicode::is_wordchar(ch) || ch == '_') {
            continue;
        }
        ch = Xapian::Unicode::tolower(ch);
        Xapian::Unicode::append_utf8(key, ch == 0x0451 ? 0x0435 : ch);
    }
    return key;
}

struct FieldSpec {
    const char* field;
    std::vector<const char*> aliases;  // already in HeaderKey form
};

const std::vector<FieldSpec>& PriceFields() {
    static const std::vector<FieldSpec> kFields{
        {"sku", {"sku", "артикул", "кодтовара", "код", "article", "коденстру", "енстру", "ктру"}},
        {"name", {"name", "title", "наименованиетовара", "наименование", "название", "товар", "описание"}},
        {"price", {"price", "ценазаединицу", "цена", "стоимость"}},
        {"unit", {"unit", "единицаизмерения", "едизм", "единица", "ед"}},
        {"captured_at", {"capturedat", "датацены", "дата", "date"}},
        {"source", {"source", "источник", "поставщик", "supplier"}},
        {"supplier_bin", {"supplierbin", "бинпоставщика", "бин", "иин", "bin"}},
    };
    return kFields;
}

const std::vector<FieldSpec>& LotFields() {
    static const std::vector<FieldSpec> kFields{
        {"title", {"title", "наименованиелота", "названиелота", "наименование", "название", "name", "лот"}},
        {"description", {"description", "описание", "характеристика"}},
        {"price", {"price", "amount", "суммалота", "выделеннаясумма", "сумма", "цена"}},
        {"deadline", {"deadline", "окончаниеприема", "датаокончания", "срокподачи", "срок"}},
        {"customer_bin", {"customerbin", "бинзаказчика", "бин", "bin"}},
        {"customer_name", {"customername", "заказчик", "customer"}},
        {"quantity", {"quantity", "количество", "колво", "count"}},
        {"unit", {"unit", "единицаизмерения", "едизм", "единица", "ед"}},
        {"enstru", {"enstru", "коденстру", "енстру", "ктру"}},
        {"region", {"region", "регион", "kato", "като"}},
        {"plan_id", {"planid", "plannumber", "номерпунктаплана", "пунктплана"}},
    };
    return kFields;
}

struct ColumnMap {
    std::map<std::string, std::size_t> columns;  // field -> column index
    std::vector<std::string> described;          // "Цена -> price"
    std::vector<std::string> ignored;
    int matched_lot_only = 0;
    int matched_price_only = 0;
};

ColumnMap MapColumns(const std::vector<std::string>& header, const std::vector<FieldSpec>& fields) {
    ColumnMap map;
    for (std::size_t i = 0; i < header.size(); ++i) {
        const std::string key = HeaderKey(header[i]);
        const FieldSpec* chosen = nullptr;
        // An exact alias wins over a prefix ("Цена за ед., тг" starts with "цена").
        for (int pass = 0; pass < 2 && chosen == nullptr; ++pass) {
            for (const auto& spec : fields) {
                if (map.columns.contains(spec.field)) {
                    continue;
                }
                for (const char* alias : spec.aliases) {
                    const std::string_view a(alias);
                    const bool hit = pass == 0 ? key == a : (a.size() >= 4 && key.rfind(a, 0) == 0);
                    if (hit) {
                        chosen = &spec;
                        break;
                    }
                }
                if (chosen != nullptr) {
                    break;
                }
            }
        }
        if (chosen == nullptr || key.empty()) {
            if (!Trim(header[i]).empty()) {
                map.ignored.push_back(Trim(header[i]));
            }
            continue;
        }
        map.columns[chosen->field] = i;
        map.described.push_back(Trim(header[i]) + " -> " + chosen->field);
    }
    return map;
}

int CountFields(const std::vector<std::string>& header,
                const std::vector<FieldSpec>& fields,
                std::initializer_list<const char*> only) {
    const auto map = MapColumns(header, fields);
    int n = 0;
    for (const char* f : only) {
        n += map.columns.contains(f) ? 1 : 0;
    }
    return n;
}

std::string AliasList(const std::vector<FieldSpec>& fields, const char* field) {
    for (const auto& spec : fields) {
        if (std::string_view(spec.field) == field) {
            std::string out;
            for (std::size_t i = 0; i < spec.aliases.size() && i < 4; ++i) {
                out += (i > 0 ? ", " : "") + std::string(spec.aliases[i]);
            }
            return out;
        }
    }
    return {};
}

}  // namespace

Result<Tiyn> ParseMoneyText(std::string_view raw) {
    std::string text = StripSpaces(raw);
    for (std::string_view suffix : {"₸", "тенге", "тг.", "тг", "KZT", "kzt", "Тг", "Тенге"}) {
        if (text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0) {
            text.resize(text.size() - suffix.size());
            break;
        }
    }
    if (text.empty()) {
        return Fail(Error::Invalid("", "is empty"));
    }
    if (text[0] == '-') {
        return Fail(Error::Invalid("", "must not be negative"));
    }
    if (!std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || c == ',' || c == '.'; })) {
        return Fail(Error::Invalid("", "'" + std::string(raw) + "' is not a number"));
    }
    const auto commas = std::count(text.begin(), text.end(), ',');
    const auto dots = std::count(text.begin(), text.end(), '.');
    char decimal = 0;
    if (commas > 0 && dots > 0) {
        decimal = text.find_last_of(',') > text.find_last_of('.') ? ',' : '.';
    } else if (commas == 1 || dots == 1) {
        decimal = commas == 1 ? ',' : '.';
        const auto after = text.size() - text.find(decimal) - 1;
        if (after == 3 && decimal == ',') {
            decimal = 0;  // "1,234": a thousands separator, as in "1,234,567"
        }
    }
    std::string integer;
    std::string fraction;
    bool in_fraction = false;
    for (char c : text) {
        if (c == decimal && !in_fraction) {
            in_fraction = true;
        } else if (c == ',' || c == '.') {
            if (in_fraction) {
                return Fail(Error::Invalid("", "'" + std::string(raw) + "' has a separator after the decimal part"));
            }
        } else if (in_fraction) {
            fraction += c;
        } else {
            integer += c;
        }
    }
    if (integer.empty()) {
        integer = "0";
    }
    if (integer.size() > 13) {
        return Fail(Error::Invalid("", "is too large"));
    }
    if (fraction.size() > 2) {
        // Spreadsheet floats ("1234.5599999999999") carry noise no person types: round them.
        if (fraction.size() < 6 || decimal != '.') {
            return Fail(Error::Invalid("", "'" + std::string(raw) + "' has more than 2 decimal places"));
        }
        const double value = std::stod(integer + "." + fraction);
        return static_cast<Tiyn>(std::llround(value * 100.0));
    }
    fraction.resize(2, '0');
    return std::stoll(integer) * 100 + std::stoll(fraction);
}

Result<Instant> ParseDateText(std::string_view raw) {
    std::string text = Trim(raw);
    if (const auto comma = text.find(',');
        comma != std::string::npos && AllDigits(text.substr(0, comma)) && AllDigits(text.substr(comma + 1))) {
        text[comma] = '.';  // an Excel serial written with a decimal comma: 46351,75
    }
    auto invalid = [&]() {
        return Fail(Error::Invalid("", "'" + text + "' is not a date (25.11.2026, 2026-11-25 or an Excel date)"));
    };
    if (text.empty()) {
        return Fail(Error::Invalid("", "is empty"));
    }
    const auto dot = text.find('.');
    if (AllDigits(text.substr(0, dot)) && (dot == std::string::npos || AllDigits(text.substr(dot + 1))) &&
        text.size() <= 20 && (dot == std::string::npos || dot >= 4)) {
        // An Excel serial day: days since 1899-12-30; the fraction is the time of day.
        const double serial = std::stod(text);
        if (serial < 32874 || serial > 73051) {  // 1990-01-01 .. 2099-12-31
            return Fail(Error::Invalid("", "'" + text + "' is outside 1990-2099 as an Excel date"));
        }
        const auto days = static_cast<int>(std::floor(serial));
        const auto seconds = static_cast<int>(std::llround((serial - days) * 86400.0));
        const auto local = std::chrono::sys_days{std::chrono::year{1899} / 12 / 30} + std::chrono::days{days} +
                           std::chrono::seconds{seconds};
        const auto at = ParsePortalTime(FormatUtcTimestamp(local).substr(0, 19));
        return at ? Result<Instant>(*at) : invalid();
    }
    std::string iso;
    std::string rest;
    if (text.size() >= 10 && (text[2] == '.' || text[2] == '/') && text[5] == text[2]) {
        iso = text.substr(6, 4) + "-" + text.substr(3, 2) + "-" + text.substr(0, 2);
        rest = text.substr(10);
    } else if (text.size() >= 10 && text[4] == '-' && text[7] == '-') {
        iso = text.substr(0, 10);
        rest = text.substr(10);
    } else {
        return invalid();
    }
    rest = Trim(rest);
    if (!rest.empty() && rest[0] == 'T') {
        rest = rest.substr(1);
    }
    if (rest.empty()) {
        rest = "00:00:00";
    } else if (rest.size() == 5) {
        rest += ":00";
    } else if (rest.size() > 8) {
        rest = rest.substr(0, 8);
    }
    auto at = ParsePortalTime(iso + " " + rest);
    if (!at) {
        return invalid();
    }
    const auto year = static_cast<int>(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(*at)}.year());
    if (year < 1990 || year > 2099) {
        return Fail(Error::Invalid("", "'" + text + "' is outside 1990-2099"));
    }
    return *at;
}

Result<Quantity> ParseQuantityText(std::string_view raw) {
    return Quantity::Parse(raw);
}

Result<ImportReport> ImportService::Import(std::string_view bytes, const ImportOptions& options) {
    if (!slots_.try_acquire_for(std::chrono::milliseconds(config_.queue_wait_ms))) {
        Error busy{ErrorCode::kUnavailable,
                   fmt::format("{} files are being imported already; try again in a minute", config_.max_parallel),
                   {}};
        busy.retry_after_seconds = 30;
        return Fail(std::move(busy));
    }
    struct Release {
        std::counting_semaphore<kMaxParallel>& slots;
        ~Release() { slots.release(); }
    } release{slots_};
    return ImportNow(bytes, options);
}

Result<ImportReport> ImportService::ImportNow(std::string_view bytes, const ImportOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    const auto limits = TableLimits::ForFile(bytes.size());
    auto table = ReadTable(bytes, options.sheet, limits);
    if (!table) {
        return Fail(table.error());
    }
    if (table->format == "xlsx" && options.sheet.empty()) {
        // Workbooks often open with an instructions sheet: take the first sheet whose header
        // names a price column.
        for (const auto& name : table->sheets) {
            if (!table->rows.empty() && MapColumns(table->rows.front(), PriceFields()).columns.contains("price")) {
                break;
            }
            if (name == table->sheet) {
                continue;
            }
            auto other = ReadTable(bytes, name, limits);
            if (other && !other->rows.empty() &&
                MapColumns(other->rows.front(), PriceFields()).columns.contains("price")) {
                table = std::move(other);
                break;
            }
        }
    }
    if (table->rows.empty()) {
        return Fail(Error::Invalid("file", "has no rows"));
    }
    const auto read_done = std::chrono::steady_clock::now();
    ImportReport report;
    report.format = table->format;
    report.encoding = table->encoding;
    report.sheet = table->sheet;
    if (table->delimiter != 0) {
        report.delimiter = table->delimiter == '\t' ? "tab" : std::string(1, table->delimiter);
    }
    const auto& header = table->rows.front();
    ImportKind kind = options.kind;
    if (kind == ImportKind::kAuto) {
        const int lot_only = CountFields(header, LotFields(), {"deadline", "customer_bin", "customer_name", "plan_id"});
        const int price_only = CountFields(header, PriceFields(), {"sku", "captured_at", "source", "supplier_bin"});
        kind = lot_only > price_only ? ImportKind::kLots : ImportKind::kPrices;
    }
    const bool lots = kind == ImportKind::kLots;
    report.kind = lots ? "lots" : "prices";
    const auto& fields = lots ? LotFields() : PriceFields();
    const ColumnMap map = MapColumns(header, fields);
    report.columns = map.described;
    report.ignored_columns = map.ignored;
    std::vector<FieldProblem> missing;
    auto require = [&](const char* field) {
        if (!map.columns.contains(field)) {
            missing.push_back({field, "no column for it; expected a header like " + AliasList(fields, field)});
        }
    };
    require("price");
    if (lots) {
        require("title");
    } else if (!map.columns.contains("name") && !map.columns.contains("sku")) {
        missing.push_back({"name",
                           "no column for the name or the SKU; expected a header like " + AliasList(fields, "name") +
                               " or " + AliasList(fields, "sku")});
    }
    if (!missing.empty()) {
        Error error = Error::Invalid(std::move(missing));
        error.message = "wrong columns for a " + report.kind + " file: " + error.message;
        return Fail(error);
    }

    const Instant now = clock_.Now();
    std::vector<store::ImportedPrice> prices;
    std::vector<store::LotRow> lot_rows;
    for (std::size_t i = 1; i < table->rows.size(); ++i) {
        const auto& row = table->rows[i];
        const int line = table->lines[i];
        const int record = static_cast<int>(i) + 1;
        std::vector<RowError> problems;
        auto cell = [&](const char* field) -> std::string {
            auto it = map.columns.find(field);
            if (it == map.columns.end() || it->second >= row.size()) {
                return {};
            }
            std::string value = Trim(row[it->second]);
            // A line break typed inside a quoted cell on Windows arrives as CRLF.
            for (auto pos = value.find("\r\n"); pos != std::string::npos; pos = value.find("\r\n", pos)) {
                value.erase(pos, 1);
            }
            return value;
        };
        auto problem = [&](const char* field, const std::string& message) {
            problems.push_back({record, line, header[map.columns.at(field)], message});
        };
        auto money = [&](const char* field) -> Tiyn {
            auto value = ParseMoneyText(cell(field));
            if (!value) {
                problem(field, value.error().details.front().problem);
                return 0;
            }
            if (*value == 0) {
                problem(field, "must be greater than 0");
            }
            return *value;
        };
        auto bin = [&](const char* field) -> std::string {
            std::string text = cell(field);
            if (text.empty()) {
                return text;
            }
            auto normalized = NormalizeBin(text);
            if (!normalized) {
                problem(field, "'" + text + "' is not a BIN/IIN: " + normalized.error().message);
                return {};
            }
            return *normalized;
        };
        if (lots) {
            store::LotRow lot;
            lot.title = cell("title");
            if (lot.title.empty()) {
                problem("title", "is empty");
            }
            lot.price = money("price");
            lot.description = cell("description");
            if (auto text = cell("deadline"); !text.empty()) {
                auto at = ParseDateText(text);
                if (at) {
                    lot.deadline = *at;
                } else {
                    problem("deadline", at.error().details.front().problem);
                }
            }
            lot.customer_bin = bin("customer_bin");
            lot.customer_name = cell("customer_name");
            if (auto text = cell("quantity"); !text.empty()) {
                auto qty = ParseQuantityText(text);
                if (qty) {
                    lot.quantity = qty->ToString();
                } else {
                    problem("quantity", qty.error().details.front().problem);
                }
            }
            lot.unit = cell("unit");
            lot.enstru = cell("enstru");
            lot.region = cell("region");
            lot.plan_id = cell("plan_id");
            lot.status = "imported";
            if (problems.empty()) {
                lot_rows.push_back(std::move(lot));
            }
        } else {
            store::ImportedPrice price;
            price.sku = cell("sku");
            price.sku_norm = NormalizeSku(price.sku);
            price.title = cell("name");
            if (price.sku.empty() && price.title.empty()) {
                problems.push_back({record, line, "", "has neither a name nor an SKU"});
            }
            price.price = money("price");
            price.unit = cell("unit");
            price.source = cell("source");
            if (price.source.empty()) {
                price.source = options.source.empty() ? "upload" : options.source;
            }
            price.supplier_bin = bin("supplier_bin");
            price.captured_at = now;
            if (auto text = cell("captured_at"); !text.empty()) {
                auto at = ParseDateText(text);
                if (!at) {
                    problem("captured_at", at.error().details.front().problem);
                } else if (*at > now + std::chrono::hours(24)) {
                    problem("captured_at", "'" + text + "' is in the future");
                } else {
                    price.captured_at = *at;
                }
            }
            if (problems.empty()) {
                prices.push_back(std::move(price));
            }
        }
        ++report.rows_total;
        if (problems.empty()) {
            ++report.accepted;
        } else {
            ++report.rejected;
            for (auto& p : problems) {
                if (report.errors.size() < kMaxListedErrors) {
                    report.errors.push_back(std::move(p));
                } else {
                    report.errors_truncated = true;
                }
            }
        }
    }

    report.batch_id = NewUuid();
    if (options.strict && report.rejected > 0) {
        std::vector<FieldProblem> details;
        for (const auto& e : report.errors) {
            details.push_back(
                {fmt::format("row {} (line {}){}", e.row, e.line, e.column.empty() ? "" : ", " + e.column), e.error});
        }
        Error error = Error::Invalid(std::move(details));
        error.message = fmt::format(
            "strict import: {} of {} rows are invalid, nothing was imported", report.rejected, report.rows_total);
        return Fail(error);
    }
    store::BatchRecord batch{report.batch_id,
                             report.kind,
                             options.file_name,
                             report.format,
                             report.encoding,
                             report.rows_total,
                             report.accepted,
                             report.rejected,
                             options.strict,
                             options.api_key_id};
    const auto parse_done = std::chrono::steady_clock::now();
    auto match_done = parse_done;
    if (lots) {
        repository_.SaveLots(batch, lot_rows, now);
    } else {
        // Matching runs on a second thread while the price rows are written.
        auto matching = std::async(std::launch::async, [&]() {
            std::vector<store::PriceMatchRow> matches;
            if (!options.match || prices.empty()) {
                return matches;
            }
            const auto candidates = repository_.LotsForMatching();
            std::vector<MatchCandidate> lots_for_matching;
            std::unordered_map<std::int64_t, Quantity> quantities;
            lots_for_matching.reserve(candidates.size());
            for (const auto& c : candidates) {
                lots_for_matching.push_back({c.id, c.title, c.enstru});
                quantities.emplace(c.id, Quantity::Parse(c.quantity).value_or(Quantity::Whole(1)));
            }
            const LotMatcher matcher(lots_for_matching);
            for (std::size_t i = 0; i < prices.size(); ++i) {
                for (const auto& m : matcher.Match(prices[i].sku, prices[i].title)) {
                    matches.push_back({i, m.lot_id, quantities.at(m.lot_id), m.score, m.kind});
                }
            }
            return matches;
        });
        const auto saved = repository_.SavePrices(
            batch,
            prices,
            [&]() {
                auto matches = matching.get();
                match_done = std::chrono::steady_clock::now();
                return matches;
            },
            now);
        report.matched = saved.matched;
        report.already_present = saved.unchanged;
        report.updated = saved.updated;
    }
    report.committed = true;
    const auto done = std::chrono::steady_clock::now();
    report.duration_seconds = std::chrono::duration<double>(done - started).count();
    auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
    spdlog::debug("import {}: read {} ms, parse {} ms, match {} ms, write {} ms",
                  report.batch_id,
                  ms(read_done - started),
                  ms(parse_done - read_done),
                  ms(match_done - parse_done),
                  ms(done - match_done));
    return report;
}

Result<LotPrices> ImportService::PricesFor(std::int64_t lot_id, int limit) {
    auto lot = lots_.FindLot(lot_id);
    if (!lot) {
        return Fail(Error::NotFound("lot " + std::to_string(lot_id) + " not found"));
    }
    LotPrices out;
    const auto* vat = rules_.FindVat("standard", AlmatyDate(clock_.Now()));
    out.vat_rate = vat != nullptr ? vat->rate : 0;
    for (auto& offer : repository_.LotPrices(lot_id, limit)) {
        // The portal's lot amounts are without VAT; a price-list price is the supplier's net cost.
        const Tiyn cost = CostOf(offer.price, offer.qty);
        calc::MarginInput input;
        input.lot_price = lot->row.price;
        input.cost = cost;
        input.vat_rate = out.vat_rate;
        input.price_includes_vat = false;
        const auto margin = calc::CalculateMargin(input);
        out.offers.push_back(PricedOffer{std::move(offer), cost, margin.profit, margin.margin});
    }
    out.lot = std::move(*lot);
    return out;
}

}  // namespace zakupai::ingest
