#include "docs/complaint.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "docs/tldr.hpp"

namespace zakupai::docs {

namespace json = boost::json;

namespace {

std::string OrBlank(const std::string& value, const char* blank) {
    return value.empty() ? std::string(blank) : value;
}

}  // namespace

Result<Complaint> ComplaintService::Generate(const ComplaintRequest& request) const {
    auto lot = lots_.FindLot(request.lot_id);
    if (!lot) {
        return Fail(Error::NotFound("Lot not found"));
    }
    const bool kazakh = request.language == "kz" || request.language == "kk";
    const auto language = kazakh ? Language::kKazakh : Language::kRussian;
    const auto& row = lot->row;
    json::object context{
        {"customer_name",
         OrBlank(row.customer_name, kazakh ? "[тапсырыс берушінің атауы]" : "[наименование заказчика]")},
        {"customer_address",
         OrBlank(request.customer_address, kazakh ? "[тапсырыс берушінің мекенжайы]" : "[адрес заказчика]")},
        {"supplier_name",
         OrBlank(request.supplier_name, kazakh ? "[өнім берушінің атауы]" : "[наименование поставщика]")},
        {"supplier_address",
         OrBlank(request.supplier_address, kazakh ? "[өнім берушінің мекенжайы]" : "[адрес поставщика]")},
        {"method", MethodName(row.method.empty() ? "tender" : row.method, language)},
        {"announcement_number",
         OrBlank(request.announcement_number.empty() ? row.plan_id : request.announcement_number,
                 kazakh ? "[хабарландыру нөмірі]" : "[номер объявления]")},
        {"lot_number", std::to_string(lot->id)},
        {"procurement_name", row.title},
        {"protocol_date", FormatIsoDate(request.protocol_date.value_or(request.date))},
        {"facts", request.reason},
        {"appealed_actions",
         kazakh ? "1-бөлімде көрсетілген әрекеттер (әрекетсіздік), шешімдер."
                : "Действия (бездействие), решения, указанные в разделе 1."},
        {"requests",
         json::array{kazakh
                         ? "Осы шағымды қарап, шағым жасалған әрекеттерді (әрекетсіздікті), шешімдерді заңсыз деп тану."
                         : "Рассмотреть настоящую жалобу и признать обжалуемые действия (бездействие), решения "
                           "незаконными.",
                     kazakh ? "№ " + std::to_string(lot->id) + " лот бойынша сатып алу қорытындыларын қайта қарау."
                            : "Пересмотреть итоги государственных закупок по лоту № " + std::to_string(lot->id) + "."}},
        {"signer_name",
         OrBlank(request.signer_name.empty() ? request.supplier_name : request.signer_name,
                 kazakh ? "[басшының аты-жөні]" : "[ФИО руководителя]")},
    };
    if (!row.customer_bin.empty()) {
        context["customer_bin"] = row.customer_bin;
    }
    if (!request.supplier_bin.empty()) {
        context["supplier_bin"] = request.supplier_bin;
    }
    if (row.price > 0) {
        context["lot_amount"] = fmt::format("{}.{:02}", row.price / kTiynPerTenge, row.price % kTiynPerTenge);
    }
    // The letter is dated the complaint's date, and its deadline is judged against it.
    auto letter = letters_.Generate("complaint", kazakh ? "kz" : "ru", context, request.date);
    if (!letter) {
        return Fail(letter.error());
    }
    auto document = ParseHtml(letter->html);
    if (!document) {
        return Fail(document.error());
    }
    Complaint complaint{std::move(*letter), std::move(*document), {}, {}};
    complaint.text = PlainText(complaint.document);
    for (const auto& deadline : complaint.letter.deadlines) {
        if (deadline.passed) {
            complaint.warnings.push_back("the 3 working days after the results protocol ended on " +
                                         FormatIsoDate(deadline.date) +
                                         "; a late complaint is not considered (Rules 687 p.599)");
        }
    }
    if (const auto method = Parse<ProcurementMethod>(row.method);
        method == ProcurementMethod::kPriceOffers || method == ProcurementMethod::kEshop) {
        complaint.warnings.push_back(
            "results chosen automatically by the portal (price offers, e-shop) are not appealed under Art. 25 "
            "(Art. 25 p.5); a complaint to the authorized body is the route");
    }
    return complaint;
}

}  // namespace zakupai::docs
