#include <fmt/format.h>

#include "calc/calculators.hpp"

namespace zakupai::calc {

namespace {
// pct of amount, rounded once, exactly, to whole tenge (Rules 687 p.106, p.549).
Tiyn WholeTengeShare(Tiyn amount, BasisPoints pct) {
    return RoundScaledToWholeTenge(static_cast<Int128>(amount) * pct);
}
}  // namespace

Result<SecuritiesResult> CalculateSecurities(const RuleBook& rules, const SecuritiesInput& input) {
    SecuritiesResult r;
    r.method = input.method;
    const MethodPercent* bid_rule = nullptr;
    for (const auto& m : rules.bid_security) {
        if (m.method == input.method) {
            bid_rule = &m;
        }
    }
    if (bid_rule == nullptr) {
        return Fail(Error::Invalid("method", "unknown procurement method"));
    }

    r.bid.base = input.amount;
    r.bid.pct = bid_rule->pct;
    r.bid.source = bid_rule->source;
    if (input.disability_org) {
        r.bid.rule = "Не вносится: поставщик — организация лиц с инвалидностью (ст. 27 Закона № 106-VIII)";
        r.bid.source = "Закон № 106-VIII, ст. 27";
    } else if (bid_rule->pct == 0) {
        r.bid.rule = "Не требуется для этого способа закупки";
    } else {
        r.bid.required = true;
        r.bid.amount = WholeTengeShare(input.amount, bid_rule->pct);
        r.bid.rule = fmt::format("{}% от суммы, выделенной на лот, с округлением до целого тенге",
                                 FormatPercentRu(bid_rule->pct));
    }

    const Tiyn contract_sum = input.contract_sum.value_or(input.amount);
    r.performance.base = contract_sum;
    r.performance.pct =
        input.method == ProcurementMethod::kPriceOffers ? rules.performance_price_offers : rules.performance_default;
    r.performance.source = rules.performance_source;
    const Tiyn eshop_limit = rules.Mrp(input.year) * rules.eshop_performance_exempt_mrp;
    if (input.kz_producer) {
        r.performance.rule = "Не требуется: поставщик в реестре казахстанских товаропроизводителей (п. 538 Правил)";
    } else if (input.method == ProcurementMethod::kSingleSource) {
        r.performance.rule =
            "Не требуется при прямом заключении договора из одного источника (п. 538 Правил), кроме "
            "подпунктов 19) и 41)";
    } else if (input.method == ProcurementMethod::kEshop && contract_sum <= eshop_limit) {
        r.performance.rule = fmt::format("Не требуется: договор электронного магазина не более {} МРП ({} ₸) (п. 538)",
                                         rules.eshop_performance_exempt_mrp,
                                         FormatTenge(eshop_limit));
    } else {
        r.performance.required = true;
        r.performance.amount = WholeTengeShare(contract_sum, r.performance.pct);
        r.performance.rule = fmt::format("{}% от общей суммы договора, с округлением до целого тенге",
                                         FormatPercentRu(r.performance.pct));
    }

    Tiyn advance = 0;
    if (input.advance_amount) {
        advance = *input.advance_amount;
    } else if (input.advance_pct) {
        advance = ApplyBasisPoints(contract_sum, *input.advance_pct);
    }
    if (advance > contract_sum) {
        return Fail(Error::Invalid("advance_amount", "must not exceed the contract sum"));
    }
    r.advance.base = advance;
    r.advance.pct = contract_sum == 0 ? 0 : DivideRoundHalfUp(static_cast<Int128>(advance) * 10'000, contract_sum);
    r.advance.source = "Закон № 106-VIII, ст. 17 п. 10; Правила № 687, п. 539, п. 543–544";
    if (advance == 0) {
        r.advance.rule = "Аванс не предусмотрен";
    } else if (input.treasury_support) {
        r.advance.rule = "Не требуется при казначейском сопровождении (п. 539 Правил)";
    } else if (input.kz_producer) {
        r.advance.rule = "Не требуется: поставщик в реестре казахстанских товаропроизводителей (п. 539 Правил)";
    } else {
        r.advance.required = true;
        r.advance.amount = RoundToWholeTenge(advance);
        r.advance.rule = "Равно сумме аванса (п. 543 Правил)";
    }
    r.total = r.bid.amount + r.performance.amount + r.advance.amount;
    return r;
}

}  // namespace zakupai::calc
