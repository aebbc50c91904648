// Unit tests for the ingest module: no network, no database. The OWS client runs over a
// scripted transport; value parsing is driven by tests/cases/import/values.json.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <deque>
#include <fstream>
#include <future>
#include <random>
#include <sstream>
#include <thread>

#include "ingest/batch_import.hpp"
#include "ingest/internal/portal_data.hpp"
#include "ingest/internal/sku_match.hpp"
#include "ingest/internal/table_reader.hpp"
#include "ingest/ows_client.hpp"
#include "ingest/rnu.hpp"
#include "support/xlsx_maker.hpp"

namespace zakupai::ingest {
namespace {

namespace json = boost::json;

std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

json::object Values() {
    return json::parse(ReadFile(std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/import/values.json")).as_object();
}

template <class Parse, class Show>
void CheckCases(const char* section, Parse parse, Show show) {
    const auto cases = Values().at(section).as_array();
    ASSERT_GT(cases.size(), 5u);
    for (const auto& c : cases) {
        const std::string input(c.at(0).as_string());
        const auto& expected = c.at(1);
        auto result = parse(input);
        if (expected.is_object()) {
            const std::string error(expected.at("error").as_string());
            ASSERT_FALSE(result.has_value()) << section << " '" << input << "' gave " << show(*result);
            EXPECT_EQ(result.error().details.front().problem.rfind(error, 0), 0u)
                << section << " '" << input << "': " << result.error().details.front().problem;
        } else {
            ASSERT_TRUE(result.has_value()) << section << " '" << input << "': " << result.error().message;
            EXPECT_EQ(show(*result),
                      expected.is_string() ? std::string(expected.as_string()) : std::to_string(expected.as_int64()))
                << section << " '" << input << "'";
        }
    }
}

TEST(Values, MoneyAsOfficesWriteIt) {
    CheckCases("money", ParseMoneyText, [](Tiyn t) { return std::to_string(t); });
}

TEST(Values, DatesInEveryCommonForm) {
    CheckCases("date", ParseDateText, [](Instant at) { return FormatUtcTimestamp(at); });
}

TEST(Values, Quantities) {
    CheckCases("quantity", ParseQuantityText, [](const Quantity& q) { return q.ToString(); });
}

TEST(PortalTime, AlmatyLocalWithTheMarch2024ZoneChange) {
    EXPECT_EQ(FormatUtcTimestamp(*ParsePortalTime("2026-10-07 11:30:02")), "2026-10-07T06:30:02.000Z");
    EXPECT_EQ(FormatUtcTimestamp(*ParsePortalTime("2024-02-29 12:00:00")), "2024-02-29T06:00:00.000Z");  // UTC+6
    EXPECT_EQ(FormatUtcTimestamp(*ParsePortalTime("2025-03-28T14:11:15.030000")), "2025-03-28T09:11:15.000Z");
    EXPECT_EQ(FormatUtcTimestamp(*ParsePortalTime("2026-10-09")), "2026-10-08T19:00:00.000Z");
    EXPECT_EQ(FormatPortalTime(*ParsePortalTime("2026-10-07 11:30:02")), "2026-10-07 11:30:02");
    for (const char* bad :
         {"", "2026-10-07 25:00:00", "2026-10-07X11:30:02", "07.10.2026", "2026-10-07 11:3", "null"}) {
        EXPECT_FALSE(ParsePortalTime(bad).has_value()) << bad;
    }
}

Dictionaries BuiltIn() {
    auto d = Dictionaries::FromJson(BuiltInDictionariesJson());
    EXPECT_TRUE(d.has_value());
    return std::move(*d);
}

TEST(Dictionaries, BuiltInCoverTheReferenceIds) {
    const auto d = BuiltIn();
    EXPECT_EQ(d.Rows("ref_lots_status").size(), 37u);
    EXPECT_EQ(d.Find("ref_lots_status", 240)->code, "PublishedOfferAccept");
    EXPECT_EQ(d.Find("ref_lots_status", 300)->code, "GenerateProjectPPD");   // shares 295's code
    EXPECT_EQ(d.Find("ref_buy_status", 190)->code, "DocumentationСhanged");  // Cyrillic С, as the API has it
    EXPECT_EQ(d.Find("ref_trade_methods", 3)->name_ru, "Запрос ценовых предложений");
    EXPECT_EQ(d.Find("ref_subject_type", 2)->name_ru, "Работа");
    EXPECT_EQ(d.Find("ref_lots_status", 999), nullptr);
    EXPECT_FALSE(Dictionaries::FromJson("[]").has_value());
    EXPECT_FALSE(Dictionaries::FromJson(R"({"ref_lots_status":[]})").has_value());
}

const char* kLotsPage = R"({
  "data": {"Lots": [
    {"id": 43495954, "lotNumber": "88105345-ЗЦП1", "refLotStatusId": 240, "count": 500, "amount": 550000.5,
     "nameRu": "Бумага офисная", "descriptionRu": "А4", "customerBin": "160440007161",
     "customerNameRu": "ГУ", "trdBuyId": 17735121, "trdBuyNumberAnno": "17735121-1", "refTradeMethodsId": 3,
     "lastUpdateDate": "2026-10-07 11:30:02", "pointList": [88105345], "plnPointKatoList": ["751110000"],
     "Plans": [{"id": 88105345, "refEnstruCode": "171211.100.000001", "RefUnits": {"nameRu": "Пачка"}}],
     "TrdBuy": {"publishDate": "2026-10-07 11:28:44", "startDate": "2026-10-07 11:30:00", "endDate": "2026-10-09 11:30:00"},
     "unknownNewField": {"nested": true}},
    {"id": 43495953, "lotNumber": "88105344-ЗЦП1", "amount": -1},
    {"id": "x", "lotNumber": "1-А"},
    {"id": 43495951, "lotNumber": "88104977-АУК1", "customerBin": "16044000716"},
    42,
    {"id": 43495950, "lotNumber": "88104900-ОК1", "amount": "18450000", "refLotStatusId": 999, "count": 12.5}
  ]},
  "extensions": {"pageInfo": {"limitPage": 6, "totalCount": 186213, "hasNextPage": true, "lastId": 43495950}}
})";

TEST(LotsPage, GoodRowsKeptBadRowsNamedWithTheirIds) {
    const auto answer = json::parse(kLotsPage).as_object();
    auto page = ParseLotsPage(answer, BuiltIn());
    ASSERT_TRUE(page.has_value()) << page.error().message;
    EXPECT_TRUE(page->meta.has_next);
    EXPECT_EQ(page->meta.last_id, 43495950);
    EXPECT_EQ(page->meta.total, 186213);
    EXPECT_EQ(page->meta.raw_count, 6u);
    ASSERT_EQ(page->rows.size(), 2u);
    const auto& lot = page->rows[0];
    EXPECT_EQ(lot.source_id, 43495954);
    EXPECT_EQ(lot.plan_number, "88105345");
    EXPECT_EQ(lot.lot_number, "88105345-ЗЦП1");
    EXPECT_EQ(lot.amount, 55000050);
    EXPECT_EQ(lot.quantity, "500");
    EXPECT_EQ(lot.status, "PublishedOfferAccept");
    EXPECT_EQ(lot.method, "Запрос ценовых предложений");
    EXPECT_EQ(lot.method_code, "price_offers");  // what calculators and documents expect in lots.method
    EXPECT_EQ(MethodCode(188), "tender");
    EXPECT_EQ(MethodCode(7), "auction");
    EXPECT_EQ(MethodCode(50), "");
    EXPECT_EQ(lot.enstru, "171211.100.000001");
    EXPECT_EQ(lot.unit, "Пачка");
    EXPECT_EQ(lot.kato, "751110000");
    EXPECT_EQ(FormatUtcTimestamp(*lot.deadline), "2026-10-09T06:30:00.000Z");
    EXPECT_EQ(lot.last_update_date, "2026-10-07 11:30:02");
    const auto& second = page->rows[1];
    EXPECT_EQ(second.amount, 1845000000);  // a numeric string is still a number
    EXPECT_EQ(second.status, "999");       // unknown status id kept as the id
    EXPECT_EQ(second.quantity, "12.500");
    EXPECT_EQ(second.plan_number, "88104900");  // from the lot number when there is no plan point
    ASSERT_EQ(page->meta.bad.size(), 4u);
    EXPECT_EQ(page->meta.bad[0].id, "43495953");
    EXPECT_NE(page->meta.bad[0].reason.find("amount"), std::string::npos);
    EXPECT_EQ(page->meta.bad[1].id, "x");
    EXPECT_EQ(page->meta.bad[2].id, "43495951");
    EXPECT_NE(page->meta.bad[2].reason.find("customerBin"), std::string::npos);
    EXPECT_EQ(page->meta.bad[3].id, "?");
}

TEST(LotsPage, AnswersOfTheWrongShapeAreErrors) {
    for (const char* body : {R"({})",
                             R"({"data": null})",
                             R"({"data": {"Lots": {}}, "extensions": {"pageInfo": {}}})",
                             R"({"data": {"Lots": []}})",
                             R"({"data": {"Other": []}, "extensions": {"pageInfo": {"hasNextPage": false}}})"}) {
        EXPECT_FALSE(ParseLotsPage(json::parse(body).as_object(), BuiltIn()).has_value()) << body;
    }
    auto empty_last = ParseLotsPage(
        json::parse(R"({"data": {"Lots": null}, "extensions": {"pageInfo": {"hasNextPage": false}}})").as_object(),
        BuiltIn());
    ASSERT_TRUE(empty_last.has_value());
    EXPECT_FALSE(empty_last->meta.has_next);
    EXPECT_TRUE(empty_last->rows.empty());
}

TEST(Rnu, DetailInEveryShapeTheApiUses) {
    const auto refs = BuiltIn();
    const char* object = R"({"id": 1, "supplier_biin": "160440007161", "supplier_name_ru": "ТОО А",
        "start_date": "2026-02-01 00:00:00", "end_date": "2028-02-01 00:00:00", "court_decision": "2-1/26",
        "court_decision_date": "2026-01-10", "customer_name_ru": "ГУ Б"})";
    EXPECT_EQ(ParseRnuDetail(json::parse(object), refs).size(), 1u);
    EXPECT_EQ(ParseRnuDetail(json::parse(std::string("[") + object + "," + object + "]"), refs).size(), 2u);
    const auto entries = ParseRnuDetail(json::parse(std::string(R"({"total":1,"items":[)") + object + "]}"), refs);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].court_decision, "2-1/26 от 2026-01-10");
    EXPECT_EQ(entries[0].reason, "заказчик: ГУ Б");
    EXPECT_TRUE(ParseRnuDetail(json::parse(R"({"name":"Not Found","status":404})"), refs).empty());
    EXPECT_TRUE(ParseRnuDetail(json::parse("null"), refs).empty());
}

