#include "ingest/internal/table_reader.hpp"

#include <csv.h>
#include <fmt/format.h>
#include <iconv.h>
#include <libxml/xmlreader.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <utility>

namespace zakupai::ingest {

namespace {

// Longer than any product name or price; a hostile cell of megabytes is refused.
constexpr std::size_t kMaxCellBytes = std::size_t{64} * 1024;

Error Unreadable(std::string problem) {
    return Error::Invalid("file", std::move(problem));
}

bool LooksBinary(std::string_view bytes) {
    // Text files never contain NUL or most C0 controls; a few stray ones are tolerated.
    std::size_t controls = 0;
    const std::size_t probe = std::min<std::size_t>(bytes.size(), std::size_t{64} * 1024);
    for (std::size_t i = 0; i < probe; ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c == 0) {
            return true;
        }
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
            ++controls;
        }
    }
    return controls * 100 > probe + 100;
}

char DetectDelimiter(std::string_view text) {
    // Counted on the header line outside quotes: headers never hold a decimal comma.
    std::size_t counts[3] = {0, 0, 0};
    constexpr char kCandidates[3] = {';', '\t', ','};
    bool quoted = false;
    for (char c : text) {
        if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && (c == '\n' || c == '\r')) {
            break;
        } else if (!quoted) {
            for (int i = 0; i < 3; ++i) {
                counts[i] += c == kCandidates[i] ? 1 : 0;
            }
        }
    }
    int best = 0;
    for (int i = 1; i < 3; ++i) {
        if (counts[i] > counts[best]) {
            best = i;
        }
    }
    return counts[best] == 0 ? ',' : kCandidates[best];
}

struct CsvState {
    Table* table;
    std::vector<std::string> row;
    int line = 1;             // physical line where the current record starts
    int newlines_in_row = 0;  // inside quoted fields of the current record
    std::size_t max_rows;
    bool too_many = false;
};

void OnField(void* data, std::size_t size, void* user) {
    auto* st = static_cast<CsvState*>(user);
    std::string field(data == nullptr ? "" : static_cast<const char*>(data), data == nullptr ? 0 : size);
    st->newlines_in_row += static_cast<int>(std::count(field.begin(), field.end(), '\n'));
    st->row.push_back(std::move(field));
}

void OnRow(int /*terminator*/, void* user) {
    auto* st = static_cast<CsvState*>(user);
    const bool blank = st->row.empty() || (st->row.size() == 1 && st->row[0].empty());
    if (!blank) {
        if (st->table->rows.size() >= st->max_rows) {
            st->too_many = true;
        } else {
            st->table->rows.push_back(std::move(st->row));
            st->table->lines.push_back(st->line);
        }
    }
    st->line += 1 + st->newlines_in_row;
    st->newlines_in_row = 0;
    st->row.clear();
}

int IsSpaceOnly(unsigned char c) {
    return c == ' ' ? 1 : 0;
}

// --- XLSX -------------------------------------------------------------------------------------

