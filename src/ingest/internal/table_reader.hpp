#pragma once
// Spreadsheet files as office computers in Kazakhstan write them, read into rows of UTF-8
// text: CSV in UTF-8 (with or without BOM) or Windows-1251 with ',' ';' or tab separators and
// RFC 4180 quoting (libcsv), and XLSX with shared or inline strings and several sheets (libzip,
// its parts streamed through libxml2's xmlReader, never held whole). Values stay text here;
// typing them is the importer's job.
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
    // XLSX: every part of one read together, as unpacked; zip bombs stop here.
    std::size_t max_unpacked_bytes = std::size_t{100} * 1024 * 1024;
    // XLSX: what the rows and shared strings may take in memory (text and string slots): a
    // shared string repeated in a million cells is a bomb too.
    std::size_t max_table_bytes = std::size_t{64} * 1024 * 1024;

    // For an uploaded file of this size: unpacked at most 20 times its size (at least 16 MB, at
    // most 100 MB).
    static TableLimits ForFile(std::size_t file_bytes);
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
