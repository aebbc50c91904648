#include "llm/facts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/money.hpp"

namespace zakupai::llm {

namespace {

using Cues = std::vector<std::string_view>;

bool Kz(const Question& q) {
    return q.language == Language::kKazakh;
}

const char* Say(const Question& q, const char* ru, const char* kz) {
    return Kz(q) ? kz : ru;
}

bool Any(const Question& q, const Cues& cues) {
    return std::any_of(cues.begin(), cues.end(), [&q](std::string_view cue) { return q.Has(cue); });
}

bool All(const Question& q, const std::vector<Cues>& groups) {
    return std::all_of(groups.begin(), groups.end(), [&q](const Cues& group) { return Any(q, group); });
}

// The first row whose cues the question has; the last row (with none) is the default.
template <class Row>
const Row& FirstAsked(const Question& q, const std::vector<Row>& rows) {
    const auto it = std::find_if(rows.begin(), rows.end(), [&q](const Row& row) { return Any(q, row.cues); });
    return it != rows.end() ? *it : rows.back();
}

std::string Percent(calc::BasisPoints bp) {
    return FormatPercentRu(bp) + "%";
}

// Whole tenge with thin groups, as Russian and Kazakh texts write sums: 2 162 500 ₸.
std::string Tenge(Tiyn amount) {
    std::string digits = std::to_string(amount / 100);
    for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3) {
        digits.insert(static_cast<std::size_t>(i), " ");
    }
    return digits + " ₸";
}

std::string PluralRu(int n, const char* one, const char* few, const char* many) {
    const int tens = n % 100;
    const int last = n % 10;
    if (tens >= 11 && tens <= 14) {
        return fmt::format("{} {}", n, many);
    }
    return fmt::format("{} {}", n, last == 1 ? one : (last >= 2 && last <= 4 ? few : many));
}

Fact Make(const Question& q, std::string text, std::vector<std::string> numbers, Source source, std::string article) {
    text += fmt::format(" {} {}.", Say(q, "Источник:", "Дереккөз:"), source.reference);
    return Fact{std::move(text), std::move(numbers), std::move(source), std::move(article)};
}

// How each method reads in a sentence.
struct MethodWords {
    ProcurementMethod method;
    const char* ru_for;  // "для конкурса"
    const char* ru_of;   // "конкурса", for lists after "для"
    const char* kz;      // "конкурс", before "үшін"
    const char* kz_in;   // "конкурста"
};

constexpr std::array<MethodWords, 6> kMethodWords{{
    {ProcurementMethod::kTender, "для конкурса", "конкурса", "конкурс", "конкурста"},
    {ProcurementMethod::kAuction, "для аукциона", "аукциона", "аукцион", "аукционда"},
    {ProcurementMethod::kPriceOffers,
     "для запроса ценовых предложений",
     "запроса ценовых предложений",
     "баға ұсыныстарын сұрату",
     "баға ұсыныстарын сұрату кезінде"},
    {ProcurementMethod::kTurnkey,
     "для конкурса «под ключ»",
     "конкурса «под ключ»",
     "«кілтін тапсыру» конкурсы",
     "«кілтін тапсыру» конкурсында"},
    {ProcurementMethod::kEshop,
     "в электронном магазине",
     "электронного магазина",
     "электрондық дүкен",
     "электрондық дүкенде"},
    {ProcurementMethod::kSingleSource,
     "при закупке из одного источника",
     "закупки из одного источника",
     "бір көзден алу",
     "бір көзден алу кезінде"},
}};

const MethodWords& WordsFor(ProcurementMethod method) {
    for (const auto& w : kMethodWords) {
        if (w.method == method) {
            return w;
        }
    }
    ZAKUPAI_ASSERT(false);
    return kMethodWords.front();
}

std::string JoinAnd(const std::vector<std::string>& items, const char* conjunction) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += (i == 0 ? "" : (i + 1 == items.size() ? conjunction : ", ")) + items[i];
    }
    return out;
}

// The periods: which words ask about which, from the most specific to the most general. "bids"
// stands for the bid windows, told apart by the method asked about.
struct TermCue {
    std::string_view id;
    std::vector<Cues> all;
    Cues none;
};