std::string Megabytes(std::size_t bytes) {
    return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

// What one read of a workbook may unpack and keep, all parts together.
struct Budget {
    const TableLimits& limits;
    std::size_t unpacked = 0;
    std::size_t kept = 0;  // bytes held in the table (and the shared strings)

    Error Exceeded() const {
        return Unreadable("the XLSX unpacks to more than " + Megabytes(limits.max_unpacked_bytes) +
                          " (the limit for this file: 20 times its size, at most 100 MB)");
    }
    // A cell's or a shared string's cost in memory, not only its text: the strings, the slot.
    bool Keep(std::size_t text_bytes) {
        kept += sizeof(std::string) + (text_bytes > 15 ? text_bytes + 1 : 0);
        return kept <= limits.max_table_bytes;
    }
    Error TooBig() const {
        return Unreadable("the sheet holds more than " + Megabytes(limits.max_table_bytes) +
                          " of cells; split the file");
    }
};

class ZipArchive {
public:
    static Result<std::unique_ptr<ZipArchive>> Open(std::string_view bytes) {
        zip_error_t error;
        zip_error_init(&error);
        zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
        if (source == nullptr) {
            zip_error_fini(&error);
            return Fail(Unreadable("cannot read the XLSX container"));
        }
        zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
        if (archive == nullptr) {
            std::string reason = zip_error_strerror(&error);
            zip_source_free(source);
            zip_error_fini(&error);
            return Fail(Unreadable("not a valid XLSX file (a broken or truncated zip: " + reason + ")"));
        }
        zip_error_fini(&error);
        return std::unique_ptr<ZipArchive>(new ZipArchive(archive));
    }
    ~ZipArchive() { zip_discard(archive_); }
    ZipArchive(const ZipArchive&) = delete;
    ZipArchive& operator=(const ZipArchive&) = delete;

    bool Has(const std::string& name) const { return zip_name_locate(archive_, name.c_str(), 0) >= 0; }
    zip_t* get() const { return archive_; }

private:
    explicit ZipArchive(zip_t* archive) : archive_(archive) {}
    zip_t* archive_;
};

void KeepFirstError(void* user, xmlErrorPtr error) {
    auto* first = static_cast<std::string*>(user);
    if (first->empty() && error != nullptr && error->message != nullptr) {
        *first = error->message;
        while (!first->empty() && (first->back() == '\n' || first->back() == ' ')) {
            first->pop_back();
        }
    }
}

// One part of the package read as a stream of XML nodes (libxml2's xmlReader fed by zip_fread):
// a sheet is never held whole, and every unpacked byte counts against the budget, whatever the
// zip header claims the size is.
class XmlPart {
public:
    static Result<std::unique_ptr<XmlPart>> Open(ZipArchive& zip, const std::string& name, Budget& budget) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat(zip.get(), name.c_str(), 0, &st) != 0) {
            return Fail(Unreadable("not an XLSX workbook (" + name + " is missing)"));
        }
        if ((st.valid & ZIP_STAT_SIZE) != 0 && budget.unpacked + st.size > budget.limits.max_unpacked_bytes) {
            return Fail(budget.Exceeded());  // refused before unpacking a byte
        }
        std::unique_ptr<XmlPart> part(new XmlPart(name, budget));
        part->file_ = zip_fopen(zip.get(), name.c_str(), 0);
        if (part->file_ == nullptr) {
            return Fail(Unreadable("cannot open the XLSX part " + name));
        }
        part->reader_ = xmlReaderForIO(
            &XmlPart::Read, nullptr, part.get(), name.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOCDATA);
        if (part->reader_ == nullptr) {
            throw std::bad_alloc();
        }
        xmlTextReaderSetStructuredErrorHandler(part->reader_, &KeepFirstError, &part->xml_error_);
        return part;
    }
    ~XmlPart() {
        if (reader_ != nullptr) {
            xmlFreeTextReader(reader_);
        }
        if (file_ != nullptr) {
            zip_fclose(file_);
        }
    }
    XmlPart(const XmlPart&) = delete;
    XmlPart& operator=(const XmlPart&) = delete;

    // The next node; false at the end of the part.
    Result<bool> Next() {
        const int got = xmlTextReaderRead(reader_);
        if (got == 1) {
            return true;
        }
        if (got == 0) {
            return false;
        }
        if (over_budget_) {
            return Fail(budget_.Exceeded());
        }
        if (damaged_) {
            return Fail(Unreadable("the XLSX part " + name_ + " is damaged"));
        }
        return Fail(Unreadable("the XLSX part " + name_ + " is not valid XML (" +
                               (xml_error_.empty() ? "unreadable" : xml_error_) + ")"));
    }
    // Calls `on_node(*this)` (returning Result<void>) for every node to the end of the part;
    // stops at the first error, the reader's or on_node's.
    template <class OnNode>
    Result<void> ForEachNode(OnNode on_node) {
        for (;;) {
            auto more = Next();
            if (!more) {
                return Fail(more.error());
            }
            if (!*more) {
                return {};
            }
            if (auto ok = on_node(*this); !ok) {
                return ok;
            }
        }
    }
    int Type() const { return xmlTextReaderNodeType(reader_); }
    bool IsStart(std::string_view local_name) const {
        return Type() == XML_READER_TYPE_ELEMENT && LocalName() == local_name;
    }
    bool IsEnd(std::string_view local_name) const {
        return Type() == XML_READER_TYPE_END_ELEMENT && LocalName() == local_name;
    }
    // <c/> has no end node: the caller finishes such an element at its start.
    bool IsEmptyElement() const { return xmlTextReaderIsEmptyElement(reader_) == 1; }
    bool IsText() const {
        const int type = Type();
        return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
    }
    std::string_view LocalName() const { return View(xmlTextReaderConstLocalName(reader_)); }
    std::string_view Value() const { return View(xmlTextReaderConstValue(reader_)); }
    // By qualified name as written ("r", "r:id").
    std::string Attribute(const char* name) const {
        xmlChar* value = xmlTextReaderGetAttribute(reader_, reinterpret_cast<const xmlChar*>(name));
        if (value == nullptr) {
            return {};
        }
        std::string out(reinterpret_cast<const char*>(value));
        xmlFree(value);
        return out;
    }

