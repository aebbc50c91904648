// Letters about a lot (clarification request, commercial offer, bid security return, delay
// notice, guarantee): a form of the template's fields, filled from the lot where it can be,
// downloaded as PDF or DOCX. The complaint has its own form on the lot page.
#include <fmt/format.h>

#include <boost/json.hpp>

#include "docs/document.hpp"
#include "docs/letters.hpp"
#include "docs/tldr.hpp"
#include "ingest/batch_import.hpp"
#include "web/internal/panel.hpp"

namespace zakupai::web {

namespace {

namespace json = boost::json;

// The letter's title in the panel's language (its name when the template has none).
std::string Title(const docs::LetterTemplate& letter, const std::string& language) {
    const auto title = letter.titles.find(DocsCode(language));
    return title == letter.titles.end() ? letter.name : title->second;
}

// What the lot already tells a letter.
std::map<std::string, std::string> FromLot(const docs::LotTldr& lot) {
    return {{"customer_name", lot.customer_name},
            {"customer_bin", lot.customer_bin},
            {"procurement_name", lot.title},
            {"lot_title", lot.title},
            {"lot_amount", FormatScaledDecimal(lot.amount_without_vat, 2)},
            {"method", lot.method_name}};
}

// The form's text as the template's JSON: lists one item per line, money without spaces, blanks
// left out (a required one is then named by the template).
json::object LetterContext(const docs::LetterTemplate& letter, const std::map<std::string, std::string>& query) {
    json::object context;
    for (const auto& field : letter.fields) {
        const auto found = query.find(field.name);
        if (found == query.end() || found->second.empty()) {
            continue;
        }
        if (field.type == docs::FieldType::kList) {
            json::array items;
            std::size_t start = 0;
            const std::string& text = found->second;
            while (start <= text.size()) {
                auto end = std::min(text.find('\n', start), text.size());
                std::string item = text.substr(start, end - start);
                std::erase(item, '\r');
                if (!item.empty()) {
                    items.emplace_back(item);
                }
                start = end + 1;
            }
            context[field.name] = std::move(items);
        } else if (field.type == docs::FieldType::kMoney) {
            // "1 250 000,50" as people type it; what is not a sum goes on for the template to name.
            const auto amount = ingest::ParseMoneyText(found->second);
            context[field.name] = amount ? FormatScaledDecimal(*amount, 2) : found->second;
        } else {
            context[field.name] = found->second;
        }
    }
    return context;
}

}  // namespace

mustache::data LetterLinks(const Panel& panel, std::int64_t lot_id, const std::string& language) {
    mustache::data links{mustache::data::type::list};
    for (const auto& letter : panel.services().letters.templates()) {
        if (letter.name == "complaint") {
            continue;
        }
        mustache::data item;
        item.set("href", Text(fmt::format("/app/lots/{}/letters/{}", lot_id, letter.name)));
        item.set("title", Text(Title(letter, language)));
        links.push_back(item);
    }
    return links;
}

void RegisterLetterPages(http::Router& router, const Panel& panel) {
    router.Add(
        "GET",
        "/app/lots/{id}/letters/{name}",
        WithSession(
            panel,
            [&panel](http::Request& request, Session& session) {
                const auto& s = panel.services();
                const std::string language = panel.Language(request, &session);
                const auto id = http::PositivePathId(request, "id");
                std::string name = request.path_params["name"];
                std::string format;
                for (const std::string extension : {".pdf", ".docx"}) {
                    if (name.ends_with(extension)) {
                        format = extension.substr(1);
                        name.resize(name.size() - extension.size());
                    }
                }
                const docs::LetterTemplate* letter = nullptr;
                for (const auto& candidate : s.letters.templates()) {
                    letter = candidate.name == name && name != "complaint" ? &candidate : letter;
                }
                if (!id || letter == nullptr) {
                    return panel.ErrorPage(request, &session, 404, panel.Label(language, "not_found"));
                }
                const auto docs_language = DocsLanguage(language);
                auto lot = s.tldr.ForLot(*id, docs_language);
                if (!lot) {
                    return panel.ErrorPage(request, &session, lot.error());
                }
                if (format.empty()) {
                    // The form: the template's fields, the lot's values filled in.
                    const auto known = FromLot(*lot);
                    mustache::data fields{mustache::data::type::list};
                    for (const auto& field : letter->fields) {
                        mustache::data item;
                        item.set("name", Text(field.name));
                        item.set("label", Text(panel.Label(language, "field_" + field.name)));
                        const auto value = known.find(field.name);
                        item.set("value", Text(value == known.end() ? "" : value->second));
                        item.set("required", mustache::data{field.required});
                        item.set("long",
                                 mustache::data{field.type == docs::FieldType::kLongText ||
                                                field.type == docs::FieldType::kList});
                        item.set("list", mustache::data{field.type == docs::FieldType::kList});
                        item.set("date", mustache::data{field.type == docs::FieldType::kDate});
                        fields.push_back(item);
                    }
                    mustache::data context;
                    context.set("id", Text(std::to_string(*id)));
                    context.set("name", Text(letter->name));
                    context.set("title", Text(Title(*letter, language)));
                    context.set("fields", fields);
                    return panel.Page(request, &session, "letter", std::move(context));
                }
                auto generated = s.letters.Generate(
                    letter->name, DocsCode(language), LetterContext(*letter, request.query), AlmatyDate(s.clock.Now()));
                if (!generated) {
                    std::string message = generated.error().message;
                    for (const auto& problem : generated.error().details) {
                        message += "; " +
                                   panel.Label(language, "field_" + problem.field.substr(problem.field.find('.') + 1)) +
                                   ": " + problem.problem;
                    }
                    return panel.ErrorPage(request, &session, 422, message);
                }
                auto document = docs::ParseHtml(generated->html);
                if (!document) {
                    return panel.ErrorPage(request, &session, document.error());
                }
                const bool pdf = format == "pdf";
                auto bytes = pdf ? docs::RenderPdf(*document, docs_language, panel.config().render_limits)
                                 : docs::RenderDocx(*document, docs_language, panel.config().render_limits);
                if (!bytes) {
                    return panel.ErrorPage(request, &session, bytes.error());
                }
                http::Response response;
                response.content_type = pdf ? docs::kPdfType : docs::kDocxType;
                response.body = std::move(*bytes);
                response.headers.emplace_back("Content-Disposition",
                                              fmt::format("attachment; filename={}-{}.{}", letter->name, *id, format));
                AddSecurityHeaders(response);
                return response;
            }),
        http::RouteOptions{.is_public = true, .counts_usage = false, .blocking = true});
}

}  // namespace zakupai::web
