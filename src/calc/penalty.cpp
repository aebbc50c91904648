#include <fmt/format.h>

#include "calc/calculators.hpp"

namespace zakupai::calc {

std::int64_t DaysOverdue(Date due_date, Date performed_on) {
    return std::max<std::int64_t>(0, DaysBetween(due_date, performed_on));
}

Result<PenaltyResult> CalculatePenalty(const RuleBook& rules, const PenaltyInput& input) {
    PenaltyResult r;
    r.input = input;
    const std::string rate_text = FormatPercentRu(input.daily_rate);
    if (input.party == PenaltyParty::kCustomerLatePayment) {
        if (!input.unperformed_sum) {
            return Fail(Error::Invalid("overdue_sum", "is required for a customer's late payment"));
        }
        r.base = *input.unperformed_sum;
        r.cap_rate = input.cap_override.value_or(rules.customer_late_cap);
        r.source = rules.customer_late_source;
        r.rule = fmt::format("Заказчик: {}% от просроченной суммы за каждый день, не более {}% общей суммы договора",
                             rate_text,
                             FormatPercentRu(r.cap_rate));
    } else {
        r.base = input.unperformed_sum.value_or(input.contract_sum);
        const PenaltyCap* cap = nullptr;
        for (const auto& c : rules.penalty_caps) {
            if (c.contract_type == input.contract_type) {
                cap = &c;
            }
        }
        if (cap == nullptr) {
            return Fail(Error::Invalid("contract_type", "must be one of: goods, works, services, other"));
        }
        if (input.cap_override) {
            r.cap_rate = *input.cap_override;
            r.source = "cap_pct из запроса";
        } else if (input.kz_producer) {
            r.cap_rate = rules.kz_producer_cap;
            r.source = rules.kz_producer_source;
        } else {
            r.cap_rate = cap->cap;
            r.source = cap->source;
            r.cap_verified = cap->verified;
        }
        r.rule =
            fmt::format("Поставщик: {}% от {} за каждый календарный день просрочки, не более {}% общей суммы договора",
                        rate_text,
                        input.unperformed_sum ? "стоимости неисполненных обязательств" : "общей суммы договора",
                        FormatPercentRu(r.cap_rate));
    }
    if (r.base > input.contract_sum) {
        return Fail(
            Error::Invalid(input.party == PenaltyParty::kCustomerLatePayment ? "overdue_sum" : "unperformed_sum",
                           "must not exceed contract_sum"));
    }
    const Int128 per_day = static_cast<Int128>(r.base) * input.daily_rate;  // in 1/10000 tiyn
    r.uncapped_penalty = DivideRoundHalfUp(per_day * input.days_overdue, 10'000);
    r.cap = ApplyBasisPoints(input.contract_sum, r.cap_rate);
    r.capped = r.uncapped_penalty > r.cap;
    r.penalty = std::min(r.uncapped_penalty, r.cap);
    if (per_day > 0) {
        // First day d with base * rate * d >= contract_sum * cap_rate, compared exactly.
        const Int128 cap_exact = static_cast<Int128>(input.contract_sum) * r.cap_rate;
        r.cap_day = static_cast<std::int64_t>((cap_exact + per_day - 1) / per_day);
        if (input.due_date) {
            r.cap_date = Date{std::chrono::sys_days{*input.due_date} + std::chrono::days{*r.cap_day}};
        }
    }
    return r;
}

}  // namespace zakupai::calc