private:
    XmlPart(std::string name, Budget& budget) : name_(std::move(name)), budget_(budget) {}

    static std::string_view View(const xmlChar* text) {
        return text == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(text));
    }

    static int Read(void* context, char* buffer, int length) {
        auto* part = static_cast<XmlPart*>(context);
        const zip_int64_t got = zip_fread(part->file_, buffer, static_cast<zip_uint64_t>(length));
        if (got < 0) {
            part->damaged_ = true;
            return -1;
        }
        part->budget_.unpacked += static_cast<std::size_t>(got);
        if (part->budget_.unpacked > part->budget_.limits.max_unpacked_bytes) {
            part->over_budget_ = true;
            return -1;
        }
        return static_cast<int>(got);
    }

    std::string name_;
    Budget& budget_;
    zip_file_t* file_ = nullptr;
    xmlTextReaderPtr reader_ = nullptr;
    std::string xml_error_;
    bool over_budget_ = false;
    bool damaged_ = false;
};

// "AB12" -> column 27 (0-based), or -1.
int ColumnOf(std::string_view ref) {
    int column = 0;
    std::size_t i = 0;
    for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i) {
        column = column * 26 + (ref[i] - 'A' + 1);
        if (column > 16384) {
            return -1;
        }
    }
    return i == 0 ? -1 : column - 1;
}

// Text runs (<t>) of a shared string or an inline one, phonetic runs (<rPh>) skipped. Call on
// every node between the string's start and end.
class RunText {
public:
    void Feed(const XmlPart& xml) {
        if (xml.IsStart("rPh") && !xml.IsEmptyElement()) {
            ++phonetic_;
        } else if (xml.IsEnd("rPh")) {
            --phonetic_;
        } else if (xml.IsStart("t") && !xml.IsEmptyElement()) {
            in_t_ = phonetic_ == 0;
        } else if (xml.IsEnd("t")) {
            in_t_ = false;
        } else if (in_t_ && xml.IsText()) {
            text_ += xml.Value();
        }
    }
    std::string Take() {
        phonetic_ = 0;
        in_t_ = false;
        return std::exchange(text_, {});
    }

private:
    std::string text_;
    int phonetic_ = 0;
    bool in_t_ = false;
};

Result<std::vector<std::string>> ReadSharedStrings(ZipArchive& zip, Budget& budget) {
    std::vector<std::string> shared;
    if (!zip.Has("xl/sharedStrings.xml")) {
        return shared;
    }
    auto xml = XmlPart::Open(zip, "xl/sharedStrings.xml", budget);
    if (!xml) {
        return Fail(xml.error());
    }
    RunText text;
    bool in_si = false;
    auto read = (*xml)->ForEachNode([&](const XmlPart& x) -> Result<void> {
        if (x.IsStart("si")) {
            in_si = !x.IsEmptyElement();
            if (!in_si) {
                shared.emplace_back();
            }
        } else if (x.IsEnd("si")) {
            in_si = false;
            shared.push_back(text.Take());
            if (!budget.Keep(shared.back().size())) {
                return Fail(budget.TooBig());
            }
        } else if (in_si) {
            text.Feed(x);
        }
        return {};
    });
    if (!read) {
        return Fail(read.error());
    }
    return shared;
}

