#include "api/calc_json.hpp"

#include <boost/json/serialize.hpp>

#include "core/json.hpp"

namespace zakupai::api {

using namespace calc;  // NOLINT(google-build-using-namespace): this file is the calculators' JSON

namespace {

constexpr BasisPoints kMaxVatRate = 2000;  // 20 %, the original API's upper bound

void WriteFields(JsonWriter& out, const VatResult& r) {
    out.MoneyField("base", r.base).MoneyField("vat", r.vat).MoneyField("total", r.total);
    out.Key("vat_rate").Decimal(r.rate, 2);
    out.Field("include_vat", r.include_vat).Field("category", r.category);
    out.OptionalField("date", FormatIsoDate(r.date));
    // The names the original Telegram bot read.
    out.MoneyField("amount_without_vat", r.base).MoneyField("vat_amount", r.vat).MoneyField("total_with_vat", r.total);
    out.Field("rule", r.rule).Field("source", r.source);
}

void WriteFields(JsonWriter& out, const MarginResult& r) {
    out.MoneyField("revenue_gross", r.revenue_gross).MoneyField("revenue_net", r.revenue_net);
    out.MoneyField("vat_payable", r.vat_payable).MoneyField("cost_total", r.cost_total).MoneyField("profit", r.profit);
    out.Key("margin_pct").Decimal(r.margin, 2);
    out.Key("markup_pct").Decimal(r.markup, 2);
    out.Key("roi_pct").Decimal(r.markup, 2);         // the original API's name for markup
    out.Key("margin_percent").Decimal(r.margin, 2);  // the n8n node's name
    out.MoneyField("break_even_price", r.break_even_price).MoneyField("break_even_unit_price", r.break_even_unit_price);
    out.Field("quantity", r.input.quantity);
    out.Key("assumptions").BeginObject();
    out.Field("price_includes_vat", r.input.price_includes_vat).Key("vat_rate").Decimal(r.input.vat_rate, 2);
    out.Field("vat_payer", r.input.vat_payer).EndObject();
    out.Field("rule", r.rule);
}

void WriteFields(JsonWriter& out, const PenaltyResult& r) {
    out.MoneyField("contract_sum", r.input.contract_sum).Field("days_overdue", r.input.days_overdue);
    out.Key("daily_rate_pct").Decimal(r.input.daily_rate, 2);
    out.MoneyField("base", r.base).MoneyField("penalty", r.penalty).MoneyField("penalty_amount", r.penalty);
    out.MoneyField("uncapped_penalty", r.uncapped_penalty).MoneyField("cap", r.cap);
    out.Key("cap_pct").Decimal(r.cap_rate, 2);
    out.Field("capped", r.capped);
    out.Key("cap_reached_on_day");
    if (r.cap_day) {
        out.Int(*r.cap_day);
    } else {
        out.Null();
    }
    out.OptionalField("cap_reached_on", FormatIsoDate(r.cap_date));
    out.Field("party", r.input.party == PenaltyParty::kSupplierLate ? "supplier" : "customer");
    out.Field("contract_type", r.input.contract_type).Field("kz_producer", r.input.kz_producer);
    out.Field("cap_verified", r.cap_verified).Field("rule", r.rule).Field("source", r.source);
}

void WriteSecurity(JsonWriter& out, const Security& s) {
    out.BeginObject().Field("required", s.required).Key("pct").Decimal(s.pct, 2);
    out.MoneyField("base", s.base).MoneyField("amount", s.amount);
    out.Field("rule", s.rule).Field("source", s.source).EndObject();
}

void WriteFields(JsonWriter& out, const SecuritiesResult& r) {
    out.Field("method", Name(r.method));
    out.Key("bid_security");
    WriteSecurity(out, r.bid);
    out.Key("performance_security");
    WriteSecurity(out, r.performance);
    out.Key("advance_security");
    WriteSecurity(out, r.advance);
    out.MoneyField("total", r.total);
}

void WriteFields(JsonWriter& out, const DumpingResult& r) {
    out.Field("applicable", r.applicable).Field("method", Name(r.method)).Field("subject", r.subject);
    out.Field("subject_name", r.subject_name).MoneyField("reference", r.reference);
    out.Key("threshold_pct").Decimal(r.threshold, 2);
    out.MoneyField("min_allowed_price", r.min_allowed);
    out.Key("below_reference_pct").Decimal(r.below_reference, 2);
    out.Field("is_dumping", r.is_dumping).Field("allowed_with_anti_dumping_sum", r.allowed);
    out.Field("bid_rejected", r.bid_rejected).MoneyField("anti_dumping_sum", r.anti_dumping_sum);
    out.Key("performance_security_pct").Decimal(r.performance_pct, 2);
    out.MoneyField("performance_security", r.performance_security).MoneyField("total_deposit", r.total_deposit);
    out.Field("rule", r.rule).Field("source", r.source);
}

std::optional<std::int64_t> LotId(JsonFields& f) {
    return f.Int({"lot_id"}, 1, INT64_MAX, false);
}

// The original bot sent vat_rate as a fraction (0.12); no legal rate lies strictly between 0 %
// and 1 %, so such a value can only mean a fraction.
std::optional<BasisPoints> VatRateField(JsonFields& f) {
    auto rate = f.Scaled({"vat_rate"}, 4, 0, kMaxVatRate * 100, false);
    if (!rate) {
        return std::nullopt;
    }
    if (*rate > 0 && *rate < 10'000) {
        return *rate;  // 0.12 at scale 4 = 1200 = 12 % in basis points
    }
    if (*rate % 100 != 0) {
        f.Problem("vat_rate", "must have at most 2 decimal places");
        return std::nullopt;
    }
    return *rate / 100;
}

Result<VatResult> EvaluateVat(const RuleBook& rules, JsonFields& f, Date today) {
    VatInput in;
    auto amount = f.Money({"amount"}, true);
    auto rate = VatRateField(f);
    auto include = f.Bool({"include_vat"}, false);
    auto date = f.Day({"date"}, false);
    auto category = f.String({"category"}, 1, 32, false);
    if (auto r = f.Finish(); !r) {
        return Fail(r.error());
    }
    if (*amount == 0) {
        return Fail(Error::Invalid("amount", "must be > 0"));
    }
    in.amount = *amount;
    in.rate = rate;
    in.include_vat = include.value_or(true);
    in.date = date;
    if (category) {
        const auto known = rules.VatCategories();
        if (std::find(known.begin(), known.end(), *category) == known.end()) {
            std::string list;
            for (const auto& k : known) {
                list += (list.empty() ? "" : ", ") + k;
            }
            return Fail(Error::Invalid("category", "must be one of: " + list));
        }
        in.category = *category;
    }
    return CalculateVat(rules, in, today);
}

Result<MarginResult> EvaluateMargin(const RuleBook& rules, JsonFields& f, Date today) {
    MarginInput in;
    // Three generations of field names: the API's, the Telegram bot's, and the n8n node's.
    auto price = f.Money({"lot_price", "selling_price", "sale_price", "bid_price"}, true);
    auto cost = f.Money({"cost", "cost_price", "purchase_price", "purchase_cost"}, true);
    auto logistics = f.Money({"logistics", "logistics_cost"}, false);
    auto other = f.Money({"other_costs"}, false);
    auto quantity = f.Int({"quantity"}, 1, 1'000'000'000, false);
    auto rate = VatRateField(f);
    auto includes = f.Bool({"price_includes_vat"}, false);
    auto payer = f.Bool({"vat_payer"}, false);
    auto date = f.Day({"date"}, false);
    if (auto r = f.Finish(); !r) {
        return Fail(r.error());
    }
    in.lot_price = *price;
    in.cost = *cost;
    in.logistics = logistics.value_or(0);
    in.other_costs = other.value_or(0);
    in.quantity = quantity.value_or(1);
    if (in.quantity > 1 && (static_cast<Int128>(in.lot_price) * in.quantity > kMaxAmountTiyn ||
                            static_cast<Int128>(in.cost) * in.quantity > kMaxAmountTiyn)) {
        return Fail(Error::Invalid("quantity", "makes the total exceed the largest supported amount"));
    }
    if (rate) {
        in.vat_rate = *rate;
    } else {
        const VatRate* by_date = rules.FindVat("standard", date.value_or(today));
        in.vat_rate = by_date != nullptr ? by_date->rate : 0;
    }
    in.price_includes_vat = includes.value_or(true);
    in.vat_payer = payer.value_or(true);
    return CalculateMargin(in);
}

Result<PenaltyResult> EvaluatePenalty(const RuleBook& rules, JsonFields& f, Date /*today*/) {
    PenaltyInput in;
    auto contract_sum = f.Money({"contract_sum", "contract_amount"}, true);
    auto unperformed = f.Money({"unperformed_sum", "overdue_sum"}, false);
    auto days = f.Int({"days_overdue", "days_late"}, 0, 36'500, false);
    auto due = f.Day({"due_date"}, false);
    auto performed = f.Day({"performed_on", "actual_date"}, false);
    auto rate = f.Scaled({"daily_rate_pct", "penalty_rate"}, 2, 0, 500, false);
    auto type = f.Choice({"contract_type"}, {"goods", "works", "services", "other"}, false);
    auto party = f.Choice({"party"}, {"supplier", "customer"}, false);
    auto producer = f.Bool({"kz_producer"}, false);
    auto cap = f.Scaled({"cap_pct"}, 2, 0, 10'000, false);
    if (due && performed && days) {
        f.Problem("days_overdue", "give either days_overdue or due_date with performed_on");
    }
    if (due.has_value() != performed.has_value() && !days) {
        f.Problem(due ? "performed_on" : "due_date",
                  "is required together with " + std::string(due ? "due_date" : "performed_on"));
    }
    if (auto r = f.Finish(); !r) {
        return Fail(r.error());
    }
    in.contract_sum = *contract_sum;
    in.unperformed_sum = unperformed;
    in.days_overdue = days.value_or(due && performed ? DaysOverdue(*due, *performed) : 0);
    in.due_date = due;
    in.daily_rate = rate.value_or(rules.penalty_daily);
    in.contract_type = type.value_or("services");
    in.party =
        party.value_or("supplier") == "customer" ? PenaltyParty::kCustomerLatePayment : PenaltyParty::kSupplierLate;
    in.kz_producer = producer.value_or(false);
    in.cap_override = cap;
    return CalculatePenalty(rules, in);
}

std::optional<ProcurementMethod> Method(JsonFields& f, bool required) {
    return f.Word<ProcurementMethod>({"method"}, required);
}

Result<SecuritiesResult> EvaluateSecurities(const RuleBook& rules, JsonFields& f, Date today) {
    SecuritiesInput in;
    auto method = Method(f, true);
    auto amount = f.Money({"amount", "allocated_amount"}, true);
    auto contract_sum = f.Money({"contract_sum"}, false);
    auto advance = f.Money({"advance_amount"}, false);
    auto advance_pct = f.Scaled({"advance_pct"}, 2, 0, 10'000, false);
    auto producer = f.Bool({"kz_producer"}, false);
    auto disability = f.Bool({"disability_org"}, false);
    auto treasury = f.Bool({"treasury_support"}, false);
    auto date = f.Day({"date"}, false);
    if (advance && advance_pct) {
        f.Problem("advance_pct", "give either advance_amount or advance_pct");
    }
    if (auto r = f.Finish(); !r) {
        return Fail(r.error());
    }
    in.method = *method;
    in.amount = *amount;
    in.contract_sum = contract_sum;
    in.advance_amount = advance;
    in.advance_pct = advance_pct;
    in.kz_producer = producer.value_or(false);
    in.disability_org = disability.value_or(false);
    in.treasury_support = treasury.value_or(false);
    in.year = static_cast<int>(date.value_or(today).year());
    return CalculateSecurities(rules, in);
}

// e-shop offers: [amount, ...], each validated like any amount.
Result<std::vector<Tiyn>> Offers(const boost::json::object& request) {
    std::vector<Tiyn> offers;
    auto it = request.find("offers");
    if (it == request.end() || it->value().is_null()) {
        return offers;
    }
    if (!it->value().is_array()) {
        return Fail(Error::Invalid("offers", "must be an array of amounts"));
    }
    const auto& array = it->value().get_array();
    if (array.size() > 10'000) {
        return Fail(Error::Invalid("offers", "must have at most 10000 items"));
    }
    for (std::size_t i = 0; i < array.size(); ++i) {
        boost::json::object wrapper;
        wrapper["v"] = array[i];
        JsonFields item(wrapper);
        auto amount = item.Money({"v"}, true);
        if (!amount) {
            return Fail(Error::Invalid("offers[" + std::to_string(i) + "]", item.problems().front().problem));
        }
        offers.push_back(*amount);
    }
    return offers;
}

Result<DumpingResult> EvaluateDumping(const RuleBook& rules, JsonFields& f, const boost::json::object& request) {
    DumpingInput in;
    auto method = Method(f, true);
    auto subject = f.String({"subject"}, 1, 64, false);
    auto reference = f.Money({"amount", "allocated_amount", "reference_price"}, false);
    auto bid = f.Money({"bid", "bid_price", "price"}, true);
    auto producer = f.Bool({"kz_producer"}, false);
    auto offers = Offers(request);
    if (!offers) {
        f.Problem(offers.error().details.front().field, offers.error().details.front().problem);
    }
    if (auto r = f.Finish(); !r) {
        return Fail(r.error());
    }
    in.method = *method;
    in.subject = subject.value_or(
        *method == ProcurementMethod::kTender || *method == ProcurementMethod::kTurnkey ? "other" : "any");
    in.reference = reference;
    in.bid = *bid;
    in.kz_producer = producer.value_or(false);
    in.offers = std::move(*offers);
    return CalculateDumping(rules, in);
}

}  // namespace

Result<CalcAnswer> EvaluateCalc(const RuleBook& rules,
                                std::string_view kind,
                                const boost::json::object& request,
                                Date today,
                                std::string_view as_sent) {
    JsonFields fields(request);
    CalcAnswer answer;
    answer.lot_id = LotId(fields);
    // Each calculator's typed result, or its error, into the answer.
    auto take = [&answer](auto result) -> Result<void> {
        if (!result) {
            return Fail(result.error());
        }
        answer.result = std::move(*result);
        return {};
    };
    Result<void> done;
    if (kind == "vat") {
        done = take(EvaluateVat(rules, fields, today));
    } else if (kind == "margin") {
        done = take(EvaluateMargin(rules, fields, today));
    } else if (kind == "penalty") {
        done = take(EvaluatePenalty(rules, fields, today));
    } else if (kind == "securities") {
        done = take(EvaluateSecurities(rules, fields, today));
    } else if (kind == "dumping") {
        done = take(EvaluateDumping(rules, fields, request));
    } else {
        return Fail(Error::NotFound("unknown calculator"));
    }
    if (!done) {
        return Fail(done.error());
    }
    // The record keeps what the calculator read: a probe padding bodies with other fields grew the
    // database by 24 MB a second. Whitespace counts too, hence the size bound on reusing the text.
    constexpr std::size_t kKeptAsSentBytes = 4096;
    const bool offers_read = kind == "dumping" && request.contains("offers");
    const bool only_read = fields.read().size() + (offers_read ? 1 : 0) == request.size();
    if (only_read && !as_sent.empty() && as_sent.size() <= kKeptAsSentBytes) {
        answer.input_json = std::string(as_sent);
        return answer;
    }
    auto input = fields.ReadFields();
    if (offers_read) {
        input["offers"] = request.at("offers");  // read as a list, not through the field reader
    }
    answer.input_json = boost::json::serialize(input);
    return answer;
}

void WriteCalcFields(JsonWriter& out, const CalcResult& result) {
    std::visit([&out](const auto& r) { WriteFields(out, r); }, result);
}

}  // namespace zakupai::api
