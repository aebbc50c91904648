#include "docs/document.hpp"

#include <libxml/HTMLparser.h>

#include <memory>

namespace zakupai::docs {

namespace {

struct Style {
    bool bold = false;
    bool italic = false;
};

std::string Name(const xmlNode* node) {
    return node->name != nullptr ? std::string(reinterpret_cast<const char*>(node->name)) : std::string();
}

std::string Attribute(const xmlNode* node, const char* name) {
    xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
    if (value == nullptr) {
        return "";
    }
    std::string out(reinterpret_cast<const char*>(value));
    xmlFree(value);
    return out;
}

bool HasClass(const xmlNode* node, std::string_view wanted) {
    const auto classes = Attribute(node, "class");
    std::size_t start = 0;
    while (start < classes.size()) {
        const auto end = std::min(classes.find(' ', start), classes.size());
        if (std::string_view(classes).substr(start, end - start) == wanted) {
            return true;
        }
        start = end + 1;
    }
    return false;
}

// HTML collapses runs of white space into one space.
void AppendText(std::vector<Run>& runs, std::string_view text, Style style) {
    std::string collapsed;
    bool space =
        !runs.empty() && !runs.back().line_break && !runs.back().text.empty() && runs.back().text.back() == ' ';
    if (runs.empty() || runs.back().line_break) {
        space = true;  // no leading space at the start of a line
    }
    for (char c : text) {
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            if (!space) {
                collapsed += ' ';
                space = true;
            }
        } else {
            collapsed += c;
            space = false;
        }
    }
    if (collapsed.empty()) {
        return;
    }
    if (!runs.empty() && !runs.back().line_break && runs.back().bold == style.bold &&
        runs.back().italic == style.italic) {
        runs.back().text += collapsed;
    } else {
        runs.push_back(Run{collapsed, style.bold, style.italic, false});
    }
}

void TrimRuns(std::vector<Run>& runs) {
    while (!runs.empty() && !runs.back().line_break && !runs.back().text.empty() && runs.back().text.back() == ' ') {
        runs.back().text.pop_back();
        if (runs.back().text.empty()) {
            runs.pop_back();
        }
    }
    while (!runs.empty() && runs.back().line_break) {
        runs.pop_back();
    }
}

bool IsBlock(const std::string& name) {
    return name == "p" || name == "div" || name == "h1" || name == "h2" || name == "h3" || name == "h4" ||
           name == "ul" || name == "ol" || name == "li" || name == "table" || name == "section" || name == "article" ||
           name == "blockquote" || name == "pre" || name == "header" || name == "footer";
}

class Reader {
public:
    // `first` and its siblings: the parser may leave several top-level nodes for a fragment.
    Document Read(xmlNode* first) {
        Walk(first);
        Flush();
        return std::move(document_);
    }

private:
    void Inline(xmlNode* node, std::vector<Run>& runs, Style style) {
        for (xmlNode* child = node->children; child != nullptr; child = child->next) {
            if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
                AppendText(runs, reinterpret_cast<const char*>(child->content), style);
            } else if (child->type == XML_ELEMENT_NODE) {
                const auto name = Name(child);
                if (name == "br") {
                    TrimRuns(runs);
                    runs.push_back(Run{"", style.bold, style.italic, true});
                } else if (name == "script" || name == "style") {
                    continue;
                } else {
                    Style inner = style;
                    inner.bold = inner.bold || name == "b" || name == "strong" || name == "th";
                    inner.italic = inner.italic || name == "i" || name == "em";
                    Inline(child, runs, inner);
                }
            }
        }
    }

    void Flush() {
        TrimRuns(pending_.runs);
        if (!pending_.runs.empty()) {
            document_.blocks.emplace_back(std::move(pending_));
        }
        pending_ = Paragraph{};
    }

    Align AlignOf(xmlNode* node, Align fallback) {
        const auto style = Attribute(node, "style");
        const auto align = Attribute(node, "align");
        if (HasClass(node, "date") || align == "right" || style.find("text-align: right") != std::string::npos ||
            style.find("text-align:right") != std::string::npos) {
            return Align::kRight;
        }
        if (align == "center" || style.find("text-align: center") != std::string::npos ||
            style.find("text-align:center") != std::string::npos) {
            return Align::kCenter;
        }
        if (align == "justify" || style.find("justify") != std::string::npos) {
            return Align::kJustify;
        }
        return fallback;
    }

