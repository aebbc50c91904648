#include "app/demo_data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <random>

#include "core/bin.hpp"

namespace zakupai::app {

namespace {

struct Item {
    const char* title;
    const char* unit;
    const char* enstru;
    std::int64_t unit_price_tenge;
};

constexpr std::array<Item, 24> kItems{{
    {"Бумага офисная А4, 80 г/м2", "пачка", "171912.100.000001", 2600},
    {"Картридж для лазерного принтера", "штука", "262020.900.000012", 28000},
    {"Ноутбук 15.6 дюйма, 16 ГБ ОЗУ", "штука", "262011.300.000007", 420000},
    {"Монитор 24 дюйма IPS", "штука", "262017.000.000003", 85000},
    {"Стол письменный офисный", "штука", "310112.500.000001", 48000},
    {"Стул офисный на колёсах", "штука", "310111.500.000004", 32000},
    {"Бензин АИ-92", "литр", "192021.100.000002", 245},
    {"Дизельное топливо летнее", "литр", "192026.310.000001", 310},
    {"Услуги по уборке помещений", "месяц", "812112.000.000000", 650000},
    {"Услуги охраны объекта", "месяц", "801011.000.000001", 900000},
    {"Текущий ремонт кровли здания школы", "работа", "433910.000.000000", 12500000},
    {"Средний ремонт автомобильной дороги", "работа", "421110.200.000000", 185000000},
    {"Продукты питания: молоко 3,2%", "литр", "105111.200.000001", 520},
    {"Говядина охлаждённая", "килограмм", "101111.100.000003", 3900},
    {"Услуги по организации горячего питания учащихся", "услуга", "562910.000.000001", 24000000},
    {"Лекарственное средство: парацетамол 500 мг", "упаковка", "212010.000.000120", 450},
    {"Перчатки медицинские нитриловые", "пара", "221960.500.000002", 95},
    {"Шприц одноразовый 5 мл", "штука", "325013.300.000005", 45},
    {"Уголь каменный", "тонна", "051010.000.000001", 21000},
    {"Услуги по техническому обслуживанию лифтов", "месяц", "332912.000.000002", 180000},
    {"Программное обеспечение: лицензия антивируса", "лицензия", "582912.000.000004", 16000},
    {"Услуги связи: доступ в интернет", "месяц", "611011.000.000001", 95000},
    {"Разработка проектно-сметной документации", "работа", "711212.000.000003", 7800000},
    {"Учебники для общеобразовательных школ", "штука", "581113.000.000002", 3100},
}};

constexpr std::array<const char*, 14> kRegions{"г. Астана",
                                               "г. Алматы",
                                               "г. Шымкент",
                                               "Акмолинская область",
                                               "Актюбинская область",
                                               "Алматинская область",
                                               "Атырауская область",
                                               "Восточно-Казахстанская область",
                                               "Жамбылская область",
                                               "Карагандинская область",
                                               "Костанайская область",
                                               "Павлодарская область",
                                               "Туркестанская область",
                                               "Мангистауская область"};

constexpr std::array<const char*, 8> kCustomerKinds{"ГУ «Аппарат акима",
                                                    "КГУ «Общеобразовательная школа №",
                                                    "ГКП на ПХВ «Городская поликлиника №",
                                                    "ГУ «Отдел образования",
                                                    "ГУ «Управление здравоохранения",
                                                    "КГУ «Детский сад №",
                                                    "РГУ «Департамент государственных доходов",
                                                    "ГУ «Отдел жилищно-коммунального хозяйства"};

constexpr std::array<const char*, 10> kSupplierNames{"ТОО «Астана Снаб»",
                                                     "ТОО «КазОфисТрейд»",
                                                     "ТОО «Сарыарқа Құрылыс»",
                                                     "ИП «Жумабаев Д.К.»",
                                                     "ТОО «Медтехника-KZ»",
                                                     "ТОО «Алтын Азык»",
                                                     "ТОО «Digital Service Group»",
                                                     "ТОО «ЖолСервис»",
                                                     "ТОО «Ақ Бидай»",
                                                     "ТОО «Энерго Ресурс»"};

// The methods and stages a demo lot is in (no turnkey tenders among them; none cancelled yet).
constexpr std::array<ProcurementMethod, 5> kMethods{ProcurementMethod::kTender,
                                                    ProcurementMethod::kAuction,
                                                    ProcurementMethod::kPriceOffers,
                                                    ProcurementMethod::kEshop,
                                                    ProcurementMethod::kSingleSource};
constexpr std::array<LotStatus, 4> kStatuses{
    LotStatus::kPublished, LotStatus::kAcceptingBids, LotStatus::kEvaluation, LotStatus::kCompleted};

std::uint64_t Next(std::uint64_t& state) {
    // splitmix64: small, fast and reproducible across platforms.
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::uint64_t Below(std::uint64_t& state, std::uint64_t n) {
    return Next(state) % n;
}

}  // namespace

std::string MakeBin(std::uint64_t& state, int year, int month) {
    while (true) {
        std::string digits = fmt::format("{:02}{:02}40{:05}", year % 100, month, Below(state, 100000));
        if (auto check = BinCheckDigit(digits)) {
            return digits + static_cast<char>('0' + *check);
        }
    }
}

DemoData MakeDemoData(int lot_count, Instant now, std::uint64_t seed) {
    DemoData data;
    std::uint64_t state = seed;
    struct Customer {
        std::string bin;
        std::string name;
        std::string region;
    };
    std::vector<Customer> customers;
    for (int i = 0; i < 120; ++i) {
        const char* region = kRegions[Below(state, kRegions.size())];
        const char* kind = kCustomerKinds[Below(state, kCustomerKinds.size())];
        std::string name = std::string(kind);
        if (name.back() == '#' || name.find("№") != std::string::npos) {
            name += fmt::format("{}» ({})", 1 + Below(state, 90), region);
        } else {
            name += fmt::format(" {}»", region);
        }
        customers.push_back(
            {MakeBin(state, 95 + static_cast<int>(Below(state, 25)), 1 + static_cast<int>(Below(state, 12))),
             name,
             region});
    }
    for (int i = 0; i < 60; ++i) {
        std::string name = std::string(kSupplierNames[i % kSupplierNames.size()]);
        if (i >= static_cast<int>(kSupplierNames.size())) {
            name += fmt::format(" (филиал {})", i / kSupplierNames.size());
        }
        data.suppliers.push_back(
            {MakeBin(state, static_cast<int>(Below(state, 24)), 1 + static_cast<int>(Below(state, 12))),
             name,
             fmt::format("{:05}", 10000 + Below(state, 90000)),
             kRegions[Below(state, kRegions.size())]});
    }
    for (int i = 0; i < lot_count; ++i) {
        const Item& item = kItems[Below(state, kItems.size())];
        const Customer& customer = customers[Below(state, customers.size())];
        const std::int64_t quantity =
            item.unit_price_tenge > 1'000'000 ? 1 : 1 + static_cast<std::int64_t>(Below(state, 500));
        // ±20 % around the typical unit price, in whole tenge.
        const std::int64_t unit_price =
            item.unit_price_tenge * (80 + static_cast<std::int64_t>(Below(state, 41))) / 100;
        store::LotRow lot;
        lot.title = item.title;
        lot.description =
            fmt::format("{}; количество: {} {}; место поставки: {}", item.title, quantity, item.unit, customer.region);
        lot.price = unit_price * quantity * kTiynPerTenge;
        lot.deadline =
            now + std::chrono::hours{static_cast<std::int64_t>(Below(state, 24ULL * 60)) - std::int64_t{24} * 20};
        lot.customer_bin = customer.bin;
        lot.customer_name = customer.name;
        lot.plan_id = Below(state, 10) == 0 ? "" : fmt::format("PLN-{:07}", 1000000 + i);
        lot.status = std::string(Name(kStatuses[Below(state, kStatuses.size())]));
        lot.method = std::string(Name(kMethods[Below(state, kMethods.size())]));
        lot.region = customer.region;
        lot.enstru = item.enstru;
        lot.quantity = std::to_string(quantity);
        lot.unit = item.unit;
        data.lots.push_back(std::move(lot));
    }
    for (std::size_t i = 0; i < kItems.size() * 6; ++i) {
        const Item& item = kItems[i % kItems.size()];
        const auto& supplier = data.suppliers[Below(state, data.suppliers.size())];
        // tenge × percent = tiyn: 85–115 % of the typical price.
        data.prices.push_back({i % 2 == 0 ? "supplier_price_list" : "market_survey",
                               item.enstru,
                               item.title,
                               item.unit_price_tenge * (85 + static_cast<std::int64_t>(Below(state, 31))),
                               supplier.bin,
                               now - std::chrono::hours{static_cast<std::int64_t>(Below(state, 24ULL * 90))}});
    }
    // A separate stream, so adding bids leaves the lots and prices above as they were.
    std::uint64_t bid_state = seed ^ 0xB1D5B1D5ULL;
    for (std::size_t i = 0; i < data.lots.size(); ++i) {
        const auto& lot = data.lots[i];
        const bool closed = lot.status == Name(LotStatus::kEvaluation) || lot.status == Name(LotStatus::kCompleted);
        const bool competitive = lot.method != std::string("single_source") && lot.method != std::string("eshop");
        if (!closed || !competitive) {
            continue;
        }
        const auto pattern = Below(bid_state, 100);
        const std::size_t count = pattern < 12 ? 1 : 2 + Below(bid_state, 4);
        std::vector<std::size_t> chosen;
        while (chosen.size() < count) {
            const auto s = Below(bid_state, data.suppliers.size());
            if (std::find(chosen.begin(), chosen.end(), s) == chosen.end()) {
                chosen.push_back(s);
            }
        }
        // The winner bids 75–99 % of the lot; the others 1–15 % above it, or (rarely) a hair
        // above it or at the same price.
        const Tiyn winner = lot.price * (75 + static_cast<Tiyn>(Below(bid_state, 25))) / 100;
        for (std::size_t k = 0; k < chosen.size(); ++k) {
            Tiyn price = winner;
            if (k > 0) {
                price = pattern < 17   ? winner + winner / 500
                        : pattern < 20 ? winner
                                       : winner * (101 + static_cast<Tiyn>(Below(bid_state, 15))) / 100;
            }
            const bool rejected = k > 0 && Below(bid_state, 10) == 0;
            data.bids.emplace_back(
                i,
                store::BidRow{data.suppliers[chosen[k]].bin,
                              price,
                              k == 0 && lot.status == Name(LotStatus::kCompleted) ? BidStatus::kWinner
                              : rejected                                          ? BidStatus::kRejected
                                                                                  : BidStatus::kValid,
                              std::nullopt});
        }
    }
    return data;
}

}  // namespace zakupai::app
