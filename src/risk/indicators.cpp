#include "risk/indicators.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "calc/calculators.hpp"
#include "docs/locale.hpp"

namespace zakupai::risk {

namespace {

constexpr const char* kModelVersion = "risk-2026.11.1";

Finding Make(
    const char* id, const char* name_ru, const char* name_kz, int weight, std::string threshold, std::string source) {
    Finding f;
    f.id = id;
    f.name_ru = name_ru;
    f.name_kz = name_kz;
    f.weight = weight;
    f.threshold = std::move(threshold);
    f.source = std::move(source);
    return f;
}

Finding NoData(Finding f, std::string what) {
    f.status = Status::kNoData;
    f.explanation_ru = "Недостаточно данных: " + std::move(what) + ".";
    return f;
}

// Evidence is read by people: Russian number and date formats.
std::string Money(Tiyn t) {
    return docs::FormatMoney(t);
}

std::string Day(Instant at) {
    return docs::FormatShortDate(AlmatyDate(at));
}

// Minimum bid windows in working days, Rules 687 pp. 164, 348, 411.
std::optional<int> MinimumWindow(const std::string& method) {
    if (method == "tender" || method == "auction") {
        return 5;
    }
    if (method == "price_offers") {
        return 2;
    }
    return std::nullopt;
}

}  // namespace

std::string_view StatusName(Status status) {
    switch (status) {
        case Status::kTriggered:
            return "triggered";
        case Status::kClear:
            return "clear";
        case Status::kNoData:
            return "no_data";
    }
    return "no_data";
}

std::optional<std::pair<double, double>> Quartiles(std::vector<double> values) {
    if (values.size() < 4) {
        return std::nullopt;
    }
    std::sort(values.begin(), values.end());
    auto at = [&](double q) {
        const double pos = q * static_cast<double>(values.size() - 1);
        const auto lower = static_cast<std::size_t>(std::floor(pos));
        const auto upper = std::min(lower + 1, values.size() - 1);
        return values[lower] + (values[upper] - values[lower]) * (pos - static_cast<double>(lower));
    };
    return std::pair{at(0.25), at(0.75)};
}

Finding ShortSubmissionWindow(const LotFacts& facts, const RiskContext& context) {
    Finding f = Make("short_window",
                     "Короткий срок подачи заявок",
                     "Өтінім беру мерзімі қысқа",
                     25,
                     "меньше законного минимума: конкурс и аукцион — 5 рабочих дней, запрос ценовых предложений — 2",
                     "Правила осуществления государственных закупок № 687, пп. 164, 348, 411");
    const auto minimum = MinimumWindow(facts.method);
    if (!minimum) {
        return NoData(f, "для способа «" + facts.method + "» минимальный срок не установлен");
    }
    if (!facts.start || !facts.deadline) {
        return NoData(f, "нет дат начала и окончания приёма заявок");
    }
    auto days = context.calendar.WorkingDaysBetween(AlmatyDate(*facts.start), AlmatyDate(*facts.deadline));
    if (!days) {
        return NoData(f, "нет производственного календаря на эти даты");
    }
    f.evidence = {{"начало приёма", Day(*facts.start)},
                  {"окончание приёма", Day(*facts.deadline)},
                  {"рабочих дней", std::to_string(*days)},
                  {"минимум", std::to_string(*minimum)}};
    f.status = *days < *minimum ? Status::kTriggered : Status::kClear;
    f.explanation_ru = fmt::format("На подачу заявок дано {} рабочих дн. при минимуме {}.", *days, *minimum);
    return f;
}

Finding DeadlineOnDayOff(const LotFacts& facts, const RiskContext& context) {
    Finding f = Make("deadline_day_off",
                     "Окончание приёма заявок в выходной или праздник",
                     "Өтінім қабылдау демалыс немесе мереке күні аяқталады",
                     10,
                     "дата окончания приёма заявок (время Астаны) — нерабочий день",
                     "Трудовой кодекс РК, ст. 84–85; производственный календарь");
    if (!facts.deadline) {
        return NoData(f, "нет даты окончания приёма заявок");
    }
    const Date day = AlmatyDate(*facts.deadline);
    auto working = context.calendar.IsWorkingDay(day);
    if (!working) {
        return NoData(f, "нет производственного календаря на " + docs::FormatShortDate(day));
    }
    f.evidence = {{"окончание приёма", docs::FormatShortDate(day)}};
    if (const auto* why = context.calendar.Explain(day)) {
        f.evidence.emplace_back("календарь", why->name_ru);
    }
    f.status = *working ? Status::kClear : Status::kTriggered;
    f.explanation_ru = *working ? "Приём заявок заканчивается в рабочий день."
                                : "Приём заявок заканчивается в нерабочий день: поставщику остаётся меньше времени.";
    return f;
}

Finding Dumping(const LotFacts& facts, const RiskContext& context) {
    Finding f = Make("dumping",
                     "Демпинговая цена",
                     "Демпингтік баға",
                     20,
                     "цена ниже выделенной суммы больше чем на порог способа и предмета (обычно 10%)",
                     "Закон о государственных закупках № 106-VIII, ст. 13; Правила № 687, гл. 5");
    if (!facts.bid) {
        return NoData(f, "нет цены предложения для проверки");
    }
    if (facts.method == "eshop") {
        // The e-shop's reference is the mean of all offers for the item, which a lot does not carry.
        return NoData(f, "в электронном магазине порог считается от средней цены предложений");
    }
    calc::DumpingInput input;
    input.method = facts.method;
    input.reference = facts.price;
    input.bid = *facts.bid;
    auto result = calc::CalculateDumping(context.rules, input);
    if (!result || !result->applicable) {
        return NoData(f, "для способа «" + facts.method + "» порог демпинга не установлен");
    }
    f.threshold = FormatPercentRu(result->threshold) + "% ниже выделенной суммы";
    f.source = result->source;
    f.evidence = {{"выделенная сумма", Money(result->reference)},
                  {"предложение", Money(*facts.bid)},
                  {"минимально допустимая цена", Money(result->min_allowed)},
                  {"ниже выделенной суммы на", FormatPercentRu(result->below_reference) + "%"}};
    if (result->is_dumping) {
        f.evidence.emplace_back("антидемпинговая сумма", Money(result->anti_dumping_sum));
    }
    f.status = result->is_dumping ? Status::kTriggered : Status::kClear;
    f.explanation_ru = result->is_dumping
                           ? (result->allowed ? "Цена демпинговая: допускается только с антидемпинговой суммой."
                                              : "Цена демпинговая: такая заявка не принимается.")
                           : "Цена не ниже порога демпинга.";
    return f;
}

Finding PriceAboveMarket(const LotFacts& facts, const RiskContext& /*context*/) {
    Finding f = Make("price_above_market",
                     "Цена за единицу выше рыночной",
                     "Бірлік бағасы нарықтықтан жоғары",
                     25,
                     "цена за единицу выше верхней границы Тьюки (Q3 + 1,5·IQR) по лотам с тем же кодом ЕНС ТРУ",
                     "Закон № 106-VIII, ст. 3 п. 29 (база цен); метод границ Тьюки (OCP cardinal)");
    if (!facts.quantity || *facts.quantity <= 0 || facts.enstru.empty()) {
        return NoData(f, "нет количества или кода ЕНС ТРУ");
    }
    auto quartiles = Quartiles(facts.peer_unit_prices);
    if (!quartiles) {
        return NoData(f, fmt::format("сравнимых лотов {} (нужно не меньше 4)", facts.peer_unit_prices.size()));
    }
    const auto [q1, q3] = *quartiles;
    if (q1 == 0 && q3 == 0) {
        return NoData(f, "все сравнимые цены нулевые");
    }
    const double fence = q3 + 1.5 * (q3 - q1);
    const double unit = static_cast<double>(facts.price) / *facts.quantity;
    auto tenge = [](double tiyn) { return Money(static_cast<Tiyn>(std::llround(tiyn))); };
    f.evidence = {{"код ЕНС ТРУ", facts.enstru},
                  {"сравнимых лотов", std::to_string(facts.peer_unit_prices.size())},
                  {"цена за единицу", tenge(unit)},
                  {"Q1", tenge(q1)},
                  {"Q3", tenge(q3)},
                  {"верхняя граница", tenge(fence)}};
    f.status = unit > fence ? Status::kTriggered : Status::kClear;
    f.explanation_ru = unit > fence ? fmt::format("Цена за единицу выше верхней границы в {:.2f} раза.", unit / fence)
                                    : "Цена за единицу в пределах обычного для этого кода.";
    return f;
}

Finding PriceAboveSupplierOffers(const LotFacts& facts, const RiskContext& /*context*/) {
    Finding f = Make("above_supplier_offers",
                     "Сумма лота выше предложений поставщиков",
                     "Лот сомасы жеткізушілер ұсыныстарынан жоғары",
                     15,
                     "сумма лота больше 120% самого дешёвого подобранного предложения из прайс-листов",
                     "правило over_market исходного ZakupAI (1,2 × рыночной суммы)");
    if (!facts.cheapest_supplier_cost || *facts.cheapest_supplier_cost <= 0) {
        return NoData(f, "нет подобранных цен из прайс-листов");
    }
    const Tiyn limit = ApplyBasisPoints(*facts.cheapest_supplier_cost, 12'000);
    f.evidence = {{"сумма лота", Money(facts.price)},
                  {"самое дешёвое предложение × количество", Money(*facts.cheapest_supplier_cost)},
                  {"порог (120%)", Money(limit)}};
    f.status = facts.price > limit ? Status::kTriggered : Status::kClear;
    f.explanation_ru = facts.price > limit ? "Заказчик выделил заметно больше, чем стоит товар у поставщиков."
                                           : "Сумма лота соответствует предложениям поставщиков.";
    return f;
}

Finding Splitting(const LotFacts& facts, const RiskContext& context) {
    Finding f = Make("splitting",
                     "Дробление закупки",
                     "Сатып алуды бөлшектеу",
                     20,
                     "два и больше лота одного заказчика с тем же кодом за 90 дней, каждый на 90–100% ниже "
                     "предела ЗЦП (8 000 МРП) или электронного магазина (4 000 МРП)",
                     "Закон № 106-VIII, ст. 10 пп. 4–5 (дробление запрещено)");
    if (facts.customer_bin.empty() || facts.enstru.empty() || !facts.created) {
        return NoData(f, "нет БИН заказчика, кода ЕНС ТРУ или даты лота");
    }
    const int year = static_cast<int>(AlmatyDate(*facts.created).year());
    const Tiyn mrp = context.rules.Mrp(year);
    if (mrp <= 0) {
        return NoData(f, "нет МРП на " + std::to_string(year) + " год");
    }
    bool any = false;
    for (const Tiyn limit : {mrp * 8'000, mrp * 4'000}) {
        auto near = [&](Tiyn price) { return price < limit && price >= ApplyBasisPoints(limit, 9'000); };
        if (!near(facts.price)) {
            continue;
        }
        std::vector<std::int64_t> ids;
        for (const auto& [id, price] : facts.same_code_lots) {
            if (near(price)) {
                ids.push_back(id);
            }
        }
        if (!ids.empty()) {
            std::string list;
            for (auto id : ids) {
                list += (list.empty() ? "" : ", ") + std::to_string(id);
            }
            f.evidence = {{"предел", Money(limit)}, {"сумма лота", Money(facts.price)}, {"похожие лоты (id)", list}};
            any = true;
            break;
        }
    }
    f.status = any ? Status::kTriggered : Status::kClear;
    f.explanation_ru = any ? "Похоже на дробление годового объёма, чтобы остаться под пределом способа."
                           : "Признаков дробления не найдено.";
    return f;
}

Finding SupplierInRnu(const LotFacts& facts, const RiskContext& /*context*/) {
    Finding f = Make("supplier_in_rnu",
                     "Поставщик в реестре недобросовестных участников",
                     "Жеткізуші жосықсыз қатысушылар тізілімінде",
                     40,
                     "БИН участника есть в РНУ",
                     "Закон № 106-VIII, ст. 7 (ограничения участия); реестр РНУ портала");
    if (facts.supplier_bins.empty() || !facts.rnu_checked) {
        return NoData(f, facts.supplier_bins.empty() ? "участники лота неизвестны" : "РНУ не проверялся");
    }
    std::string checked;
    for (const auto& bin : facts.supplier_bins) {
        checked += (checked.empty() ? "" : ", ") + bin;
    }
    f.evidence = {{"проверены БИН", checked}};
    if (!facts.rnu_listed.empty()) {
        std::string listed;
        for (const auto& bin : facts.rnu_listed) {
            listed += (listed.empty() ? "" : ", ") + bin;
        }
        f.evidence.emplace_back("в РНУ", listed);
    }
    f.status = facts.rnu_listed.empty() ? Status::kClear : Status::kTriggered;
    f.explanation_ru = facts.rnu_listed.empty() ? "Участников нет в РНУ." : "Участник лота внесён в РНУ.";
    return f;
}

Finding NonCompetitiveMethod(const LotFacts& facts, const RiskContext& /*context*/) {
    Finding f = Make("non_competitive",
                     "Закупка из одного источника",
                     "Бір көзден сатып алу",
                     10,
                     "способ — из одного источника (неконкурентный)",
                     "Закон № 106-VIII, ст. 10 пп. 2, 7 (приоритет конкурентных способов), ст. 16");
    if (facts.method.empty()) {
        return NoData(f, "способ закупки неизвестен");
    }
    f.evidence = {{"способ", facts.method}};
    f.status = facts.method == "single_source" ? Status::kTriggered : Status::kClear;
    f.explanation_ru = f.status == Status::kTriggered ? "Закупка без конкуренции: проверьте основание по ст. 16."
                                                      : "Конкурентный способ.";
    return f;
}

Evaluation Evaluate(const LotFacts& facts, const RiskContext& context) {
    Evaluation e;
    e.model_version = kModelVersion;
    for (auto* indicator : {&ShortSubmissionWindow,
                            &DeadlineOnDayOff,
                            &Dumping,
                            &PriceAboveMarket,
                            &PriceAboveSupplierOffers,
                            &Splitting,
                            &SupplierInRnu,
                            &NonCompetitiveMethod}) {
        e.findings.push_back(indicator(facts, context));
    }
    int sum = 0;
    for (const auto& f : e.findings) {
        sum += f.status == Status::kTriggered ? f.weight : 0;
    }
    e.score = std::min(sum, 100);
    e.level = e.score >= 60 ? "high" : e.score >= 30 ? "medium" : "low";
    return e;
}

}  // namespace zakupai::risk