const std::vector<TermCue>& TermCues() {
    static const std::vector<TermCue> kCues = [] {
        const Cues rnu{"рну", "недобросовест", "жосықсыз"};
        const Cues complaint{"жалоб", "обжал", "шағым"};
        const Cues security{"обеспеч", "қамтамасыз"};
        const Cues bid{"заявк", "=заявок", "өтінім"};
        const Cues performance{"исполнен", "орындал"};
        const Cues returned{"возвра", "верн", "разблок", "қайтар"};
        const Cues& time = PeriodCues();
        // "Сколько" asks for a period only where the subject has no percentage to give.
        Cues time_or_how_many = time;
        time_or_how_many.insert(time_or_how_many.end(), {"сколько", "қанша"});
        return std::vector<TermCue>{
            {"rnu_court", {rnu, {"суд", "=сот", "сотқа"}}, {}},
            {"rnu_removal", {rnu, {"исключ", "шығар", "выход", "удал"}, time_or_how_many}, {}},
            {"rnu_listing", {rnu, time_or_how_many}, {}},
            {"complaint_decision", {complaint, {"рассматр", "решени", "қарал", "шешім"}}, {}},
            {"complaint", {complaint, time_or_how_many}, {}},
            {"bid_security_return", {security, bid, returned}, {}},
            {"performance_security_return", {security, {"исполнен", "орындал", "договор", "шарт"}, returned}, bid},
            {"performance_security_deposit", {security, performance, time}, bid},
            {"contract_signing", {{"подпис", "=қол"}, {"договор", "шарт"}, time_or_how_many}, {}},
            {"remarks", {{"замечан", "ескерту"}}, {}},
            {"bids_repeat", {{"повтор", "қайталама"}, {"конкурс", "аукцион"}}, {}},
            {"bids",
             {{"заявк", "=заявок", "өтінім", "предложен", "ұсыныс"},
              time_or_how_many,
              {"подач", "подать", "подают", "прием", "принима", "окончан", "беру", "беріл", "қабылда"}},
             {}},
        };
    }();
    return kCues;
}

const char* TermTitle(std::string_view id) {
    if (id.starts_with("rnu")) {
        return "rnu";
    }
    if (id.starts_with("complaint")) {
        return "complaints";
    }
    if (id.find("security") != std::string_view::npos) {
        return "securities";
    }
    return "deadlines";
}

}  // namespace

std::vector<std::string> FactBook::KnownTerms() {
    std::vector<std::string> ids;
    for (const auto& cue : TermCues()) {
        if (cue.id == "bids") {
            for (const char* id : {"bids_tender", "bids_rating_tender", "bids_auction", "bids_price_offers"}) {
                ids.emplace_back(id);
            }
        } else {
            ids.emplace_back(cue.id);
        }
    }
    return ids;
}

std::optional<Fact> FactBook::Answer(const Question& q) const {
    // Periods first: "в какой срок вносится обеспечение исполнения" asks for days, not the 3 %.
    for (auto answer : {&FactBook::Term,
                        &FactBook::WorkingDay,
                        &FactBook::Vat,
                        &FactBook::BidSecurity,
                        &FactBook::PerformanceSecurity,
                        &FactBook::Dumping,
                        &FactBook::Penalty,
                        &FactBook::Mrp}) {
        if (auto fact = (this->*answer)(q)) {
            return fact;
        }
    }
    return std::nullopt;
}

std::optional<Fact> FactBook::Term(const Question& q) const {
    const TermCue* matched = nullptr;
    for (const auto& cue : TermCues()) {
        if (All(q, cue.all) && !Any(q, cue.none)) {
            matched = &cue;
            break;
        }
    }
    if (matched == nullptr) {
        return std::nullopt;
    }
    std::vector<const calc::LegalTerm*> terms;
    if (matched->id == "bids") {
        const auto method = q.Method();
        if (method == ProcurementMethod::kTender && q.HasAny({"рейтинг", "балл"})) {
            terms.push_back(rules_.FindTerm("bids_rating_tender"));
        } else if (method) {
            terms.push_back(rules_.FindTerm("bids_" + std::string(Name(*method))));
        } else {
            for (const char* id : {"bids_tender", "bids_auction", "bids_price_offers"}) {
                terms.push_back(rules_.FindTerm(id));
            }
        }
    } else {
        terms.push_back(rules_.FindTerm(matched->id));
    }
    if (std::find(terms.begin(), terms.end(), nullptr) != terms.end()) {
        return std::nullopt;  // no window for this method (e-shop, single source): the articles say why
    }
    std::string text;
    std::vector<std::string> numbers;
    std::string sources;
    for (const auto* term : terms) {
        text += (text.empty() ? "" : " ") + (Kz(q) ? term->kz : term->ru) + ".";
        numbers.push_back(std::to_string(term->count));
        sources += (sources.empty() ? "" : "; ") + term->source;
    }
    const auto* term = terms.front();
    // A date to count from: the last day, by the working-day calendar.
    if (q.date && terms.size() == 1 && term->unit == calc::LegalTerm::Unit::kWorkingDays && !term->from_ru.empty()) {
        if (auto last = calendar_.AddWorkingDays(*q.date, term->count)) {
            const auto lead = Kz(q) ? fmt::format(
                                          "Соңғы күн — {} ({} бастап {} жұмыс күні; демалыс және мереке "
                                          "күндері есептелмейді).",
                                          WriteDate(*last, q.language),
                                          WriteDate(*q.date, q.language, KazakhCase::kAblative),
                                          term->count)
                                    : fmt::format(
                                          "Последний день — {}: {} после того, как {} {}; выходные и "
                                          "праздники не считаются.",
                                          WriteDate(*last, q.language),
                                          PluralRu(term->count, "рабочий день", "рабочих дня", "рабочих дней"),
                                          term->from_ru,
                                          WriteDate(*q.date, q.language));
            text = lead + " " + text;
            numbers.insert(numbers.begin(), std::to_string(static_cast<unsigned>(last->day())));
        }
    }
    return Make(q,
                std::move(text),
                std::move(numbers),
                Source{"rules:" + term->id, "Сроки по закону", sources},
                TermTitle(term->id));
}

