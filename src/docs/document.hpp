#pragma once
// A letter as typesetting sees it: headings, paragraphs (with bold and italic runs, alignment,
// the addressee block on the right half) and tables, read from the HTML our templates produce
// (or any HTML a client sends to /render/*, read leniently by libxml2's HTML parser). The PDF
// and DOCX writers both work from this, so the two formats say the same thing.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"

namespace zakupai::docs {

struct Run {
    std::string text;
    bool bold = false;
    bool italic = false;
    bool line_break = false;  // a <br>: the run is empty and ends the line
    bool operator==(const Run&) const = default;
};

enum class Align { kLeft, kCenter, kRight, kJustify };

struct Paragraph {
    enum class Kind { kHeading, kBody, kListItem } kind = Kind::kBody;
    std::vector<Run> runs;
    Align align = Align::kLeft;
    bool right_half = false;    // the addressee block (class "to")
    bool space_before = false;  // the signature (class "sign")
    int number = 0;             // a list item of <ol>: its number; 0 is a bullet
    int level = 0;              // a heading's level: 1 is the title, 2 a section
};

// "3." for the third item of a numbered list, "•" for a bulleted one.
std::string ListMarker(const Paragraph& item);

struct Table {
    std::vector<std::vector<std::vector<Run>>> rows;  // row → cell → runs
    int header_rows = 0;                              // repeated on every page
};

using Block = std::variant<Paragraph, Table>;

struct Document {
    std::string title;
    std::string language;  // from <html lang>
    std::vector<Block> blocks;
};

// 422 naming `html` when there is no text at all.
Result<Document> ParseHtml(std::string_view html);

// The text of a paragraph's runs, breaks as newlines (for tests and plain-text answers).
std::string PlainText(const std::vector<Run>& runs);
std::string PlainText(const Document& document);

}  // namespace zakupai::docs
