#include <fmt/format.h>

#include "calc/calculators.hpp"

namespace zakupai::calc {

std::vector<std::string> DumpingSubjects(const RuleBook& rules) {
    std::vector<std::string> subjects;
    for (const auto& rule : rules.dumping) {
        if (rule.method == ProcurementMethod::kTender) {
            subjects.push_back(rule.subject);
        }
    }
    return subjects;
}

Result<DumpingResult> CalculateDumping(const RuleBook& rules, const DumpingInput& input) {
    DumpingResult r;
    r.method = input.method;
    r.subject = input.subject;
    if (input.method == ProcurementMethod::kAuction || input.method == ProcurementMethod::kSingleSource) {
        r.applicable = false;
        r.rule =
            input.method == ProcurementMethod::kAuction
                ? "Для аукциона порог демпинга Правилами не установлен; стартовая цена не может быть ниже выделенной "
                  "суммы более чем на 5% (ст. 3 п. 5 Закона), шаг 0,5–5% (п. 399 Правил)"
                : "Для закупки из одного источника демпинг не определяется";
        r.source = input.method == ProcurementMethod::kAuction ? "Закон № 106-VIII, ст. 3 п. 5; Правила № 687, п. 399"
                                                               : "Закон № 106-VIII";
        return r;
    }
    // A turnkey tender is a tender for the dumping rules.
    const auto method = input.method == ProcurementMethod::kTurnkey ? ProcurementMethod::kTender : input.method;
    const DumpingRule* rule = nullptr;
    for (const auto& candidate : rules.dumping) {
        if (candidate.method == method && (candidate.subject == input.subject || candidate.subject == "any")) {
            rule = &candidate;
        }
    }
    if (rule == nullptr) {
        std::string list;
        for (const auto& s : DumpingSubjects(rules)) {
            list += (list.empty() ? "" : ", ") + s;
        }
        return Fail(Error::Invalid("subject", "must be one of: " + list));
    }
    if (rule->reference == "offers_mean") {
        if (input.offers.empty() && !input.reference) {
            return Fail(
                Error::Invalid("offers", "is required for the e-shop (the mean of the offers is the reference)"));
        }
        if (!input.offers.empty()) {
            Int128 sum = 0;
            for (Tiyn offer : input.offers) {
                sum += offer;
            }
            r.reference = DivideRoundHalfUp(sum, static_cast<Int128>(input.offers.size()));
        } else {
            r.reference = *input.reference;
        }
    } else {
        if (!input.reference) {
            return Fail(Error::Invalid("amount", "is required (the amount allocated for the lot)"));
        }
        r.reference = *input.reference;
    }
    if (r.reference == 0) {
        return Fail(Error::Invalid("amount", "must be > 0"));
    }

    r.subject = rule->subject;
    r.subject_name = rule->name_ru;
    r.threshold = rule->threshold;
    r.source = rule->source;
    // Exact comparison: dumping only when the bid is MORE than threshold% below ("более чем на").
    const Int128 min_allowed_scaled = static_cast<Int128>(r.reference) * (10'000 - r.threshold);
    const Int128 bid_scaled = static_cast<Int128>(input.bid) * 10'000;
    r.min_allowed = DivideRoundHalfUp(min_allowed_scaled, 10'000);
    r.is_dumping = bid_scaled < min_allowed_scaled;
    r.below_reference = input.bid >= r.reference
                            ? 0
                            : DivideRoundHalfUp(static_cast<Int128>(r.reference - input.bid) * 10'000, r.reference);
    r.allowed = r.is_dumping && rule->allowed;
    r.bid_rejected = r.is_dumping && !rule->allowed;
    if (r.allowed) {
        r.anti_dumping_sum = RoundScaledToWholeTenge(min_allowed_scaled - bid_scaled);
    }
    r.performance_pct =
        method == ProcurementMethod::kPriceOffers ? rules.performance_price_offers : rules.performance_default;
    if (!r.bid_rejected && !input.kz_producer && method != ProcurementMethod::kEshop) {
        r.performance_security = RoundScaledToWholeTenge(static_cast<Int128>(input.bid) * r.performance_pct);
    }
    r.total_deposit = r.performance_security + r.anti_dumping_sum;
    const std::string threshold_text = FormatPercentRu(r.threshold);
    if (!r.is_dumping) {
        r.rule = fmt::format("Цена не ниже порога: демпинг — цена ниже {} более чем на {}%",
                             rule->reference == "offers_mean" ? "средней цены предложений" : "выделенной суммы",
                             threshold_text);
    } else if (r.allowed) {
        r.rule = fmt::format(
            "Демпинг (ниже более чем на {}%): допускается при внесении антидемпинговой суммы, равной "
            "разнице между минимальной допустимой ценой и ценой предложения, сверх обеспечения исполнения",
            threshold_text);
    } else {
        r.rule = fmt::format("Демпинг (ниже более чем на {}%): для этого предмета закупки заявка не принимается",
                             threshold_text);
    }
    return r;
}

}  // namespace zakupai::calc