std::optional<Fact> FactBook::WorkingDay(const Question& q) const {
    if (!q.date || !q.HasAny({"рабоч", "выходн", "праздн", "нерабоч", "жұмыс", "демалыс", "мереке"})) {
        return std::nullopt;
    }
    const auto working = calendar_.IsWorkingDay(*q.date);
    if (!working) {
        return std::nullopt;  // no calendar for that year: better no answer than a guess
    }
    const auto* why = calendar_.Explain(*q.date);
    const auto day = WriteDate(*q.date, q.language);
    std::string text;
    if (Kz(q)) {
        text = *working ? fmt::format("Иә, {} — жұмыс күні", day) : fmt::format("Жоқ, {} — жұмыс күні емес", day);
        if (why != nullptr) {
            text += ": " + why->name_kz;
        }
    } else {
        text = *working ? fmt::format("Да, {} — рабочий день", day) : fmt::format("Нет, {} — нерабочий день", day);
        if (why != nullptr) {
            text += ": " + why->name_ru;
        } else if (!*working) {
            text += " (суббота или воскресенье)";
        }
    }
    text += ".";
    const auto year = static_cast<int>(q.date->year());
    return Make(q,
                std::move(text),
                {std::to_string(static_cast<unsigned>(q.date->day()))},
                Source{fmt::format("calendar:{}", year),
                       "Производственный календарь",
                       fmt::format("Трудовой кодекс РК, ст. 84–85; календарь праздников и выходных на {} год", year)},
                "");
}

std::optional<Fact> FactBook::Vat(const Question& q) const {
    const bool asked =
        q.HasAny({"ндс", "ққс"}) || (q.Has("добавлен") && q.Has("стоимост")) || (q.Has("қосылған") && q.Has("құн"));
    // Registration, the plan's sums, VAT inside a price: the article answers those.
    if (!asked || q.HasAny({"учет",
                            "порог",
                            "регистрац",
                            "тіркел",
                            "план",
                            "внутри",
                            "выдел",
                            "ішінде",
                            "плательщ",
                            "төлеуш",
                            "вычет",
                            "зачет",
                            "возмещ"})) {
        return std::nullopt;
    }
    struct Category {
        const char* id;
        Cues cues;
        const char* ru;  // "для лекарств…", empty for the base rate
        const char* kz;
    };
    static const std::vector<Category> kCategories{
        {"medicines",
         {"лекарств", "медицин", "дәрі", "медициналық"},
         " для лекарств и медицинских изделий",
         "дәрілер мен медициналық бұйымдар үшін "},
        {"periodicals",
         {"периодич", "печатн", "газет", "журнал", "мерзімді"},
         " для периодических печатных изданий",
         "мерзімді баспасөз басылымдары үшін "},
        {"export", {"экспорт"}, " для экспорта", "экспорт үшін "},
        {"exempt", {"освобожд", "босат", "льгот"}, " для освобождённых оборотов", "босатылған айналымдар үшін "},
        {"standard", {}, "", ""},
    };
    const Category* category = &FirstAsked(q, kCategories);
    const bool now = !q.date && !q.year;
    const Date on =
        q.date.value_or(q.year ? Date{std::chrono::year{*q.year}, std::chrono::January, std::chrono::day{1}} : q.today);
    const auto* rate = rules_.FindVat(category->id, on);
    if (rate == nullptr) {
        return std::nullopt;
    }
    std::string when;
    if (Kz(q)) {
        when = now ? "Қазір" : (q.date ? WriteDate(*q.date, q.language) : fmt::format("{} жылы", *q.year));
    } else {
        when = now ? "сейчас" : (q.date ? "на " + WriteDate(*q.date, q.language) : fmt::format("в {} году", *q.year));
    }
    std::string text = Kz(q) ? fmt::format("{} {}ҚҚС мөлшерлемесі — {}.", when, category->kz, Percent(rate->rate))
                             : fmt::format("Ставка НДС{} {} — {}.", category->ru, when, Percent(rate->rate));
    // The same category's rate just before and just after: what changed and what is coming.
    using std::chrono::sys_days;
    for (const auto& other : rules_.vat) {
        if (other.category != rate->category) {
            continue;
        }
        // The rate before matters only in the year it changed: in March 2027 the 12 % of 2025 is history.
        if (other.to && sys_days{*other.to} + std::chrono::days{1} == sys_days{rate->from} &&
            on.year() == rate->from.year()) {
            text += Kz(q) ? fmt::format(" {} дейін — {}.",
                                        WriteDate(*other.to, q.language, KazakhCase::kDative),
                                        Percent(other.rate))
                          : fmt::format(" По {} — {}.", WriteDate(*other.to, q.language), Percent(other.rate));
        } else if (rate->to && sys_days{*rate->to} + std::chrono::days{1} == sys_days{other.from}) {
            text += Kz(q) ? fmt::format(" {} бастап — {}.",
                                        WriteDate(other.from, q.language, KazakhCase::kAblative),
                                        Percent(other.rate))
                          : fmt::format(" С {} — {}.", WriteDate(other.from, q.language), Percent(other.rate));
        }
    }
    text += Say(q,
                " Ставку определяет дата оборота (поставки, акта), а не дата договора.",
                " Мөлшерлемені шарт күні емес, айналым (жеткізу, акт) күні анықтайды.");
    return Make(q, std::move(text), {Percent(rate->rate)}, Source{"rules:vat", "Ставки НДС", rate->source}, "vat");
}

