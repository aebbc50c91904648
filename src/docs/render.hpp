#pragma once
// Typesetting a Document: PDF through cairo + pango (A4, DejaVu Serif, which covers the Kazakh
// letters Ә Ғ Қ Ң Ө Ұ Ү Һ І; paragraphs and tables break across pages, table headers repeat,
// "page N of M" in the footer) and DOCX as a WordprocessingML package written with libzip
// (the same blocks, a repeating table header row, a page-number field in the footer).
#include <string>

#include "docs/document.hpp"
#include "docs/locale.hpp"

namespace zakupai::docs {

std::string RenderPdf(const Document& document, Language language);
std::string RenderDocx(const Document& document, Language language);

inline constexpr const char* kPdfType = "application/pdf";
inline constexpr const char* kDocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

}  // namespace zakupai::docs