struct SheetRef {
    std::string name;
    std::string part;
};

Result<std::vector<SheetRef>> ReadSheetList(ZipArchive& zip, Budget& budget) {
    std::map<std::string, std::string> targets;
    if (zip.Has("xl/_rels/workbook.xml.rels")) {
        auto rels = XmlPart::Open(zip, "xl/_rels/workbook.xml.rels", budget);
        if (!rels) {
            return Fail(rels.error());
        }
        auto read = (*rels)->ForEachNode([&](const XmlPart& x) -> Result<void> {
            if (x.IsStart("Relationship")) {
                std::string target = x.Attribute("Target");
                if (!target.empty() && target[0] == '/') {
                    target = target.substr(1);
                } else {
                    target.insert(0, "xl/");
                }
                targets[x.Attribute("Id")] = target;
            }
            return {};
        });
        if (!read) {
            return Fail(read.error());
        }
    }
    auto workbook = XmlPart::Open(zip, "xl/workbook.xml", budget);
    if (!workbook) {
        return Fail(workbook.error());
    }
    std::vector<SheetRef> sheets;
    auto read = (*workbook)->ForEachNode([&](const XmlPart& x) -> Result<void> {
        if (x.IsStart("sheet")) {
            SheetRef ref{x.Attribute("name"), ""};
            auto it = targets.find(x.Attribute("r:id"));
            ref.part =
                it != targets.end() ? it->second : "xl/worksheets/sheet" + std::to_string(sheets.size() + 1) + ".xml";
            sheets.push_back(std::move(ref));
        }
        return {};
    });
    if (!read) {
        return Fail(read.error());
    }
    if (sheets.empty()) {
        return Fail(Unreadable("the XLSX workbook has no sheets"));
    }
    return sheets;
}