std::optional<Fact> FactBook::BidSecurity(const Question& q) const {
    if (!q.HasAny({"обеспеч", "қамтамасыз", "кепіл"}) || !q.HasAny({"заявк", "=заявок", "өтінім"}) ||
        q.HasAny({"возвра",
                  "верн",
                  "разблок",
                  "удерж",
                  "қайтар",
                  "форм",
                  "кошел",
                  "әмиян",
                  "срок",
                  "когда",
                  "=дней",
                  "мерзім",
                  "күнде"})) {
        return std::nullopt;
    }
    if (const auto method = q.Method()) {
        const auto it = std::find_if(rules_.bid_security.begin(), rules_.bid_security.end(), [&](const auto& row) {
            return row.method == *method;
        });
        if (it == rules_.bid_security.end()) {
            return std::nullopt;
        }
        const auto& words = WordsFor(*method);
        std::string text;
        if (it->pct == 0) {
            text = Kz(q) ? fmt::format("Жоқ: {} өтінімді қамтамасыз ету енгізілмейді (0%).", words.kz_in)
                         : fmt::format("Нет: {} обеспечение заявки не вносится (0%).", words.ru_for);
        } else {
            text = Kz(q) ? fmt::format("{} {} үшін — лотқа бөлінген соманың {}.",
                                       q.yes_no ? "Иә: өтінімді қамтамасыз ету" : "Өтінімді қамтамасыз ету",
                                       words.kz,
                                       Percent(it->pct))
                         : fmt::format("{} {} — {} от суммы, выделенной для закупки по лоту.",
                                       q.yes_no ? "Да: обеспечение заявки" : "Обеспечение заявки",
                                       words.ru_for,
                                       Percent(it->pct));
            text += Say(q,
                        " Вносится деньгами на электронный кошелёк или электронной банковской гарантией, с округлением "
                        "до целого тенге.",
                        " Электрондық әмиянға ақшамен немесе электрондық банк кепілдігімен енгізіледі.");
        }
        return Make(q,
                    std::move(text),
                    {Percent(it->pct)},
                    Source{"rules:bid_security", "Обеспечение заявки", it->source},
                    "securities");
    }
    // No method named: every method, grouped by its percentage, in the rule book's order.
    std::vector<std::pair<calc::BasisPoints, std::vector<std::string>>> groups;
    std::vector<std::string> exempt;
    std::vector<std::string> numbers;
    for (const auto& row : rules_.bid_security) {
        const auto& words = WordsFor(row.method);
        if (row.pct == 0) {
            exempt.emplace_back(Kz(q) ? words.kz : words.ru_of);
            continue;
        }
        auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == row.pct; });
        if (group == groups.end()) {
            groups.push_back({row.pct, {}});
            numbers.push_back(Percent(row.pct));
            group = std::prev(groups.end());
        }
        group->second.emplace_back(Kz(q) ? words.kz : words.ru_of);
    }
    std::vector<std::string> parts;
    parts.reserve(groups.size());
    for (const auto& [pct, methods] : groups) {
        parts.push_back(Kz(q) ? fmt::format("{} үшін {}", JoinAnd(methods, " және "), Percent(pct))
                              : fmt::format("{} для {}", Percent(pct), JoinAnd(methods, " и ")));
    }
    std::string text =
        Kz(q) ? fmt::format("Өтінімді қамтамасыз ету лотқа бөлінген сомадан: {}; {} үшін енгізілмейді.",
                            JoinAnd(parts, ", "),
                            JoinAnd(exempt, " және "))
              : fmt::format("Обеспечение заявки от суммы, выделенной для закупки по лоту: {}; для {} не вносится.",
                            JoinAnd(parts, ", "),
                            JoinAnd(exempt, " и "));
    return Make(q,
                std::move(text),
                std::move(numbers),
                Source{"rules:bid_security", "Обеспечение заявки", rules_.bid_security.front().source},
                "securities");
}

