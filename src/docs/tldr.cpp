#include "docs/tldr.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "calc/calculators.hpp"

namespace zakupai::docs {

namespace {

struct Names {
    std::string_view ru;
    std::string_view kz;
};

constexpr Names NamesOf(ProcurementMethod method) {
    switch (method) {
        case ProcurementMethod::kTender:
            return {"конкурс", "конкурс"};
        case ProcurementMethod::kAuction:
            return {"аукцион", "аукцион"};
        case ProcurementMethod::kPriceOffers:
            return {"запрос ценовых предложений", "баға ұсыныстарын сұрату"};
        case ProcurementMethod::kTurnkey:
            return {"конкурс «под ключ»", "«кілтін тапсыру» конкурсы"};
        case ProcurementMethod::kEshop:
            return {"электронный магазин", "электрондық дүкен"};
        case ProcurementMethod::kSingleSource:
            return {"из одного источника", "бір көзден"};
    }
    return {};
}

constexpr Names NamesOf(LotStatus status) {
    switch (status) {
        case LotStatus::kDraft:
            return {"проект", "жоба"};
        case LotStatus::kPublished:
            return {"опубликован", "жарияланды"};
        case LotStatus::kAcceptingBids:
            return {"приём заявок", "өтінімдер қабылдануда"};
        case LotStatus::kEvaluation:
            return {"рассмотрение заявок", "өтінімдерді қарау"};
        case LotStatus::kCompleted:
            return {"завершён", "аяқталды"};
        case LotStatus::kFailed:
            return {"не состоялся", "өтпеді"};
        case LotStatus::kCancelled:
            return {"отменён", "күшін жойды"};
        case LotStatus::kSuspended:
            return {"приостановлен", "тоқтатылды"};
    }
    return {};
}

std::string InLanguage(const Names& names, Language language) {
    return std::string(language == Language::kRussian ? names.ru : names.kz);
}

}  // namespace

LotTldr MakeLotTldr(const store::LotRecord& lot,
                    const calc::RuleBook& rules,
                    Instant now,
                    Language language,
                    const std::optional<RiskSummary>& risks) {
    const bool ru = language == Language::kRussian;
    const auto& row = lot.row;
    LotTldr t;
    t.lot_id = lot.id;
    t.language = language;
    t.title = row.title;
    t.quantity = row.quantity;
    t.unit = row.unit;
    t.customer_name = row.customer_name;
    t.customer_bin = row.customer_bin;
    t.method_code = row.method;
    t.method_name = MethodName(row.method, language);
    t.status = row.status;
    t.delivery_place = row.region;
    t.enstru = row.enstru;
    t.deadline = lot.deadline;
    t.risks = risks;
    // Plan amounts are without VAT (Rules 687 p.12); the gross figure uses today's standard rate.
    const calc::VatRate* rate = rules.FindVat("standard", AlmatyDate(now));
    t.vat_rate = rate != nullptr ? rate->rate : 0;
    t.amount_without_vat = row.price;
    t.amount_with_vat = row.price + ApplyBasisPoints(row.price, t.vat_rate);
    if (const auto method = Parse<ProcurementMethod>(row.method)) {
        calc::SecuritiesInput securities_input;
        securities_input.method = *method;
        securities_input.amount = row.price;
        securities_input.year = static_cast<int>(AlmatyDate(now).year());
        if (const auto securities = calc::CalculateSecurities(rules, securities_input)) {
            t.securities = Securities{securities->bid.amount, securities->performance.amount};
        }
    }
    if (lot.deadline) {
        t.days_left = DaysLeft(*lot.deadline, now);
        t.deadline_astana = FormatAlmatyMinute(*lot.deadline);
    }

    auto& lines = t.lines;
    const std::string quantity = row.quantity.empty() ? "" : ", " + row.quantity + " " + row.unit;
    lines.push_back(fmt::format("{}: {}{}", ru ? "Предмет закупки" : "Сатып алу нысанасы", row.title, quantity));
    lines.push_back(fmt::format("{}: {} {} ({} {} {}%)",
                                ru ? "Сумма" : "Сомасы",
                                FormatMoney(row.price),
                                ru ? "без НДС" : "ҚҚС-сыз",
                                FormatMoney(t.amount_with_vat),
                                ru ? "с НДС" : "ҚҚС-пен",
                                FormatPercentRu(t.vat_rate)));
    lines.push_back(fmt::format(
        "{}: {}, {} {}", ru ? "Заказчик" : "Тапсырыс беруші", row.customer_name, ru ? "БИН" : "БСН", row.customer_bin));
    lines.push_back(fmt::format("{}: {}; {}: {}",
                                ru ? "Способ" : "Тәсілі",
                                t.method_name,
                                ru ? "статус" : "мәртебесі",
                                StatusName(row.status, language)));
    if (lot.deadline) {
        const std::string left = *t.days_left < 0
                                     ? (ru ? "срок истёк" : "мерзімі өтті")
                                     : fmt::format("{} {}", ru ? "осталось дней:" : "қалған күн:", *t.days_left);
        lines.push_back(fmt::format("{}: {} (Астана), {}",
                                    ru ? "Окончание приёма заявок" : "Өтінімдерді қабылдау аяқталады",
                                    *t.deadline_astana,
                                    left));
    }
    if (!row.region.empty()) {
        lines.push_back(fmt::format("{}: {}", ru ? "Место поставки" : "Жеткізу орны", row.region));
    }
    if (t.securities) {
        lines.push_back(fmt::format("{}: {}; {}: {}",
                                    ru ? "Обеспечение заявки" : "Өтінімді қамтамасыз ету",
                                    FormatMoney(t.securities->bid),
                                    ru ? "обеспечение исполнения" : "орындауды қамтамасыз ету",
                                    FormatMoney(t.securities->performance)));
    }
    if (risks) {
        std::string names;
        for (const auto& [id, name] : risks->flags) {
            names += (names.empty() ? "" : "; ") + name;
        }
        const auto level = risks->level == RiskLevel::kHigh     ? (ru ? "высокий" : "жоғары")
                           : risks->level == RiskLevel::kMedium ? (ru ? "средний" : "орташа")
                                                                : (ru ? "низкий" : "төмен");
        lines.push_back(names.empty()
                            ? fmt::format("{}: {}/100 ({})", ru ? "Риск" : "Тәуекел", risks->score, level)
                            : fmt::format("{}: {}/100 ({}): {}", ru ? "Риск" : "Тәуекел", risks->score, level, names));
    }
    return t;
}

Result<LotTldr> TldrService::ForLot(std::int64_t lot_id, Language language) const {
    auto lot = lots_.FindLot(lot_id);
    if (!lot) {
        return Fail(Error::NotFound(fmt::format("Lot {} not found", lot_id)));
    }
    return MakeLotTldr(*lot, rules_, clock_.Now(), language, risks_ ? risks_(lot_id, language) : std::nullopt);
}

TextTldr TldrService::ForText(std::string_view text, Language language) const {
    TextTldr t;
    t.language = language;
    if (summarizer_.run) {
        auto composed = summarizer_.run(std::string(text), language);
        if (composed && !composed->empty()) {
            t.lines = std::move(*composed);
            t.source = summarizer_.name;
        } else {
            t.fallback_reason = summarizer_.name + ": " + (composed ? "no lines" : composed.error().message);
        }
    }
    if (t.lines.empty()) {
        t.lines = KeySentences(text, 3);
    }
    return t;
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

std::string MethodName(ProcurementMethod method, Language language) {
    return InLanguage(NamesOf(method), language);
}

std::string MethodName(std::string_view code, Language language) {
    const auto method = Parse<ProcurementMethod>(code);
    return method ? MethodName(*method, language) : std::string(code);
}

std::string StatusName(std::string_view code, Language language) {
    const auto status = Parse<LotStatus>(code);
    return status ? InLanguage(NamesOf(*status), language) : std::string(code);
}

std::string_view LanguageCode(Language language) {
    return language == Language::kRussian ? "ru" : "kz";
}

}  // namespace zakupai::docs
