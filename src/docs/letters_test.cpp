#include "docs/letters.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace zakupai::docs {
namespace {

namespace json = boost::json;

const std::string kCases = std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/letters";

LetterTemplates Templates() {
    auto templates = LetterTemplates::LoadEmbedded();
    EXPECT_TRUE(templates.has_value()) << templates.error().message;
    return *templates;
}

std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

Date Day(std::string_view text) {
    return *ParseIsoDate(text);
}

// Each case renders in both languages and must equal its golden file byte for byte. To update
// after a deliberate template change: ZAKUPAI_UPDATE_GOLDEN=1, then review the diff.
TEST(Letters, GoldenOutputs) {
    const auto templates = Templates();
    const auto cases = json::parse(ReadFile(kCases + "/cases.json")).as_array();
    int rendered = 0;
    for (const auto& item : cases) {
        const auto& c = item.as_object();
        for (const char* lang : {"ru", "kz"}) {
            std::string name(c.at("template").as_string());
            auto letter = templates.Generate(name, lang, c.at("context").as_object(), Day(c.at("today").as_string()));
            ASSERT_TRUE(letter.has_value()) << name << ": " << letter.error().message;
            std::replace(name.begin(), name.end(), '/', '_');
            const std::string golden = kCases + "/" + name + "." + lang + ".html";
            if (std::getenv("ZAKUPAI_UPDATE_GOLDEN") != nullptr) {
                std::ofstream(golden) << letter->html;
            }
            EXPECT_EQ(letter->html, ReadFile(golden)) << golden;
            EXPECT_EQ(letter->language, lang);
            ++rendered;
        }
    }
    EXPECT_EQ(rendered, 10);
}

TEST(Letters, EveryMissingOrBadFieldIsNamed) {
    const auto templates = Templates();
    const auto context = json::parse(R"({"customer_name": "ГУ", "supplier_bin": "070340007368", "offer_amount": "1.234",
                                         "valid_until": "2026-02-30", "procurement_name": 5, "signer_name": ""})")
                             .as_object();
    auto letter = templates.Generate("commercial_offer", "ru", context, Day("2026-11-25"));
    ASSERT_FALSE(letter.has_value());
    const std::vector<FieldProblem> expected{
        {"context.supplier_name", "is required"},
        {"context.supplier_bin", "check digit does not match (not a valid BIN/IIN)"},
        {"context.offer_amount", "must have at most 2 decimal places"},
        {"context.valid_until", "is not a real calendar date"},
        {"context.signer_name", "is required"}};
    EXPECT_EQ(letter.error().details, expected);
    EXPECT_EQ(templates.Generate("poem", "ru", {}, Day("2026-11-25")).error().details.front().problem,
              "must be one of: clarification_request, commercial_offer, delay_notice, bid_security_return, guarantee");
}

TEST(Letters, ValuesAreHtmlEscaped) {
    const auto templates = Templates();
    const auto context = json::parse(R"({"supplier_name": "<script>alert(1)</script>", "lot_title": "A & B \"x\"",
                                         "contact": "ГУ"})")
                             .as_object();
    auto letter = templates.Generate("guarantee", "kk", context, Day("2026-11-25"));
    ASSERT_TRUE(letter.has_value());
    EXPECT_EQ(letter->html.find("<script>"), std::string::npos);
    EXPECT_NE(letter->html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(letter->html.find("A &amp; B &quot;x&quot;"), std::string::npos);
    EXPECT_EQ(letter->language, "kz");
    EXPECT_NE(letter->html.find("<html lang=\"kk\">"), std::string::npos);
}

TEST(Letters, ListsAndLongTextsAreBounded) {
    const auto templates = Templates();
    json::object context =
        json::parse(R"({"customer_name": "ГУ", "supplier_name": "ТОО", "supplier_bin": "070340007367",
        "announcement_number": "1", "procurement_name": "x", "signer_name": "y", "questions": []})")
            .as_object();
    EXPECT_EQ(templates.Generate("clarification_request", "ru", context, Day("2026-11-25")).error().details.front(),
              (FieldProblem{"context.questions", "must be a list of 1 to 50 strings"}));
    context["questions"] = json::array{"ok", 5};
    EXPECT_EQ(templates.Generate("clarification_request", "ru", context, Day("2026-11-25")).error().details.front(),
              (FieldProblem{"context.questions", "every item must be a string of 1 to 500 characters"}));
    context["questions"] = json::array{"ok"};
    context["customer_name"] = std::string(501, 'a');
    EXPECT_EQ(templates.Generate("clarification_request", "ru", context, Day("2026-11-25")).error().details.front(),
              (FieldProblem{"context.customer_name", "must be at most 500 characters"}));
}

}  // namespace
}  // namespace zakupai::docs