std::optional<Fact> FactBook::PerformanceSecurity(const Question& q) const {
    if (!q.HasAny({"обеспеч", "қамтамасыз", "кепіл"}) || !q.HasAny({"исполнен", "орындал", "договор", "шарт"}) ||
        q.HasAny({"заявк", "=заявок", "өтінім"}) ||
        q.HasAny({"возвра", "верн", "қайтар", "форм", "срок", "когда", "=дней", "мерзім", "күнде", "аванс"})) {
        return std::nullopt;
    }
    const auto method = q.Method();
    const auto year = q.year.value_or(static_cast<int>(q.today.year()));
    const Tiyn limit = rules_.Mrp(year) * rules_.eshop_performance_exempt_mrp;
    const auto base = Percent(rules_.performance_default);
    const auto price_offers = Percent(rules_.performance_price_offers);
    std::string text;
    std::vector<std::string> numbers;
    if (method == ProcurementMethod::kEshop) {
        text = Kz(q) ? fmt::format(
                           "{}Электрондық дүкенде шарт сомасы {} АЕК-тен ({} жылы {}) аспаса, шарттың "
                           "орындалуын қамтамасыз ету енгізілмейді; одан асса — шарт сомасының {}.",
                           q.yes_no ? "Жоқ, егер сома шекті аспаса. " : "",
                           rules_.eshop_performance_exempt_mrp,
                           year,
                           Tenge(limit),
                           base)
                     : fmt::format(
                           "{}, если сумма договора не больше {} МРП ({} в {} году): тогда "
                           "обеспечение исполнения не вносится; при большей сумме — {} от общей суммы договора.",
                           q.yes_no ? "Нет, не обязательно" : "Не обязательно",
                           rules_.eshop_performance_exempt_mrp,
                           Tenge(limit),
                           year,
                           base);
        numbers = {std::to_string(rules_.eshop_performance_exempt_mrp), base};
    } else if (method == ProcurementMethod::kPriceOffers) {
        text = Kz(q) ? fmt::format(
                           "Баға ұсыныстарын сұрату кезінде шарттың орындалуын қамтамасыз ету — шарттың жалпы "
                           "сомасының {}.",
                           price_offers)
                     : fmt::format(
                           "{} при запросе ценовых предложений — {} от общей "
                           "суммы договора.",
                           q.yes_no ? "Да: обеспечение исполнения договора" : "Обеспечение исполнения договора",
                           price_offers);
        numbers = {price_offers};
    } else {
        text = Kz(q) ? fmt::format(
                           "Шарттың орындалуын қамтамасыз ету — шарттың жалпы сомасының {}, баға ұсыныстарын "
                           "сұрату кезінде — {}. Электрондық дүкенде {} АЕК-ке ({}) дейінгі шарттар бойынша "
                           "енгізілмейді.",
                           base,
                           price_offers,
                           rules_.eshop_performance_exempt_mrp,
                           Tenge(limit))
                     : fmt::format(
                           "{} — {} от общей суммы договора, для запроса ценовых "
                           "предложений — {}. Не вносится по договорам электронного магазина до {} МРП ({} в {} "
                           "году), при закупке из одного источника (кроме пп. 19 и 41 п. 538) и поставщиками из "
                           "реестра казахстанских товаропроизводителей.",
                           q.yes_no ? "Да: обеспечение исполнения договора" : "Обеспечение исполнения договора",
                           base,
                           price_offers,
                           rules_.eshop_performance_exempt_mrp,
                           Tenge(limit),
                           year);
        numbers = {base, price_offers};
    }
    return Make(q,
                std::move(text),
                std::move(numbers),
                Source{"rules:performance_security", "Обеспечение исполнения договора", rules_.performance_source},
                "securities");
}