// A transport that plays back a script of answers and records what was asked.
class ScriptedTransport : public Transport {
public:
    std::deque<TransportResult> script;
    std::vector<std::string> requests;
    TransportResult Get(const std::string& path) override { return Next("GET " + path); }
    TransportResult PostJson(const std::string& path, const std::string& body) override {
        return Next("POST " + path + " " + body);
    }

private:
    TransportResult Next(std::string request) {
        requests.push_back(std::move(request));
        if (script.empty()) {
            return tl::unexpected(TransportFailure{"connection", "script exhausted"});
        }
        auto next = std::move(script.front());
        script.pop_front();
        return next;
    }
};

const std::string kGoodGraphQl = R"({"data":{"Lots":[]},"extensions":{"pageInfo":{"hasNextPage":false}}})";

struct ClientFixture {
    ScriptedTransport transport;
    FailureCounters failures;
    std::vector<std::chrono::milliseconds> sleeps;
    OwsClient client{transport, ClientOptions{3, 100, 1000, 1000}, failures, [this](std::chrono::milliseconds d) {
                         sleeps.push_back(d);
                     }};
};

TEST(OwsClient, StopEndsTheWaitBetweenRetriesAndMakesNoFurtherAttempt) {
    // The real (interruptible) wait: a portal that is down would otherwise hold a stopping
    // server for 7 attempts of backoff up to a minute each.
    struct DownTransport : Transport {
        std::atomic<int> attempts{0};
        TransportResult Get(const std::string&) override {
            ++attempts;
            return tl::unexpected(TransportFailure{"connection", "refused"});
        }
        TransportResult PostJson(const std::string& path, const std::string&) override { return Get(path); }
    } transport;
    FailureCounters failures;
    OwsClient client(transport, ClientOptions{6, 20'000, 60'000, 1000}, failures);
    std::promise<Result<RestReply>> answered;
    std::thread caller([&] { answered.set_value(client.Get("/v3/rnu")); });
    // The first attempt fails at once; the client then waits at least 10 s before the second.
    while (transport.attempts.load() == 0) {
        std::this_thread::yield();
    }
    const auto stopped_at = std::chrono::steady_clock::now();
    client.Stop();
    auto future = answered.get_future();
    ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    caller.join();
    EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, std::chrono::seconds(5));
    const auto answer = future.get();
    ASSERT_FALSE(answer.has_value());
    EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(answer.error().message, "goszakup: not attempted, the server is shutting down");
    EXPECT_EQ(transport.attempts.load(), 1);
}

