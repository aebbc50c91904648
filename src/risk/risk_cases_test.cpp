// Indicator edge cases and whole evaluations from tests/cases/risk/*.json, and the rules file:
// the built-in one parses, overrides change only what they name, typos are refused.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "calc/rules.hpp"
#include "risk/indicators.hpp"
#include "risk/rules.hpp"

namespace zakupai::risk {
namespace {

namespace json = boost::json;

json::object Load(const std::string& name) {
    std::ifstream in(std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/risk/" + name);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return json::parse(buffer.str()).as_object();
}

const calc::RuleBook& Book() {
    static const calc::RuleBook kRules = *calc::ParseRuleBook(calc::EmbeddedRuleBookJson());
    return kRules;
}

Instant LocalTime(const json::value& v) {
    // "2026-11-02T10:00", Almaty local time.
    const std::string text(v.as_string());
    const auto day = ParseIsoDate(text.substr(0, 10));
    EXPECT_TRUE(day.has_value()) << text;
    return AlmatyStartOfDay(*day) + std::chrono::hours{std::stoi(text.substr(11, 2))} +
           std::chrono::minutes{std::stoi(text.substr(14, 2))};
}

std::vector<Bid> Bids(const json::value& v) {
    std::vector<Bid> bids;
    for (const auto& b : v.as_array()) {
        const auto& o = b.as_object();
        Bid bid{std::string(o.at("bin").as_string()), o.at("price").as_int64(), BidStatus::kValid};
        if (const auto* status = o.if_contains("status")) {
            bid.status = *Parse<BidStatus>(status->as_string());
        }
        bids.push_back(bid);
    }
    return bids;
}

LotFacts Facts(const json::object& o) {
    LotFacts f;
    f.lot_id = 1;
    f.title = "Бумага офисная";
    f.method = ProcurementMethod::kPriceOffers;
    f.customer_bin = "990640001201";
    f.enstru = "171211.100.000001";
    f.price = 100'000'000;
    f.quantity = Quantity::Whole(100);
    f.created = LocalTime(json::value("2026-11-02T09:00"));
    for (const auto& [key, v] : o) {
        if (key == "method") {
            f.method = Parse<ProcurementMethod>(v.as_string());
        } else if (key == "price") {
            f.price = v.as_int64();
        } else if (key == "start") {
            f.start = LocalTime(v);
        } else if (key == "deadline") {
            f.deadline = LocalTime(v);
        } else if (key == "bid") {
            f.bid = v.as_int64();
        } else if (key == "bids") {
            f.bids = Bids(v);
        } else if (key == "rnu_checked") {
            f.rnu_checked = v.as_bool();
        } else if (key == "rnu_listed") {
            for (const auto& bin : v.as_array()) {
                f.rnu_listed.emplace_back(bin.as_string());
            }
        } else if (key == "peer_windows") {
            for (const auto& n : v.as_array()) {
                f.peer_windows.push_back(static_cast<int>(n.as_int64()));
            }
        } else if (key == "prior_procedures") {
            std::vector<PriorProcedure> prior;
            for (const auto& p : v.as_array()) {
                const auto& po = p.as_object();
                PriorProcedure procedure{
                    po.at("lot_id").as_int64(), Parse<ProcurementMethod>(po.at("method").as_string()), {}};
                if (const auto* bids = po.if_contains("bids")) {
                    procedure.bids = Bids(*bids);
                }
                prior.push_back(procedure);
            }
            f.prior_procedures = prior;
        } else if (key == "contracts") {
            std::vector<ContractVersion> contracts;
            for (const auto& c : v.as_array()) {
                const auto& co = c.as_object();
                ContractVersion version;
                version.id = co.at("id").as_int64();
                if (const auto* parent = co.if_contains("parent")) {
                    version.parent_id = parent->as_int64();
                }
                if (const auto* number = co.if_contains("number")) {
                    version.number = std::string(number->as_string());
                }
                if (const auto* supplier = co.if_contains("supplier")) {
                    version.supplier_bin = std::string(supplier->as_string());
                }
                version.amount = co.at("amount").as_int64();
                if (const auto* grounds = co.if_contains("grounds")) {
                    for (const auto& g : grounds->as_array()) {
                        version.grounds.push_back(g.as_int64());
                    }
                }
                contracts.push_back(version);
            }
            f.contracts = contracts;
        } else if (key == "concentration") {
            const auto& co = v.as_object();
            Concentration c;
            c.year = static_cast<int>(co.at("year").as_int64());
            c.supplier_bin = std::string(co.at("supplier_bin").as_string());
            c.supplier_contracts = co.at("supplier_contracts").as_int64();
            c.customer_contracts = co.at("customer_contracts").as_int64();
            for (const auto& s : co.at("peer_shares").as_array()) {
                c.peer_shares.push_back(s.to_number<double>());
            }
            f.concentration = c;
        } else {
            ADD_FAILURE() << "unknown fact " << key;
        }
    }
    if (f.bids && f.supplier_bins.empty()) {
        for (const auto& b : *f.bids) {
            f.supplier_bins.push_back(b.supplier_bin);
        }
    }
    return f;
}

const std::map<std::string, std::function<Finding(const LotFacts&, const RiskContext&)>>& ById() {
    static const std::map<std::string, std::function<Finding(const LotFacts&, const RiskContext&)>> kIndicators{
        {"single_bid", &SingleBid},
        {"close_second_bid", &CloseSecondBid},
        {"heavy_discount", &HeavyDiscount},
        {"identical_bids", &IdenticalBids},
        {"single_source_after_failure", &SingleSourceAfterFailure},
        {"customer_concentration", &CustomerConcentration},
        {"amendment_increase", &AmendmentIncrease},
        {"short_window_relative", &ShortWindowRelative},
    };
    return kIndicators;
}

TEST(RiskCases, EachIndicatorAsTheCasesSay) {
    const RiskContext context{Book(), WorkCalendar::BuiltIn()};
    const auto cases = Load("indicators.json");
    int checked = 0;
    for (const auto& c : cases.at("cases").as_array()) {
        const auto& o = c.as_object();
        const std::string name(o.at("name").as_string());
        const std::string id(o.at("indicator").as_string());
        ASSERT_TRUE(ById().contains(id)) << id;
        const auto finding = ById().at(id)(Facts(o.at("facts").as_object()), context);
        EXPECT_EQ(finding.id, id) << name;
        EXPECT_EQ(StatusName(finding.status), o.at("status").as_string()) << name << ": " << finding.explanation_ru;
        EXPECT_FALSE(finding.explanation_ru.empty()) << name;
        EXPECT_FALSE(finding.explanation_kz.empty()) << name;
        if (const auto* evidence = o.if_contains("evidence")) {
            for (const auto& [key, value] : evidence->as_object()) {
                const auto it = std::find_if(
                    finding.evidence.begin(), finding.evidence.end(), [&](const auto& e) { return e.first == key; });
                ASSERT_NE(it, finding.evidence.end()) << name << ": no evidence " << key;
                EXPECT_EQ(it->second, value.as_string()) << name << ": " << key;
            }
        }
        ++checked;
    }
    EXPECT_GE(checked, 35);
}

TEST(RiskCases, WholeEvaluationsAsTheGoldenFilesSay) {
    const auto cases = Load("evaluations.json");
    for (const auto& c : cases.at("cases").as_array()) {
        const auto& o = c.as_object();
        const std::string name(o.at("name").as_string());
        RiskRules rules = DefaultRiskRules();
        if (const auto* override_json = o.if_contains("rules_override")) {
            auto parsed = ParseRiskRulesOverride(json::serialize(*override_json));
            ASSERT_TRUE(parsed.has_value()) << name << ": " << parsed.error().message;
            rules = *parsed;
        }
        const RiskContext context{Book(), WorkCalendar::BuiltIn(), rules};
        const auto e = Evaluate(Facts(o.at("facts").as_object()), context);
        EXPECT_EQ(e.score, o.at("score").as_int64()) << name;
        EXPECT_EQ(Name(e.level), o.at("level").as_string()) << name;
        EXPECT_EQ(e.model_version, rules.model);
        const auto& statuses = o.at("statuses").as_object();
        ASSERT_EQ(e.findings.size(), statuses.size()) << name;
        int sum = 0;
        for (const auto& f : e.findings) {
            ASSERT_TRUE(statuses.contains(f.id)) << name << ": " << f.id;
            EXPECT_EQ(StatusName(f.status), statuses.at(f.id).as_string())
                << name << ": " << f.id << ": " << f.explanation_ru;
            EXPECT_EQ(f.weight, rules.Rule(f.id).weight);
            EXPECT_EQ(f.version, rules.Rule(f.id).version);
            sum += f.status == Status::kTriggered ? f.weight : 0;
        }
        EXPECT_EQ(e.score, std::min(sum, 100)) << name;
    }
}

TEST(RiskRulesFile, BuiltInRulesCoverEveryIndicator) {
    const auto& rules = DefaultRiskRules();
    EXPECT_EQ(rules.model, "risk-2026.11.2");
    EXPECT_EQ(rules.medium, 30);
    EXPECT_EQ(rules.high, 60);
    EXPECT_EQ(rules.indicators.size(), 16u);
    EXPECT_EQ(rules.Param("short_window", "price_offers"), 2);
    EXPECT_EQ(rules.Param("close_second_bid", "max_gap"), 0.01);
    EXPECT_EQ(Name(rules.Level(29)), "low");
    EXPECT_EQ(Name(rules.Level(30)), "medium");
    EXPECT_EQ(Name(rules.Level(60)), "high");
}

TEST(RiskRulesFile, OverridesChangeOnlyWhatTheyName) {
    auto rules = ParseRiskRulesOverride(
        R"({"levels":{"high":70},"indicators":{"single_bid":{"weight":35},"close_second_bid":{"params":{"max_gap":0.02}}}})");
    ASSERT_TRUE(rules.has_value()) << rules.error().message;
    EXPECT_EQ(rules->high, 70);
    EXPECT_EQ(rules->medium, 30);
    EXPECT_EQ(rules->Rule("single_bid").weight, 35);
    EXPECT_EQ(rules->Param("close_second_bid", "max_gap"), 0.02);
    EXPECT_EQ(rules->Rule("heavy_discount").weight, DefaultRiskRules().Rule("heavy_discount").weight);
    // A wider gap now catches what the default let through.
    LotFacts f;
    f.method = ProcurementMethod::kAuction;
    f.bids = std::vector<Bid>{{"160440007161", 10'000'000, BidStatus::kValid},
                              {"990640001201", 10'150'000, BidStatus::kValid}};
    EXPECT_EQ(CloseSecondBid(f, RiskContext{Book(), WorkCalendar::BuiltIn()}).status, Status::kClear);
    EXPECT_EQ(CloseSecondBid(f, RiskContext{Book(), WorkCalendar::BuiltIn(), *rules}).status, Status::kTriggered);
}

TEST(RiskRulesFile, TyposAndBadValuesAreRefusedByName) {
    struct Case {
        const char* json;
        const char* field;
    };
    for (const auto& c : std::vector<Case>{
             {R"({"indicators":{"single_bids":{"weight":5}}})", "indicators.single_bids"},
             {R"({"indicators":{"single_bid":{"wieght":5}}})", "indicators.single_bid.wieght"},
             {R"({"indicators":{"single_bid":{"weight":101}}})", "indicators.single_bid.weight"},
             {R"({"indicators":{"single_bid":{"weight":2.5}}})", "indicators.single_bid.weight"},
             {R"({"indicators":{"close_second_bid":{"params":{"max_gapp":0.1}}}})",
              "indicators.close_second_bid.params.max_gapp"},
             {R"({"indicators":{"close_second_bid":{"params":{"max_gap":-1}}}})",
              "indicators.close_second_bid.params.max_gap"},
             {R"({"indicators":{"amendment_increase":{"allowed_grounds":["a"]}}})",
              "indicators.amendment_increase.allowed_grounds"},
             {R"({"levels":{"medium":70}})", "levels"},
             {R"({"levels":{"extreme":90}})", "levels.extreme"},
             {R"({"colour":"red"})", "colour"},
             {R"([1,2])", "risk_rules"},
             {R"({"indicators":)", "risk_rules"},
         }) {
        auto rules = ParseRiskRulesOverride(c.json);
        ASSERT_FALSE(rules.has_value()) << c.json;
        ASSERT_EQ(rules.error().details.size(), 1u) << c.json;
        EXPECT_EQ(rules.error().details[0].field, c.field) << c.json;
    }
    EXPECT_FALSE(LoadRiskRules("/nonexistent/risk.json").has_value());
    EXPECT_TRUE(LoadRiskRules("").has_value());
}

}  // namespace
}  // namespace zakupai::risk