std::optional<Fact> FactBook::Dumping(const Question& q) const {
    const bool lowering = q.HasAny({"сниз", "сниж", "снижа", "төмендет", "заниж"}) && q.HasAny({"цен", "баға", "бағ"});
    if (!q.Has("демпинг") && !lowering) {
        return std::nullopt;
    }
    struct Subject {
        const char* id;
        std::vector<Cues> all;
        const char* ru;
        const char* kz;
        const char* ru_short;  // for the overview, which must fit 500 characters with its source
    };
    // Most specific first: "авторский надзор" is engineering, "экспертиза проектов" is not design.
    static const std::vector<Subject> kSubjects{
        {"expertise",
         {{"экспертиз", "сараптам"}},
         "экспертиза проектов строительства",
         "құрылыс жобаларының сараптамасы",
         "экспертиза"},
        {"engineering_services",
         {{"инжиниринг", "надзор", "қадағала"}},
         "инжиниринговые услуги",
         "инжинирингтік қызметтер",
         "инжиниринг"},
        {"copyright_management",
         {{"авторск"}, {"прав", "құқ"}},
         "управление авторскими правами",
         "авторлық құқықтарды басқару",
         "авторские права"},
        {"social_order",
         {{"социальн", "әлеуметтік"}},
         "государственный социальный заказ",
         "мемлекеттік әлеуметтік тапсырыс",
         "соцзаказ"},
        {"catering", {{"питан", "тамақ"}}, "услуги питания", "тамақтандыру қызметтері", "питание"},
        {"road_medium_repair",
         {{"средн", "орташа"}, {"ремонт", "жөндеу"}},
         "средний ремонт дорог",
         "жолдарды орташа жөндеу",
         "средний ремонт дорог"},
        {"current_repair",
         {{"текущ", "ағымдағы"}, {"ремонт", "жөндеу"}},
         "текущий ремонт",
         "ағымдағы жөндеу",
         "текущий ремонт"},
        {"construction_works",
         {{"строител", "строительн", "смр", "монтаж", "құрылыс"}},
         "строительно-монтажные работы",
         "құрылыс-монтаждау жұмыстары",
         "СМР"},
        {"design",
         {{"проект", "=пср", "=псд", "=тэо", "жобалау", "жоба"}},
         "проектирование",
         "жобалау",
         "проектирование"},
        {"other",
         {{"товар", "тауар", "услуг", "қызмет", "работ", "жұмыс"}},
         "прочие товары, работы, услуги",
         "басқа тауарлар, жұмыстар, қызметтер",
         "прочее"},
    };
    const auto method = q.Method();
    const calc::DumpingRule* rule = nullptr;
    const Subject* subject = nullptr;
    if (method == ProcurementMethod::kEshop || method == ProcurementMethod::kPriceOffers) {
        for (const auto& row : rules_.dumping) {
            if (row.method == *method) {
                rule = &row;
            }
        }
    } else if (!method || method == ProcurementMethod::kTender) {
        for (const auto& s : kSubjects) {
            if (All(q, s.all)) {
                subject = &s;
                break;
            }
        }
        if (subject == nullptr && method) {
            subject = &kSubjects.back();  // a tender for anything not listed is "other"
        }
        for (const auto& row : rules_.dumping) {
            if (subject != nullptr && row.method == ProcurementMethod::kTender && row.subject == subject->id) {
                rule = &row;
            }
        }
    } else {
        return std::nullopt;  // an auction has no threshold of its own: the article says so
    }
    const Source source{"rules:dumping", "Пороги демпинга", rule != nullptr ? rule->source : ""};
    if (rule != nullptr) {
        const auto t = Percent(rule->threshold);
        std::string name = subject != nullptr ? (Kz(q) ? subject->kz : subject->ru) : "";
        std::string text;
        if (rule->reference == "offers_mean") {
            text = Say(q,
                       "В электронном магазине демпинг — цена более чем на {} ниже среднего арифметического всех "
                       "предложений; такое предложение отклоняется автоматически.",
                       "Электрондық дүкенде демпинг — барлық ұсыныстардың орташа арифметикалық бағасынан {} астам "
                       "төмен баға; мұндай ұсыныс автоматты түрде қабылданбайды.");
            text = fmt::format(fmt::runtime(text), t);
        } else if (rule->threshold == 0) {
            text = Kz(q) ? fmt::format(
                               "«{}» бойынша бағаның кез келген төмендеуі демпинг болып саналады (0%); мұндай "
                               "өтінімдер қабылданбайды.",
                               name)
                         : fmt::format(
                               "По предмету «{}» демпингом считается любое снижение цены (порог 0%); такие "
                               "заявки не принимаются.",
                               name);
        } else {
            const std::string where = method == ProcurementMethod::kPriceOffers
                                          ? Say(q, "в запросе ценовых предложений", "баға ұсыныстарын сұратуда")
                                          : fmt::format(fmt::runtime(Say(q, "по предмету «{}»", "«{}» бойынша")), name);
            if (Kz(q)) {
                text = lowering && !q.Has("демпинг")
                           ? fmt::format(
                                 "Демпингсіз бағаны бөлінген сомадан {} артық емес төмендетуге болады ({}).", t, where)
                           : fmt::format("Демпинг {} — бағаны бөлінген сомадан {} астам төмендету.", where, t);
            } else {
                text = lowering ? fmt::format(
                                      "Без демпинга цену можно снизить не более чем на {} от суммы, выделенной "
                                      "для закупки ({}).",
                                      t,
                                      where)
                                : fmt::format(
                                      "Демпинг {} — снижение цены более чем на {} от суммы, выделенной для "
                                      "закупки; ровно {} — ещё не демпинг.",
                                      where,
                                      t,
                                      t);
            }
            text += rule->allowed ? Say(q,
                                        " Такая цена допускается, если победитель внесёт антидемпинговую сумму сверх "
                                        "обеспечения исполнения договора.",
                                        " Мұндай баға жеңімпаз демпингке қарсы соманы енгізсе ғана рұқсат етіледі.")
                                  : Say(q,
                                        " Здесь демпинг запрещён: такие заявки не принимаются.",
                                        " Мұнда демпингке тыйым салынған: мұндай өтінімдер қабылданбайды.");
        }
        return Make(q, std::move(text), {t}, source, "dumping");
    }
    // Nothing narrower asked: the whole table, the allowed threshold first, then where it is banned.
    std::map<calc::BasisPoints, std::vector<std::string>> banned;
    const calc::DumpingRule* general = nullptr;
    const calc::DumpingRule* eshop = nullptr;
    for (const auto& row : rules_.dumping) {
        if (row.method == ProcurementMethod::kTender && row.subject == "other") {
            general = &row;
        } else if (row.method == ProcurementMethod::kEshop) {
            eshop = &row;
        } else if (row.method == ProcurementMethod::kTender && !row.allowed) {
            const auto s =
                std::find_if(kSubjects.begin(), kSubjects.end(), [&](const auto& x) { return row.subject == x.id; });
            if (s != kSubjects.end()) {
                banned[row.threshold].emplace_back(Kz(q) ? s->kz : s->ru_short);
            }
        }
    }
    if (general == nullptr) {
        return std::nullopt;
    }
    std::vector<std::string> parts;
    for (const auto& [threshold, names] : banned) {
        if (threshold > 0) {
            parts.push_back(fmt::format("{} — {}", Percent(threshold), JoinAnd(names, ", ")));
        }
    }
    if (banned.contains(0)) {
        parts.push_back(
            fmt::format("{} — {}", Say(q, "любое снижение", "кез келген төмендеу"), JoinAnd(banned[0], ", ")));
    }
    std::string text =
        Kz(q) ? fmt::format(
                    "Демпинг — бағаны бөлінген сомадан {} астам төмендету (конкурс пен баға ұсыныстарын сұрату; "
                    "демпингке қарсы сомамен рұқсат етіледі). Тыйым салынған шектер: {}.",
                    Percent(general->threshold),
                    JoinAnd(parts, "; "))
              : fmt::format(
                    "Демпинг — снижение цены более чем на {} от выделенной суммы (конкурс, запрос ценовых "
                    "предложений); допускается с антидемпинговой суммой. Запрещён: {}.",
                    Percent(general->threshold),
                    JoinAnd(parts, "; "));
    if (eshop != nullptr) {
        text += fmt::format(fmt::runtime(Say(q,
                                             " В электронном магазине — {} ниже средней цены предложений.",
                                             " Электрондық дүкенде — ұсыныстардың орташа бағасынан {} төмен.")),
                            Percent(eshop->threshold));
    }
    return Make(q,
                std::move(text),
                {Percent(general->threshold)},
                Source{"rules:dumping", "Пороги демпинга", general->source},
                "dumping");
}

