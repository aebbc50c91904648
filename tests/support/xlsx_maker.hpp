#pragma once
// Builds XLSX packages in memory for tests (libzip): a workbook with the given sheets and shared
// strings, or any set of parts. Hostile workbooks (zip bombs) are generated where a test needs
// them, not committed as opaque files.
#include <zip.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace zakupai::test {

struct ZipPart {
    std::string name;
    std::string bytes;
};

inline std::string MakeZip(const std::vector<ZipPart>& parts) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, &error);
    zip_t* archive = target == nullptr ? nullptr : zip_open_from_source(target, ZIP_TRUNCATE, &error);
    if (archive == nullptr) {
        throw std::runtime_error("cannot create a zip in memory");
    }
    zip_source_keep(target);  // read back after zip_close
    for (const auto& part : parts) {
        zip_source_t* source = zip_source_buffer(archive, part.bytes.data(), part.bytes.size(), 0);
        const zip_int64_t index = zip_file_add(archive, part.name.c_str(), source, ZIP_FL_ENC_UTF_8);
        if (index < 0) {
            zip_source_free(source);
            throw std::runtime_error("cannot add " + part.name);
        }
        zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 9);
    }
    if (zip_close(archive) != 0) {
        throw std::runtime_error("cannot write the zip");
    }
    std::string out;
    zip_source_open(target);
    zip_source_seek(target, 0, SEEK_END);
    out.resize(static_cast<std::size_t>(zip_source_tell(target)));
    zip_source_seek(target, 0, SEEK_SET);
    zip_source_read(target, out.data(), out.size());
    zip_source_close(target);
    zip_source_free(target);
    return out;
}

struct SheetXml {
    std::string name;
    std::string rows;  // the inside of <sheetData>
};

inline std::string MakeXlsx(const std::vector<SheetXml>& sheets, const std::vector<std::string>& shared = {}) {
    const std::string main = R"(xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main")";
    const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    std::string workbook = "<workbook " + main + " xmlns:r=\"" + rel + "\"><sheets>";
    std::string rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
    std::vector<ZipPart> parts;
    for (std::size_t i = 0; i < sheets.size(); ++i) {
        const std::string n = std::to_string(i + 1);
        workbook += "<sheet name=\"" + sheets[i].name + "\" sheetId=\"" + n + "\" r:id=\"rId" + n + "\"/>";
        rels += "<Relationship Id=\"rId" + n + "\" Target=\"worksheets/sheet" + n + ".xml\"/>";
        parts.push_back({"xl/worksheets/sheet" + n + ".xml",
                         "<worksheet " + main + "><sheetData>" + sheets[i].rows + "</sheetData></worksheet>"});
    }
    parts.push_back({"xl/workbook.xml", workbook + "</sheets></workbook>"});
    parts.push_back({"xl/_rels/workbook.xml.rels", rels + "</Relationships>"});
    if (!shared.empty()) {
        std::string sst = "<sst " + main + ">";
        for (const auto& s : shared) {
            sst += "<si><t>" + s + "</t></si>";
        }
        parts.push_back({"xl/sharedStrings.xml", sst + "</sst>"});
    }
    return MakeZip(parts);
}

// `count` copies of `row` (a <row> element), for bombs and big sheets.
inline std::string Repeat(const std::string& row, std::size_t count) {
    std::string out;
    out.reserve(row.size() * count);
    for (std::size_t i = 0; i < count; ++i) {
        out += row;
    }
    return out;
}

}  // namespace zakupai::test