TEST(OwsClient, RetriesEachTransientFaultWithGrowingBackoff) {
    ClientFixture f;
    f.transport.script.push_back(tl::unexpected(TransportFailure{"timeout", "timed out"}));
    f.transport.script.push_back(HttpReply{503, "<html>", std::nullopt});
    f.transport.script.push_back(HttpReply{200, R"({"data":{"Lots":[)", std::nullopt});  // truncated JSON
    f.transport.script.push_back(HttpReply{200, kGoodGraphQl, std::nullopt});
    auto answer = f.client.GraphQl("query{Lots{id}}", json::object{{"limit", 200}});
    ASSERT_TRUE(answer.has_value()) << answer.error().message;
    EXPECT_EQ(f.transport.requests.size(), 4u);
    EXPECT_NE(f.transport.requests[0].find(R"("variables":{"limit":200})"), std::string::npos);
    const auto counts = f.failures.Snapshot();
    EXPECT_EQ(counts.at("timeout"), 1);
    EXPECT_EQ(counts.at("http_5xx"), 1);
    EXPECT_EQ(counts.at("malformed_json"), 1);
    // Backoff doubles (with jitter in [0.5, 1]) from 100 ms; rate-slot waits are not counted here.
    std::vector<std::chrono::milliseconds> backoffs;
    for (auto d : f.sleeps) {
        if (d >= std::chrono::milliseconds(50)) {
            backoffs.push_back(d);
        }
    }
    ASSERT_EQ(backoffs.size(), 3u);
    EXPECT_GE(backoffs[0].count(), 50);
    EXPECT_LE(backoffs[0].count(), 100);
    EXPECT_GE(backoffs[1].count(), 100);
    EXPECT_LE(backoffs[1].count(), 200);
    EXPECT_GE(backoffs[2].count(), 200);
    EXPECT_LE(backoffs[2].count(), 400);
}