std::optional<Fact> FactBook::Penalty(const Question& q) const {
    if (!q.HasAny({"неустойк", "штраф", "=пеня", "=пени", "=пеню", "айыппұл", "тұрақсызд"}) ||
        q.HasAny({"освобожд", "расторг", "бұз", "босат"})) {
        return std::nullopt;
    }
    const auto daily = Percent(rules_.penalty_daily);
    if (q.HasAny({"заказчик", "тапсырыс"}) && q.HasAny({"оплат", "төле", "төлем"})) {
        const auto cap = Percent(rules_.customer_late_cap);
        auto text = Kz(q) ? fmt::format(
                                "Төлемді кешіктірген тапсырыс берушінің тұрақсыздық айыбы — шарттың жалпы "
                                "сомасының {} артық емес: кешіктірілген соманың әр күнге {}.",
                                cap,
                                daily)
                          : fmt::format(
                                "Неустойка заказчика за просрочку оплаты — не более {} общей суммы договора: {} "
                                "от просроченной суммы за каждый день.",
                                cap,
                                daily);
        return Make(q,
                    std::move(text),
                    {cap, daily},
                    Source{"rules:penalty", "Неустойка", rules_.customer_late_source},
                    "penalties");
    }
    if (q.HasAny({"отечеств", "товаропроизвод", "отандық", "казахстанск", "қазақстандық"})) {
        const auto cap = Percent(rules_.kz_producer_cap);
        auto text = Kz(q) ? fmt::format(
                                "Қазақстандық тауар өндірушілер тізіліміндегі жеткізушіге тұрақсыздық айыбы — "
                                "шарттың жалпы сомасының {} артық емес.",
                                cap)
                          : fmt::format(
                                "Для поставщика из реестра казахстанских товаропроизводителей неустойка — не "
                                "более {} общей суммы договора.",
                                cap);
        return Make(
            q, std::move(text), {cap}, Source{"rules:penalty", "Неустойка", rules_.kz_producer_source}, "penalties");
    }
    struct ContractType {
        const char* id;
        Cues cues;
        const char* ru;  // "по договору …"
        const char* kz;
    };
    static const std::vector<ContractType> kTypes{
        {"services", {"услуг", "қызмет"}, "по договору об оказании услуг", "қызмет көрсету шарты бойынша"},
        {"goods",
         {"товар", "поставк", "тауар", "жеткіз"},
         "по договору о поставке товаров",
         "тауар жеткізу шарты бойынша"},
        {"works", {"работ", "жұмыс"}, "по договору о выполнении работ", "жұмыстарды орындау шарты бойынша"},
        {"other", {}, "по договору о госзакупках", "мемлекеттік сатып алу шарты бойынша"},
    };
    const ContractType* type = &FirstAsked(q, kTypes);
    const auto row = std::find_if(rules_.penalty_caps.begin(), rules_.penalty_caps.end(), [&](const auto& c) {
        return c.contract_type == type->id;
    });
    if (row == rules_.penalty_caps.end()) {
        return std::nullopt;
    }
    const auto cap = Percent(row->cap);
    std::string text;
    if (q.HasAny({"максим", "предел", "=более", "больше", "=ең", "шег", "жоғары"})) {
        text = Kz(q) ? fmt::format(
                           "Тұрақсыздық айыбы {} — шарттың жалпы сомасының {} артық емес: мерзімі өткен әр күн "
                           "үшін {}.",
                           type->kz,
                           cap,
                           daily)
                     : fmt::format("Неустойка {} — не более {} общей суммы договора: {} за каждый день просрочки.",
                                   type->ru,
                                   cap,
                                   daily);
    } else {
        text = Kz(q) ? fmt::format(
                           "Тұрақсыздық айыбы — мерзімі өткен әр күн үшін шарт сомасының {} (ішінара орындалмаса "
                           "— орындалмаған міндеттемелер құнының), бірақ {} {} артық емес.",
                           daily,
                           type->kz,
                           cap)
                     : fmt::format(
                           "Неустойка — {} от общей суммы договора за каждый день просрочки (при частичном "
                           "неисполнении — от стоимости неисполненного), но не более {} {}.",
                           daily,
                           cap,
                           type->ru);
    }
    if (!row->verified) {
        text +=
            Say(q,
                " Предел для этого вида договора принят по аналогии с типовым договором услуг — сверьте с текстом "
                "договора.",
                " Бұл шарт түрі үшін шек қызмет көрсетудің үлгілік шарты бойынша алынды — шарт мәтінімен тексеріңіз.");
    }
    return Make(q, std::move(text), {daily, cap}, Source{"rules:penalty", "Неустойка", row->source}, "penalties");
}

