#include <fmt/format.h>

#include "calc/calculators.hpp"

namespace zakupai::calc {

Result<VatResult> CalculateVat(const RuleBook& rules, const VatInput& input, Date today) {
    VatResult result;
    result.include_vat = input.include_vat;
    result.category = input.category;
    if (input.rate) {
        result.rate = *input.rate;
        result.rule = fmt::format("Ставка {}% задана в запросе", FormatPercentRu(*input.rate));
        result.source = "vat_rate из запроса";
    } else {
        const Date date = input.date.value_or(today);
        const VatRate* rate = rules.FindVat(input.category, date);
        if (rate == nullptr) {
            return Fail(Error::Invalid(
                "date", fmt::format("no VAT rate for category '{}' on {}", input.category, FormatIsoDate(date))));
        }
        result.rate = rate->rate;
        result.date = date;
        result.rule = fmt::format("Ставка НДС {}% действует на дату оборота {} (категория {})",
                                  FormatPercentRu(rate->rate),
                                  FormatDottedDate(date),
                                  input.category);
        result.source = rate->source;
    }
    if (input.include_vat) {
        // VAT inside a gross price: gross * r / (1 + r).
        result.total = input.amount;
        result.vat = DivideRoundHalfUp(static_cast<Int128>(input.amount) * result.rate, 10'000 + result.rate);
        result.base = input.amount - result.vat;
    } else {
        result.base = input.amount;
        result.vat = ApplyBasisPoints(input.amount, result.rate);
        result.total = input.amount + result.vat;
    }
    return result;
}

}  // namespace zakupai::calc
