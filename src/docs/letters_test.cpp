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
    auto templates = LetterTemplates::LoadEmbedded(WorkCalendar::BuiltIn());
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
            // Two complaints: on time, and a day late (its golden file shows the warning).
            if (name == "complaint" && c.at("today").as_string() != "2026-11-27") {
                name = "complaint_late";
            }
            const std::string golden = kCases + "/" + name + "." + lang + ".html";
            if (std::getenv("ZAKUPAI_UPDATE_GOLDEN") != nullptr) {
                std::ofstream(golden) << letter->html;
            }
            EXPECT_EQ(letter->html, ReadFile(golden)) << golden;
            EXPECT_EQ(letter->language, lang);
            ++rendered;
        }
    }
    EXPECT_EQ(rendered, 14);
}

TEST(Letters, TheComplaintCountsThreeWorkingDaysFromTheProtocol) {
    const auto templates = Templates();
    json::object context{{"customer_name", "ГУ"},
                         {"customer_address", "Астана"},
                         {"supplier_name", "ТОО"},
                         {"supplier_address", "Алматы"},
                         {"method", "конкурс"},
                         {"announcement_number", "1"},
                         {"lot_number", "1"},
                         {"procurement_name", "Бумага"},
                         {"facts", "Факты."},
                         {"appealed_actions", "Протокол."},
                         {"requests", json::array{"Пересмотреть."}},
                         {"signer_name", "Иванов"}};
    // protocol → last day to file: over a weekend, over Independence Day (16 Dec, a Wednesday
    // in 2026), and from a Friday.
    for (const auto& [protocol, due] : std::vector<std::pair<const char*, const char*>>{{"2026-11-24", "2026-11-27"},
                                                                                        {"2026-11-26", "2026-12-01"},
                                                                                        {"2026-12-14", "2026-12-18"},
                                                                                        {"2026-11-27", "2026-12-02"},
                                                                                        {"2026-03-20", "2026-03-30"}}) {
        context["protocol_date"] = protocol;
        auto on_time = templates.Generate("complaint", "ru", context, Day(due));
        ASSERT_TRUE(on_time.has_value()) << protocol << ": " << on_time.error().message;
        ASSERT_EQ(on_time->deadlines.size(), 1U);
        EXPECT_EQ(FormatIsoDate(on_time->deadlines[0].date), due) << protocol;
        EXPECT_FALSE(on_time->deadlines[0].passed) << protocol;
        EXPECT_EQ(on_time->html.find("срок подачи жалобы истёк"), std::string::npos);
        auto late = templates.Generate(
            "complaint", "ru", context, Date(std::chrono::sys_days(Day(due)) + std::chrono::days{1}));
        EXPECT_TRUE(late->deadlines[0].passed) << protocol;
        EXPECT_NE(late->html.find("срок подачи жалобы истёк"), std::string::npos) << protocol;
    }
    // Past the last year with a calendar: named, not guessed.
    context["protocol_date"] = "2031-06-01";
    auto unknown = templates.Generate("complaint", "ru", context, Day("2031-06-01"));
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().details.at(0).field, "context.protocol_date");
    // Rules 687 p.596: who is appealed and where, who complains and where, the facts, the actions.
    for (const char* field : {"customer_name",
                              "customer_address",
                              "supplier_name",
                              "supplier_address",
                              "facts",
                              "appealed_actions",
                              "announcement_number",
                              "lot_number",
                              "protocol_date",
                              "requests"}) {
        auto missing = context;
        missing["protocol_date"] = "2026-11-24";
        missing.erase(field);
        auto r = templates.Generate("complaint", "kz", missing, Day("2026-11-25"));
        ASSERT_FALSE(r.has_value()) << field;
        EXPECT_EQ(r.error().details.at(0).field, std::string("context.") + field);
    }
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
              "must be one of: clarification_request, commercial_offer, delay_notice, bid_security_return, guarantee, "
              "complaint");
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