std::optional<Fact> FactBook::Mrp(const Question& q) const {
    const bool asked =
        q.HasAny({"мрп", "аек"}) || (q.Has("месячн") && q.Has("расчетн")) || (q.Has("айлық") && q.Has("есептік"));
    if (!asked) {
        return std::nullopt;
    }
    const int year = q.year.value_or(static_cast<int>(q.today.year()));
    const auto known =
        std::find_if(rules_.mrp.begin(), rules_.mrp.end(), [year](const auto& m) { return m.year == year; });
    if (known == rules_.mrp.end()) {
        return std::nullopt;  // a year the rule book does not hold: no number is better than last year's
    }
    const auto value = Tenge(known->value);
    auto text = Kz(q) ? fmt::format("{} жылы АЕК — {}.", year, value) : fmt::format("МРП в {} году — {}.", year, value);
    text += fmt::format(fmt::runtime(Say(q,
                                         " Через МРП заданы пороги закупок; например, 500 МРП — это {}.",
                                         " Сатып алу шектері АЕК арқылы беріледі; мысалы, 500 АЕК — {}.")),
                        Tenge(known->value * 500));
    return Make(q, std::move(text), {value}, Source{"rules:mrp", "МРП", known->source}, "");
}

bool KeepsNumbers(const std::string& answer, const std::vector<std::string>& numbers) {
    // Digits and the decimal mark only: "4 325 ₸" and "4325 тенге", "0,1%" and "0.1 %" are the same number.
    auto squeeze = [](std::string_view text) {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            const char c = text[i];
            const bool digit = c >= '0' && c <= '9';
            if (digit) {
                out += c;
            } else if ((c == ',' || c == '.') && !out.empty() && out.back() >= '0' && out.back() <= '9' &&
                       i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') {
                out += ',';
            } else if (c == ' ' && !out.empty() && out.back() >= '0' && out.back() <= '9' && i + 1 < text.size() &&
                       text[i + 1] >= '0' && text[i + 1] <= '9') {
                continue;  // a thousands gap
            } else if (out.empty() || out.back() != '|') {
                out += '|';
            }
        }
        if (out.empty() || out.back() != '|') {
            out += '|';
        }
        return out.front() == '|' ? out : "|" + out;
    };
    const auto said = squeeze(answer);
    return std::all_of(numbers.begin(), numbers.end(), [&](const std::string& number) {
        const auto wanted = squeeze(number);  // "|16|" — bounded, so 16 is not found inside 116
        return said.find(wanted) != std::string::npos;
    });
}

}  // namespace zakupai::llm
