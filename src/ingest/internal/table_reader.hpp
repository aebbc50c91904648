#pragma once
// Spreadsheet files as office computers in Kazakhstan write them, read into rows of UTF-8
// text: CSV in UTF-8 (with or without BOM) or Windows-1251 with ',' ';' or tab separators and
// RFC 4180 quoting (libcsv), and XLSX with shared or inline strings and several sheets (libzip
// + pugixml). Values stay text here; typing them is the importer's job.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace zakupai::ingest {

struct Table {
    std::string format;               // csv | xlsx
    std::string encoding;             // utf-8 | utf-8-bom | windows-1251 (CSV); utf-8 (XLSX)
    char delimiter = 0;               // CSV only
    std::string sheet;                // XLSX only: the sheet read
    std::vector<std::string> sheets;  // XLSX only: every sheet, in workbook order
    std::vector<std::vector<std::string>> rows;
    std::vector<int> lines;  // where each row starts: CSV physical line, XLSX row number
};

struct TableLimits {
    std::size_t max_rows = 2'000'000;
    std::size_t max_uncompressed_bytes = std::size_t{256} * 1024 * 1024;  // per XLSX part: zip bombs stop here
};

// Chooses CSV or XLSX from the content (a zip signature), not from the name. `sheet` picks an
// XLSX sheet by name; empty = the first sheet that has rows. kInvalidArgument (422) with the
// reason for anything unreadable.
Result<Table> ReadTable(std::string_view bytes, std::string_view sheet = {}, const TableLimits& limits = {});
Result<Table> ReadCsv(std::string_view bytes, const TableLimits& limits = {});
Result<Table> ReadXlsx(std::string_view bytes, std::string_view sheet, const TableLimits& limits = {});

// Windows-1251 to UTF-8 (iconv); exposed for tests.
std::string Cp1251ToUtf8(std::string_view bytes);
bool IsValidUtf8(std::string_view bytes);

}  // namespace zakupai::ingest
