#include <fmt/format.h>

#include <boost/json.hpp>

#include "api/api.hpp"
#include "core/json.hpp"
#include "docs/letters.hpp"
#include "docs/render.hpp"
#include "docs/tldr.hpp"

namespace zakupai::api {

namespace {

namespace json = boost::json;

std::size_t CountCodePoints(std::string_view utf8) {
    std::size_t count = 0;
    for (char c : utf8) {
        count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    return count;
}

// {template, context|data, language|lang (or ?lang=)} filled from the template files.
Result<docs::Letter> LetterFrom(const json::object& body,
                                const http::Request& request,
                                const docs::LetterTemplates& letters,
                                Instant now) {
    JsonFields f(body);
    auto name = f.String({"template"}, 1, 100, true);
    auto language = f.Choice({"language", "lang"}, {"ru", "kz", "kk"}, false);
    if (!f.Has({"context", "data"})) {
        f.Problem("context", "is required");
    }
    if (auto ok = f.Finish(); !ok) {
        return Fail(ok.error());
    }
    const auto& context_value = body.contains("context") ? body.at("context") : body.at("data");
    if (!context_value.is_object()) {
        return Fail(Error::Invalid("context", "must be an object"));
    }
    std::string lang = language.value_or(std::string(request.Query("lang")));
    if (!lang.empty() && lang != "ru" && lang != "kz" && lang != "kk") {
        return Fail(Error::Invalid("lang", "must be one of: ru, kz, kk"));
    }
    return letters.Generate(*name, lang.empty() ? "ru" : lang, context_value.as_object(), AlmatyDate(now));
}

}  // namespace

std::string DayStamp(Instant now) {
    const auto day = AlmatyDate(now);
    return fmt::format("{:04}{:02}{:02}",
                       static_cast<int>(day.year()),
                       static_cast<unsigned>(day.month()),
                       static_cast<unsigned>(day.day()));
}

http::Response FileResponse(std::string bytes, bool pdf, const std::string& base_name) {
    http::Response response;
    response.content_type = pdf ? docs::kPdfType : docs::kDocxType;
    response.body = std::move(bytes);
    response.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=" + base_name + (pdf ? ".pdf" : ".docx"));
    return response;
}

void RegisterDocsRoutes(http::Router& router,
                        const docs::LetterTemplates& letters,
                        const docs::TldrService& tldr,
                        const Clock& clock) {
    // The original doc-service fell back to Russian for an unknown lang; so does this.
    auto language_of = [](std::string_view lang) {
        return lang == "kz" || lang == "kk" ? docs::Language::kKazakh : docs::Language::kRussian;
    };
    router.Add("POST", "/tldr", [&tldr, &clock, language_of](http::Request& request) {
        auto body = ParseJsonObject(request.body);
        if (!body) {
            return http::ErrorResponse(body.error(), request.request_id);
        }
        JsonFields f(*body);
        auto lot_id = f.Int({"lot_id"}, 1, INT64_MAX, false);
        auto text = f.String({"text"}, 1, 20'000, false);
        if (!lot_id && !text && f.problems().empty()) {
            f.Problem("lot_id", "is required (or send text)");
        }
        if (auto ok = f.Finish(); !ok) {
            return http::ErrorResponse(ok.error(), request.request_id);
        }
        const auto language = language_of(request.Query("lang"));
        if (!lot_id) {
            return http::Response::Json(WithMeta(tldr.ForText(*text, language), request.request_id, clock.Now()));
        }
        auto summary = tldr.ForLot(*lot_id, language);
        if (!summary) {
            return http::ErrorResponse(summary.error(), request.request_id);
        }
        return http::Response::Json(WithMeta(std::move(*summary), request.request_id, clock.Now()));
    });
    router.Add("GET", "/tldr/{lot_id}", [&tldr, &clock, language_of](http::Request& request) {
        const auto lot_id = PositivePathId(request, "lot_id");
        if (!lot_id) {
            return http::ErrorResponse(Error::Invalid("lot_id", "must be a positive integer"), request.request_id);
        }
        auto summary = tldr.ForLot(*lot_id, language_of(request.Query("lang")));
        if (!summary) {
            return http::ErrorResponse(summary.error(), request.request_id);
        }
        return http::Response::Json(WithMeta(std::move(*summary), request.request_id, clock.Now()));
    });
    // Document generation is a premium feature, as in the original plan table.
    const http::RouteOptions premium{.is_public = false, .required_plan = "premium", .counts_usage = true};
    auto generate = [&letters, &clock](http::Request& request) {
        auto body = ParseJsonObject(request.body);
        if (!body) {
            return http::ErrorResponse(body.error(), request.request_id);
        }
        const Instant now = clock.Now();
        auto letter = LetterFrom(*body, request, letters, now);
        if (!letter) {
            return http::ErrorResponse(letter.error(), request.request_id);
        }
        JsonWriter w;
        w.BeginObject()
            .Field("template", letter->template_name)
            .Field("html", letter->html)
            .Field("language", letter->language);
        w.Field("length", static_cast<std::int64_t>(CountCodePoints(letter->html))).Field("title", letter->title);
        return http::Response::Json(WithMeta(w.EndObject().Take(), request.request_id, now));
    };
    // {html} as it is, or {template, context, language} as /letters/generate fills it.
    auto render = [&letters, &clock](http::Request& request, bool pdf) {
        auto body = ParseJsonObject(request.body);
        if (!body) {
            return http::ErrorResponse(body.error(), request.request_id);
        }
        const Instant now = clock.Now();
        std::string html;
        std::string name = "document";
        std::string lang;
        if (body->contains("html")) {
            JsonFields f(*body);
            html = f.String({"html"}, 1, 1'000'000, true).value_or("");
            lang = f.Choice({"language", "lang"}, {"ru", "kz", "kk"}, false).value_or("ru");
            if (auto ok = f.Finish(); !ok) {
                return http::ErrorResponse(ok.error(), request.request_id);
            }
        } else {
            auto letter = LetterFrom(*body, request, letters, now);
            if (!letter) {
                return http::ErrorResponse(letter.error(), request.request_id);
            }
            html = std::move(letter->html);
            name = letter->template_name;
            lang = letter->language;
        }
        auto document = docs::ParseHtml(html);
        if (!document) {
            return http::ErrorResponse(document.error(), request.request_id);
        }
        const auto language = lang == "ru" ? docs::Language::kRussian : docs::Language::kKazakh;
        return FileResponse(pdf ? docs::RenderPdf(*document, language) : docs::RenderDocx(*document, language),
                            pdf,
                            name + "_" + DayStamp(now));
    };
    router.Add("POST", "/letters/generate", generate, premium);
    router.Add("POST", "/render/html", generate, premium);  // the original doc-service alias
    router.Add("POST", "/render/pdf", [render](http::Request& request) { return render(request, true); }, premium);
    router.Add("POST", "/render/docx", [render](http::Request& request) { return render(request, false); }, premium);
    router.Add(
        "GET",
        "/letters/templates",
        [&letters](http::Request&) {
            JsonWriter w;
            w.BeginObject().Key("templates").BeginArray();
            for (const auto& t : letters.templates()) {
                w.BeginObject().Field("name", t.name).Key("title").BeginObject();
                for (const auto& [lang, title] : t.titles) {
                    w.Field(lang, title);
                }
                w.EndObject().Key("fields").BeginArray();
                for (const auto& field : t.fields) {
                    w.BeginObject().Field("name", field.name).Field("type", docs::FieldTypeName(field.type));
                    w.Field("required", field.required).EndObject();
                }
                w.EndArray().EndObject();
            }
            return http::Response::Json(w.EndArray().EndObject().Take());
        },
        http::RouteOptions{.is_public = false, .required_plan = "", .counts_usage = false});
}

}  // namespace zakupai::api
