// The typesetter's input and output without a server: HTML read into blocks (data cases in
// tests/cases/docs/html_blocks.json), and PDF and DOCX whose structure is checked byte-wise
// (the API tests open them with poppler and LibreOffice).
#include "docs/render.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "docs/document.hpp"

namespace zakupai::docs {
namespace {

namespace json = boost::json;

std::string Describe(const Block& block) {
    if (const auto* p = std::get_if<Paragraph>(&block)) {
        const char* kind = p->kind == Paragraph::Kind::kListItem ? "li"
                           : p->kind == Paragraph::Kind::kBody   ? "p"
                           : p->level == 1                       ? "h1"
                                                                 : "h2";
        const char* align = p->align == Align::kCenter    ? "center"
                            : p->align == Align::kRight   ? "right"
                            : p->align == Align::kJustify ? "justify"
                                                          : "left";
        std::string flags = std::string(p->right_half ? "R" : "") + (p->space_before ? "S" : "");
        if (p->number > 0) {
            flags += "N" + std::to_string(p->number);
        }
        return std::string(kind) + "|" + align + "|" + flags + "|" + PlainText(p->runs);
    }
    const auto& table = std::get<Table>(block);
    std::string rows;
    for (const auto& row : table.rows) {
        std::string cells;
        for (const auto& cell : row) {
            cells += (cells.empty() ? "" : " | ") + PlainText(cell);
        }
        rows += (rows.empty() ? "" : " / ") + cells;
    }
    return "table|H" + std::to_string(table.header_rows) + "|" + rows;
}

TEST(Document, HtmlIsReadIntoBlocksAsTheCasesSay) {
    std::ifstream in(std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/docs/html_blocks.json");
    std::stringstream text;
    text << in.rdbuf();
    const auto cases = json::parse(text.str()).at("cases").as_array();
    for (const auto& item : cases) {
        const auto& c = item.as_object();
        const std::string html(c.at("html").as_string());
        auto document = ParseHtml(html);
        if (c.contains("error")) {
            ASSERT_FALSE(document.has_value()) << html;
            EXPECT_EQ(document.error().details.at(0).field, "html");
            EXPECT_EQ(document.error().details.at(0).problem, c.at("error").as_string());
            continue;
        }
        ASSERT_TRUE(document.has_value()) << html;
        std::vector<std::string> got;
        for (const auto& block : document->blocks) {
            got.push_back(Describe(block));
        }
        std::vector<std::string> want;
        for (const auto& b : c.at("blocks").as_array()) {
            want.emplace_back(b.as_string());
        }
        EXPECT_EQ(got, want) << html;
        if (c.contains("title")) {
            EXPECT_EQ(document->title, c.at("title").as_string());
            EXPECT_EQ(document->language, c.at("language").as_string());
        }
    }
}

TEST(Document, RandomBytesNeverCrashTheReader) {
    std::mt19937 rng(3);
    for (int round = 0; round < 300; ++round) {
        std::string junk(rng() % 400, '\0');
        for (auto& c : junk) {
            c = static_cast<char>(rng() % 4 == 0 ? "<>/&;"[rng() % 5] : rng() % 256);
        }
        auto document = ParseHtml(junk);
        if (document) {
            EXPECT_FALSE(RenderDocx(*document, Language::kRussian).value().empty());
        }
    }
}

std::size_t Count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

TEST(Render, PdfPagesGrowWithTheTextAndDocxIsAWordPackage) {
    auto short_doc = ParseHtml("<h1>Жалоба</h1><p>Қысқа мәтін.</p>");
    ASSERT_TRUE(short_doc.has_value());
    const auto one = RenderPdf(*short_doc, Language::kKazakh).value();
    EXPECT_TRUE(one.starts_with("%PDF-1."));
    EXPECT_NE(one.find("%%EOF"), std::string::npos);
    EXPECT_EQ(Count(one, "/Type /Page\n") + Count(one, "/Type /Page "), 1U);

    std::string rows;
    for (int i = 0; i < 150; ++i) {
        rows += "<tr><td>" + std::to_string(i) + "</td><td>Строка таблицы</td></tr>";
    }
    auto long_doc = ParseHtml("<table><tr><th>№</th><th>Текст</th></tr>" + rows + "</table>");
    ASSERT_TRUE(long_doc.has_value());
    const auto many = RenderPdf(*long_doc, Language::kRussian).value();
    EXPECT_GE(Count(many, "/Type /Page\n") + Count(many, "/Type /Page "), 3U);

    const auto docx = RenderDocx(*long_doc, Language::kRussian).value();
    EXPECT_TRUE(docx.starts_with("PK\x03\x04"));
    for (const char* part : {"[Content_Types].xml",
                             "_rels/.rels",
                             "word/document.xml",
                             "word/_rels/document.xml.rels",
                             "word/styles.xml",
                             "word/footer1.xml",
                             "docProps/core.xml"}) {
        EXPECT_NE(docx.find(part), std::string::npos) << part;
    }
}

Document ListOf(int items) {
    std::string html = "<h1>Перечень</h1><ol>";
    for (int i = 0; i < items; ++i) {
        html += "<li>Позиция перечня товаров номер " + std::to_string(i) + "</li>";
    }
    return ParseHtml(html + "</ol>").value();
}

// Found by a hostile probe: a 99 000-item list took 9 s to set on an I/O thread.
TEST(Render, ADocumentPastThePageCapIsRefusedWithItsLength) {
    const auto list = ListOf(600);
    const auto pages = CountPages(list, Language::kRussian, RenderLimits{.max_pages = 1000}).value();
    EXPECT_GT(pages, 10);
    const RenderLimits two{.max_pages = 2};
    auto pdf = RenderPdf(list, Language::kRussian, two);
    ASSERT_FALSE(pdf.has_value());
    EXPECT_EQ(pdf.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(pdf.error().message, "document too long: " + std::to_string(pages) + " pages, limit 2");
    EXPECT_EQ(pdf.error().details.at(0).field, "html");
    auto docx = RenderDocx(list, Language::kRussian, two);
    ASSERT_FALSE(docx.has_value());
    EXPECT_EQ(docx.error().message, pdf.error().message);
    // Far past the cap the count stops at ten times it.
    EXPECT_EQ(RenderPdf(list, Language::kRussian, RenderLimits{.max_pages = 1}).error().message,
              "document too long: more than 10 pages, limit 1");
    EXPECT_TRUE(RenderPdf(list, Language::kRussian, RenderLimits{.max_pages = pages}).has_value());
    auto slow = RenderPdf(ListOf(3000), Language::kRussian, RenderLimits{.budget = std::chrono::milliseconds(1)});
    ASSERT_FALSE(slow.has_value());
    EXPECT_EQ(slow.error().message, "document too long: took longer than 1 ms to set; shorten it");
}

// Found by a hostile probe: a 3 000-word cell printed 238 words. A row taller than a page goes on
// over the next pages (pdftotext reads every word back in tests/api/documents_test.cpp).
TEST(Render, ARowTallerThanAPageGoesOnOverTheNextPages) {
    std::string words;
    for (int i = 0; i < 3000; ++i) {
        words += "слово" + std::to_string(i) + " ";
    }
    auto document =
        ParseHtml("<table><tr><th>№</th><th>Описание</th></tr><tr><td>1</td><td>" + words + "</td></tr></table>");
    ASSERT_TRUE(document.has_value());
    const auto pages = CountPages(*document, Language::kRussian).value();
    EXPECT_GE(pages, 4);
    const auto pdf = RenderPdf(*document, Language::kRussian).value();
    EXPECT_EQ(Count(pdf, "/Type /Page\n") + Count(pdf, "/Type /Page "), static_cast<std::size_t>(pages));
}

}  // namespace
}  // namespace zakupai::docs
