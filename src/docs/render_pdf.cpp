#include <cairo-pdf.h>
#include <fmt/format.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <chrono>
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

using IterPtr = std::unique_ptr<PangoLayoutIter, decltype(&pango_layout_iter_free)>;

// Where a render must stop: a page count and a moment.
struct Stop {
    int after_pages = 0;
    std::chrono::steady_clock::time_point deadline;
};

// Lays out and, on the drawing pass, draws; the first pass only counts pages so the footer can
// say "of M". Stops early (stopped()) past the page count or the deadline.
class Typesetter {
public:
    Typesetter(cairo_t* cr, bool draw, int total_pages, Language language, Stop stop)
        : cr_(cr), draw_(draw), total_(total_pages), language_(language), stop_(stop) {}

    int Typeset(const Document& document) {
        StartPage();
        for (const auto& block : document.blocks) {
            if (Over()) {
                return page_;
            }
            if (const auto* p = std::get_if<Paragraph>(&block)) {
                Set(*p);
            } else {
                Set(std::get<Table>(block));
            }
        }
        FinishPage();
        return page_;
    }
    bool stopped() const { return stopped_; }
    bool TimedOut() const { return timed_out_; }

private:
    // Checked between lines and rows: a clock read is cheap next to laying out a line.
    bool Over() {
        if (!stopped_ && page_ > stop_.after_pages) {
            stopped_ = true;
        }
        if (!stopped_ && std::chrono::steady_clock::now() > stop_.deadline) {
            stopped_ = timed_out_ = true;
        }
        return stopped_;
    }

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
        IterPtr iter(pango_layout_get_iter(layout.get()), &pango_layout_iter_free);
        double consumed = 0;  // the layout's y where this page's part of the paragraph starts
        do {
            if (Over()) {
                return;
            }
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

    void RepeatHeader(const Table& table, const std::vector<double>& widths) {
        std::vector<LayoutPtr> header;
        for (int h = 0; h < table.header_rows; ++h) {
            const double header_height = RowHeight(table.rows[static_cast<std::size_t>(h)], widths, header);
            DrawRow(header, widths, header_height);
        }
    }

    // A row taller than a page (a 3 000-word cell): each cell's lines go on until the page is
    // full, and the row continues on the next page (after the repeated header). No text is lost.
    void DrawTallRow(const Table& table,
                     std::size_t r,
                     const std::vector<LayoutPtr>& layouts,
                     const std::vector<double>& widths) {
        constexpr double kFewLines = 48;  // start on this page only if a few lines fit
        if (Remaining() < kFewLines + 2 * kCellPadding && y_ > kTop) {
            NewPage();
            if (r >= static_cast<std::size_t>(table.header_rows)) {
                RepeatHeader(table, widths);
            }
        }
        std::vector<IterPtr> iters;
        iters.reserve(layouts.size());
        std::vector<double> consumed(layouts.size(), 0);
        std::vector<bool> done(layouts.size(), false);
        for (const auto& layout : layouts) {
            iters.emplace_back(pango_layout_get_iter(layout.get()), &pango_layout_iter_free);
        }
        for (bool fresh = false;; fresh = true) {
            const double room = kPageHeight - kBottom - y_ - 2 * kCellPadding;
            double used = 0;
            double x = kLeft;
            for (std::size_t c = 0; c < layouts.size(); ++c) {
                // A fresh page takes at least one line of each cell, so the row always moves on.
                for (bool first = fresh; !done[c]; first = false) {
                    if (Over()) {
                        return;
                    }
                    PangoRectangle logical;
                    pango_layout_iter_get_line_extents(iters[c].get(), nullptr, &logical);
                    const double top = static_cast<double>(logical.y) / PANGO_SCALE;
                    const double bottom = top - consumed[c] + static_cast<double>(logical.height) / PANGO_SCALE;
                    if (bottom > room && !first) {
                        consumed[c] = top;  // the next page starts with this line
                        break;
                    }
                    if (draw_) {
                        const int baseline = pango_layout_iter_get_baseline(iters[c].get());
                        cairo_move_to(cr_,
                                      x + kCellPadding + static_cast<double>(logical.x) / PANGO_SCALE,
                                      y_ + kCellPadding + static_cast<double>(baseline) / PANGO_SCALE - consumed[c]);
                        pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(iters[c].get()));
                    }
                    used = std::max(used, bottom);
                    done[c] = !pango_layout_iter_next_line(iters[c].get());
                }
                x += widths[c];
            }
            DrawRow({}, widths, used + 2 * kCellPadding);  // the borders of this page's part
            if (std::all_of(done.begin(), done.end(), [](bool d) { return d; })) {
                return;
            }
            NewPage();
            if (r >= static_cast<std::size_t>(table.header_rows)) {
                RepeatHeader(table, widths);
            }
        }
    }