// One sheet's rows into the table, stopping at the first limit reached.
Result<void> ReadSheet(
    XmlPart& xml, const SheetRef& sheet, const std::vector<std::string>& shared, Budget& budget, Table& table) {
    std::vector<std::string> cells;
    int row_number = 0;
    int next_column = 0;
    int column = -1;  // of the open cell; -1 outside one
    std::string type;
    std::string value;
    bool in_value = false;   // inside <v>
    bool in_inline = false;  // inside <is>
    RunText inline_text;

    auto finish_cell = [&]() -> Result<void> {
        if (column < 0 || column > 1000) {
            column = -1;
            return {};  // nobody's price list has a thousand columns; a hostile file might
        }
        std::string cell;
        if (type == "s") {
            std::size_t index = 0;
            const auto* end = value.data() + value.size();
            if (std::from_chars(value.data(), end, index).ptr != end || value.empty() || index >= shared.size()) {
                return Fail(Unreadable("sheet '" + sheet.name + "' refers to a shared string that does not exist"));
            }
            cell = shared[index];
        } else if (type == "inlineStr") {
            cell = inline_text.Take();
        } else if (type == "b") {
            cell = value == "1" ? "TRUE" : "FALSE";
        } else {
            cell = std::move(value);  // numbers stay as written: "1234.5", "46351"
        }
        if (!budget.Keep(cell.size())) {
            return Fail(budget.TooBig());
        }
        if (cells.size() <= static_cast<std::size_t>(column)) {
            cells.resize(static_cast<std::size_t>(column) + 1);
        }
        cells[static_cast<std::size_t>(column)] = std::move(cell);
        column = -1;
        return {};
    };
    auto finish_row = [&]() -> Result<void> {
        const bool blank = std::all_of(cells.begin(), cells.end(), [](const auto& v) { return v.empty(); });
        if (!blank) {
            if (table.rows.size() >= budget.limits.max_rows) {
                return Fail(Unreadable("more than " + std::to_string(budget.limits.max_rows) + " rows"));
            }
            if (!budget.Keep(sizeof(std::vector<std::string>) + sizeof(int))) {
                return Fail(budget.TooBig());
            }
            table.rows.push_back(std::move(cells));
            table.lines.push_back(row_number > 0 ? row_number : static_cast<int>(table.rows.size()));
        }
        cells.clear();
        return {};
    };

    return xml.ForEachNode([&](const XmlPart& x) -> Result<void> {
        if (x.IsStart("row")) {
            cells.clear();
            next_column = 0;
            row_number = 0;
            const auto r = x.Attribute("r");
            std::from_chars(r.data(), r.data() + r.size(), row_number);
        } else if (x.IsEnd("row")) {
            if (auto done = finish_row(); !done) {
                return done;
            }
        } else if (x.IsStart("c")) {
            column = ColumnOf(x.Attribute("r"));
            if (column < 0) {
                column = next_column;
            }
            next_column = column + 1;
            type = x.Attribute("t");
            value.clear();
            inline_text.Take();
            if (x.IsEmptyElement()) {
                if (auto done = finish_cell(); !done) {
                    return done;
                }
            }
        } else if (x.IsEnd("c")) {
            if (auto done = finish_cell(); !done) {
                return done;
            }
        } else if (column >= 0) {
            if (x.IsStart("v")) {
                in_value = !x.IsEmptyElement();
            } else if (x.IsEnd("v")) {
                in_value = false;
            } else if (x.IsStart("is")) {
                in_inline = !x.IsEmptyElement();
            } else if (x.IsEnd("is")) {
                in_inline = false;
            } else if (in_inline) {
                inline_text.Feed(xml);
            } else if (in_value && x.IsText()) {
                if (value.size() + x.Value().size() > kMaxCellBytes) {
                    return Fail(Unreadable("sheet '" + sheet.name + "' has a cell longer than " +
                                           std::to_string(kMaxCellBytes) + " bytes"));
                }
                value += x.Value();
            }
        }
        return {};
    });
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        int extra = 0;
        if (c < 0x80) {
            extra = 0;
        } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
            extra = 1;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
        } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
            extra = 3;
        } else {
            return false;
        }
        if (i + static_cast<std::size_t>(extra) >= s.size() && extra > 0) {
            return false;
        }
        for (int k = 1; k <= extra; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
                return false;
            }
        }
        i += 1 + extra;
    }
    return true;
}

std::string Cp1251ToUtf8(std::string_view bytes) {
    iconv_t cd = iconv_open("UTF-8", "CP1251");
    // iconv reports failure as (iconv_t)-1, the C API's own sentinel.
    ZAKUPAI_ASSERT(cd != reinterpret_cast<iconv_t>(-1));  // NOLINT(performance-no-int-to-ptr)
    std::string out(bytes.size() * 3 + 4, '\0');
    char* in = const_cast<char*>(bytes.data());
    std::size_t in_left = bytes.size();
    char* dst = out.data();
    std::size_t out_left = out.size();
    while (in_left > 0) {
        if (iconv(cd, &in, &in_left, &dst, &out_left) == static_cast<std::size_t>(-1)) {
            // 0x98 is the one byte CP1251 leaves undefined; replace it and go on.
            ++in;
            --in_left;
            *dst++ = '?';
            --out_left;
        }
    }
    iconv_close(cd);
    out.resize(out.size() - out_left);
    return out;
}

