#include <cairo-pdf.h>
#include <fmt/format.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>

#include "docs/render.hpp"

namespace zakupai::docs {

namespace {

// A4 in points, margins of 2 cm (2.5 cm on the binding side, as office letters are set).
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.890;
constexpr double kCm = 28.3465;
constexpr double kLeft = 2.5 * kCm;
constexpr double kRight = 1.5 * kCm;
constexpr double kTop = 2.0 * kCm;
constexpr double kBottom = 2.0 * kCm;
constexpr double kFooterGap = 0.8 * kCm;
constexpr double kContentWidth = kPageWidth - kLeft - kRight;
constexpr double kParagraphGap = 6;
constexpr double kSignatureGap = 18;
constexpr double kCellPadding = 4;
constexpr double kListIndent = 0.6 * kCm;
constexpr const char* kBodyFont = "DejaVu Serif 11";
constexpr const char* kTitleFont = "DejaVu Serif Bold 12.5";
constexpr const char* kSectionFont = "DejaVu Serif Bold 11";
constexpr const char* kFooterFont = "DejaVu Serif 9";

std::string Markup(const std::vector<Run>& runs) {
    std::string out;
    for (const auto& run : runs) {
        if (run.line_break) {
            out += '\n';
            continue;
        }
        std::unique_ptr<gchar, decltype(&g_free)> escaped(
            g_markup_escape_text(run.text.data(), static_cast<gssize>(run.text.size())), &g_free);
        out += run.bold ? "<b>" : "";
        out += run.italic ? "<i>" : "";
        out += escaped.get();
        out += run.italic ? "</i>" : "";
        out += run.bold ? "</b>" : "";
    }
    return out;
}

using LayoutPtr = std::unique_ptr<PangoLayout, decltype(&g_object_unref)>;

// Lays out and, on the drawing pass, draws; the first pass only counts pages so the footer can
// say "of M".
class Typesetter {
public:
    Typesetter(cairo_t* cr, bool draw, int total_pages, Language language)
        : cr_(cr), draw_(draw), total_(total_pages), language_(language) {}

    int Typeset(const Document& document) {
        StartPage();
        for (const auto& block : document.blocks) {
            if (const auto* p = std::get_if<Paragraph>(&block)) {
                Set(*p);
            } else {
                Set(std::get<Table>(block));
            }
        }
        FinishPage();
        return page_;
    }

private:
    LayoutPtr Layout(const std::vector<Run>& runs, const char* font, double width, Align align) {
        LayoutPtr layout(pango_cairo_create_layout(cr_), &g_object_unref);
        std::unique_ptr<PangoFontDescription, decltype(&pango_font_description_free)> description(
            pango_font_description_from_string(font), &pango_font_description_free);
        pango_layout_set_font_description(layout.get(), description.get());
        pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
        pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
        pango_layout_set_alignment(layout.get(),
                                   align == Align::kCenter  ? PANGO_ALIGN_CENTER
                                   : align == Align::kRight ? PANGO_ALIGN_RIGHT
                                                            : PANGO_ALIGN_LEFT);
        pango_layout_set_justify(layout.get(), align == Align::kJustify);
        const auto markup = Markup(runs);
        pango_layout_set_markup(layout.get(), markup.data(), static_cast<int>(markup.size()));
        return layout;
    }

    static double Height(PangoLayout* layout) {
        int w = 0;
        int h = 0;
        pango_layout_get_size(layout, &w, &h);
        return static_cast<double>(h) / PANGO_SCALE;
    }

    void StartPage() {
        ++page_;
        y_ = kTop;
    }

    void FinishPage() {
        if (draw_) {
            const auto text = language_ == Language::kKazakh ? fmt::format("Бет {} / {}", page_, total_)
                                                             : fmt::format("Страница {} из {}", page_, total_);
            auto footer = Layout({docs::Run{text, false, false, false}}, kFooterFont, kContentWidth, Align::kCenter);
            cairo_move_to(cr_, kLeft, kPageHeight - kBottom + kFooterGap);
            pango_cairo_show_layout(cr_, footer.get());
            cairo_show_page(cr_);
        }
    }