    void Set(const Table& table) {
        const auto widths = ColumnWidths(table);
        double header_height = 0;
        std::vector<LayoutPtr> layouts;
        for (int h = 0; h < table.header_rows && static_cast<std::size_t>(h) < table.rows.size(); ++h) {
            header_height += RowHeight(table.rows[static_cast<std::size_t>(h)], widths, layouts);
        }
        const double page_body = kPageHeight - kTop - kBottom;
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            if (Over()) {
                return;
            }
            const double height = RowHeight(table.rows[r], widths, layouts);
            const bool in_header = r < static_cast<std::size_t>(table.header_rows);
            if (height > page_body - (in_header ? 0 : header_height)) {
                DrawTallRow(table, r, layouts, widths);
                continue;
            }
            if (height > Remaining() && y_ > kTop) {
                NewPage();
                // The header again on the new page, unless this row is part of it.
                if (!in_header) {
                    RepeatHeader(table, widths);
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
    Stop stop_;
    bool stopped_ = false;
    bool timed_out_ = false;
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

struct Typeset {
    int pages = 0;
    bool stopped = false;
    bool timed_out = false;
};

Typeset TypesetPdf(
    const Document& document, Language language, cairo_write_func_t write, void* closure, int total, Stop stop) {
    std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
        cairo_pdf_surface_create_for_stream(write, closure, kPageWidth, kPageHeight), &cairo_surface_destroy);
    if (!document.title.empty()) {
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, document.title.c_str());
    }
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "ZakupAI");
    std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface.get()), &cairo_destroy);
    Typesetter typesetter(cr.get(), total > 0, total, language, stop);
    Typeset result{typesetter.Typeset(document), typesetter.stopped(), typesetter.TimedOut()};
    cr.reset();
    cairo_surface_finish(surface.get());
    return result;
}

Error TooLong(const std::string& problem) {
    return Error{ErrorCode::kInvalidArgument, "document too long: " + problem, {{"html", "too long: " + problem}}};
}

Error TooSlow(const RenderLimits& limits) {
    const auto message = fmt::format("took longer than {} ms to set; shorten it", limits.budget.count());
    return Error{ErrorCode::kInvalidArgument, "document too long: " + message, {{"html", message}}};
}

// Past ten times the limit the exact count is not worth the time it takes.
constexpr int kCountUpTo = 10;

}  // namespace

Result<int> CountPages(const Document& document, Language language, const RenderLimits& limits) {
    const Stop stop{limits.max_pages * kCountUpTo, std::chrono::steady_clock::now() + limits.budget};
    const auto counted = TypesetPdf(document, language, &Discard, nullptr, 0, stop);
    if (counted.timed_out) {
        return Fail(TooSlow(limits));
    }
    if (counted.stopped) {
        return Fail(TooLong(fmt::format("more than {} pages, limit {}", counted.pages - 1, limits.max_pages)));
    }
    if (counted.pages > limits.max_pages) {
        return Fail(TooLong(fmt::format("{} pages, limit {}", counted.pages, limits.max_pages)));
    }
    return counted.pages;
}

Result<std::string> RenderPdf(const Document& document, Language language, const RenderLimits& limits) {
    const auto started = std::chrono::steady_clock::now();
    auto pages = CountPages(document, language, limits);
    if (!pages) {
        return Fail(pages.error());
    }
    std::string out;
    const auto drawn =
        TypesetPdf(document, language, &Append, &out, *pages, Stop{limits.max_pages, started + limits.budget});
    if (drawn.stopped) {
        return Fail(TooSlow(limits));
    }
    return out;
}

}  // namespace zakupai::docs
