#pragma once
// Typesetting a Document: PDF through cairo + pango (A4, DejaVu Serif, which covers the Kazakh
// letters Ә Ғ Қ Ң Ө Ұ Ү Һ І; paragraphs and tables break across pages, table headers repeat,
// "page N of M" in the footer) and DOCX as a WordprocessingML package written with libzip
// (the same blocks, a repeating table header row, a page-number field in the footer).
#include <chrono>
#include <string>

#include "core/error.hpp"
#include "docs/document.hpp"
#include "docs/locale.hpp"

namespace zakupai::docs {

struct RenderLimits {
    int max_pages = 100;
    std::chrono::milliseconds budget{10'000};  // for the whole render
};

// 422 "document too long: N pages, limit M" past the page cap (N exact up to ten times the cap,
// "more than N" beyond), and 422 when the render outlasts its budget. Run renders off the I/O
// threads: a long one takes seconds.
Result<std::string> RenderPdf(const Document& document, Language language, const RenderLimits& limits = {});
// DOCX pages are Word's to set; a large document is measured by the PDF typesetter first.
Result<std::string> RenderDocx(const Document& document, Language language, const RenderLimits& limits = {});
// The pages the PDF has (the same errors as RenderPdf).
Result<int> CountPages(const Document& document, Language language, const RenderLimits& limits = {});

inline constexpr const char* kPdfType = "application/pdf";
inline constexpr const char* kDocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

}  // namespace zakupai::docs
