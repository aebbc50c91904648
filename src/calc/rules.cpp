#include "calc/rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/parse.hpp>

namespace zakupai::embedded {
extern const std::string_view kCalcRules;
}

namespace zakupai::calc {

namespace json = boost::json;

std::string_view EmbeddedRuleBookJson() {
    return embedded::kCalcRules;
}

const VatRate* RuleBook::FindVat(std::string_view category, Date date) const {
    for (const auto& rate : vat) {
        if (rate.category == category && rate.from <= date && (!rate.to || date <= *rate.to)) {
            return &rate;
        }
    }
    return nullptr;
}

Tiyn RuleBook::Mrp(int year) const {
    ZAKUPAI_ASSERT(!mrp.empty());
    const MrpYear* latest = &mrp.front();
    for (const auto& entry : mrp) {
        if (entry.year == year) {
            return entry.value;
        }
        if (entry.year > latest->year) {
            latest = &entry;
        }
    }
    return latest->value;
}

std::vector<std::string> RuleBook::VatCategories() const {
    std::vector<std::string> categories;
    for (const auto& rate : vat) {
        if (std::find(categories.begin(), categories.end(), rate.category) == categories.end()) {
            categories.push_back(rate.category);
        }
    }
    return categories;
}

const LegalTerm* RuleBook::FindTerm(std::string_view id) const {
    const auto it = std::find_if(terms.begin(), terms.end(), [id](const LegalTerm& t) { return t.id == id; });
    return it == terms.end() ? nullptr : &*it;
}

namespace {

// Reads typed values out of the rule file; the first problem names its JSON path.
class Reader {
public:
    std::string problem;

    std::string Str(const json::object& o, std::string_view key, const std::string& where) {
        auto it = o.find(key);
        if (it == o.end() || !it->value().is_string()) {
            Note(where + "." + std::string(key) + " must be a string");
            return {};
        }
        return std::string(it->value().get_string());
    }
    BasisPoints Pct(const json::object& o, std::string_view key, const std::string& where) {
        auto text = Str(o, key, where);
        auto value = ParseScaledDecimal(text, 2);
        if (!value) {
            Note(where + "." + std::string(key) + " " + value.error().message);
            return 0;
        }
        return *value;
    }
    ProcurementMethod Method(const json::object& o, const std::string& where) {
        const auto text = Str(o, "method", where);
        const auto method = Parse<ProcurementMethod>(text);
        if (!method) {
            Note(where + ".method '" + text + "' is not one of " + NameList<ProcurementMethod>());
            return ProcurementMethod::kTender;
        }
        return *method;
    }
    Date Day(const json::object& o, std::string_view key, const std::string& where) {
        auto value = ParseIsoDate(Str(o, key, where));
        if (!value) {
            Note(where + "." + std::string(key) + " " + value.error().message);
            return Date{};
        }
        return *value;
    }
    const json::array& Array(const json::object& o, std::string_view key) {
        static const json::array kEmpty;
        auto it = o.find(key);
        if (it == o.end() || !it->value().is_array()) {
            Note(std::string(key) + " must be an array");
            return kEmpty;
        }
        return it->value().get_array();
    }
    const json::object& Object(const json::value& v, const std::string& where) {
        static const json::object kEmpty;
        if (!v.is_object()) {
            Note(where + " must be an object");
            return kEmpty;
        }
        return v.get_object();
    }