    void Table(xmlNode* table) {
        Flush();
        docs::Table out;
        bool header_done = false;
        auto rows = [&](xmlNode* parent, bool header_section, auto&& self) -> void {
            for (xmlNode* child = parent->children; child != nullptr; child = child->next) {
                if (child->type != XML_ELEMENT_NODE) {
                    continue;
                }
                const auto name = Name(child);
                if (name == "thead" || name == "tbody" || name == "tfoot") {
                    self(child, name == "thead", self);
                } else if (name == "tr") {
                    std::vector<std::vector<Run>> cells;
                    bool all_th = true;
                    for (xmlNode* cell = child->children; cell != nullptr; cell = cell->next) {
                        if (cell->type != XML_ELEMENT_NODE) {
                            continue;
                        }
                        const auto cell_name = Name(cell);
                        if (cell_name != "td" && cell_name != "th") {
                            continue;
                        }
                        all_th = all_th && cell_name == "th";
                        std::vector<Run> runs;
                        Inline(cell, runs, Style{cell_name == "th", false});
                        TrimRuns(runs);
                        cells.push_back(std::move(runs));
                    }
                    if (cells.empty()) {
                        continue;
                    }
                    // Header rows are the leading rows of <thead> or of <th> cells only.
                    if (!header_done && (header_section || all_th)) {
                        ++out.header_rows;
                    } else {
                        header_done = true;
                    }
                    out.rows.push_back(std::move(cells));
                }
            }
        };
        rows(table, false, rows);
        if (!out.rows.empty()) {
            document_.blocks.emplace_back(std::move(out));
        }
    }

    void Walk(xmlNode* first) {
        for (xmlNode* child = first; child != nullptr; child = child->next) {
            if (child->type == XML_TEXT_NODE) {
                AppendText(pending_.runs, reinterpret_cast<const char*>(child->content), current_);
                continue;
            }
            if (child->type != XML_ELEMENT_NODE) {
                continue;
            }
            const auto name = Name(child);
            if (name == "head") {
                for (xmlNode* h = child->children; h != nullptr; h = h->next) {
                    if (h->type == XML_ELEMENT_NODE && Name(h) == "title") {
                        std::vector<Run> runs;
                        Inline(h, runs, Style{});
                        TrimRuns(runs);
                        document_.title = PlainText(runs);
                    }
                }
                continue;
            }
            if (name == "html") {
                document_.language = Attribute(child, "lang");
                Walk(child->children);
                continue;
            }
            if (name == "script" || name == "style") {
                continue;
            }
            if (name == "table") {
                Table(child);
                continue;
            }
            if (name == "br") {
                TrimRuns(pending_.runs);
                pending_.runs.push_back(Run{"", current_.bold, current_.italic, true});
                continue;
            }
            if (name == "ul" || name == "ol") {
                Flush();
                const int saved = counter_;
                counter_ = name == "ol" ? 1 : 0;
                Walk(child->children);
                counter_ = saved;
                Flush();
                continue;
            }
            if (name == "body" || name == "section" || name == "article" || name == "div" || name == "header" ||
                name == "footer") {
                Flush();
                Walk(child->children);
                Flush();
                continue;
            }
            if (IsBlock(name)) {
                Flush();
                Paragraph p;
                const bool heading = name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '4';
                p.kind = heading        ? Paragraph::Kind::kHeading
                         : name == "li" ? Paragraph::Kind::kListItem
                                        : Paragraph::Kind::kBody;
                p.level = heading ? name[1] - '0' : 0;
                p.align = AlignOf(child, p.level == 1 ? Align::kCenter : Align::kLeft);
                p.right_half = HasClass(child, "to");
                p.space_before = HasClass(child, "sign");
                if (p.kind == Paragraph::Kind::kListItem && counter_ > 0) {
                    p.number = counter_++;
                }
                Inline(child, p.runs, Style{heading, false});
                TrimRuns(p.runs);
                if (!p.runs.empty()) {
                    document_.blocks.emplace_back(std::move(p));
                }
                continue;
            }
            // Inline element at block level (text straight in <body>): part of a paragraph.
            const Style saved = current_;
            current_.bold = current_.bold || name == "b" || name == "strong";
            current_.italic = current_.italic || name == "i" || name == "em";
            Inline(child, pending_.runs, current_);
            current_ = saved;
        }
    }

    Document document_;
    Paragraph pending_;
    Style current_;
    int counter_ = 0;  // the next number inside <ol>, 0 inside <ul>
};

}  // namespace

std::string ListMarker(const Paragraph& item) {
    return item.number > 0 ? std::to_string(item.number) + "." : "•";
}

std::string PlainText(const std::vector<Run>& runs) {
    std::string out;
    for (const auto& run : runs) {
        out += run.line_break ? "\n" : run.text;
    }
    return out;
}

std::string PlainText(const Document& document) {
    std::string out;
    for (const auto& block : document.blocks) {
        if (const auto* p = std::get_if<Paragraph>(&block)) {
            out += (p->kind == Paragraph::Kind::kListItem ? ListMarker(*p) + " " : "") + PlainText(p->runs) + "\n";
        } else {
            for (const auto& row : std::get<docs::Table>(block).rows) {
                std::string line;
                for (const auto& cell : row) {
                    line += (line.empty() ? "" : " | ") + PlainText(cell);
                }
                out += line + "\n";
            }
        }
    }
    return out;
}

Result<Document> ParseHtml(std::string_view html) {
    constexpr int kOptions =
        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOBLANKS;
    std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
        htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8", kOptions), &xmlFreeDoc);
    constexpr const char* kNothing = "has no text to typeset (or nests deeper than 256 elements)";
    if (!doc) {
        return Fail(Error::Invalid("html", kNothing));
    }
    auto document = Reader().Read(doc->children);
    if (document.blocks.empty()) {
        return Fail(Error::Invalid("html", kNothing));
    }
    return document;
}

}  // namespace zakupai::docs
