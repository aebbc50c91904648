
#include "api/api.hpp"
#include "core/json.hpp"
#include "docs/letters.hpp"
#include "docs/tldr.hpp"

namespace zakupai::api {

namespace {

std::size_t CountCodePoints(std::string_view utf8) {
    std::size_t count = 0;
    for (char c : utf8) {
        count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    return count;
}

}  // namespace

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
        JsonFields f(*body);
        auto name = f.String({"template"}, 1, 100, true);
        auto language = f.Choice({"language", "lang"}, {"ru", "kz", "kk"}, false);
        const bool has_context = f.Has({"context", "data"});
        if (!has_context) {
            f.Problem("context", "is required");
        }
        if (auto ok = f.Finish(); !ok) {
            return http::ErrorResponse(ok.error(), request.request_id);
        }
        const auto& context_value = body->contains("context") ? body->at("context") : body->at("data");
        if (!context_value.is_object()) {
            return http::ErrorResponse(Error::Invalid("context", "must be an object"), request.request_id);
        }
        std::string lang = language.value_or(std::string(request.Query("lang")));
        if (!lang.empty() && lang != "ru" && lang != "kz" && lang != "kk") {
            return http::ErrorResponse(Error::Invalid("lang", "must be one of: ru, kz, kk"), request.request_id);
        }
        const Instant now = clock.Now();
        auto letter = letters.Generate(*name, lang.empty() ? "ru" : lang, context_value.as_object(), AlmatyDate(now));
        if (!letter) {
            return http::ErrorResponse(letter.error(), request.request_id);
        }
        JsonWriter w;
        w.BeginObject().Field("template", *name).Field("html", letter->html).Field("language", letter->language);
        w.Field("length", static_cast<std::int64_t>(CountCodePoints(letter->html))).Field("title", letter->title);
        return http::Response::Json(WithMeta(w.EndObject().Take(), request.request_id, now));
    };
    router.Add("POST", "/letters/generate", generate, premium);
    router.Add("POST", "/render/html", generate, premium);  // the original doc-service alias
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
