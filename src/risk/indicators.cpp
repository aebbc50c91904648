#include "risk/indicators.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <variant>

#include "calc/calculators.hpp"
#include "docs/locale.hpp"

namespace zakupai::risk {

namespace {

// Weight and version come from the rules file; names, thresholds and sources from the code,
// because the wording follows the logic.
Finding Make(const RiskContext& context,
             const char* id,
             const char* name_ru,
             const char* name_kz,
             std::string threshold,
             std::string source) {
    const auto& rule = context.risk.Rule(id);
    Finding f;
    f.id = id;
    f.version = rule.version;
    f.name_ru = name_ru;
    f.name_kz = name_kz;
    f.weight = rule.weight;
    f.threshold = std::move(threshold);
    f.source = std::move(source);
    return f;
}

Finding NoData(Finding f, const std::string& what_ru, const std::string& what_kz) {
    f.status = Status::kNoData;
    f.explanation_ru = "Недостаточно данных: " + what_ru + ".";
    f.explanation_kz = "Деректер жеткіліксіз: " + what_kz + ".";
    return f;
}

Finding Decide(Finding f, bool triggered, std::string ru, std::string kz) {
    f.status = triggered ? Status::kTriggered : Status::kClear;
    f.explanation_ru = std::move(ru);
    f.explanation_kz = std::move(kz);
    return f;
}

// Evidence is read by people: Russian number and date formats.
std::string Money(Tiyn t) {
    return docs::FormatMoney(t);
}

std::string Day(Instant at) {
    return docs::FormatShortDate(AlmatyDate(at));
}

std::string Share(double ratio) {
    return FormatPercentRu(static_cast<std::int64_t>(std::llround(ratio * 10'000))) + "%";
}

std::string JoinText(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

bool Competitive(std::optional<ProcurementMethod> method) {
    return method == ProcurementMethod::kTender || method == ProcurementMethod::kAuction ||
           method == ProcurementMethod::kPriceOffers;
}

// The method's name in evidence; the risk cases show it as the API names it.
std::string MethodText(std::optional<ProcurementMethod> method) {
    return method ? std::string(Name(*method)) : std::string();
}

std::optional<int> MinimumWindow(const RiskContext& context, std::optional<ProcurementMethod> method) {
    if (!method) {
        return std::nullopt;
    }
    const auto& params = context.risk.Rule("short_window").params;
    const auto it = params.find(std::string(Name(*method)));
    return it == params.end() ? std::nullopt : std::optional(static_cast<int>(it->second));
}

std::optional<int> WindowDays(const LotFacts& facts, const RiskContext& context) {
    if (!facts.start || !facts.deadline) {
        return std::nullopt;
    }
    auto days = context.calendar.WorkingDaysBetween(AlmatyDate(*facts.start), AlmatyDate(*facts.deadline));
    return days ? std::optional(static_cast<int>(*days)) : std::nullopt;
}

std::vector<Bid> ValidBids(const std::vector<Bid>& bids) {
    std::vector<Bid> valid;
    std::copy_if(bids.begin(), bids.end(), std::back_inserter(valid), [](const Bid& b) {
        return b.status != BidStatus::kRejected;
    });
    return valid;
}

// (winner, runner-up) for the gap indicators, or the reason there is none.
struct BidGap {
    Bid winner;
    Bid second;
    double gap = 0;  // (second - winner) / winner
};

std::variant<BidGap, std::pair<std::string, std::string>> GapOf(const LotFacts& facts) {
    if (!facts.bids) {
        return std::pair<std::string, std::string>{"заявки по лоту неизвестны", "лот бойынша өтінімдер белгісіз"};
    }
    auto valid = ValidBids(*facts.bids);
    const auto winner = WinningBid(valid);
    if (!winner || valid.size() < 2) {
        return std::pair<std::string, std::string>{"меньше двух допущенных заявок", "екіден аз өтінім жіберілген"};
    }
    if (winner->price <= 0) {
        return std::pair<std::string, std::string>{"цена победителя нулевая", "жеңімпаз бағасы нөлге тең"};
    }
    std::optional<Bid> second;
    for (const auto& b : valid) {
        if (b.supplier_bin != winner->supplier_bin && b.price >= winner->price &&
            (!second || b.price < second->price)) {
            second = b;
        }
    }
    if (!second) {
        return std::pair<std::string, std::string>{"победитель не самая низкая цена (оценка не только по цене)",
                                                   "жеңімпаз ең төмен баға емес"};
    }
    return BidGap{
        *winner, *second, static_cast<double>(second->price - winner->price) / static_cast<double>(winner->price)};
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

namespace {

double PercentileOfSorted(const std::vector<double>& sorted, double p) {
    const double pos = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size() - 1);
    const auto lower = static_cast<std::size_t>(std::floor(pos));
    const auto upper = std::min(lower + 1, sorted.size() - 1);
    return sorted[lower] + (sorted[upper] - sorted[lower]) * (pos - static_cast<double>(lower));
}

// A rescore hands over each code's peers sorted once; a copy is sorted only when needed.
const std::vector<double>& Sorted(const std::vector<double>& values, std::vector<double>& scratch) {
    if (std::is_sorted(values.begin(), values.end())) {
        return values;
    }
    scratch = values;
    std::sort(scratch.begin(), scratch.end());
    return scratch;
}

}  // namespace

std::optional<double> Percentile(const std::vector<double>& values, double p) {
    if (values.empty()) {
        return std::nullopt;
    }
    std::vector<double> scratch;
    return PercentileOfSorted(Sorted(values, scratch), p);
}

std::optional<std::pair<double, double>> Quartiles(const std::vector<double>& values) {
    if (values.size() < 4) {
        return std::nullopt;
    }
    std::vector<double> scratch;
    const auto& sorted = Sorted(values, scratch);
    return std::pair{PercentileOfSorted(sorted, 25), PercentileOfSorted(sorted, 75)};
}

std::optional<Bid> WinningBid(const std::vector<Bid>& bids) {
    std::optional<Bid> lowest;
    for (const auto& b : bids) {
        if (b.status == BidStatus::kWinner) {
            return b;
        }
        if (b.status != BidStatus::kRejected && (!lowest || b.price < lowest->price)) {
            lowest = b;
        }
    }
    return lowest;
}

Finding ShortSubmissionWindow(const LotFacts& facts, const RiskContext& context) {
    const auto& p = context.risk.Rule("short_window").params;
    Finding f = Make(context,
                     "short_window",
                     "Короткий срок подачи заявок",
                     "Өтінім беру мерзімі қысқа",
                     fmt::format("меньше законного минимума в рабочих днях: конкурс {}, аукцион {}, конкурс с "
                                 "рейтингово-балльной системой {}, запрос ценовых предложений {}",
                                 p.at("tender"),
                                 p.at("auction"),
                                 p.at("rating_tender"),
                                 p.at("price_offers")),
                     "Правила осуществления государственных закупок № 687, пп. 164, 348, 411");
    const auto minimum = MinimumWindow(context, facts.method);
    if (!minimum) {
        return NoData(f,
                      "для способа «" + MethodText(facts.method) + "» минимальный срок не установлен",
                      "«" + MethodText(facts.method) + "» тәсілі үшін ең аз мерзім белгіленбеген");
    }
    if (!facts.start || !facts.deadline) {
        return NoData(
            f, "нет дат начала и окончания приёма заявок", "өтінім қабылдаудың басталу және аяқталу күні жоқ");
    }
    const auto days = WindowDays(facts, context);
    if (!days) {
        return NoData(f, "нет производственного календаря на эти даты", "бұл күндерге өндірістік күнтізбе жоқ");
    }
    f.evidence = {{"начало приёма", Day(*facts.start)},
                  {"окончание приёма", Day(*facts.deadline)},
                  {"рабочих дней", std::to_string(*days)},
                  {"минимум", std::to_string(*minimum)}};
    return Decide(std::move(f),
                  *days < *minimum,
                  fmt::format("На подачу заявок дано {} рабочих дн. при минимуме {}.", *days, *minimum),
                  fmt::format("Өтінім беруге {} жұмыс күні берілген, ең азы — {}.", *days, *minimum));
}

Finding ShortWindowRelative(const LotFacts& facts, const RiskContext& context) {
    const double percentile = context.risk.Param("short_window_relative", "percentile");
    const auto min_peers = static_cast<std::size_t>(context.risk.Param("short_window_relative", "min_peers"));
    Finding f = Make(
        context,
        "short_window_relative",
        "Срок подачи короче обычного для способа",
        "Өтінім беру мерзімі тәсіл үшін әдеттегіден қысқа",
        fmt::format(
            "меньше {}-го процентиля сроков других лотов того же способа (не меньше {} лотов)", percentile, min_peers),
        "OCP cardinal R003 (короткий период подачи), порог по распределению сроков");
    const auto days = WindowDays(facts, context);
    if (!days) {
        return NoData(f, "нет дат приёма заявок или календаря", "өтінім қабылдау күндері немесе күнтізбе жоқ");
    }
    if (facts.peer_windows.size() < min_peers) {
        return NoData(
            f,
            fmt::format("лотов того же способа с датами {} (нужно {})", facts.peer_windows.size(), min_peers),
            fmt::format("сол тәсілмен күндері бар лоттар {} (керегі {})", facts.peer_windows.size(), min_peers));
    }
    const std::vector<double> windows(facts.peer_windows.begin(), facts.peer_windows.end());
    const double bound = *Percentile(windows, percentile);
    f.evidence = {{"рабочих дней", std::to_string(*days)},
                  {"сравнимых лотов", std::to_string(windows.size())},
                  {fmt::format("{}-й процентиль", percentile), fmt::format("{:.1f}", bound)}};
    return Decide(std::move(f),
                  *days < bound,
                  fmt::format("Срок {} рабочих дн. короче, чем у {}% лотов этого способа.", *days, 100 - percentile),
                  fmt::format("{} жұмыс күні — бұл тәсілдегі лоттардың {}%-ынан қысқа.", *days, 100 - percentile));
}

Finding DeadlineOnDayOff(const LotFacts& facts, const RiskContext& context) {
    Finding f = Make(context,
                     "deadline_day_off",
                     "Окончание приёма заявок в выходной или праздник",
                     "Өтінім қабылдау демалыс немесе мереке күні аяқталады",
                     "дата окончания приёма заявок (время Астаны) — нерабочий день",
                     "Трудовой кодекс РК, ст. 84–85; производственный календарь");
    if (!facts.deadline) {
        return NoData(f, "нет даты окончания приёма заявок", "өтінім қабылдаудың аяқталу күні жоқ");
    }
    const Date day = AlmatyDate(*facts.deadline);
    auto working = context.calendar.IsWorkingDay(day);
    if (!working) {
        return NoData(f,
                      "нет производственного календаря на " + docs::FormatShortDate(day),
                      docs::FormatShortDate(day) + " күніне өндірістік күнтізбе жоқ");
    }
    f.evidence = {{"окончание приёма", docs::FormatShortDate(day)}};
    if (const auto* why = context.calendar.Explain(day)) {
        f.evidence.emplace_back("календарь", why->name_ru);
    }
    return Decide(std::move(f),
                  !*working,
                  *working ? "Приём заявок заканчивается в рабочий день."
                           : "Приём заявок заканчивается в нерабочий день: поставщику остаётся меньше времени.",
                  *working ? "Өтінім қабылдау жұмыс күні аяқталады."
                           : "Өтінім қабылдау демалыс күні аяқталады: жеткізушіге уақыт аз қалады.");
}

Finding Dumping(const LotFacts& facts, const RiskContext& context) {
    Finding f = Make(context,
                     "dumping",
                     "Демпинговая цена",
                     "Демпингтік баға",
                     "цена ниже выделенной суммы больше чем на порог способа и предмета (обычно 10%)",
                     "Закон о государственных закупках № 106-VIII, ст. 13; Правила № 687, гл. 5");
    // A bid given to check wins over the recorded winner: a supplier asks about its own price.
    std::optional<Tiyn> bid = facts.bid;
    if (!bid && facts.bids) {
        if (const auto winner = WinningBid(*facts.bids)) {
            bid = winner->price;
        }
    }
    if (!bid) {
        return NoData(f, "нет цены предложения для проверки", "тексеретін ұсыныс бағасы жоқ");
    }
    if (facts.method == ProcurementMethod::kEshop) {
        // The e-shop's reference is the mean of all offers for the item, which a lot does not carry.
        return NoData(f,
                      "в электронном магазине порог считается от средней цены предложений",
                      "электрондық дүкенде шек ұсыныстардың орташа бағасынан есептеледі");
    }
    auto result = Result<calc::DumpingResult>(Fail(Error::Invalid("method", "is unknown")));
    if (facts.method) {
        calc::DumpingInput input;
        input.method = *facts.method;
        input.reference = facts.price;
        input.bid = *bid;
        result = calc::CalculateDumping(context.rules, input);
    }
    if (!result || !result->applicable) {
        return NoData(f,
                      "для способа «" + MethodText(facts.method) + "» порог демпинга не установлен",
                      "«" + MethodText(facts.method) + "» тәсілі үшін демпинг шегі белгіленбеген");
    }
    f.threshold = FormatPercentRu(result->threshold) + "% ниже выделенной суммы";
    f.source = result->source;
    f.evidence = {{"выделенная сумма", Money(result->reference)},
                  {facts.bid ? "предложение" : "победившая заявка", Money(*bid)},
                  {"минимально допустимая цена", Money(result->min_allowed)},
                  {"ниже выделенной суммы на", FormatPercentRu(result->below_reference) + "%"}};
    if (result->is_dumping) {
        f.evidence.emplace_back("антидемпинговая сумма", Money(result->anti_dumping_sum));
    }
    return Decide(std::move(f),
                  result->is_dumping,
                  result->is_dumping
                      ? (result->allowed ? "Цена демпинговая: допускается только с антидемпинговой суммой."
                                         : "Цена демпинговая: такая заявка не принимается.")
                      : "Цена не ниже порога демпинга.",
                  result->is_dumping ? (result->allowed ? "Баға демпингтік: тек демпингке қарсы сомамен рұқсат етіледі."
                                                        : "Баға демпингтік: мұндай өтінім қабылданбайды.")
                                     : "Баға демпинг шегінен төмен емес.");
}

Finding PriceAboveMarket(const LotFacts& facts, const RiskContext& context) {
    const double k = context.risk.Param("price_above_market", "iqr_multiplier");
    const auto min_peers = static_cast<std::size_t>(context.risk.Param("price_above_market", "min_peers"));
    Finding f =
        Make(context,
             "price_above_market",
             "Цена за единицу выше рыночной",
             "Бірлік бағасы нарықтықтан жоғары",
             fmt::format("цена за единицу выше верхней границы Тьюки (Q3 + {}·IQR) по лотам с тем же кодом ЕНС ТРУ", k),
             "Закон № 106-VIII, ст. 3 п. 29 (база цен); метод границ Тьюки (OCP cardinal)");
    if (!facts.quantity || facts.enstru.empty()) {
        return NoData(f, "нет количества или кода ЕНС ТРУ", "саны немесе ЕНС ТЖҚ коды жоқ");
    }
    auto quartiles = facts.peer_unit_prices.size() >= min_peers ? Quartiles(facts.peer_unit_prices) : std::nullopt;
    if (!quartiles) {
        return NoData(
            f,
            fmt::format("сравнимых лотов {} (нужно не меньше {})", facts.peer_unit_prices.size(), min_peers),
            fmt::format("салыстырмалы лоттар {} (кемінде {} керек)", facts.peer_unit_prices.size(), min_peers));
    }
    const auto [q1, q3] = *quartiles;
    if (q1 == 0 && q3 == 0) {
        return NoData(f, "все сравнимые цены нулевые", "барлық салыстырмалы бағалар нөлге тең");
    }
    const double fence = q3 + k * (q3 - q1);
    const double unit = static_cast<double>(facts.price) / facts.quantity->ToDouble();
    auto tenge = [](double tiyn) { return Money(static_cast<Tiyn>(std::llround(tiyn))); };
    f.evidence = {{"код ЕНС ТРУ", facts.enstru},
                  {"сравнимых лотов", std::to_string(facts.peer_unit_prices.size())},
                  {"цена за единицу", tenge(unit)},
                  {"Q1", tenge(q1)},
                  {"Q3", tenge(q3)},
                  {"верхняя граница", tenge(fence)}};
    const bool above = unit > fence;
    return Decide(std::move(f),
                  above,
                  above ? fmt::format("Цена за единицу выше верхней границы в {:.2f} раза.", unit / fence)
                        : "Цена за единицу в пределах обычного для этого кода.",
                  above ? fmt::format("Бірлік бағасы жоғарғы шектен {:.2f} есе жоғары.", unit / fence)
                        : "Бірлік бағасы осы код үшін әдеттегі шекте.");
}

Finding PriceAboveSupplierOffers(const LotFacts& facts, const RiskContext& context) {
    const double ratio = context.risk.Param("above_supplier_offers", "ratio");
    const auto percent = static_cast<std::int64_t>(std::llround(ratio * 100));
    Finding f =
        Make(context,
             "above_supplier_offers",
             "Сумма лота выше предложений поставщиков",
             "Лот сомасы жеткізушілер ұсыныстарынан жоғары",
             fmt::format("сумма лота больше {}% самого дешёвого подобранного предложения из прайс-листов", percent),
             "правило over_market исходного ZakupAI (1,2 × рыночной суммы)");
    if (!facts.cheapest_supplier_cost || *facts.cheapest_supplier_cost <= 0) {
        return NoData(f, "нет подобранных цен из прайс-листов", "прайс-парақтардан сәйкес бағалар жоқ");
    }
    const Tiyn limit = ApplyBasisPoints(*facts.cheapest_supplier_cost, static_cast<std::int64_t>(percent * 100));
    f.evidence = {{"сумма лота", Money(facts.price)},
                  {"самое дешёвое предложение × количество", Money(*facts.cheapest_supplier_cost)},
                  {fmt::format("порог ({}%)", percent), Money(limit)}};
    const bool above = facts.price > limit;
    return Decide(std::move(f),
                  above,
                  above ? "Заказчик выделил заметно больше, чем стоит товар у поставщиков."
                        : "Сумма лота соответствует предложениям поставщиков.",
                  above ? "Тапсырыс беруші тауардың жеткізушілердегі бағасынан едәуір көп бөлген."
                        : "Лот сомасы жеткізушілер ұсыныстарына сәйкес.");
}

Finding Splitting(const LotFacts& facts, const RiskContext& context) {
    const auto& p = context.risk.Rule("splitting").params;
    const double near_share = p.at("near_share");
    Finding f = Make(context,
                     "splitting",
                     "Дробление закупки",
                     "Сатып алуды бөлшектеу",
                     fmt::format("два и больше лота одного заказчика с тем же кодом за {} дней, каждый на {}–100% "
                                 "предела ЗЦП ({} МРП) или электронного магазина ({} МРП)",
                                 p.at("window_days"),
                                 near_share * 100,
                                 p.at("rfq_mrp"),
                                 p.at("eshop_mrp")),
                     "Закон № 106-VIII, ст. 10 пп. 4–5 (дробление запрещено)");
    if (facts.customer_bin.empty() || facts.enstru.empty() || !facts.created) {
        return NoData(f,
                      "нет БИН заказчика, кода ЕНС ТРУ или даты лота",
                      "тапсырыс беруші БСН, ЕНС ТЖҚ коды немесе лот күні жоқ");
    }
    const int year = static_cast<int>(AlmatyDate(*facts.created).year());
    const Tiyn mrp = context.rules.Mrp(year);
    if (mrp <= 0) {
        return NoData(f, "нет МРП на " + std::to_string(year) + " год", std::to_string(year) + " жылға АЕК жоқ");
    }
    const auto near_bp = static_cast<std::int64_t>(std::llround(near_share * 10'000));
    bool any = false;
    for (const double mrps : {p.at("rfq_mrp"), p.at("eshop_mrp")}) {
        const Tiyn limit = mrp * static_cast<Tiyn>(mrps);
        auto near = [&](Tiyn price) { return price < limit && price >= ApplyBasisPoints(limit, near_bp); };
        if (!near(facts.price)) {
            continue;
        }
        std::vector<std::string> ids;
        for (const auto& [id, price] : facts.same_code_lots) {
            if (near(price)) {
                ids.push_back(std::to_string(id));
            }
        }
        if (!ids.empty()) {
            f.evidence = {
                {"предел", Money(limit)}, {"сумма лота", Money(facts.price)}, {"похожие лоты (id)", JoinText(ids)}};
            any = true;
            break;
        }
    }
    return Decide(
        std::move(f),
        any,
        any ? "Похоже на дробление годового объёма, чтобы остаться под пределом способа."
            : "Признаков дробления не найдено.",
        any ? "Тәсіл шегінен аспау үшін жылдық көлемді бөлшектеуге ұқсайды." : "Бөлшектеу белгілері табылған жоқ.");
}

Finding SupplierInRnu(const LotFacts& facts, const RiskContext& context) {
    Finding f = Make(context,
                     "supplier_in_rnu",
                     "Поставщик в реестре недобросовестных участников",
                     "Жеткізуші жосықсыз қатысушылар тізілімінде",
                     "БИН участника есть в РНУ",
                     "Закон № 106-VIII, ст. 7 (ограничения участия); реестр РНУ портала");
    if (facts.supplier_bins.empty() || !facts.rnu_checked) {
        return facts.supplier_bins.empty() ? NoData(f, "участники лота неизвестны", "лот қатысушылары белгісіз")
                                           : NoData(f, "РНУ не проверялся", "ЖҚТ тексерілмеген");
    }
    f.evidence = {{"проверены БИН", JoinText(facts.supplier_bins)}};
    if (!facts.rnu_listed.empty()) {
        f.evidence.emplace_back("в РНУ", JoinText(facts.rnu_listed));
    }
    const bool listed = !facts.rnu_listed.empty();
    return Decide(std::move(f),
                  listed,
                  listed ? "Участник лота внесён в РНУ." : "Участников нет в РНУ.",
                  listed ? "Лот қатысушысы ЖҚТ-ға енгізілген." : "Қатысушылар ЖҚТ-да жоқ.");
}

Finding NonCompetitiveMethod(const LotFacts& facts, const RiskContext& context) {
    Finding f = Make(context,
                     "non_competitive",
                     "Закупка из одного источника",
                     "Бір көзден сатып алу",
                     "способ — из одного источника (неконкурентный)",
                     "Закон № 106-VIII, ст. 10 пп. 2, 7 (приоритет конкурентных способов), ст. 16");
    if (!facts.method) {
        return NoData(f, "способ закупки неизвестен", "сатып алу тәсілі белгісіз");
    }
    f.evidence = {{"способ", MethodText(facts.method)}};
    const bool single = facts.method == ProcurementMethod::kSingleSource;
    return Decide(std::move(f),
                  single,
                  single ? "Закупка без конкуренции: проверьте основание по ст. 16." : "Конкурентный способ.",
                  single ? "Бәсекесіз сатып алу: 16-баптағы негізді тексеріңіз." : "Бәсекелі тәсіл.");
}

Finding SingleBid(const LotFacts& facts, const RiskContext& context) {
    Finding f = Make(context,
                     "single_bid",
                     "Одна заявка",
                     "Бір ғана өтінім",
                     "конкурентный способ, подана одна заявка (ценовое предложение)",
                     "Закон № 106-VIII, ст. 15 пп. 2, 6; OCP cardinal R018");
    if (!Competitive(facts.method)) {
        f.evidence = {{"способ", facts.method ? MethodText(facts.method) : "неизвестен"}};
        return Decide(
            std::move(f), false, "Не применяется: способ не конкурентный.", "Қолданылмайды: тәсіл бәсекелі емес.");
    }
    if (!facts.bids) {
        return NoData(f, "заявки по лоту неизвестны", "лот бойынша өтінімдер белгісіз");
    }
    f.evidence = {{"способ", MethodText(facts.method)}, {"подано заявок", std::to_string(facts.bids->size())}};
    if (facts.bids->size() == 1) {
        f.evidence.emplace_back("единственный участник", facts.bids->front().supplier_bin);
    }
    const bool single = facts.bids->size() == 1;
    const bool rfq = facts.method == ProcurementMethod::kPriceOffers;
    return Decide(std::move(f),
                  single,
                  single ? (rfq ? "Одно ценовое предложение: закупка признаётся несостоявшейся и проводится из одного "
                                  "источника у этого поставщика (ст. 15 п. 6)."
                                : "Подана одна заявка: конкуренции не было (ст. 15 п. 2).")
                         : "Заявок больше одной.",
                  single ? (rfq ? "Бір ғана баға ұсынысы: сатып алу өтпеді деп танылып, осы жеткізушіден бір көзден "
                                  "жүргізіледі (15-бап 6-т.)."
                                : "Бір ғана өтінім берілген: бәсеке болмады (15-бап 2-т.).")
                         : "Өтінімдер біреуден көп.");
}

Finding SingleSourceAfterFailure(const LotFacts& facts, const RiskContext& context) {
    Finding f = Make(context,
                     "single_source_after_failure",
                     "Один источник после несостоявшейся закупки без права на него",
                     "Өтпеген сатып алудан кейін заңсыз бір көз",
                     "прежняя процедура по этому пункту плана не состоялась, потому что никого не допустили или "
                     "допустили одного из нескольких, либо без заявок, но без повторной процедуры",
                     "Закон № 106-VIII, ст. 15 пп. 4–5, ст. 16 п. 2");
    if (facts.method != ProcurementMethod::kSingleSource) {
        f.evidence = {{"способ", facts.method ? MethodText(facts.method) : "неизвестен"}};
        return Decide(std::move(f),
                      false,
                      "Не применяется: способ не из одного источника.",
                      "Қолданылмайды: тәсіл бір көзден емес.");
    }
    if (!facts.prior_procedures) {
        return NoData(f, "пункт плана лота неизвестен", "лоттың жоспар тармағы белгісіз");
    }
    std::vector<std::string> illegal;
    std::vector<std::string> no_bids;
    std::vector<std::string> unknown;
    for (const auto& prior : *facts.prior_procedures) {
        if (!Competitive(prior.method)) {
            continue;
        }
        const std::string label = fmt::format("лот {} ({})", prior.lot_id, MethodText(prior.method));
        if (!prior.bids) {
            unknown.push_back(label);
            continue;
        }
        const auto valid = ValidBids(*prior.bids).size();
        const auto filed = prior.bids->size();
        if (filed > 0 && valid == 0) {
            illegal.push_back(label + ": никто не допущен");
        } else if (filed >= 2 && valid == 1) {
            illegal.push_back(label + ": допущен один из " + std::to_string(filed));
        } else if (filed == 0 && prior.method != ProcurementMethod::kPriceOffers) {
            no_bids.push_back(label);
        }
    }
    f.evidence = {{"прежних процедур по пункту плана", std::to_string(facts.prior_procedures->size())}};
    if (!illegal.empty()) {
        f.evidence.emplace_back("основание запрещает один источник", JoinText(illegal));
        return Decide(std::move(f),
                      true,
                      "Прежняя закупка не состоялась, потому что никого не допустили или допустили одного из "
                      "нескольких: после этого закупка из одного источника не допускается (ст. 15 п. 5).",
                      "Алдыңғы сатып алу ешкім жіберілмегендіктен немесе бірнешеуінің бірі ғана жіберілгендіктен "
                      "өтпеді: одан кейін бір көзден сатып алуға болмайды (15-бап 5-т.).");
    }
    if (no_bids.size() == 1) {
        f.evidence.emplace_back("без заявок", no_bids.front());
        return Decide(
            std::move(f),
            true,
            "Один источник после первой несостоявшейся процедуры без заявок: закон требует повторной "
            "процедуры (ст. 15 п. 4).",
            "Өтінімсіз бірінші өтпеген рәсімнен кейін бір көз: заң қайталама рәсімді талап етеді (15-бап 4-т.).");
    }
    if (!unknown.empty()) {
        return NoData(
            f, "заявки прежних процедур неизвестны: " + JoinText(unknown), "алдыңғы рәсімдердің өтінімдері белгісіз");
    }
    return Decide(std::move(f),
                  false,
                  facts.prior_procedures->empty()
                      ? "Прежних процедур по этому пункту плана нет: прямой договор, основание — ст. 16 п. 3."
                      : "Прежние процедуры не запрещают закупку из одного источника.",
                  facts.prior_procedures->empty() ? "Осы жоспар тармағы бойынша бұрынғы рәсімдер жоқ: тікелей шарт."
                                                  : "Бұрынғы рәсімдер бір көзден сатып алуға тыйым салмайды.");
}

Finding CloseSecondBid(const LotFacts& facts, const RiskContext& context) {
    const double max_gap = context.risk.Param("close_second_bid", "max_gap");
    Finding f = Make(context,
                     "close_second_bid",
                     "Вторая цена почти равна победившей",
                     "Екінші баға жеңген бағаға өте жақын",
                     "вторая по цене заявка выше победившей не больше чем на " + Share(max_gap) +
                         " (совпадающие цены — отдельный признак)",
                     "OCP cardinal R024 (цена близка к победившей): признак согласованных ставок");
    const auto gap = GapOf(facts);
    if (const auto* why = std::get_if<std::pair<std::string, std::string>>(&gap)) {
        return NoData(f, why->first, why->second);
    }
    const auto& g = std::get<BidGap>(gap);
    f.evidence = {{"победитель", g.winner.supplier_bin + ", " + Money(g.winner.price)},
                  {"второе место", g.second.supplier_bin + ", " + Money(g.second.price)},
                  {"разница", Share(g.gap)}};
    const bool close = g.gap > 0 && g.gap <= max_gap;
    return Decide(std::move(f),
                  close,
                  close ? "Вторая цена почти совпадает с победившей: так бывает при согласованных ставках."
                        : "Разрыв со второй ценой обычный.",
                  close ? "Екінші баға жеңген бағамен дерлік бірдей: келісілген бәстерде осылай болады."
                        : "Екінші бағамен айырма әдеттегідей.");
}

Finding HeavyDiscount(const LotFacts& facts, const RiskContext& context) {
    const double min_gap = context.risk.Param("heavy_discount", "min_gap");
    Finding f = Make(context,
                     "heavy_discount",
                     "Победитель намного дешевле остальных",
                     "Жеңімпаз басқалардан әлдеқайда арзан",
                     "вторая по цене заявка выше победившей на " + Share(min_gap) + " и больше",
                     "OCP cardinal R058 (сильно заниженная заявка)");
    const auto gap = GapOf(facts);
    if (const auto* why = std::get_if<std::pair<std::string, std::string>>(&gap)) {
        return NoData(f, why->first, why->second);
    }
    const auto& g = std::get<BidGap>(gap);
    f.evidence = {{"победитель", g.winner.supplier_bin + ", " + Money(g.winner.price)},
                  {"второе место", g.second.supplier_bin + ", " + Money(g.second.price)},
                  {"разница", Share(g.gap)}};
    const bool heavy = g.gap >= min_gap;
    return Decide(std::move(f),
                  heavy,
                  heavy ? "Победитель дешевле следующей заявки в разы: риск неисполнения или сговора."
                        : "Цена победителя не отрывается от остальных.",
                  heavy ? "Жеңімпаз келесі өтінімнен бірнеше есе арзан: орындамау немесе сөз байласу қаупі."
                        : "Жеңімпаз бағасы басқалардан алшақ емес.");
}

Finding IdenticalBids(const LotFacts& facts, const RiskContext& context) {
    Finding f = Make(context,
                     "identical_bids",
                     "Одинаковые цены разных участников",
                     "Әртүрлі қатысушылардың бірдей бағалары",
                     "два и больше участника подали одну и ту же цену",
                     "OCP cardinal R028 (одинаковые цены заявок)");
    if (!facts.bids) {
        return NoData(f, "заявки по лоту неизвестны", "лот бойынша өтінімдер белгісіз");
    }
    std::map<Tiyn, std::set<std::string>> by_price;
    for (const auto& b : *facts.bids) {
        by_price[b.price].insert(b.supplier_bin);
    }
    for (const auto& [price, bins] : by_price) {
        if (bins.size() >= 2) {
            f.evidence = {{"цена", Money(price)},
                          {"участники", JoinText(std::vector<std::string>(bins.begin(), bins.end()))}};
            return Decide(std::move(f),
                          true,
                          "Разные участники подали одинаковую цену: признак согласованных действий.",
                          "Әртүрлі қатысушылар бірдей баға берді: келісілген әрекет белгісі.");
        }
    }
    f.evidence = {{"заявок", std::to_string(facts.bids->size())}};
    return Decide(std::move(f), false, "Совпадающих цен нет.", "Бірдей бағалар жоқ.");
}

Finding CustomerConcentration(const LotFacts& facts, const RiskContext& context) {
    const auto& p = context.risk.Rule("customer_concentration").params;
    Finding f =
        Make(context,
             "customer_concentration",
             "Один поставщик получает большую часть договоров заказчика",
             "Тапсырыс беруші шарттарының көбі бір жеткізушіге тиесілі",
             fmt::format("доля одного поставщика в договорах заказчика за год не меньше {} и выше верхней границы "
                         "Тьюки по другим заказчикам (без сравнения — не меньше {}); от {} договоров",
                         Share(p.at("min_share")),
                         Share(p.at("share_without_peers")),
                         p.at("min_contracts")),
             "Закон № 106-VIII, ст. 7 п. 1 (аффилированность); методика prozakup.kz");
    if (!facts.concentration) {
        return NoData(f, "договоры заказчика не загружены", "тапсырыс берушінің шарттары жүктелмеген");
    }
    const auto& c = *facts.concentration;
    if (c.customer_contracts < static_cast<std::int64_t>(p.at("min_contracts")) || c.customer_contracts == 0) {
        return NoData(
            f,
            fmt::format(
                "договоров заказчика за {} год {} (нужно {})", c.year, c.customer_contracts, p.at("min_contracts")),
            fmt::format("{} жылғы шарттар {} (керегі {})", c.year, c.customer_contracts, p.at("min_contracts")));
    }
    const double share = static_cast<double>(c.supplier_contracts) / static_cast<double>(c.customer_contracts);
    f.evidence = {{"год", std::to_string(c.year)},
                  {"поставщик", c.supplier_bin},
                  {"договоров поставщика", std::to_string(c.supplier_contracts)},
                  {"договоров заказчика", std::to_string(c.customer_contracts)},
                  {"доля", Share(share)}};
    double bound = p.at("share_without_peers");
    const auto quartiles =
        c.peer_shares.size() >= static_cast<std::size_t>(p.at("min_peers")) ? Quartiles(c.peer_shares) : std::nullopt;
    if (quartiles && !(quartiles->first == 0 && quartiles->second == 0)) {
        const double fence = quartiles->second + p.at("iqr_multiplier") * (quartiles->second - quartiles->first);
        bound = std::max(p.at("min_share"), fence);
        f.evidence.emplace_back("других заказчиков", std::to_string(c.peer_shares.size()));
        f.evidence.emplace_back("верхняя граница долей", Share(fence));
    }
    const bool high = share >= bound && share > 0;
    return Decide(
        std::move(f),
        high,
        high ? fmt::format(
                   "{} договоров заказчика за {} год у одного поставщика — необычно много.", Share(share), c.year)
             : "Договоры заказчика распределены обычно.",
        high
            ? fmt::format(
                  "Тапсырыс берушінің {} жылғы шарттарының {} бір жеткізушіде — әдеттен тыс көп.", c.year, Share(share))
            : "Тапсырыс беруші шарттары әдеттегідей бөлінген.");
}

Finding AmendmentIncrease(const LotFacts& facts, const RiskContext& context) {
    const auto& allowed = context.risk.Rule("amendment_increase").allowed_grounds;
    Finding f = Make(context,
                     "amendment_increase",
                     "Сумма договора увеличена без основания",
                     "Шарт сомасы негізсіз ұлғайтылған",
                     "дополнительное соглашение увеличивает сумму договора, а основание не из перечня ст. 18 п. 2",
                     "Закон № 106-VIII, ст. 18 п. 2 (изменение договора)");
    if (!facts.contracts) {
        return NoData(f, "объявление лота неизвестно, договоры не связать", "лот хабарландыруы белгісіз");
    }
    std::map<std::int64_t, const ContractVersion*> by_id;
    for (const auto& c : *facts.contracts) {
        by_id[c.id] = &c;
    }
    std::vector<std::string> raised;
    std::vector<std::string> justified;
    for (const auto& c : *facts.contracts) {
        if (!c.parent_id || !c.amount) {
            continue;
        }
        const auto parent = by_id.find(*c.parent_id);
        if (parent == by_id.end() || !parent->second->amount || *c.amount <= *parent->second->amount) {
            continue;
        }
        const Tiyn before = *parent->second->amount;
        std::string line = fmt::format(
            "договор {}: {} → {}", c.number.empty() ? std::to_string(c.id) : c.number, Money(before), Money(*c.amount));
        if (before > 0) {
            line += fmt::format(" (+{})", Share(static_cast<double>(*c.amount - before) / static_cast<double>(before)));
        }
        std::vector<std::string> grounds;
        bool ok = false;
        for (auto g : c.grounds) {
            grounds.push_back(std::to_string(g));
            ok = ok || std::find(allowed.begin(), allowed.end(), g) != allowed.end();
        }
        line += grounds.empty() ? ", основание не указано" : ", основание " + JoinText(grounds);
        (ok ? justified : raised).push_back(line);
    }
    f.evidence = {{"версий договоров", std::to_string(facts.contracts->size())}};
    if (!justified.empty()) {
        f.evidence.emplace_back("увеличено по основанию ст. 18 п. 2", JoinText(justified));
    }
    if (!raised.empty()) {
        f.evidence.emplace_back("увеличено", JoinText(raised));
    }
    const bool flagged = !raised.empty();
    return Decide(std::move(f),
                  flagged,
                  flagged                    ? "Сумму договора увеличили, а основание не входит в перечень ст. 18 п. 2 Закона."
                  : facts.contracts->empty() ? "Договоров по объявлению пока нет."
                                             : "Сумма договоров не увеличивалась без основания.",
                  flagged                    ? "Шарт сомасы ұлғайтылды, ал негіз Заңның 18-бабы 2-тармағындағы тізімге кірмейді."
                  : facts.contracts->empty() ? "Хабарландыру бойынша шарттар әлі жоқ."
                                             : "Шарт сомасы негізсіз ұлғайтылмаған.");
}

Evaluation Evaluate(const LotFacts& facts, const RiskContext& context) {
    Evaluation e;
    e.model_version = context.risk.model;
    for (auto* indicator : {&ShortSubmissionWindow,
                            &ShortWindowRelative,
                            &DeadlineOnDayOff,
                            &Dumping,
                            &PriceAboveMarket,
                            &PriceAboveSupplierOffers,
                            &Splitting,
                            &SupplierInRnu,
                            &NonCompetitiveMethod,
                            &SingleBid,
                            &SingleSourceAfterFailure,
                            &CloseSecondBid,
                            &HeavyDiscount,
                            &IdenticalBids,
                            &CustomerConcentration,
                            &AmendmentIncrease}) {
        e.findings.push_back(indicator(facts, context));
    }
    int sum = 0;
    for (const auto& f : e.findings) {
        sum += f.status == Status::kTriggered ? f.weight : 0;
    }
    e.score = std::min(sum, 100);
    e.level = context.risk.Level(e.score);
    return e;
}

}  // namespace zakupai::risk
