#include "calc/calculators.hpp"

namespace zakupai::calc {

namespace {
BasisPoints Ratio(Tiyn numerator, Tiyn denominator) {
    if (denominator == 0) {
        return 0;
    }
    return DivideRoundHalfUp(static_cast<Int128>(numerator) * 10'000, denominator);
}
}  // namespace

MarginResult CalculateMargin(const MarginInput& input) {
    MarginResult r;
    r.input = input;
    const Tiyn price = input.lot_price * input.quantity;
    const bool charges_vat = input.vat_payer && input.vat_rate > 0;
    if (!charges_vat) {
        r.revenue_gross = price;
        r.revenue_net = price;
    } else if (input.price_includes_vat) {
        r.revenue_gross = price;
        r.revenue_net = price - DivideRoundHalfUp(static_cast<Int128>(price) * input.vat_rate, 10'000 + input.vat_rate);
    } else {
        r.revenue_net = price;
        r.revenue_gross = price + ApplyBasisPoints(price, input.vat_rate);
    }
    r.vat_payable = r.revenue_gross - r.revenue_net;
    r.cost_total = input.cost * input.quantity + input.logistics + input.other_costs;
    r.profit = r.revenue_net - r.cost_total;
    r.margin = Ratio(r.profit, r.revenue_net);
    r.markup = Ratio(r.profit, r.cost_total);
    // The price, in the same VAT terms as lot_price, at which profit is zero.
    r.break_even_price = charges_vat && input.price_includes_vat
                             ? r.cost_total + ApplyBasisPoints(r.cost_total, input.vat_rate)
                             : r.cost_total;
    r.break_even_unit_price = DivideRoundHalfUp(r.break_even_price, input.quantity);
    r.rule =
        "Выручка без НДС = цена − НДС внутри цены; прибыль = выручка без НДС − (себестоимость + логистика + "
        "прочие); маржа = прибыль / выручка без НДС; наценка = прибыль / затраты";
    return r;
}

}  // namespace zakupai::calc