Result<Table> ReadCsv(std::string_view bytes, const TableLimits& limits) {
    Table table;
    table.format = "csv";
    std::string converted;
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
        bytes.remove_prefix(3);
        table.encoding = "utf-8-bom";
    } else if (IsValidUtf8(bytes)) {
        table.encoding = "utf-8";
    } else {
        converted = Cp1251ToUtf8(bytes);
        bytes = converted;
        table.encoding = "windows-1251";
    }
    table.delimiter = DetectDelimiter(bytes);
    csv_parser parser;
    if (csv_init(&parser, CSV_APPEND_NULL) != 0) {
        throw std::bad_alloc();
    }
    csv_set_delim(&parser, static_cast<unsigned char>(table.delimiter));
    csv_set_space_func(&parser, &IsSpaceOnly);
    CsvState state{&table, {}, 1, 0, limits.max_rows, false};
    const std::size_t parsed = csv_parse(&parser, bytes.data(), bytes.size(), &OnField, &OnRow, &state);
    const int error = parsed == bytes.size() ? csv_fini(&parser, &OnField, &OnRow, &state) : csv_error(&parser);
    csv_free(&parser);
    if (error != 0 || parsed != bytes.size()) {
        return Fail(Unreadable(std::string("cannot parse the CSV: ") + csv_strerror(error)));
    }
    if (state.too_many) {
        return Fail(Unreadable("more than " + std::to_string(limits.max_rows) + " rows"));
    }
    return table;
}

TableLimits TableLimits::ForFile(std::size_t file_bytes) {
    TableLimits limits;
    // A workbook unpacks to 5-10 times its size, rarely 20; a zip bomb to a thousand. Small
    // files get a floor: what they could unpack to costs little.
    constexpr std::size_t kFloor = std::size_t{16} * 1024 * 1024;
    constexpr std::size_t kCeiling = std::size_t{100} * 1024 * 1024;
    limits.max_unpacked_bytes = std::clamp(file_bytes * 20, kFloor, kCeiling);
    return limits;
}

Result<Table> ReadXlsx(std::string_view bytes, std::string_view wanted_sheet, const TableLimits& limits) {
    auto zip = ZipArchive::Open(bytes);
    if (!zip) {
        return Fail(zip.error());
    }
    Budget budget{limits};
    auto sheets = ReadSheetList(**zip, budget);
    if (!sheets) {
        return Fail(sheets.error());
    }
    auto shared = ReadSharedStrings(**zip, budget);
    if (!shared) {
        return Fail(shared.error());
    }
    Table table;
    table.format = "xlsx";
    table.encoding = "utf-8";
    for (const auto& s : *sheets) {
        table.sheets.push_back(s.name);
    }
    bool found_wanted = wanted_sheet.empty();
    for (const auto& s : *sheets) {
        if (!wanted_sheet.empty() && s.name != wanted_sheet) {
            continue;
        }
        found_wanted = true;
        auto xml = XmlPart::Open(**zip, s.part, budget);
        if (!xml) {
            return Fail(xml.error());
        }
        table.rows.clear();
        table.lines.clear();
        if (auto read = ReadSheet(**xml, s, *shared, budget, table); !read) {
            return Fail(read.error());
        }
        table.sheet = s.name;
        if (!table.rows.empty()) {
            break;
        }
    }
    if (!found_wanted) {
        return Fail(Error::Invalid("sheet", "no sheet named '" + std::string(wanted_sheet) + "'"));
    }
    return table;
}

Result<Table> ReadTable(std::string_view bytes, std::string_view sheet, const TableLimits& limits) {
    if (bytes.empty()) {
        return Fail(Unreadable("the file is empty"));
    }
    if (bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4)) {
        return ReadXlsx(bytes, sheet, limits);
    }
    if (bytes.substr(0, 4) == std::string_view("\xD0\xCF\x11\xE0", 4)) {
        return Fail(Unreadable("this is an old binary Excel file (.xls); save it as .xlsx or .csv"));
    }
    if (bytes.substr(0, 5) == "%PDF-") {
        return Fail(Unreadable("this is a PDF; upload a CSV or XLSX price list"));
    }
    if (LooksBinary(bytes)) {
        return Fail(Unreadable("not a CSV or XLSX file (binary content)"));
    }
    return ReadCsv(bytes, limits);
}

}  // namespace zakupai::ingest
