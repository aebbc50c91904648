// A customer's page (its lots, how the risk engine judged them, spending by month) and a
// supplier's (wins, bids, customers, RNU status), with the charts drawn in the browser.
#include <fmt/format.h>

#include "core/bin.hpp"
#include "core/money.hpp"
#include "risk/risk_service.hpp"
#include "search/lot_search.hpp"
#include "web/internal/panel.hpp"

namespace zakupai::web {

namespace {

constexpr int kMonths = 12;
constexpr int kCustomerLots = 20;

void AddRiskAggregate(const Panel& panel,
                      const std::string& language,
                      const risk::RiskAggregate& risk,
                      mustache::data& context) {
    context.set("evaluated", Text(std::to_string(risk.evaluated)));
    context.set("average_score", Text(FormatTrimmedDecimal(risk.average_score_centi, 2)));
    context.set("risk_labels",
                Text(panel.Label(language, "level_high") + "," + panel.Label(language, "level_medium") + "," +
                     panel.Label(language, "level_low")));
    context.set("risk_values", Text(fmt::format("{},{},{}", risk.high, risk.medium, risk.low)));
    context.set("high", Text(std::to_string(risk.high)));
    context.set("medium", Text(std::to_string(risk.medium)));
    context.set("low", Text(std::to_string(risk.low)));
    mustache::data riskiest{mustache::data::type::list};
    for (const auto& lot : risk.riskiest) {
        mustache::data item;
        item.set("id", Text(std::to_string(lot.lot_id)));
        item.set("score", Text(std::to_string(lot.score)));
        item.set("amount", Money(lot.price));
        riskiest.push_back(item);
    }
    context.set("riskiest", riskiest);
}

// A page about a party named by the BIN in its path: a BIN that is not one gets the page that
// says why.
http::Handler WithBin(const Panel& panel,
                      std::function<http::Response(http::Request&, Session&, const std::string&)> handler) {
    return WithSession(panel, [&panel, handler = std::move(handler)](http::Request& request, Session& session) {
        auto bin = NormalizeBin(request.path_params["bin"]);
        if (!bin) {
            return panel.ErrorPage(request, &session, 422, panel.Label(panel.Language(request, &session), "bad_bin"));
        }
        return handler(request, session, *bin);
    });
}

}  // namespace

void RegisterPartyPages(http::Router& router, const Panel& panel) {
    const http::RouteOptions page{.is_public = true, .counts_usage = false};
    router.Add("GET",
               "/app/customers/{bin}",
               WithBin(panel,
                       [&panel](http::Request& request, Session& session, const std::string& bin) {
                           const auto& s = panel.services();
                           const std::string language = panel.Language(request, &session);
                           auto report = s.risk.Customer(bin);
                           if (!report) {
                               return panel.ErrorPage(request, &session, report.error());
                           }
                           mustache::data context;
                           context.set("bin", Text(bin));
                           context.set("lots_total", Text(std::to_string(report->lots)));
                           AddRiskAggregate(panel, language, report->risk, context);
                           search::LotQuery query;
                           query.customer_bin = bin;
                           query.sort = search::SortBy::kDeadline;
                           query.descending = true;
                           query.limit = kCustomerLots;
                           query.facets = false;
                           if (auto found = s.search.Search(query); found && !found->lots.empty()) {
                               context.set("name", Text(found->lots.front().lot.customer_name));
                               context.set("lots", LotRows(panel, language, found->lots, s.clock.Now()));
                           }
                           // Spending by the month the lots' bids close, the last 12 months and what is open.
                           const Date today = AlmatyDate(s.clock.Now());
                           const std::chrono::year_month this_month{today.year(), today.month()};
                           const auto first = this_month - std::chrono::months{kMonths - 1};
                           std::vector<std::int64_t> amounts(kMonths + 1, 0);
                           for (const auto& [deadline, amount] :
                                s.sessions.CustomerLotAmounts(bin, AlmatyStartOfDay(first / std::chrono::day{1}))) {
                               const Date day = AlmatyDate(deadline);
                               const auto index = (std::chrono::year_month{day.year(), day.month()} - first).count();
                               if (index >= 0 && index <= kMonths) {
                                   amounts[static_cast<std::size_t>(index)] += amount;
                               }
                           }
                           std::string months;
                           std::string tenge;
                           for (int i = 0; i <= kMonths; ++i) {
                               const auto month = first + std::chrono::months{i};
                               months += fmt::format("{}{:02}.{}",
                                                     i == 0 ? "" : ",",
                                                     static_cast<unsigned>(month.month()),
                                                     static_cast<int>(month.year()) % 100);
                               tenge +=
                                   fmt::format("{}{}", i == 0 ? "" : ",", amounts[static_cast<std::size_t>(i)] / 100);
                           }
                           context.set("spending_labels", Text(months));
                           context.set("spending_values", Text(tenge));
                           context.set("charts", mustache::data{true});
                           return panel.Page(request, &session, "customer", std::move(context));
                       }),
               page);
    router.Add("GET",
               "/app/suppliers/{bin}",
               WithBin(panel,
                       [&panel](http::Request& request, Session& session, const std::string& bin) {
                           const auto& s = panel.services();
                           const std::string language = panel.Language(request, &session);
                           auto report = s.risk.Supplier(bin);
                           if (!report) {
                               return panel.ErrorPage(request, &session, report.error());
                           }
                           mustache::data context;
                           context.set("bin", Text(bin));
                           context.set("contracts", Text(std::to_string(report->contracts)));
                           context.set("contracts_amount", Money(report->contracts_amount));
                           context.set("customers", Text(std::to_string(report->customers)));
                           context.set("bids", Text(std::to_string(report->bids)));
                           context.set("wins", Text(std::to_string(report->wins)));
                           if (report->win_rate_ten_thousandths) {
                               context.set("win_rate", Percent(*report->win_rate_ten_thousandths));
                           }
                           context.set("rnu_listed", mustache::data{report->rnu_checked && report->rnu_listed});
                           context.set("rnu_clear", mustache::data{report->rnu_checked && !report->rnu_listed});
                           mustache::data customers{mustache::data::type::list};
                           for (const auto& [customer, count] : report->top_customers) {
                               mustache::data item;
                               item.set("bin", Text(customer));
                               item.set("contracts", Text(std::to_string(count)));
                               customers.push_back(item);
                           }
                           context.set("top_customers", customers);
                           context.set("bid_labels",
                                       Text(panel.Label(language, "bids") + "," + panel.Label(language, "wins")));
                           context.set("bid_values", Text(fmt::format("{},{}", report->bids, report->wins)));
                           AddRiskAggregate(panel, language, report->risk, context);
                           context.set("charts", mustache::data{true});
                           return panel.Page(request, &session, "supplier", std::move(context));
                       }),
               page);
}

}  // namespace zakupai::web
