// The lot page: TL;DR, deadline in Astana time, every risk flag with its evidence, the bid/no-bid
// card for the user's price and cost, matched supplier prices, similar lots, the complaint as
// PDF or DOCX, and questions about the lot.
#include <fmt/format.h>

#include "calc/calculators.hpp"
#include "docs/complaint.hpp"
#include "docs/locale.hpp"
#include "docs/tldr.hpp"
#include "ingest/batch_import.hpp"
#include "llm/ask.hpp"
#include "risk/risk_service.hpp"
#include "search/lot_search.hpp"
#include "text/text.hpp"
#include "web/internal/panel.hpp"

namespace zakupai::web {

namespace {

constexpr int kSimilarLots = 5;
constexpr int kMatchedPrices = 5;

// A tenge amount typed by a person ("1 234 567,89"); nullopt when blank, a problem when not a sum.
Result<std::optional<Tiyn>> TypedTenge(const http::Request& request, const std::string& field) {
    const std::string_view text = request.Query(field);
    if (text.empty()) {
        return std::optional<Tiyn>{};
    }
    auto amount = ingest::ParseMoneyText(text);
    if (!amount) {
        return Fail(Error::Invalid(field, "must be a sum in tenge, such as 1 250 000 or 99,50"));
    }
    return std::optional<Tiyn>{*amount};
}

void AddRisk(const Panel& panel, const std::string& language, std::int64_t lot_id, mustache::data& context) {
    auto explanation = panel.services().risk.Explain(lot_id, language == "kk");
    if (!explanation) {
        context.set("not_scored", mustache::data{true});
        return;
    }
    const bool kz = language == "kk";
    context.set("risk_score", Text(std::to_string(explanation->score)));
    const std::string level(Name(explanation->level));
    context.set("risk_level", Text(level));
    context.set("risk_level_name", Text(panel.Label(language, "level_" + level)));
    mustache::data flags{mustache::data::type::list};
    for (const auto& finding : explanation->findings) {
        if (finding.status != risk::Status::kTriggered) {
            continue;
        }
        mustache::data flag;
        flag.set("id", Text(finding.id));
        flag.set("name", Text(kz ? finding.name_kz : finding.name_ru));
        flag.set("explanation", Text(kz ? finding.explanation_kz : finding.explanation_ru));
        flag.set("threshold", Text(finding.threshold));
        flag.set("source", Text(finding.source));
        mustache::data evidence{mustache::data::type::list};
        for (const auto& [name, value] : finding.evidence) {
            mustache::data item;
            item.set("name", Text(name));
            item.set("value", Text(value));
            evidence.push_back(item);
        }
        flag.set("evidence", evidence);
        flags.push_back(flag);
    }
    context.set("flags", flags);
    context.set("no_flags", mustache::data{explanation->flags.empty()});
}

// Bid or not: the securities the method asks for, and for the user's price the dumping
// threshold, the anti-dumping sum, VAT by today's rate and the margin over the user's cost.
void AddBidCard(const Panel& panel,
                const http::Request& request,
                const docs::LotTldr& lot,
                mustache::data& context,
                std::vector<std::string>& problems) {
    const auto& rules = panel.services().rules;
    if (lot.securities) {
        context.set("bid_security", lot.securities->bid > 0 ? Money(lot.securities->bid) : mustache::data{false});
        context.set("performance_security",
                    lot.securities->performance > 0 ? Money(lot.securities->performance) : mustache::data{false});
        context.set("has_securities", mustache::data{true});
    }
    const auto method = Parse<ProcurementMethod>(lot.method_code);
    const auto price = TypedTenge(request, "price");
    const auto cost = TypedTenge(request, "cost");
    for (const auto* typed : {&price, &cost}) {
        if (!*typed) {
            problems.push_back(typed->error().details.at(0).field + ": " + typed->error().details.at(0).problem);
        }
    }
    context.set("price", Text(std::string(request.Query("price"))));
    context.set("cost", Text(std::string(request.Query("cost"))));
    if (method) {
        calc::DumpingInput input{*method, "other", lot.amount_without_vat, {}, lot.amount_without_vat, false};
        if (price && *price) {
            input.bid = **price;
        }
        if (auto dumping = calc::CalculateDumping(rules, input); dumping && dumping->applicable) {
            context.set("dumping_threshold", Percent(dumping->threshold));
            context.set("dumping_min", Money(dumping->min_allowed));
            context.set("dumping_source", Text(dumping->source));
            if (price && *price) {
                context.set("is_dumping", mustache::data{dumping->is_dumping});
                context.set("not_dumping", mustache::data{!dumping->is_dumping});
                if (dumping->anti_dumping_sum > 0) {
                    context.set("anti_dumping", Money(dumping->anti_dumping_sum));
                }
            }
        }
    }
    if (!price || !*price) {
        return;
    }
    const Tiyn bid = **price;
    const Date today = AlmatyDate(panel.services().clock.Now());
    if (auto vat = calc::CalculateVat(rules, calc::VatInput{bid, std::nullopt, true, today, "standard"}, today)) {
        context.set("vat", Money(vat->vat));
        context.set("vat_rate", Percent(vat->rate));
        if (cost && *cost) {
            calc::MarginInput input;
            input.lot_price = bid;
            input.cost = **cost;
            input.vat_rate = vat->rate;
            const auto margin = calc::CalculateMargin(input);
            context.set("profit", Money(margin.profit));
            context.set("margin", Percent(margin.margin));
            context.set("loss", mustache::data{margin.profit < 0});
        }
    }
}

}  // namespace

void RegisterLotPages(http::Router& router, const Panel& panel) {
    const http::RouteOptions page{.is_public = true, .counts_usage = false};
    router.Add(
        "GET",
        "/app/lots/{id}",
        WithSession(panel,
                    [&panel](http::Request& request, Session& session) {
                        const auto& s = panel.services();
                        const std::string language = panel.Language(request, &session);
                        const auto id = http::PositivePathId(request, "id");
                        if (!id) {
                            return panel.ErrorPage(request, &session, 404, panel.Label(language, "not_found"));
                        }
                        auto lot = s.tldr.ForLot(*id, DocsLanguage(language));
                        if (!lot) {
                            return panel.ErrorPage(request, &session, lot.error());
                        }
                        if (auto admitted = s.billing.Admit(session.principal, "web:/app/lots"); !admitted) {
                            return panel.ErrorPage(request, &session, admitted.error());
                        }
                        mustache::data context;
                        context.set("id", Text(std::to_string(lot->lot_id)));
                        context.set("title", Text(lot->title));
                        mustache::data lines{mustache::data::type::list};
                        for (const auto& line : lot->lines) {
                            lines.push_back(Text(line));
                        }
                        context.set("lines", lines);
                        context.set("amount", Money(lot->amount_without_vat));
                        context.set("amount_with_vat", Money(lot->amount_with_vat));
                        context.set("customer", Text(lot->customer_name));
                        context.set("customer_bin", Text(lot->customer_bin));
                        context.set("method", Text(lot->method_name));
                        context.set("status", Text(panel.Label(language, "status_" + lot->status)));
                        if (lot->deadline_astana) {
                            context.set("deadline", Text(*lot->deadline_astana));
                        }
                        if (lot->days_left) {
                            context.set("days_left", Text(std::to_string(*lot->days_left)));
                            context.set("closing", mustache::data{*lot->days_left >= 0 && *lot->days_left <= 3});
                        }
                        AddRisk(panel, language, *id, context);
                        context.set("letters", LetterLinks(panel, *id, language));
                        std::vector<std::string> problems;
                        AddBidCard(panel, request, *lot, context, problems);
                        if (!problems.empty()) {
                            mustache::data list{mustache::data::type::list};
                            for (const auto& problem : problems) {
                                mustache::data item;
                                item.set("message", Text(problem));
                                list.push_back(item);
                            }
                            context.set("problems", list);
                            context.set("has_problems", mustache::data{true});
                        }
                        if (auto prices = s.imports.PricesFor(*id, kMatchedPrices); prices && !prices->offers.empty()) {
                            mustache::data offers{mustache::data::type::list};
                            for (const auto& offer : prices->offers) {
                                mustache::data item;
                                item.set("title", Text(offer.offer.title));
                                item.set("source", Text(offer.offer.source));
                                item.set("price", Money(offer.offer.price));
                                item.set("profit", Money(offer.profit));
                                item.set("margin", Percent(offer.margin));
                                offers.push_back(item);
                            }
                            context.set("offers", offers);
                        }
                        search::LotQuery similar;
                        similar.text = lot->title;
                        similar.match_any = true;
                        similar.limit = kSimilarLots + 1;
                        similar.facets = false;
                        if (auto found = s.search.Search(similar)) {
                            std::erase_if(found->lots, [&](const auto& f) { return f.lot.id == *id; });
                            if (found->lots.size() > kSimilarLots) {
                                found->lots.resize(kSimilarLots);
                            }
                            if (!found->lots.empty()) {
                                context.set("similar", LotRows(panel, language, found->lots, s.clock.Now()));
                            }
                        }
                        return panel.Page(request, &session, "lot", std::move(context), problems.empty() ? 200 : 422);
                    }),
        page);

    // The complaint about the lot's procurement, as a PDF to file or a DOCX to edit.
    for (const bool pdf : {true, false}) {
        router.Add("GET",
                   pdf ? "/app/lots/{id}/complaint.pdf" : "/app/lots/{id}/complaint.docx",
                   WithSession(
                       panel,
                       [&panel, pdf](http::Request& request, Session& session) {
                           const auto& s = panel.services();
                           const std::string language = panel.Language(request, &session);
                           const auto id = http::PositivePathId(request, "id");
                           if (!id) {
                               return panel.ErrorPage(request, &session, 404, panel.Label(language, "not_found"));
                           }
                           docs::ComplaintRequest ask;
                           ask.lot_id = *id;
                           ask.reason = std::string(request.Query("reason"));
                           ask.date = AlmatyDate(s.clock.Now());
                           ask.language = DocsCode(language);
                           auto complaint = s.complaints.Generate(ask);
                           if (!complaint) {
                               return panel.ErrorPage(request, &session, complaint.error());
                           }
                           const auto docs_language = DocsLanguage(language);
                           auto bytes =
                               pdf ? docs::RenderPdf(complaint->document, docs_language, panel.config().render_limits)
                                   : docs::RenderDocx(complaint->document, docs_language, panel.config().render_limits);
                           if (!bytes) {
                               return panel.ErrorPage(request, &session, bytes.error());
                           }
                           http::Response response;
                           response.content_type = pdf ? docs::kPdfType : docs::kDocxType;
                           response.body = std::move(*bytes);
                           response.headers.emplace_back(
                               "Content-Disposition",
                               fmt::format("attachment; filename=complaint-{}.{}", *id, pdf ? "pdf" : "docx"));
                           AddSecurityHeaders(response);
                           return response;
                       }),
                   http::RouteOptions{.is_public = true, .counts_usage = false, .blocking = true});
    }

    // A question about the lot: the answer (≤ 500 characters, with sources) put in place by htmx.
    router.Add("POST",
               "/app/lots/{id}/ask",
               WithSessionAndCsrf(
                   panel,
                   [&panel](http::Request& request, Session& session, std::map<std::string, std::string>& form) {
                       const auto& s = panel.services();
                       const std::string language = panel.Language(request, &session);
                       const auto id = http::PositivePathId(request, "id");
                       const std::string question = form["question"];
                       mustache::data context;
                       if (!id || question.empty() || text::Length(question) > llm::kMaxAnswerCharacters) {
                           context.set("problem", Text("question: 1 to 500 characters"));
                           return panel.Fragment(request, &session, "answer", std::move(context));
                       }
                       std::vector<llm::LotFacts> lots;
                       if (auto lot = s.tldr.ForLot(*id, DocsLanguage(language))) {
                           lots.push_back(llm::LotFacts{*id, lot->title, lot->lines});
                       }
                       const auto answer = s.ask.Ask(
                           question,
                           lots,
                           llm::AskContext{AlmatyDate(s.clock.Now()),
                                           language == "kk" ? llm::Language::kKazakh : llm::Language::kRussian});
                       context.set("answer", Text(answer.text));
                       mustache::data sources{mustache::data::type::list};
                       for (const auto& source : answer.sources) {
                           mustache::data item;
                           item.set("title", Text(source.title));
                           item.set("reference", Text(source.reference));
                           sources.push_back(item);
                       }
                       context.set("sources", sources);
                       return panel.Fragment(request, &session, "answer", std::move(context));
                   }),
               http::RouteOptions{.is_public = true, .counts_usage = false, .blocking = true});
}

}  // namespace zakupai::web