TEST(OwsClient, HonoursRetryAfterAndGivesUpAfterTheLimit) {
    ClientFixture f;
    f.transport.script.push_back(HttpReply{429, "{}", 7});
    for (int i = 0; i < 3; ++i) {
        f.transport.script.push_back(
            HttpReply{200, R"({"errors":[{"message":"Internal server error"}]})", std::nullopt});
    }
    auto answer = f.client.GraphQl("q", {});
    ASSERT_FALSE(answer.has_value());
    EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(answer.error().message.find("graphql_errors"), std::string::npos);
    EXPECT_EQ(f.transport.requests.size(), 4u);  // 1 try + 3 retries
    EXPECT_NE(std::find(f.sleeps.begin(), f.sleeps.end(), std::chrono::milliseconds(7000)), f.sleeps.end());
    EXPECT_EQ(f.failures.Snapshot().at("http_429"), 1);
    EXPECT_EQ(f.failures.Snapshot().at("graphql_errors"), 3);
}

TEST(OwsClient, DoesNotRetryABadTokenAndTreats404AsAnAnswer) {
    ClientFixture f;
    f.transport.script.push_back(HttpReply{401, R"({"name":"Unauthorized","status":401})", std::nullopt});
    auto unauthorized = f.client.Get("/v3/rnu/160440007161");
    ASSERT_FALSE(unauthorized.has_value());
    EXPECT_NE(unauthorized.error().message.find("http_401"), std::string::npos);
    EXPECT_EQ(f.transport.requests.size(), 1u);
    f.transport.script.push_back(HttpReply{404, R"({"name":"Not Found","status":404})", std::nullopt});
    auto not_found = f.client.Get("/v3/rnu/160440007161");
    ASSERT_TRUE(not_found.has_value());
    EXPECT_EQ(not_found->status, 404);
}

