// POST /ask: the assistant's short answer with its sources (offline from the knowledge base and
// the asked-about lots, or composed by a configured provider from the same text).
#include <fmt/format.h>

#include <boost/json.hpp>

#include "api/api.hpp"
#include "core/json.hpp"

namespace zakupai::api {

namespace json = boost::json;

void RegisterAskRoutes(http::Router& router,
                       const llm::AskService& ask,
                       const docs::TldrService& tldr,
                       LotViews& views,
                       const Clock& clock) {
    router.Add(
        "POST",
        "/ask",
        [&ask, &tldr, &views, &clock](http::Request& request) {
            auto body = ParseJsonObject(request.body);
            if (!body) {
                return http::ErrorResponse(body.error(), request.request_id);
            }
            JsonFields f(*body);
            const auto question = f.String({"question", "q"}, 3, 1000, true);
            // Without one, the answer is in the question's language.
            const auto lang = f.Choice({"language", "lang"}, {"ru", "kz", "kk"}, false);
            std::vector<std::int64_t> lot_ids;
            const auto* ids = body->if_contains("lot_ids");
            if (ids != nullptr && !ids->is_null()) {
                if (!ids->is_array() || ids->as_array().size() > 10) {
                    f.Problem("lot_ids", "must be a list of at most 10 lot ids");
                } else {
                    for (std::size_t i = 0; i < ids->as_array().size(); ++i) {
                        const auto& id = ids->as_array()[i];
                        if (!id.is_int64() || id.as_int64() < 1) {
                            f.Problem(fmt::format("lot_ids[{}]", i), "must be a positive integer");
                        } else {
                            lot_ids.push_back(id.as_int64());
                        }
                    }
                }
            }
            if (auto ok = f.Finish(); !ok) {
                return http::ErrorResponse(ok.error(), request.request_id);
            }
            std::optional<llm::Language> asked_language;
            if (lang) {
                asked_language = *lang == "ru" ? llm::Language::kRussian : llm::Language::kKazakh;
            }
            const llm::AskContext context{AlmatyDate(clock.Now()), asked_language};
            // The lots' facts in the answer's language: asked for, or the question's own.
            const auto understood = llm::Understand(*question, context.today, asked_language);
            const auto language =
                understood.language == llm::Language::kKazakh ? docs::Language::kKazakh : docs::Language::kRussian;
            std::vector<llm::LotFacts> lots;
            for (std::size_t i = 0; i < lot_ids.size(); ++i) {
                auto summary = tldr.ForLot(lot_ids[i], language);
                if (!summary) {
                    return http::ErrorResponse(
                        Error::Invalid(fmt::format("lot_ids[{}]", i), fmt::format("lot {} not found", lot_ids[i])),
                        request.request_id);
                }
                lots.push_back(llm::LotFacts{lot_ids[i], std::move(summary->title), std::move(summary->lines)});
            }
            // No lot named but one meant ("этот лот", "по моим лотам"): the ones this key opened last.
            std::vector<std::int64_t> context_lots;
            if (ids == nullptr || ids->is_null()) {
                const auto reference = llm::ReferredLots(understood);
                if (reference != llm::LotReference::kNone) {
                    for (const auto id :
                         views.Recent(request.caller, reference == llm::LotReference::kThisLot ? 1 : 5)) {
                        if (auto summary = tldr.ForLot(id, language)) {  // a lot gone since is skipped
                            lots.push_back(llm::LotFacts{id, std::move(summary->title), std::move(summary->lines)});
                            context_lots.push_back(id);
                        }
                    }
                }
            }
            const auto answer = ask.Ask(*question, lots, context);
            return JsonAnswer(request, clock.Now(), [&](JsonWriter& w) {
                w.Field("question", *question)
                    .Field("answer", answer.text)
                    .Field("found", answer.found)
                    .Field("source", answer.source)
                    .Key("sources")
                    .BeginArray();
                for (const auto& source : answer.sources) {
                    w.BeginObject()
                        .Field("id", source.id)
                        .Field("title", source.title)
                        .Field("reference", source.reference)
                        .EndObject();
                }
                w.EndArray().Field("language", answer.language == llm::Language::kKazakh ? "kz" : "ru");
                if (!context_lots.empty()) {
                    w.Key("context_lot_ids").BeginArray();
                    for (const auto id : context_lots) {
                        w.Int(id);
                    }
                    w.EndArray();
                }
                if (!answer.fallback_reason.empty()) {
                    w.Field("fallback_reason", answer.fallback_reason);
                }
            });
        },
        // A provider's answer takes seconds: wait for it off the I/O threads.
        http::RouteOptions{.blocking = true});
}

}  // namespace zakupai::api