    void NewPage() {
        FinishPage();
        StartPage();
    }

    double Remaining() const { return kPageHeight - kBottom - y_; }

    // Line by line, so a long paragraph continues on the next page.
    void Set(const Paragraph& p) {
        const bool heading = p.kind == Paragraph::Kind::kHeading;
        const bool item = p.kind == Paragraph::Kind::kListItem;
        double x = kLeft + (p.right_half ? kContentWidth / 2 : 0) + (item ? kListIndent : 0);
        double width = kContentWidth - (p.right_half ? kContentWidth / 2 : 0) - (item ? kListIndent : 0);
        if (p.space_before) {
            y_ += kSignatureGap;
        }
        if (heading) {
            y_ += kParagraphGap;
        }
        auto layout = Layout(p.runs, !heading ? kBodyFont : p.level == 1 ? kTitleFont : kSectionFont, width, p.align);
        if (item) {
            auto bullet = Layout({docs::Run{ListMarker(p), false, false, false}}, kBodyFont, kListIndent, Align::kLeft);
            if (Remaining() < Height(bullet.get())) {
                NewPage();
            }
            if (draw_) {
                cairo_move_to(cr_, x - kListIndent, y_);
                pango_cairo_show_layout(cr_, bullet.get());
            }
        }
        std::unique_ptr<PangoLayoutIter, decltype(&pango_layout_iter_free)> iter(pango_layout_get_iter(layout.get()),
                                                                                 &pango_layout_iter_free);
        double consumed = 0;  // the layout's y where this page's part of the paragraph starts
        do {
            PangoRectangle logical;
            pango_layout_iter_get_line_extents(iter.get(), nullptr, &logical);
            const double line_top = static_cast<double>(logical.y) / PANGO_SCALE;
            const double bottom = line_top - consumed + static_cast<double>(logical.height) / PANGO_SCALE;
            if (y_ + bottom > kPageHeight - kBottom && (y_ > kTop || line_top > consumed)) {
                // The rest of the paragraph continues at the top of the next page.
                NewPage();
                consumed = line_top;
            }
            DrawLine(iter.get(), x, consumed);
        } while (pango_layout_iter_next_line(iter.get()));
        y_ += Height(layout.get()) - consumed + kParagraphGap;
    }

    void DrawLine(PangoLayoutIter* iter, double x, double consumed) {
        if (!draw_) {
            return;
        }
        const int baseline = pango_layout_iter_get_baseline(iter);
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(iter, nullptr, &logical);
        cairo_move_to(cr_,
                      x + static_cast<double>(logical.x) / PANGO_SCALE,
                      y_ + static_cast<double>(baseline) / PANGO_SCALE - consumed);
        pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(iter));
    }

    // Column widths from each column's natural (unwrapped) width.
    std::vector<double> ColumnWidths(const Table& table) {
        std::size_t columns = 0;
        for (const auto& row : table.rows) {
            columns = std::max(columns, row.size());
        }
        std::vector<double> natural(columns, 0);
        for (const auto& row : table.rows) {
            for (std::size_t c = 0; c < row.size(); ++c) {
                auto layout = Layout(row[c], kBodyFont, -1, Align::kLeft);
                pango_layout_set_width(layout.get(), -1);
                int w = 0;
                int h = 0;
                pango_layout_get_size(layout.get(), &w, &h);
                natural[c] = std::max(natural[c], static_cast<double>(w) / PANGO_SCALE + 2 * kCellPadding);
            }
        }
        double sum = 0;
        for (auto w : natural) {
            sum += w;
        }
        if (sum <= kContentWidth) {
            for (auto& w : natural) {
                w = w / sum * kContentWidth;
            }
            return natural;
        }
        // Too wide: columns narrower than a fair share of what is left keep their natural width
        // (numbers, amounts stay on one line); the wide ones share the rest.
        std::vector<double> widths(columns, 0);
        std::vector<bool> fixed(columns, false);
        double left = kContentWidth;
        std::size_t open = columns;
        for (bool changed = true; changed && open > 0;) {
            changed = false;
            for (std::size_t c = 0; c < columns; ++c) {
                if (!fixed[c] && natural[c] <= left / static_cast<double>(open)) {
                    widths[c] = natural[c];
                    fixed[c] = true;
                    left -= natural[c];
                    --open;
                    changed = true;
                }
            }
        }
        double wide = 0;
        for (std::size_t c = 0; c < columns; ++c) {
            wide += fixed[c] ? 0 : natural[c];
        }
        for (std::size_t c = 0; c < columns; ++c) {
            if (!fixed[c]) {
                widths[c] = natural[c] / wide * left;
            }
        }
        return widths;
    }