    void Note(std::string text) {
        if (problem.empty()) {
            problem = std::move(text);
        }
    }
};

}  // namespace

Result<RuleBook> ParseRuleBook(std::string_view json_text) {
    boost::system::error_code ec;
    json::value root_value = json::parse(json_text, ec);
    if (ec || !root_value.is_object()) {
        return Fail(Error{ErrorCode::kInternal, "calc rules are not a JSON object", {}});
    }
    const json::object& root = root_value.get_object();
    Reader r;
    RuleBook book;
    book.version = r.Str(root, "version", "");
    for (const auto& item : r.Array(root, "mrp")) {
        const auto& o = r.Object(item, "mrp[]");
        auto it = o.find("year");
        const int year = it != o.end() && it->value().is_int64() ? static_cast<int>(it->value().get_int64()) : 0;
        book.mrp.push_back({year, r.Pct(o, "tenge", "mrp[]"), r.Str(o, "source", "mrp[]")});
    }
    for (const auto& item : r.Array(root, "vat")) {
        const auto& o = r.Object(item, "vat[]");
        VatRate rate;
        rate.category = r.Str(o, "category", "vat[]");
        rate.from = r.Day(o, "from", "vat[]");
        if (auto it = o.find("to"); it != o.end() && !it->value().is_null()) {
            rate.to = r.Day(o, "to", "vat[]");
        }
        rate.rate = r.Pct(o, "rate_pct", "vat[]");
        rate.source = r.Str(o, "source", "vat[]");
        book.vat.push_back(std::move(rate));
    }
    for (const auto& item : r.Array(root, "bid_security")) {
        const auto& o = r.Object(item, "bid_security[]");
        book.bid_security.push_back(
            {r.Method(o, "bid_security[]"), r.Pct(o, "pct", "bid_security[]"), r.Str(o, "source", "bid_security[]")});
    }
    if (auto it = root.find("performance_security"); it != root.end()) {
        const auto& o = r.Object(it->value(), "performance_security");
        book.performance_default = r.Pct(o, "default_pct", "performance_security");
        book.performance_price_offers = r.Pct(o, "price_offers_pct", "performance_security");
        if (auto m = o.find("eshop_exempt_up_to_mrp"); m != o.end() && m->value().is_int64()) {
            book.eshop_performance_exempt_mrp = m->value().get_int64();
        }
        book.performance_source = r.Str(o, "source", "performance_security");
    }
    if (auto it = root.find("penalty"); it != root.end()) {
        const auto& o = r.Object(it->value(), "penalty");
        book.penalty_daily = r.Pct(o, "daily_rate_pct", "penalty");
        for (const auto& item : r.Array(o, "caps")) {
            const auto& c = r.Object(item, "penalty.caps[]");
            auto v = c.find("verified");
            book.penalty_caps.push_back({r.Str(c, "contract_type", "penalty.caps[]"),
                                         r.Pct(c, "cap_pct", "penalty.caps[]"),
                                         r.Str(c, "source", "penalty.caps[]"),
                                         v != c.end() && v->value().is_bool() && v->value().get_bool()});
        }
        book.kz_producer_cap = r.Pct(o, "kz_producer_cap_pct", "penalty");
        book.kz_producer_source = r.Str(o, "kz_producer_source", "penalty");
        book.customer_late_cap = r.Pct(o, "customer_late_cap_pct", "penalty");
        book.customer_late_source = r.Str(o, "customer_late_source", "penalty");
    }
    for (const auto& item : r.Array(root, "dumping")) {
        const auto& o = r.Object(item, "dumping[]");
        DumpingRule rule;
        rule.method = r.Method(o, "dumping[]");
        rule.subject = r.Str(o, "subject", "dumping[]");
        rule.threshold = r.Pct(o, "threshold_pct", "dumping[]");
        auto allowed = o.find("allowed");
        rule.allowed = allowed != o.end() && allowed->value().is_bool() && allowed->value().get_bool();
        rule.reference = r.Str(o, "reference", "dumping[]");
        rule.name_ru = r.Str(o, "name_ru", "dumping[]");
        rule.source = r.Str(o, "source", "dumping[]");
        book.dumping.push_back(std::move(rule));
    }
    for (const auto& item : r.Array(root, "terms")) {
        const auto& o = r.Object(item, "terms[]");
        LegalTerm term;
        term.id = r.Str(o, "id", "terms[]");
        const std::string where = "terms[" + term.id + "]";
        if (o.contains("method")) {
            term.method = r.Method(o, where);
        }
        const auto unit = r.Str(o, "unit", where);
        if (unit == "working_days") {
            term.unit = LegalTerm::Unit::kWorkingDays;
        } else if (unit == "calendar_days") {
            term.unit = LegalTerm::Unit::kCalendarDays;
        } else if (unit == "months") {
            term.unit = LegalTerm::Unit::kMonths;
        } else {
            r.Note(fmt::format("{}.unit '{}' is not one of working_days, calendar_days, months", where, unit));
        }
        const auto* count = o.if_contains("count");
        if (count == nullptr || !count->is_int64() || count->get_int64() < 1 || count->get_int64() > 1000) {
            r.Note(where + ".count must be an integer from 1 to 1000");
        } else {
            term.count = static_cast<int>(count->get_int64());
        }
        term.ru = r.Str(o, "ru", where);
        term.kz = r.Str(o, "kz", where);
        if (o.contains("from_ru")) {
            term.from_ru = r.Str(o, "from_ru", where);
        }
        term.source = r.Str(o, "source", where);
        if (book.FindTerm(term.id) != nullptr) {
            r.Note(where + " is listed twice");
        }
        book.terms.push_back(std::move(term));
    }
    if (r.problem.empty() && (book.mrp.empty() || book.vat.empty())) {
        r.problem = "mrp and vat must not be empty";
    }
    if (!r.problem.empty()) {
        return Fail(Error{ErrorCode::kInternal, "calc rules: " + r.problem, {}});
    }
    return book;
}

}  // namespace zakupai::calc
