// The domain's words and quantities: every name parses back to its value, aliases land on the
// same value, money times a quantity is exact to the tiyn (cases in tests/cases/core).
#include "core/vocabulary.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>

#include "core/json.hpp"
#include "core/quantity.hpp"

namespace zakupai {
namespace {

template <class E>
void ExpectRoundTrip() {
    for (const auto value : AllOf<E>()) {
        const auto name = Name(value);
        ASSERT_FALSE(name.empty());
        EXPECT_EQ(Parse<E>(name), value) << name;
    }
}

TEST(Vocabulary, EveryNameParsesBackAndAliasesLandOnTheirWord) {
    ExpectRoundTrip<ProcurementMethod>();
    ExpectRoundTrip<Plan>();
    ExpectRoundTrip<RiskLevel>();
    ExpectRoundTrip<LotStatus>();
    ExpectRoundTrip<BidStatus>();
    EXPECT_EQ(Parse<ProcurementMethod>("rfq"), ProcurementMethod::kPriceOffers);  // the seed's bot
    EXPECT_EQ(Parse<ProcurementMethod>("Tender"), ProcurementMethod::kTender);    // ASCII case ignored
    EXPECT_EQ(Parse<ProcurementMethod>("lottery"), std::nullopt);
    // The portal's 37 lot statuses fall into the stages a supplier follows.
    EXPECT_EQ(Parse<LotStatus>("PublishedOfferAccept"), LotStatus::kAcceptingBids);
    EXPECT_EQ(Parse<LotStatus>("ResultNotCompleted"), LotStatus::kFailed);
    EXPECT_EQ(Parse<LotStatus>("OnAppelation"), LotStatus::kSuspended);
    EXPECT_EQ(Parse<LotStatus>("999"), std::nullopt);
    EXPECT_EQ(AcceptedList<ProcurementMethod>(), "tender, auction, price_offers, rfq, turnkey, eshop, single_source");
    EXPECT_EQ(NameList<Plan>(), "free, premium, service, admin");
}

TEST(Vocabulary, PlansAreOrderedByWhatTheyMayDo) {
    EXPECT_TRUE(Satisfies(Plan::kAdmin, Plan::kService));
    EXPECT_TRUE(Satisfies(Plan::kService, Plan::kPremium));
    EXPECT_TRUE(Satisfies(Plan::kPremium, Plan::kFree));
    EXPECT_FALSE(Satisfies(Plan::kPremium, Plan::kService));
    EXPECT_FALSE(Satisfies(Plan::kService, Plan::kAdmin));
}

TEST(Json, ReadsVocabularyWordsAndNamesWhatIsAccepted) {
    const auto body = *ParseJsonObject(R"({"method":"rfq","plan":"gold"})");
    JsonFields f(body);
    EXPECT_EQ(f.Word<ProcurementMethod>({"method"}, true), ProcurementMethod::kPriceOffers);
    EXPECT_EQ(f.Word<Plan>({"plan"}, true), std::nullopt);
    ASSERT_EQ(f.problems().size(), 1u);
    EXPECT_EQ(f.problems()[0], (FieldProblem{"plan", "must be one of: free, premium, service, admin"}));
    // What the fields read are, for a record that keeps no more than that.
    EXPECT_EQ(f.read(), (std::vector<std::string>{"method", "plan"}));
}

#ifndef NDEBUG
TEST(JsonWriterDeathTest, UnbalancedScopesAreCaughtInDebugBuilds) {
    EXPECT_DEATH(
        {
            JsonWriter w;
            w.BeginObject().Key("a").BeginArray();
            (void)w.Take();  // the array and the object are still open
        },
        "Complete");
    EXPECT_DEATH(
        {
            JsonWriter w;
            w.BeginObject().String("value without a key");
        },
        "object");
    EXPECT_DEATH(
        {
            JsonWriter w;
            w.BeginArray().EndObject();
        },
        "object");
}
#endif

boost::json::value Cases() {
    std::ifstream in(std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/core/quantity.json");
    std::stringstream text;
    text << in.rdbuf();
    return boost::json::parse(text.str());
}

void ExpectParsed(const boost::json::array& cases, Result<Quantity> (*parse)(std::string_view)) {
    for (const auto& c : cases) {
        const std::string input(c.at(0).as_string());
        const auto parsed = parse(input);
        if (c.at(1).is_object()) {
            ASSERT_FALSE(parsed.has_value()) << "'" << input << "' gave " << parsed->milli();
            EXPECT_EQ(parsed.error().details.front().problem, c.at(1).at("error").as_string()) << input;
        } else {
            ASSERT_TRUE(parsed.has_value()) << "'" << input << "': " << parsed.error().message;
            EXPECT_EQ(parsed->milli(), c.at(1).as_int64()) << input;
        }
    }
}

TEST(Quantity, ParsesAsPeopleWriteAndRefusesWhatIsNoQuantity) {
    const auto cases = Cases();
    ExpectParsed(cases.at("parse").as_array(), &Quantity::Parse);
    ExpectParsed(cases.at("rounded").as_array(), &Quantity::ParseRounded);
    for (const auto& c : cases.at("text").as_array()) {
        EXPECT_EQ(Quantity::Parse(c.at(0).as_string())->ToString(), c.at(1).as_string());
    }
}

TEST(Quantity, MoneyTimesQuantityIsExactToTheTiyn) {
    const auto cases = Cases();
    for (const auto& c : cases.at("cost").as_array()) {
        const auto quantity = *Quantity::Parse(c.at(1).as_string());
        EXPECT_EQ(CostOf(c.at(0).as_int64(), quantity), c.at(2).as_int64())
            << c.at(0).as_int64() << " x " << c.at(1).as_string();
    }
    for (const auto& c : cases.at("unit_price").as_array()) {
        const auto quantity = *Quantity::Parse(c.at(1).as_string());
        EXPECT_EQ(UnitPriceOf(c.at(0).as_int64(), quantity), c.at(2).as_int64())
            << c.at(0).as_int64() << " / " << c.at(1).as_string();
    }
}

}  // namespace
}  // namespace zakupai