TEST(OwsClient, CapsTheRequestRate) {
    ScriptedTransport transport;
    FailureCounters failures;
    std::chrono::milliseconds slept{0};
    OwsClient client(transport, ClientOptions{0, 1, 1, 4}, failures, [&](std::chrono::milliseconds d) { slept += d; });
    for (int i = 0; i < 5; ++i) {
        transport.script.push_back(HttpReply{200, kGoodGraphQl, std::nullopt});
        ASSERT_TRUE(client.GraphQl("q", {}).has_value());
    }
    // 4 per second: the 2nd..5th requests wait 250 ms each for their slot (the sleeps are
    // recorded, not slept, so the slots pile up).
    EXPECT_GE(slept.count(), 4 * 250 - 20);
}

TEST(Matching, SkusNormaliseAcrossKeyboards) {
    EXPECT_EQ(NormalizeSku(" ab-12/3 "), "AB123");
    EXPECT_EQ(NormalizeSku("АВ-12"), "AB12");  // Cyrillic А and В typed for Latin A and B
    EXPECT_EQ(NormalizeSku("171211.100.000001"), "171211100000001");
    EXPECT_EQ(NormalizeSku("---"), "");
}

TEST(Matching, NamesStemToTheSameWords) {
    EXPECT_EQ(NameStems("Бумага офисная"), NameStems("бумаги ОФИСНОЙ"));
    EXPECT_EQ(NameStems("Ёлка для дома"), NameStems("елки дом"));  // ё = е, stop word "для" dropped
    EXPECT_EQ(NameStems("Бензин АИ-92"), (std::vector<std::string>{"бензин", "92"}));
}

TEST(Matching, BestLotsFirstAndUnrelatedNamesNotAtAll) {
    LotMatcher matcher(
        {{1, "Бумага офисная А4", "171211.100.000001"}, {2, "Бумага туалетная", ""}, {3, "Ремонт кровли школы", ""}});
    auto sku = matcher.Match("171211-100-000001", "что угодно");
    ASSERT_EQ(sku.size(), 1u);
    EXPECT_EQ(sku[0].lot_id, 1);
    EXPECT_EQ(sku[0].kind, "sku");
    auto name = matcher.Match("", "Бумаги офисные А4");
    ASSERT_EQ(name.size(), 1u);  // "туалетная" shares one of three stems: below the threshold
    EXPECT_EQ(name[0].lot_id, 1);
    EXPECT_DOUBLE_EQ(name[0].score, 1.0);
    EXPECT_TRUE(matcher.Match("", "Гвозди").empty());
    EXPECT_TRUE(matcher.Match("", "").empty());
}