    double RowHeight(const std::vector<std::vector<Run>>& row,
                     const std::vector<double>& widths,
                     std::vector<LayoutPtr>& layouts) {
        double height = 0;
        layouts.clear();
        for (std::size_t c = 0; c < row.size(); ++c) {
            layouts.push_back(Layout(row[c], kBodyFont, widths[c] - 2 * kCellPadding, Align::kLeft));
            height = std::max(height, Height(layouts.back().get()));
        }
        return height + 2 * kCellPadding;
    }

    void DrawRow(const std::vector<LayoutPtr>& layouts, const std::vector<double>& widths, double height) {
        if (draw_) {
            double x = kLeft;
            cairo_set_line_width(cr_, 0.5);
            for (std::size_t c = 0; c < widths.size(); ++c) {
                cairo_rectangle(cr_, x, y_, widths[c], height);
                cairo_stroke(cr_);
                if (c < layouts.size()) {
                    cairo_move_to(cr_, x + kCellPadding, y_ + kCellPadding);
                    pango_cairo_show_layout(cr_, layouts[c].get());
                }
                x += widths[c];
            }
        }
        y_ += height;
    }

    void Set(const Table& table) {
        const auto widths = ColumnWidths(table);
        std::vector<LayoutPtr> layouts;
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            const double height = RowHeight(table.rows[r], widths, layouts);
            if (height > Remaining() && y_ > kTop) {
                NewPage();
                // The header again on the new page, unless this row is part of it.
                if (r >= static_cast<std::size_t>(table.header_rows)) {
                    std::vector<LayoutPtr> header;
                    for (int h = 0; h < table.header_rows; ++h) {
                        const double header_height = RowHeight(table.rows[static_cast<std::size_t>(h)], widths, header);
                        DrawRow(header, widths, header_height);
                    }
                }
            }
            DrawRow(layouts, widths, height);
        }
        y_ += kParagraphGap;
    }

    cairo_t* cr_;
    bool draw_;
    int total_;
    Language language_;
    int page_ = 0;
    double y_ = kTop;
};

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

cairo_status_t Discard(void* /*closure*/, const unsigned char* /*data*/, unsigned int /*length*/) {
    return CAIRO_STATUS_SUCCESS;
}

int Typeset(const Document& document, Language language, cairo_write_func_t write, void* closure, int total) {
    std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
        cairo_pdf_surface_create_for_stream(write, closure, kPageWidth, kPageHeight), &cairo_surface_destroy);
    if (!document.title.empty()) {
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, document.title.c_str());
    }
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "ZakupAI");
    std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface.get()), &cairo_destroy);
    const int pages = Typesetter(cr.get(), total > 0, total, language).Typeset(document);
    cr.reset();
    cairo_surface_finish(surface.get());
    return pages;
}

}  // namespace

std::string RenderPdf(const Document& document, Language language) {
    const int pages = Typeset(document, language, &Discard, nullptr, 0);
    std::string out;
    Typeset(document, language, &Append, &out, pages);
    return out;
}

}  // namespace zakupai::docs
