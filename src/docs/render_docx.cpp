#include <zip.h>

#include <memory>
#include <stdexcept>

#include "docs/render.hpp"

namespace zakupai::docs {

namespace {

std::string Escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                // Control characters are not allowed in XML 1.0; Word refuses the file.
                if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') {
                    out += c;
                }
        }
    }
    return out;
}

constexpr const char* kWordNs = R"(xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" )"
                                R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships")";

std::string Runs(const std::vector<Run>& runs, bool bold_all, int half_points) {
    std::string out;
    for (const auto& run : runs) {
        std::string props;
        if (run.bold || bold_all) {
            props += "<w:b/>";
        }
        if (run.italic) {
            props += "<w:i/>";
        }
        if (half_points > 0) {
            props += "<w:sz w:val=\"" + std::to_string(half_points) + "\"/>";
        }
        out += "<w:r>";
        if (!props.empty()) {
            out += "<w:rPr>" + props + "</w:rPr>";
        }
        out += run.line_break ? "<w:br/>" : "<w:t xml:space=\"preserve\">" + Escape(run.text) + "</w:t>";
        out += "</w:r>";
    }
    return out;
}

const char* Justification(Align align) {
    switch (align) {
        case Align::kCenter:
            return "center";
        case Align::kRight:
            return "right";
        case Align::kJustify:
            return "both";
        case Align::kLeft:
            break;
    }
    return "left";
}

// Twentieths of a point: the page is A4 (11906 × 16838) with the PDF's margins.
constexpr int kTextWidth = 11906 - 1418 - 850;

std::string ParagraphXml(const Paragraph& p) {
    std::string props = std::string("<w:jc w:val=\"") + Justification(p.align) + "\"/>";
    if (p.kind == Paragraph::Kind::kHeading) {
        props =
            std::string("<w:pStyle w:val=\"") + (p.level == 1 ? "Heading1" : "Heading2") + "\"/><w:keepNext/>" + props;
    }
    int indent = p.right_half ? kTextWidth / 2 : 0;
    if (p.kind == Paragraph::Kind::kListItem) {
        indent += 340;
        props += "<w:ind w:left=\"" + std::to_string(indent) + "\" w:hanging=\"340\"/>";
    } else if (indent > 0) {
        props += "<w:ind w:left=\"" + std::to_string(indent) + "\"/>";
    }
    if (p.space_before) {
        props += "<w:spacing w:before=\"360\"/>";
    }
    std::string runs = Runs(p.runs, false, 0);
    if (p.kind == Paragraph::Kind::kListItem) {
        runs = "<w:r><w:t xml:space=\"preserve\">" + ListMarker(p) + "</w:t></w:r><w:r><w:tab/></w:r>" + runs;
    }
    return "<w:p><w:pPr>" + props + "</w:pPr>" + runs + "</w:p>";
}

std::string TableXml(const Table& table) {
    std::size_t columns = 0;
    for (const auto& row : table.rows) {
        columns = std::max(columns, row.size());
    }
    const int width = static_cast<int>(kTextWidth / static_cast<int>(std::max<std::size_t>(columns, 1)));
    std::string out =
        "<w:tbl><w:tblPr><w:tblW w:w=\"" + std::to_string(kTextWidth) +
        "\" w:type=\"dxa\"/><w:tblBorders>"
        "<w:top w:val=\"single\" w:sz=\"4\"/><w:left w:val=\"single\" w:sz=\"4\"/><w:bottom w:val=\"single\" "
        "w:sz=\"4\"/>"
        "<w:right w:val=\"single\" w:sz=\"4\"/><w:insideH w:val=\"single\" w:sz=\"4\"/><w:insideV w:val=\"single\" "
        "w:sz=\"4\"/></w:tblBorders><w:tblLayout w:type=\"autofit\"/></w:tblPr><w:tblGrid>";
    for (std::size_t c = 0; c < columns; ++c) {
        out += "<w:gridCol w:w=\"" + std::to_string(width) + "\"/>";
    }
    out += "</w:tblGrid>";
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const bool header = static_cast<int>(r) < table.header_rows;
        // A header row repeats on every page the table spans; no row splits across pages.
        out += std::string("<w:tr><w:trPr><w:cantSplit/>") + (header ? "<w:tblHeader/>" : "") + "</w:trPr>";
        for (std::size_t c = 0; c < columns; ++c) {
            static const std::vector<Run> kEmpty;
            const auto& cell = c < table.rows[r].size() ? table.rows[r][c] : kEmpty;
            out += "<w:tc><w:tcPr><w:tcW w:w=\"" + std::to_string(width) + "\" w:type=\"dxa\"/></w:tcPr><w:p>" +
                   Runs(cell, header, 0) + "</w:p></w:tc>";
        }
        out += "</w:tr>";
    }
    return out + "</w:tbl><w:p/>";
}

std::string DocumentXml(const Document& document) {
    std::string body;
    for (const auto& block : document.blocks) {
        if (const auto* p = std::get_if<Paragraph>(&block)) {
            body += ParagraphXml(*p);
        } else {
            body += TableXml(std::get<Table>(block));
        }
    }
    return std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)") + "<w:document " + kWordNs +
           "><w:body>" + body +
           R"(<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/>)"
           R"(<w:pgSz w:w="11906" w:h="16838"/>)"
           R"(<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1418" w:header="567" w:footer="567" w:gutter="0"/>)"
           "</w:sectPr></w:body></w:document>";
}