TEST(Tables, DelimiterAndEncodingAreDetected) {
    auto tab = ReadCsv("a\tb\n1,5\t2\n");
    ASSERT_TRUE(tab.has_value());
    EXPECT_EQ(tab->delimiter, '\t');
    EXPECT_EQ(tab->rows[1][0], "1,5");
    EXPECT_EQ(Cp1251ToUtf8("\xCF\xF0\xE8\xE2\xE5\xF2"), "Привет");
    EXPECT_TRUE(IsValidUtf8("Привет"));
    EXPECT_FALSE(IsValidUtf8("\xCF\xF0"));
    EXPECT_FALSE(IsValidUtf8("\xD0"));  // a lead byte at the very end
    auto quoted = ReadCsv("name;price\n\"a;b\";\"1\n2\"\nlast;3\n");
    ASSERT_TRUE(quoted.has_value());
    ASSERT_EQ(quoted->rows.size(), 3u);
    EXPECT_EQ(quoted->rows[1][0], "a;b");
    EXPECT_EQ(quoted->rows[1][1], "1\n2");
    EXPECT_EQ(quoted->lines, (std::vector<int>{1, 2, 4}));
}

TEST(Tables, HostileBytesNeverCrash) {
    std::mt19937 rng(7);
    for (int round = 0; round < 300; ++round) {
        std::string bytes(rng() % 2000, '\0');
        for (auto& c : bytes) {
            c = static_cast<char>(rng() % 256);
        }
        if (round % 3 == 0 && bytes.size() > 4) {
            bytes.replace(0, 4, std::string("PK\x03\x04", 4));  // a zip header on junk
        }
        auto table = ReadTable(bytes);
        if (!table) {
            EXPECT_EQ(table.error().code, ErrorCode::kInvalidArgument);
        }
    }
    EXPECT_FALSE(ReadTable("").has_value());
    EXPECT_EQ(ReadTable(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)).error().details.front().problem,
              "this is an old binary Excel file (.xls); save it as .xlsx or .csv");
    EXPECT_FALSE(ReadTable("%PDF-1.7\n...").has_value());
}

