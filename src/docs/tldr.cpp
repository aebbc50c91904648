#include "docs/tldr.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "calc/calculators.hpp"
#include "core/json.hpp"

namespace zakupai::docs {

namespace {

struct Names {
    std::string_view code;
    std::string_view ru;
    std::string_view kz;
};

constexpr std::array<Names, 6> kMethods{{{"tender", "конкурс", "конкурс"},
                                         {"auction", "аукцион", "аукцион"},
                                         {"price_offers", "запрос ценовых предложений", "баға ұсыныстарын сұрату"},
                                         {"turnkey", "конкурс «под ключ»", "«кілтін тапсыру» конкурсы"},
                                         {"eshop", "электронный магазин", "электрондық дүкен"},
                                         {"single_source", "из одного источника", "бір көзден"}}};
constexpr std::array<Names, 4> kStatuses{{{"published", "опубликован", "жарияланды"},
                                          {"accepting_bids", "приём заявок", "өтінімдер қабылдануда"},
                                          {"evaluation", "рассмотрение заявок", "өтінімдерді қарау"},
                                          {"completed", "завершён", "аяқталды"}}};

template <std::size_t N>
std::string NameOf(const std::array<Names, N>& names, std::string_view code, Language language) {
    for (const auto& n : names) {
        if (n.code == code) {
            return std::string(language == Language::kRussian ? n.ru : n.kz);
        }
    }
    return std::string(code);
}

std::string LocalDeadline(Instant deadline) {
    const Instant local = deadline + AlmatyUtcOffset(deadline);
    const auto day = std::chrono::floor<std::chrono::days>(local);
    const std::chrono::hh_mm_ss<std::chrono::milliseconds> time{local - day};
    return fmt::format("{} {:02}:{:02}", FormatDottedDate(Date{day}), time.hours().count(), time.minutes().count());
}

}  // namespace

std::string LotTldrJson(const store::LotRecord& lot,
                        const calc::RuleBook& rules,
                        Instant now,
                        Language language,
                        const std::optional<RiskSummary>& risks) {
    const bool ru = language == Language::kRussian;
    const auto& row = lot.row;
    // Plan amounts are without VAT (Rules 687 p.12); the gross figure uses today's standard rate.
    const calc::VatRate* rate = rules.FindVat("standard", AlmatyDate(now));
    const calc::BasisPoints vat_rate = rate != nullptr ? rate->rate : 0;
    const Tiyn with_vat = row.price + ApplyBasisPoints(row.price, vat_rate);
    calc::SecuritiesInput securities_input;
    securities_input.method = row.method;
    securities_input.amount = row.price;
    securities_input.year = static_cast<int>(AlmatyDate(now).year());
    const auto securities = calc::CalculateSecurities(rules, securities_input);
    std::optional<std::int64_t> days_left;
    if (lot.deadline) {
        days_left = std::chrono::floor<std::chrono::days>(*lot.deadline - now).count();
    }

    std::vector<std::string> lines;
    const std::string quantity = row.quantity.empty() ? "" : ", " + row.quantity + " " + row.unit;
    lines.push_back(fmt::format("{}: {}{}", ru ? "Предмет закупки" : "Сатып алу нысанасы", row.title, quantity));
    lines.push_back(fmt::format("{}: {} {} ({} {} {}%)",
                                ru ? "Сумма" : "Сомасы",
                                FormatMoney(row.price),
                                ru ? "без НДС" : "ҚҚС-сыз",
                                FormatMoney(with_vat),
                                ru ? "с НДС" : "ҚҚС-пен",
                                FormatPercentRu(vat_rate)));
    lines.push_back(fmt::format(
        "{}: {}, {} {}", ru ? "Заказчик" : "Тапсырыс беруші", row.customer_name, ru ? "БИН" : "БСН", row.customer_bin));
    lines.push_back(fmt::format("{}: {}; {}: {}",
                                ru ? "Способ" : "Тәсілі",
                                NameOf(kMethods, row.method, language),
                                ru ? "статус" : "мәртебесі",
                                NameOf(kStatuses, row.status, language)));
    if (lot.deadline) {
        const std::string left = *days_left < 0
                                     ? (ru ? "срок истёк" : "мерзімі өтті")
                                     : fmt::format("{} {}", ru ? "осталось дней:" : "қалған күн:", *days_left);
        lines.push_back(fmt::format("{}: {} (Астана), {}",
                                    ru ? "Окончание приёма заявок" : "Өтінімдерді қабылдау аяқталады",
                                    LocalDeadline(*lot.deadline),
                                    left));
    }
    if (!row.region.empty()) {
        lines.push_back(fmt::format("{}: {}", ru ? "Место поставки" : "Жеткізу орны", row.region));
    }
    if (securities) {
        lines.push_back(fmt::format("{}: {}; {}: {}",
                                    ru ? "Обеспечение заявки" : "Өтінімді қамтамасыз ету",
                                    FormatMoney(securities->bid.amount),
                                    ru ? "обеспечение исполнения" : "орындауды қамтамасыз ету",
                                    FormatMoney(securities->performance.amount)));
    }

    if (risks) {
        std::string names;
        for (const auto& [id, name] : risks->flags) {
            names += (names.empty() ? "" : "; ") + name;
        }
        const auto level = risks->level == "high"     ? (ru ? "высокий" : "жоғары")
                           : risks->level == "medium" ? (ru ? "средний" : "орташа")
                                                      : (ru ? "низкий" : "төмен");
        lines.push_back(names.empty()
                            ? fmt::format("{}: {}/100 ({})", ru ? "Риск" : "Тәуекел", risks->score, level)
                            : fmt::format("{}: {}/100 ({}): {}", ru ? "Риск" : "Тәуекел", risks->score, level, names));
    }
    JsonWriter w;
    w.BeginObject().Field("lot_id", lot.id).Field("language", ru ? "ru" : "kz");
    w.Key("lines").BeginArray();
    for (const auto& line : lines) {
        w.String(line);
    }
    w.EndArray();
    w.Field("title", row.title).Field("quantity", row.quantity).Field("unit", row.unit);
    w.MoneyField("amount_without_vat", row.price).MoneyField("amount_with_vat", with_vat);
    w.Key("vat_rate").Decimal(vat_rate, 2);
    w.Key("customer").BeginObject().Field("name", row.customer_name).Field("bin", row.customer_bin).EndObject();
    w.Key("method").BeginObject().Field("code", row.method).Field("name", NameOf(kMethods, row.method, language));
    w.EndObject().Field("status", row.status).Field("delivery_place", row.region).Field("enstru", row.enstru);
    w.OptionalField("deadline", lot.deadline ? std::optional(FormatUtcTimestamp(*lot.deadline)) : std::nullopt);
    w.OptionalField("deadline_astana", lot.deadline ? std::optional(LocalDeadline(*lot.deadline)) : std::nullopt);
    w.Key("days_left");
    if (days_left) {
        w.Int(*days_left);
    } else {
        w.Null();
    }
    if (securities) {
        w.Key("securities").BeginObject().MoneyField("bid", securities->bid.amount);
        w.MoneyField("performance", securities->performance.amount).EndObject();
    } else {
        w.Key("securities").Null();
    }
    // null when the lot was never scored: not the same as "no red flags".
    w.Key("risks");
    if (risks) {
        w.BeginObject()
            .Field("score", risks->score)
            .Field("level", risks->level)
            .Field("model_version", risks->model_version)
            .Field("evaluated_at", risks->evaluated_at)
            .Key("flags")
            .BeginArray();
        for (const auto& [id, name] : risks->flags) {
            w.BeginObject().Field("id", id).Field("name", name).EndObject();
        }
        w.EndArray().Field("explain", fmt::format("/risk/explain/{}", lot.id)).EndObject();
    } else {
        w.Null();
    }
    return w.EndObject().Take();
}

Result<std::string> TldrService::ForLot(std::int64_t lot_id, Language language) const {
    auto lot = lots_.FindLot(lot_id);
    if (!lot) {
        return Fail(Error::NotFound(fmt::format("Lot {} not found", lot_id)));
    }
    return LotTldrJson(*lot, rules_, clock_.Now(), language, risks_ ? risks_(lot_id, language) : std::nullopt);
}

std::string TldrService::ForText(std::string_view text, Language language) const {
    std::vector<std::string> lines;
    std::string source = "offline";
    std::string fallback_reason;
    if (summarizer_.run) {
        auto composed = summarizer_.run(std::string(text), language);
        if (composed && !composed->empty()) {
            lines = std::move(*composed);
            source = summarizer_.name;
        } else {
            fallback_reason = summarizer_.name + ": " + (composed ? "no lines" : composed.error().message);
        }
    }
    if (lines.empty()) {
        lines = KeySentences(text, 3);
    }
    JsonWriter w;
    w.BeginObject().Key("lot_id").Null().Field("language", language == Language::kRussian ? "ru" : "kz");
    w.Key("lines").BeginArray();
    for (const auto& line : lines) {
        w.String(line);
    }
    w.EndArray().Field("source", source);
    if (!fallback_reason.empty()) {
        w.Field("fallback_reason", fallback_reason);
    }
    return w.EndObject().Take();
}

std::vector<std::string> KeySentences(std::string_view text, std::size_t count) {
    struct Sentence {
        std::string text;
        int score = 0;
        std::size_t position = 0;
    };
    std::vector<Sentence> sentences;
    std::string current;
    auto flush = [&] {
        const auto first = current.find_first_not_of(" \t\r\n");
        if (first != std::string::npos) {
            const auto last = current.find_last_not_of(" \t\r\n");
            sentences.push_back({current.substr(first, last - first + 1), 0, sentences.size()});
        }
        current.clear();
    };
    for (char c : text) {
        if (c == '\n') {
            flush();
            continue;
        }
        current += c;
        if (c == '.' || c == '!' || c == '?' || c == ';') {
            flush();
        }
    }
    flush();
    static constexpr std::array<std::string_view, 12> kFactWords{
        "срок", "тенге", "₸", "сумм", "поставк", "дн", "БИН", "НДС", "лот", "мерзім", "теңге", "жеткіз"};
    for (auto& s : sentences) {
        s.score +=
            static_cast<int>(std::count_if(s.text.begin(), s.text.end(), [](char c) { return c >= '0' && c <= '9'; }));
        for (auto word : kFactWords) {
            if (s.text.find(word) != std::string::npos) {
                s.score += 5;
            }
        }
    }
    std::stable_sort(
        sentences.begin(), sentences.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
    sentences.resize(std::min(count, sentences.size()));
    std::sort(sentences.begin(), sentences.end(), [](const auto& a, const auto& b) { return a.position < b.position; });
    std::vector<std::string> out;
    out.reserve(sentences.size());
    for (auto& s : sentences) {
        out.push_back(std::move(s.text));
    }
    return out;
}

std::string MethodName(std::string_view code, Language language) {
    return NameOf(kMethods, code, language);
}

}  // namespace zakupai::docs