std::string FooterXml(Language language) {
    const std::string before = language == Language::kKazakh ? "Бет " : "Страница ";
    const std::string middle = language == Language::kKazakh ? " / " : " из ";
    auto field = [](const char* name) {
        return std::string(R"(<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> )") +
               name +
               R"( </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>)"
               R"(<w:r><w:fldChar w:fldCharType="end"/></w:r>)";
    };
    return std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)") + "<w:ftr " + kWordNs +
           R"(><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t xml:space="preserve">)" + before + "</w:t></w:r>" +
           field("PAGE") + R"(<w:r><w:t xml:space="preserve">)" + middle + "</w:t></w:r>" + field("NUMPAGES") +
           "</w:p></w:ftr>";
}

constexpr const char* kContentTypes =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
    R"(<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>)"
    R"(<Default Extension="xml" ContentType="application/xml"/>)"
    R"(<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>)"
    R"(<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>)"
    R"(<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>)"
    R"(<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>)"
    R"(</Types>)";

constexpr const char* kPackageRels =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>)"
    R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>)"
    R"(</Relationships>)";

constexpr const char* kDocumentRels =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>)"
    R"(<Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>)"
    R"(</Relationships>)";

std::string StylesXml(Language language) {
    const char* lang = language == Language::kKazakh ? "kk-KZ" : "ru-RU";
    return std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)") + "<w:styles " + kWordNs +
           "><w:docDefaults><w:rPrDefault><w:rPr>"
           R"(<w:rFonts w:ascii="DejaVu Serif" w:hAnsi="DejaVu Serif" w:cs="DejaVu Serif" w:eastAsia="DejaVu Serif"/>)"
           R"(<w:sz w:val="22"/><w:lang w:val=")" +
           lang +
           R"("/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="276" w:lineRule="auto"/>)"
           R"(</w:pPr></w:pPrDefault></w:docDefaults>)"
           R"(<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>)"
           R"(<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>)"
           R"(<w:next w:val="Normal"/><w:pPr><w:spacing w:before="120" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr>)"
           R"(<w:rPr><w:b/><w:sz w:val="25"/></w:rPr></w:style>)"
           R"(<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/>)"
           R"(<w:next w:val="Normal"/><w:pPr><w:spacing w:before="120" w:after="60"/><w:outlineLvl w:val="1"/></w:pPr>)"
           R"(<w:rPr><w:b/></w:rPr></w:style></w:styles>)";
}

std::string CoreXml(const Document& document) {
    return std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)") +
           R"(<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" )"
           R"(xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>)" +
           Escape(document.title) + "</dc:title><dc:creator>ZakupAI</dc:creator></cp:coreProperties>";
}

// Too small to reach the page cap whatever the layout: letters and complaints skip the measuring
// (it costs more than writing the DOCX).
bool SurelyShort(const Document& document, const RenderLimits& limits) {
    std::size_t text = 0;
    std::size_t pieces = 0;
    for (const auto& block : document.blocks) {
        if (const auto* p = std::get_if<Paragraph>(&block)) {
            text += PlainText(p->runs).size();
            ++pieces;
        } else {
            for (const auto& row : std::get<Table>(block).rows) {
                for (const auto& cell : row) {
                    text += PlainText(cell).size();
                }
                pieces += row.size();
            }
        }
    }
    // A page holds at least a few hundred bytes of text or a few dozen lines, however narrow.
    const auto pages = static_cast<std::size_t>(limits.max_pages);
    return text < pages * 200 && pieces < pages * 10;
}

}  // namespace

Result<std::string> RenderDocx(const Document& document, Language language, const RenderLimits& limits) {
    if (!SurelyShort(document, limits)) {
        if (auto pages = CountPages(document, language, limits); !pages) {
            return Fail(pages.error());
        }
    }
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
    if (buffer == nullptr) {
        throw std::runtime_error("libzip: cannot create a buffer");
    }
    zip_source_keep(buffer);  // read it back after the archive is closed
    std::unique_ptr<zip_source_t, decltype(&zip_source_free)> keep(buffer, &zip_source_free);
    zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
    if (archive == nullptr) {
        throw std::runtime_error("libzip: cannot open an archive in memory");
    }
    // The strings must outlive zip_close, which is when libzip reads them.
    const std::vector<std::pair<const char*, std::string>> parts{
        {"[Content_Types].xml", kContentTypes},
        {"_rels/.rels", kPackageRels},
        {"word/document.xml", DocumentXml(document)},
        {"word/_rels/document.xml.rels", kDocumentRels},
        {"word/styles.xml", StylesXml(language)},
        {"word/footer1.xml", FooterXml(language)},
        {"docProps/core.xml", CoreXml(document)},
    };
    for (const auto& [name, text] : parts) {
        zip_source_t* part = zip_source_buffer(archive, text.data(), text.size(), 0);
        if (part == nullptr || zip_file_add(archive, name, part, ZIP_FL_ENC_UTF_8) < 0) {
            zip_source_free(part);
            zip_discard(archive);
            throw std::runtime_error(std::string("libzip: cannot add ") + name);
        }
    }
    if (zip_close(archive) < 0) {
        zip_discard(archive);
        throw std::runtime_error("libzip: cannot write the archive");
    }
    zip_stat_t stat;
    if (zip_source_stat(buffer, &stat) < 0 || zip_source_open(buffer) < 0) {
        throw std::runtime_error("libzip: cannot read the archive back");
    }
    std::string out(static_cast<std::size_t>(stat.size), '\0');
    const auto read = zip_source_read(buffer, out.data(), stat.size);
    zip_source_close(buffer);
    if (read < 0 || static_cast<zip_uint64_t>(read) != stat.size) {
        throw std::runtime_error("libzip: short read of the archive");
    }
    return out;
}

}  // namespace zakupai::docs
