#include "ingest/internal/table_reader.hpp"

#include <csv.h>
#include <iconv.h>
#include <zip.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <pugixml.hpp>

namespace zakupai::ingest {

namespace {

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

    // nullopt when the part is missing; an error when it is unreadable or too big.
    Result<std::optional<std::string>> Read(const std::string& name, std::size_t max_bytes) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat(archive_, name.c_str(), 0, &st) != 0) {
            return std::optional<std::string>();
        }
        if ((st.valid & ZIP_STAT_SIZE) == 0 || st.size > max_bytes) {
            return Fail(Unreadable("the XLSX part " + name + " is larger than the limit when unpacked"));
        }
        std::unique_ptr<zip_file_t, decltype(&zip_fclose)> file(zip_fopen(archive_, name.c_str(), 0), &zip_fclose);
        if (!file) {
            return Fail(Unreadable("cannot open the XLSX part " + name));
        }
        std::string out(st.size, '\0');
        const zip_int64_t got = zip_fread(file.get(), out.data(), st.size);
        if (got < 0 || static_cast<zip_uint64_t>(got) != st.size) {
            return Fail(Unreadable("the XLSX part " + name + " is damaged"));
        }
        return std::optional<std::string>(std::move(out));
    }

private:
    explicit ZipArchive(zip_t* archive) : archive_(archive) {}
    zip_t* archive_;
};

Result<pugi::xml_document> ParseXml(const std::string& text, const std::string& part) {
    pugi::xml_document doc;
    const auto result = doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!result) {
        return Fail(Unreadable("the XLSX part " + part + " is not valid XML (" + result.description() + ")"));
    }
    return doc;
}

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

std::string TextOf(pugi::xml_node node) {
    // <si><t>..</t></si> or rich text <si><r><t>..</t></r>...</si>; phonetic runs skipped.
    std::string out;
    for (auto child : node.children()) {
        const std::string_view name = child.name();
        if (name == "t") {
            out += child.text().get();
        } else if (name == "r") {
            out += child.child("t").text().get();
        }
    }
    return out;
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

Result<Table> ReadXlsx(std::string_view bytes, std::string_view wanted_sheet, const TableLimits& limits) {
    auto zip = ZipArchive::Open(bytes);
    if (!zip) {
        return Fail(zip.error());
    }
    auto read_xml = [&](const std::string& part, bool required) -> Result<std::optional<pugi::xml_document>> {
        auto text = (*zip)->Read(part, limits.max_uncompressed_bytes);
        if (!text) {
            return Fail(text.error());
        }
        if (!*text) {
            if (required) {
                return Fail(Unreadable("not an XLSX workbook (" + part + " is missing)"));
            }
            return std::optional<pugi::xml_document>();
        }
        auto doc = ParseXml(**text, part);
        if (!doc) {
            return Fail(doc.error());
        }
        return std::optional<pugi::xml_document>(std::move(*doc));
    };
    auto workbook = read_xml("xl/workbook.xml", true);
    if (!workbook) {
        return Fail(workbook.error());
    }
    auto rels = read_xml("xl/_rels/workbook.xml.rels", false);
    if (!rels) {
        return Fail(rels.error());
    }
    std::map<std::string, std::string> targets;
    if (*rels) {
        for (auto rel : (*rels)->child("Relationships").children("Relationship")) {
            std::string target = rel.attribute("Target").as_string();
            if (!target.empty() && target[0] == '/') {
                target = target.substr(1);
            } else {
                target.insert(0, "xl/");
            }
            targets[rel.attribute("Id").as_string()] = target;
        }
    }
    struct SheetRef {
        std::string name;
        std::string part;
    };
    std::vector<SheetRef> sheets;
    int index = 1;
    for (auto sheet : (*workbook)->child("workbook").child("sheets").children("sheet")) {
        SheetRef ref{sheet.attribute("name").as_string(), ""};
        auto it = targets.find(sheet.attribute("r:id").as_string());
        ref.part = it != targets.end() ? it->second : "xl/worksheets/sheet" + std::to_string(index) + ".xml";
        sheets.push_back(ref);
        ++index;
    }
    if (sheets.empty()) {
        return Fail(Unreadable("the XLSX workbook has no sheets"));
    }
    std::vector<std::string> shared;
    auto shared_doc = read_xml("xl/sharedStrings.xml", false);
    if (!shared_doc) {
        return Fail(shared_doc.error());
    }
    if (*shared_doc) {
        for (auto si : (*shared_doc)->child("sst").children("si")) {
            shared.push_back(TextOf(si));
        }
    }
    Table table;
    table.format = "xlsx";
    table.encoding = "utf-8";
    for (const auto& s : sheets) {
        table.sheets.push_back(s.name);
    }
    bool found_wanted = wanted_sheet.empty();
    for (const auto& s : sheets) {
        if (!wanted_sheet.empty() && s.name != wanted_sheet) {
            continue;
        }
        found_wanted = true;
        auto doc = read_xml(s.part, true);
        if (!doc) {
            return Fail(doc.error());
        }
        table.rows.clear();
        table.lines.clear();
        for (auto row : (*doc)->child("worksheet").child("sheetData").children("row")) {
            std::vector<std::string> cells;
            int next_column = 0;
            for (auto c : row.children("c")) {
                int column = ColumnOf(c.attribute("r").as_string());
                if (column < 0) {
                    column = next_column;
                }
                if (column > 1000) {
                    continue;  // nobody's price list has a thousand columns; a hostile file might
                }
                next_column = column + 1;
                const std::string_view type = c.attribute("t").as_string();
                std::string value;
                if (type == "s") {
                    const auto i = c.child("v").text().as_ullong(~0ULL);
                    if (i >= shared.size()) {
                        return Fail(Unreadable("sheet '" + s.name + "' refers to a shared string that does not exist"));
                    }
                    value = shared[i];
                } else if (type == "inlineStr") {
                    value = TextOf(c.child("is"));
                } else if (type == "b") {
                    value = std::string_view(c.child("v").text().get()) == "1" ? "TRUE" : "FALSE";
                } else {
                    value = c.child("v").text().get();  // numbers stay as written: "1234.5", "46351"
                }
                if (cells.size() <= static_cast<std::size_t>(column)) {
                    cells.resize(static_cast<std::size_t>(column) + 1);
                }
                cells[static_cast<std::size_t>(column)] = std::move(value);
            }
            const bool blank = std::all_of(cells.begin(), cells.end(), [](const auto& v) { return v.empty(); });
            if (blank) {
                continue;
            }
            if (table.rows.size() >= limits.max_rows) {
                return Fail(Unreadable("more than " + std::to_string(limits.max_rows) + " rows"));
            }
            table.rows.push_back(std::move(cells));
            table.lines.push_back(row.attribute("r").as_int(static_cast<int>(table.rows.size())));
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
