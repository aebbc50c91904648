#include <fmt/format.h>

#include <boost/json.hpp>

#include "api/api.hpp"
#include "core/bin.hpp"
#include "core/json.hpp"
#include "docs/letters.hpp"
#include "docs/render.hpp"
#include "docs/tldr.hpp"
#include "text/text.hpp"

namespace zakupai::api {

namespace {

namespace json = boost::json;

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

// "2026-11-25" or an ISO date-time ("2026-11-25T10:00:00+05:00": its date part), not after today.
std::optional<Date> PastDay(JsonFields& f, const json::object& fields, const char* name, Date today) {
    const auto* value = fields.if_contains(name);
    if (value == nullptr || value->is_null()) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        f.Problem(name, "must be a date YYYY-MM-DD");
        return std::nullopt;
    }
    std::string_view text = value->as_string();
    if (text.size() > 10 && (text[10] == 'T' || text[10] == ' ')) {
        text = text.substr(0, 10);
    }
    auto day = ParseIsoDate(text);
    if (!day) {
        f.Problem(name, day.error().message);
        return std::nullopt;
    }
    if (*day > today) {
        f.Problem(name, "must not be in the future");
        return std::nullopt;
    }
    return *day;
}

// The seed's {reason, date} and our optional details, from a body or a query string.
Result<docs::ComplaintRequest> ParseComplaint(const json::object& fields,
                                              std::int64_t lot_id,
                                              Date today,
                                              bool date_required) {
    JsonFields f(fields);
    docs::ComplaintRequest request;
    request.lot_id = lot_id;
    if (auto reason = f.String({"reason"}, 1, 5000, true)) {
        const auto first = reason->find_first_not_of(" \t\n");
        const auto last = reason->find_last_not_of(" \t\n");
        request.reason = first == std::string::npos ? "" : reason->substr(first, last - first + 1);
        if (request.reason.size() < 5) {
            f.Problem("reason", "must be at least 5 characters");
        }
    }
    if (date_required && !fields.contains("date")) {
        f.Problem("date", "is required");
    }
    request.date = PastDay(f, fields, "date", today).value_or(today);
    request.protocol_date = PastDay(f, fields, "protocol_date", today);
    if (request.protocol_date && *request.protocol_date > request.date) {
        f.Problem("protocol_date", "must not be after the complaint's date");
    }
    request.language = f.Choice({"language", "lang"}, {"ru", "kz", "kk"}, false).value_or("ru");
    request.supplier_name = f.String({"supplier_name"}, 1, 500, false).value_or("");
    request.supplier_address = f.String({"supplier_address"}, 1, 500, false).value_or("");
    request.customer_address = f.String({"customer_address"}, 1, 500, false).value_or("");
    request.announcement_number = f.String({"announcement_number"}, 1, 100, false).value_or("");
    request.signer_name = f.String({"signer_name"}, 1, 200, false).value_or("");
    if (auto bin = f.String({"supplier_bin"}, 1, 32, false)) {
        auto normalized = NormalizeBin(*bin);
        if (!normalized) {
            f.Problem("supplier_bin", normalized.error().message);
        } else {
            request.supplier_bin = *normalized;
        }
    }
    if (auto ok = f.Finish(); !ok) {
        return Fail(ok.error());
    }
    return request;
}

void WriteLotTldr(JsonWriter& w, const docs::LotTldr& t) {
    w.Field("lot_id", t.lot_id).Field("language", docs::LanguageCode(t.language));
    w.Key("lines").BeginArray();
    for (const auto& line : t.lines) {
        w.String(line);
    }
    w.EndArray();
    w.Field("title", t.title).Field("quantity", t.quantity).Field("unit", t.unit);
    w.MoneyField("amount_without_vat", t.amount_without_vat).MoneyField("amount_with_vat", t.amount_with_vat);
    w.Key("vat_rate").Decimal(t.vat_rate, 2);
    w.Key("customer").BeginObject().Field("name", t.customer_name).Field("bin", t.customer_bin).EndObject();
    w.Key("method").BeginObject().Field("code", t.method_code).Field("name", t.method_name).EndObject();
    w.Field("status", t.status).Field("delivery_place", t.delivery_place).Field("enstru", t.enstru);
    w.OptionalField("deadline", t.deadline ? std::optional(FormatUtcTimestamp(*t.deadline)) : std::nullopt);
    w.OptionalField("deadline_astana", t.deadline_astana);
    w.Key("days_left");
    if (t.days_left) {
        w.Int(*t.days_left);
    } else {
        w.Null();
    }
    w.Key("securities");
    if (t.securities) {
        w.BeginObject().MoneyField("bid", t.securities->bid).MoneyField("performance", t.securities->performance);
        w.EndObject();
    } else {
        w.Null();
    }
    // null when the lot was never scored: not the same as "no red flags".
    w.Key("risks");
    if (t.risks) {
        w.BeginObject()
            .Field("score", t.risks->score)
            .Field("level", Name(t.risks->level))
            .Field("model_version", t.risks->model_version)
            .Field("evaluated_at", t.risks->evaluated_at)
            .Key("flags")
            .BeginArray();
        for (const auto& [id, name] : t.risks->flags) {
            w.BeginObject().Field("id", id).Field("name", name).EndObject();
        }
        w.EndArray().Field("explain", fmt::format("/risk/explain/{}", t.lot_id)).EndObject();
    } else {
        w.Null();
    }
}

void WriteTextTldr(JsonWriter& w, const docs::TextTldr& t) {
    w.Key("lot_id").Null().Field("language", docs::LanguageCode(t.language));
    w.Key("lines").BeginArray();
    for (const auto& line : t.lines) {
        w.String(line);
    }
    w.EndArray().Field("source", t.source);
    if (!t.fallback_reason.empty()) {
        w.Field("fallback_reason", t.fallback_reason);
    }
}

}  // namespace

