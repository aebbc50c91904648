// LotColumns against tests/cases/search/columns.json (filters, facets, sorting, paging), and
// rows replaced in place as an upsert does.
#include "search/internal/lot_columns.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cctype>
#include <fstream>
#include <sstream>

#include "core/time.hpp"

namespace zakupai::search {
namespace {

namespace json = boost::json;

json::object Cases() {
    std::ifstream in(std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/search/columns.json");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return json::parse(buffer.str()).as_object();
}

// "2026-12-01T10:00Z"
Instant At(const json::value& v) {
    const std::string text(v.as_string());
    const Date day = *ParseIsoDate(text.substr(0, 10));
    return std::chrono::sys_days{day} + std::chrono::hours{std::stoi(text.substr(11, 2))} +
           std::chrono::minutes{std::stoi(text.substr(14, 2))};
}

std::int64_t Seconds(Instant at) {
    return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

std::string AsciiLower(const std::string& text) {
    std::string out = text;
    for (auto& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::vector<std::string> Strings(const json::value& v) {
    std::vector<std::string> out;
    for (const auto& s : v.as_array()) {
        out.emplace_back(s.as_string());
    }
    return out;
}

LotColumns Load(const json::array& lots) {
    LotColumns columns;
    for (const auto& v : lots) {
        const auto& lot = v.as_object();
        LotAttributes a;
        a.id = lot.at("id").as_int64();
        a.price = lot.at("price").as_int64();
        if (lot.contains("deadline")) {
            a.deadline = Seconds(At(lot.at("deadline")));
        }
        a.status = lot.at("status").as_string();
        a.method = lot.at("method").as_string();
        a.region = lot.at("region").as_string();
        a.enstru = lot.at("enstru").as_string();
        a.customer_bin = lot.at("customer_bin").as_string();
        a.length = static_cast<std::uint32_t>(lot.at("length").as_int64());
        columns.Set(static_cast<DocId>(lot.at("row").as_int64()), a);
    }
    return columns;
}

LotQuery Query(const json::object& o) {
    LotQuery q;
    if (o.contains("status")) {
        q.statuses = Strings(o.at("status"));
    }
    if (o.contains("method")) {
        q.methods = Strings(o.at("method"));
    }
    for (auto [key, field] :
         {std::pair{"region", &q.region}, {"enstru", &q.enstru}, {"customer_bin", &q.customer_bin}}) {
        if (o.contains(key)) {
            *field = o.at(key).as_string();
        }
    }
    if (o.contains("min_amount")) {
        q.min_amount = o.at("min_amount").as_int64();
    }
    if (o.contains("max_amount")) {
        q.max_amount = o.at("max_amount").as_int64();
    }
    if (o.contains("deadline_from")) {
        q.deadline_from = At(o.at("deadline_from"));
    }
    if (o.contains("deadline_to")) {
        q.deadline_to = At(o.at("deadline_to"));
    }
    if (o.contains("sort")) {
        q.sort = o.at("sort") == "amount" ? SortBy::kAmount : SortBy::kDeadline;
    }
    q.descending = !o.contains("order") || o.at("order") == "desc";
    q.offset = o.contains("offset") ? static_cast<int>(o.at("offset").as_int64()) : 0;
    q.limit = o.contains("limit") ? static_cast<int>(o.at("limit").as_int64()) : 10;
    return q;
}

TEST(LotColumns, AnswersAsTheCasesSay) {
    const auto cases = Cases();
    const LotColumns columns = Load(cases.at("lots").as_array());
    EXPECT_EQ(columns.live(), 6);
    EXPECT_DOUBLE_EQ(columns.AverageLength(), 50.0);
    for (const auto& c : cases.at("cases").as_array()) {
        const auto& test = c.as_object();
        const std::string name(test.at("name").as_string());
        const auto& o = test.at("query").as_object();
        const LotQuery q = Query(o);
        std::vector<std::uint8_t> excluded;
        if (o.contains("excluded_rows")) {
            for (const auto& row : o.at("excluded_rows").as_array()) {
                excluded.resize(std::max<std::size_t>(excluded.size(), row.as_int64() + 1));
                excluded[row.as_int64()] = 1;
            }
        }
        const auto rows = columns.Scan(columns.Compile(q, &AsciiLower), excluded);
        EXPECT_EQ(static_cast<std::int64_t>(rows.size()), test.at("total").as_int64()) << name;
        std::vector<double> scores;
        if (o.contains("scores")) {
            for (DocId row : rows) {
                scores.push_back(o.at("scores").as_object().at(std::to_string(row)).to_number<double>());
            }
        }
        std::vector<std::int64_t> ids;
        for (std::size_t i : columns.Page(rows, scores, q)) {
            ids.push_back(columns.LotId(rows[i]));
        }
        std::vector<std::int64_t> expected;
        for (const auto& id : test.at("ids").as_array()) {
            expected.push_back(id.as_int64());
        }
        EXPECT_EQ(ids, expected) << name;
        if (test.contains("facets")) {
            LotColumns::FacetCounter counter(columns);
            for (DocId row : rows) {
                counter.Add(row);
            }
            json::object facets;
            for (const auto& [facet, counts] : counter.Take()) {
                json::object values;
                for (const auto& [value, count] : counts) {
                    values[value] = count;
                }
                facets[facet] = values;
            }
            EXPECT_EQ(json::serialize(facets), json::serialize(test.at("facets"))) << name;
        }
    }
}

TEST(LotColumns, AReplacedRowMovesItsCountsAndLength) {
    LotColumns columns = Load(Cases().at("lots").as_array());
    LotAttributes changed;
    changed.id = 102;
    changed.price = 1;
    changed.status = "completed";
    changed.method = "auction";
    changed.length = 120;  // was 60
    columns.Set(2, changed);
    EXPECT_EQ(columns.live(), 6);
    EXPECT_DOUBLE_EQ(columns.AverageLength(), 60.0);
    LotQuery q;
    q.statuses = {"completed"};
    const auto rows = columns.Scan(columns.Compile(q, &AsciiLower), {});
    EXPECT_EQ(rows, (std::vector<DocId>{2, 3}));
    EXPECT_FALSE(columns.IsLive(4));
    EXPECT_FALSE(columns.IsLive(1000));
    columns.Clear();
    EXPECT_EQ(columns.live(), 0);
    EXPECT_TRUE(columns.Scan(columns.Compile(LotQuery{}, &AsciiLower), {}).empty());
}

}  // namespace
}  // namespace zakupai::search