// Found by a hostile probe: an 888 KB workbook whose sheet unpacked to 250 MB took the server to
// 4 GB before it answered. Every unpacked byte now counts, whatever the zip header says.
TEST(Tables, AZipBombStopsAtTheUnpackedBudget) {
    const std::string row = R"(<row><c t="inlineStr"><is><t>)" + std::string(200, 'A') + "</t></is></c></row>";
    const auto bomb = test::MakeXlsx({{"Прайс", test::Repeat(row, 120'000)}});  // 26 MB unpacked
    ASSERT_LT(bomb.size(), 200'000U);
    const auto limits = TableLimits::ForFile(bomb.size());
    EXPECT_EQ(limits.max_unpacked_bytes, 16U * 1024 * 1024);  // the floor; 20× would be less
    auto refused = ReadTable(bomb, {}, limits);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().details.at(0).problem,
              "the XLSX unpacks to more than 16.0 MB (the limit for this file: 20 times its size, at most 100 MB)");
    // Parts each under the budget, together over it: caught while streaming, not by the header.
    const auto blank = R"(<row><c><v></v></c></row>)";
    const auto two = test::MakeXlsx({{"a", test::Repeat(blank, 400'000)}, {"b", test::Repeat(blank, 400'000)}});
    auto streamed = ReadTable(two, {}, limits);
    ASSERT_FALSE(streamed.has_value());
    EXPECT_EQ(streamed.error().details.at(0).problem, refused.error().details.at(0).problem);
    EXPECT_EQ(TableLimits::ForFile(std::size_t{2} * 1024 * 1024).max_unpacked_bytes, 40U * 1024 * 1024);
    EXPECT_EQ(TableLimits::ForFile(std::size_t{9} * 1024 * 1024).max_unpacked_bytes, 100U * 1024 * 1024);
}

TEST(Tables, ASharedStringRepeatedEverywhereStopsAtTheMemoryBudget) {
    // 4 KB of text referenced by 20 000 cells: 80 MB as cells from a sheet of 0.5 MB.
    const auto bomb =
        test::MakeXlsx({{"s", test::Repeat(R"(<row><c t="s"><v>0</v></c></row>)", 20'000)}}, {std::string(4096, 'x')});
    auto refused = ReadTable(bomb, {}, TableLimits::ForFile(bomb.size()));
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().details.at(0).problem, "the sheet holds more than 64.0 MB of cells; split the file");
}

TEST(Tables, RowsStopAtTheLimitWhileReading) {
    const auto many = test::MakeXlsx({{"s", test::Repeat(R"(<row><c><v>1</v></c></row>)", 50'000)}});
    TableLimits limits;
    limits.max_rows = 1000;
    auto refused = ReadTable(many, {}, limits);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().details.at(0).problem, "more than 1000 rows");
}

TEST(Tables, XlsxCellsOfEveryKindAreRead) {
    const auto workbook = test::MakeXlsx(
        {{"Пусто", ""},
         {"Прайс",
          R"(<row r="3"><c r="B3" t="s"><v>1</v></c><c r="D3" t="inlineStr"><is><r><t>Руч</t></r><r><t>ка</t></r>)"
          R"(<rPh><t>ignored</t></rPh></is></c></row><row r="4"><c r="A4" t="b"><v>1</v></c><c r="B4"><v>1234.5</v>)"
          R"(</c><c r="C4"/><c><v>46351</v></c></row><row r="5"><c r="A5"/></row>)"}},
        {"Бумага", "А4 &amp; A3"});
    auto table = ReadTable(workbook);
    ASSERT_TRUE(table.has_value()) << table.error().details.at(0).problem;
    EXPECT_EQ(table->sheet, "Прайс");
    EXPECT_EQ(table->sheets, (std::vector<std::string>{"Пусто", "Прайс"}));
    ASSERT_EQ(table->rows.size(), 2U);
    EXPECT_EQ(table->rows[0], (std::vector<std::string>{"", "А4 & A3", "", "Ручка"}));
    EXPECT_EQ(table->rows[1], (std::vector<std::string>{"TRUE", "1234.5", "", "46351"}));
    EXPECT_EQ(table->lines, (std::vector<int>{3, 4}));
    auto bad_index = ReadTable(test::MakeXlsx({{"s", R"(<row><c t="s"><v>7</v></c></row>)"}}, {"a"}));
    EXPECT_EQ(bad_index.error().details.at(0).problem, "sheet 's' refers to a shared string that does not exist");
    auto not_xml = ReadTable(test::MakeZip({{"xl/workbook.xml", "<workbook><sheets><sheet name="}}));
    ASSERT_FALSE(not_xml.has_value());
    EXPECT_TRUE(not_xml.error().details.at(0).problem.starts_with("the XLSX part xl/workbook.xml is not valid XML ("))
        << not_xml.error().details.at(0).problem;
    auto no_workbook = ReadTable(test::MakeZip({{"word/document.xml", "<w/>"}}));
    EXPECT_EQ(no_workbook.error().details.at(0).problem, "not an XLSX workbook (xl/workbook.xml is missing)");
    auto entity = ReadTable(
        test::MakeXlsx({{"s", R"(<row><c t="inlineStr"><is><t>&lol;</t></is></c></row>)"}}));  // an undeclared entity
    EXPECT_FALSE(entity.has_value());
}

}  // namespace
}  // namespace zakupai::ingest