std::string DayStamp(Instant now) {
    const auto day = AlmatyDate(now);
    return fmt::format("{:04}{:02}{:02}",
                       static_cast<int>(day.year()),
                       static_cast<unsigned>(day.month()),
                       static_cast<unsigned>(day.day()));
}

http::Response FileResponse(const http::Request& request,
                            const docs::Document& document,
                            docs::Language language,
                            const docs::RenderLimits& limits,
                            bool pdf,
                            const std::string& base_name) {
    auto bytes = pdf ? docs::RenderPdf(document, language, limits) : docs::RenderDocx(document, language, limits);
    if (!bytes) {
        return http::ErrorResponse(bytes.error(), request.request_id);
    }
    http::Response response;
    response.content_type = pdf ? docs::kPdfType : docs::kDocxType;
    response.body = std::move(*bytes);
    response.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=" + base_name + (pdf ? ".pdf" : ".docx"));
    return response;
}

void RegisterDocsRoutes(http::Router& router,
                        const docs::LetterTemplates& letters,
                        const docs::TldrService& tldr,
                        const docs::ComplaintService& complaints,
                        const docs::RenderLimits& limits,
                        LotViews& views,
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
            const auto summary = tldr.ForText(*text, language);
            return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) { WriteTextTldr(w, summary); });
        }
        auto summary = tldr.ForLot(*lot_id, language);
        if (!summary) {
            return http::ErrorResponse(summary.error(), request.request_id);
        }
        return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) { WriteLotTldr(w, *summary); });
    });
    router.Add("GET", "/tldr/{lot_id}", [&tldr, &views, &clock, language_of](http::Request& request) {
        const auto lot_id = PositivePathId(request, "lot_id");
        if (!lot_id) {
            return http::ErrorResponse(Error::Invalid("lot_id", "must be a positive integer"), request.request_id);
        }
        auto summary = tldr.ForLot(*lot_id, language_of(request.Query("lang")));
        if (!summary) {
            return http::ErrorResponse(summary.error(), request.request_id);
        }
        views.Saw(request.caller, *lot_id, clock.Now());
        auto response = JsonAnswer(request, clock.Now(), [&](JsonWriter& w) { WriteLotTldr(w, *summary); });
        const auto& risks = summary->risks;
        AnnotateLot(response,
                    *lot_id,
                    summary->method_code,
                    risks ? std::optional(risks->level) : std::nullopt,
                    risks ? risks->flags.size() : 0);
        return response;
    });
    // Document generation is a premium feature, as in the original plan table.
    const http::RouteOptions premium{.is_public = false, .required_plan = Plan::kPremium, .counts_usage = true};
    // Setting a file takes up to the render budget: never on an I/O thread.
    http::RouteOptions premium_render = premium;
    premium_render.blocking = true;
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
        return JsonAnswer(request, now, [&](JsonWriter& w) {
            w.Field("template", letter->template_name).Field("html", letter->html).Field("language", letter->language);
            w.Field("length", static_cast<std::int64_t>(text::Length(letter->html))).Field("title", letter->title);
            w.Key("deadlines").BeginArray();
            for (const auto& d : letter->deadlines) {
                w.BeginObject()
                    .Field("name", d.name)
                    .Field("date", FormatIsoDate(d.date))
                    .Field("passed", d.passed)
                    .EndObject();
            }
            w.EndArray();
        });
    };
    // {html} as it is, or {template, context, language} as /letters/generate fills it.
    auto render = [&letters, &clock, limits](http::Request& request, bool pdf) {
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
        return FileResponse(request, *document, language, limits, pdf, name + "_" + DayStamp(now));
    };
    router.Add(
        "POST",
        "/api/complaint/{lot_id}",
        [&complaints, &clock](http::Request& request) {
            const auto lot_id = PositivePathId(request, "lot_id");
            if (!lot_id) {
                return http::ErrorResponse(Error::Invalid("lot_id", "must be a positive integer"), request.request_id);
            }
            auto body = ParseJsonObject(request.body.empty() ? "{}" : request.body);
            if (!body) {
                return http::ErrorResponse(body.error(), request.request_id);
            }
            const Instant now = clock.Now();
            auto parsed = ParseComplaint(*body, *lot_id, AlmatyDate(now), false);
            if (!parsed) {
                return http::ErrorResponse(parsed.error(), request.request_id);
            }
            auto complaint = complaints.Generate(*parsed);
            if (!complaint) {
                return http::ErrorResponse(complaint.error(), request.request_id);
            }
            return JsonAnswer(request, now, [&](JsonWriter& w) {
                w.Field("lot_id", *lot_id)
                    .Field("complaint_text", complaint->text)
                    .Field("reason", parsed->reason)
                    .Field("date", FormatIsoDate(parsed->date))
                    .Field("source", "template")
                    .Field("generated_at", FormatUtcTimestamp(now))
                    .Key("formats_available")
                    .BeginArray()
                    .String("pdf")
                    .String("word")
                    .EndArray()
                    .Field("title", complaint->letter.title)
                    .Field("language", complaint->letter.language)
                    .Field("html", complaint->letter.html)
                    .Key("deadline");
                if (complaint->letter.deadlines.empty()) {
                    w.Null();
                } else {
                    const auto& d = complaint->letter.deadlines.front();
                    w.BeginObject().Field("date", FormatIsoDate(d.date)).Field("passed", d.passed).EndObject();
                }
                w.Key("warnings").BeginArray();
                for (const auto& warning : complaint->warnings) {
                    w.String(warning);
                }
                w.EndArray();
            });
        },
        premium);
    // The same complaint as a file: ?reason=&date= (both required, as in the seed).
    auto complaint_file = [&complaints, &clock, limits](http::Request& request, bool pdf) {
        const auto lot_id = PositivePathId(request, "lot_id");
        if (!lot_id) {
            return http::ErrorResponse(Error::Invalid("lot_id", "must be a positive integer"), request.request_id);
        }
        json::object fields;
        for (const auto& [key, value] : request.query) {
            fields[key] = value;
        }
        const Instant now = clock.Now();
        auto parsed = ParseComplaint(fields, *lot_id, AlmatyDate(now), true);
        if (!parsed) {
            return http::ErrorResponse(parsed.error(), request.request_id);
        }
        auto complaint = complaints.Generate(*parsed);
        if (!complaint) {
            return http::ErrorResponse(complaint.error(), request.request_id);
        }
        const auto language = complaint->letter.language == "kz" ? docs::Language::kKazakh : docs::Language::kRussian;
        const auto stamp = FormatIsoDate(parsed->date);
        const std::string day = stamp.substr(0, 4) + stamp.substr(5, 2) + stamp.substr(8, 2);
        return FileResponse(
            request, complaint->document, language, limits, pdf, "complaint_" + std::to_string(*lot_id) + "_" + day);
    };
    router.Add(
        "GET",
        "/api/complaint/{lot_id}/pdf",
        [complaint_file](http::Request& request) { return complaint_file(request, true); },
        premium_render);
    router.Add(
        "GET",
        "/api/complaint/{lot_id}/word",
        [complaint_file](http::Request& request) { return complaint_file(request, false); },
        premium_render);
    router.Add("POST", "/letters/generate", generate, premium);
    router.Add("POST", "/render/html", generate, premium);  // the original doc-service alias
    router.Add(
        "POST", "/render/pdf", [render](http::Request& request) { return render(request, true); }, premium_render);
    router.Add(
        "POST", "/render/docx", [render](http::Request& request) { return render(request, false); }, premium_render);
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
        http::RouteOptions{.is_public = false, .required_plan = Plan::kFree, .counts_usage = false});
}

}  // namespace zakupai::api
