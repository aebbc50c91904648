// The lot index on its own, in a temporary directory: word forms, Kazakh words kept whole,
// codes as typed, filters, suggestion counts that follow changed titles, the cursor, and a
// second writer refused with a clear message.
#include <gtest/gtest.h>
#include <xapian.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

#include "search/lot_index.hpp"

namespace zakupai::search {
namespace {

class LotIndexTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() / ("zk_index_" + std::to_string(rd()));
        auto opened = LotIndex::Open(dir_.string());
        ASSERT_TRUE(opened.has_value()) << opened.error().message;
        index_ = std::move(*opened);
    }
    void TearDown() override {
        index_.reset();
        std::filesystem::remove_all(dir_);
    }
    static store::IndexableLot Lot(std::int64_t id, std::string title, std::string method, Tiyn price) {
        store::IndexableLot lot;
        lot.id = id;
        lot.title = std::move(title);
        lot.method = std::move(method);
        lot.price = price;
        lot.status = "published";
        lot.customer_bin = "990640001201";
        lot.customer_name = "КГУ «Школа-лицей №8»";
        lot.enstru = "171211.100.000001";
        lot.region = "751110000";
        return lot;
    }
    // The hits' lot ids in the index's order.
    std::vector<std::int64_t> Ordered(const LotQuery& q) {
        auto r = index_->Search(q);
        EXPECT_TRUE(r.has_value());
        std::vector<std::int64_t> ids;
        for (const auto& h : r->hits) {
            ids.push_back(h.id);
        }
        return ids;
    }
    // The same, ascending: for when only which lots matters.
    std::vector<std::int64_t> Ids(const LotQuery& q) {
        auto ids = Ordered(q);
        std::sort(ids.begin(), ids.end());
        return ids;
    }
    std::filesystem::path dir_;
    std::unique_ptr<LotIndex> index_;
};

TEST_F(LotIndexTest, WordFormsCodesFiltersAndSuggestions) {
    auto kz = Lot(3, "Компьютеры", "tender", 900'000'00);
    kz.name_kz = "Компьютерлер мен ноутбуктар";
    index_->Upsert(
        {Lot(1, "Бумага офисная А4", "price_offers", 1'000'00), Lot(2, "Бумаги для принтера", "auction", 5'000'00), kz},
        {"2026-11-25T10:00:00.000Z", 3});
    EXPECT_EQ(index_->Size(), 3);
    EXPECT_EQ(index_->Cursor().updated_at, "2026-11-25T10:00:00.000Z");
    EXPECT_EQ(index_->Cursor().id, 3);

    LotQuery q;
    q.text = "бумагой";
    EXPECT_EQ(Ids(q), (std::vector<std::int64_t>{1, 2}));
    q.text = "ноутбуктар";  // Kazakh, whole word
    EXPECT_EQ(Ids(q), (std::vector<std::int64_t>{3}));
    q.text = "171211.100.000001";  // the code as typed
    EXPECT_EQ(Ids(q).size(), 3u);
    q.text = "бумага";
    q.methods = {"auction"};
    EXPECT_EQ(Ids(q), (std::vector<std::int64_t>{2}));
    q = LotQuery{};
    q.max_amount = 1'000'00;  // inclusive
    EXPECT_EQ(Ids(q), (std::vector<std::int64_t>{1}));
    q = LotQuery{};
    q.region = "7511";  // KATO prefix
    EXPECT_EQ(Ids(q).size(), 3u);
    q.region = "7512";
    EXPECT_TRUE(Ids(q).empty());
    q = LotQuery{};
    q.enstru = "1712";
    EXPECT_EQ(Ids(q).size(), 3u);
    q.enstru = "171211.100";
    EXPECT_EQ(Ids(q).size(), 3u);
    q.enstru = "171211.1";  // any prefix, not only whole groups
    EXPECT_EQ(Ids(q).size(), 3u);
    q.enstru = "1713";
    EXPECT_TRUE(Ids(q).empty());

    auto suggestions = index_->Suggest("БУМ", 5);
    ASSERT_EQ(suggestions.size(), 2u);
    EXPECT_EQ(suggestions[0].kind, "title");
    auto customers = index_->Suggest("кгу «школа", 5);
    ASSERT_EQ(customers.size(), 1u);
    EXPECT_EQ(customers[0].count, 3);
    // A renamed lot moves its suggestion; ё and е are one letter.
    index_->Upsert({Lot(2, "Ёлочные игрушки", "auction", 5'000'00)}, {"2026-11-25T11:00:00.000Z", 2});
    EXPECT_EQ(index_->Suggest("бум", 5).size(), 1u);
    ASSERT_EQ(index_->Suggest("елоч", 5).size(), 1u);
    EXPECT_EQ(index_->Suggest("елоч", 5)[0].text, "Ёлочные игрушки");
    EXPECT_EQ(index_->Size(), 3);

    // A second writer (zakupai reindex while serve runs) is told why it cannot open the index.
    auto second = LotIndex::Open(dir_.string());
    ASSERT_FALSE(second.has_value());
    EXPECT_NE(second.error().message.find("in use by another process"), std::string::npos);

    // Reopened, the suggestions are rebuilt from the stored documents.
    index_.reset();
    index_ = std::move(*LotIndex::Open(dir_.string()));
    EXPECT_EQ(index_->Suggest("кгу", 5).at(0).count, 3);
    index_->Clear();
    EXPECT_EQ(index_->Size(), 0);
    EXPECT_TRUE(index_->Cursor().updated_at.empty());
}

TEST_F(LotIndexTest, RanksTitleMatchesFirstAndTakesAnUnknownLastWordAsAPrefix) {
    auto described = Lot(1, "Канцелярские товары", "tender", 1'000'00);
    described.description = "Бумага, ручки, скрепки";
    auto titled = Lot(2, "Бумага офисная А4", "tender", 2'000'00);
    auto both = Lot(3, "Бумага для принтера", "tender", 3'000'00);
    both.description = "Бумага офисная, 80 г/м², белизна 146 %";
    index_->Upsert({described, titled, both, Lot(4, "Уголь каменный", "tender", 4'000'00)}, {"t", 4});

    LotQuery q;
    q.text = "бумаги";
    auto r = index_->Search(q);
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->hits.size(), 3u);
    EXPECT_EQ(r->total, 3);
    EXPECT_TRUE(r->total_exact);
    // The title counts three times: the lots named "Бумага …" come before the one that only
    // lists it; the best match is 100 %, the others in proportion.
    EXPECT_EQ(r->hits[2].id, 1);
    EXPECT_EQ(r->hits[0].relevance, 100);
    EXPECT_LT(r->hits[2].relevance, r->hits[1].relevance);
    EXPECT_GT(r->hits[2].relevance, 0);

    q.text = "бума";  // not a word the index knows: the start of one
    EXPECT_EQ(Ids(q), (std::vector<std::int64_t>{1, 2, 3}));
    q.text = "бумага принт";
    EXPECT_EQ(Ids(q), (std::vector<std::int64_t>{3}));
    q.text = "бумага";
    q.match_any = true;
    q.text = "бумага уголь";
    EXPECT_EQ(Ids(q), (std::vector<std::int64_t>{1, 2, 3, 4}));
    q.match_any = false;
    EXPECT_TRUE(Ids(q).empty());

    // Exclusion words with and without text; filters on lots given by id.
    q = LotQuery{};
    q.exclude = {"принтера", "уголь"};
    EXPECT_EQ(Ordered(q), (std::vector<std::int64_t>{2, 1}));
    q.text = "бумага";
    EXPECT_EQ(Ids(q), (std::vector<std::int64_t>{1, 2}));
    q = LotQuery{};
    q.only_ids = {4, 2, 99, 3};
    q.max_amount = 3'000'00;
    EXPECT_EQ(Ordered(q), (std::vector<std::int64_t>{3, 2}));
    // Words within given lots (an alert over the newly published ones).
    q = LotQuery{};
    q.only_ids = {1, 3, 4};
    q.text = "бумага";
    EXPECT_EQ(Ids(q), (std::vector<std::int64_t>{1, 3}));
    q.exclude = {"принтера"};
    EXPECT_EQ(Ids(q), (std::vector<std::int64_t>{1}));
}

TEST_F(LotIndexTest, AReopenedIndexAnswersTheSame) {
    std::vector<store::IndexableLot> lots;
    const char* titles[] = {"Бумага офисная", "Ремонт кровли школы", "Ноутбуки", "Уголь", "Ремонт дорог"};
    const char* methods[] = {"tender", "auction", "price_offers", "eshop", "single_source"};
    for (int i = 1; i <= 40; ++i) {
        auto lot = Lot(i, titles[i % 5], methods[i % 3], Tiyn{i * 7919 % 1000} * 100'00);
        lot.status = i % 4 == 0 ? "completed" : "published";
        lot.region = i % 2 == 0 ? "751110000" : "711210000";
        lot.enstru = i % 3 == 0 ? "221111.100.000001" : "171211.100.000001";
        lot.customer_bin = i % 5 == 0 ? "010140000143" : "990640001201";
        if (i % 6 != 0) {
            lot.deadline = std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours{i};
        }
        lots.push_back(lot);
    }
    index_->Upsert(lots, {"t", 40});
    lots[7].title = "Бумага для принтера";  // replaced in place
    lots[7].price = 1;
    index_->Upsert({lots[7]}, {"t2", 8});

    std::vector<LotQuery> queries(7);
    queries[0].text = "ремонт";
    queries[1].text = "ремонт";
    queries[1].sort = SortBy::kAmount;
    queries[2].sort = SortBy::kDeadline;
    queries[2].descending = false;
    queries[3].statuses = {"published"};
    queries[3].region = "7511";
    queries[4].enstru = "2211";
    queries[4].customer_bin = "990640001201";
    queries[5].text = "бумага";
    queries[5].methods = {"auction", "tender"};
    queries[6].min_amount = 300'00'00;
    queries[6].deadline_from = std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours{10};
    for (auto& q : queries) {
        q.limit = 100;
    }
    std::vector<LotResults> before;
    for (const auto& q : queries) {
        before.push_back(*index_->Search(q));
        EXPECT_FALSE(before.back().hits.empty());
    }
    index_.reset();
    index_ = std::move(*LotIndex::Open(dir_.string()));
    EXPECT_EQ(index_->Size(), 40);
    EXPECT_EQ(index_->Cursor().updated_at, "t2");
    for (std::size_t i = 0; i < queries.size(); ++i) {
        const auto after = *index_->Search(queries[i]);
        ASSERT_EQ(after.hits.size(), before[i].hits.size()) << i;
        for (std::size_t h = 0; h < after.hits.size(); ++h) {
            EXPECT_EQ(after.hits[h].id, before[i].hits[h].id) << i;
            EXPECT_EQ(after.hits[h].relevance, before[i].hits[h].relevance) << i;
        }
        EXPECT_EQ(after.total, before[i].total) << i;
        EXPECT_EQ(after.facets, before[i].facets) << i;
    }
    // Spot checks against the data, not only against the first answer.
    std::int64_t dearest_repair = 0;
    for (const auto& lot : lots) {
        if (lot.title.starts_with("Ремонт") && (dearest_repair == 0 || lot.price > lots[dearest_repair - 1].price)) {
            dearest_repair = lot.id;
        }
    }
    EXPECT_EQ(Ordered(queries[1]).front(), dearest_repair);
    LotQuery cheapest;
    cheapest.sort = SortBy::kAmount;
    cheapest.descending = false;
    EXPECT_EQ(Ordered(cheapest).front(), 8);
}

TEST_F(LotIndexTest, AnOlderLayoutIsEmptiedForARebuildAndAnUnreadableIndexRefused) {
    index_.reset();
    {
        Xapian::WritableDatabase old(dir_.string(), Xapian::DB_CREATE_OR_OVERWRITE);
        Xapian::Document doc;
        doc.add_term("Zбумаг");
        old.add_document(doc);
        old.set_metadata("cursor", std::string("t") + '\x1f' + "9");
        old.commit();
    }
    index_ = std::move(*LotIndex::Open(dir_.string()));
    EXPECT_EQ(index_->Size(), 0);
    EXPECT_TRUE(index_->Cursor().updated_at.empty());  // so the indexer starts from the beginning

    // An index in this layout with a value it cannot read is refused by name, not a crash.
    index_.reset();
    {
        Xapian::WritableDatabase broken(dir_.string(), Xapian::DB_CREATE_OR_OVERWRITE);
        Xapian::Document doc;
        doc.add_term("Zбумаг");
        doc.add_value(5, "not a number");  // the lot id's slot
        broken.add_document(doc);
        broken.set_metadata("format", "2");
        broken.commit();
    }
    auto refused = LotIndex::Open(dir_.string());
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().message.find("run zakupai reindex"), std::string::npos) << refused.error().message;
    std::filesystem::remove_all(dir_);
    index_ = std::move(*LotIndex::Open(dir_.string()));
}

TEST_F(LotIndexTest, SearchesRunWhileLotsAreWritten) {
    index_->Upsert({Lot(1, "Бумага офисная", "tender", 1'000'00)}, {"t", 1});
    std::atomic<bool> done{false};
    std::atomic<int> problems{0};
    std::vector<std::thread> readers;
    readers.reserve(3);
    for (int t = 0; t < 3; ++t) {
        readers.emplace_back([&] {
            while (!done) {
                LotQuery q;
                q.text = "бумага";
                auto r = index_->Search(q);
                // Every answer is a whole commit: as many hits as the total says.
                if (!r || r->total < 1 ||
                    static_cast<std::int64_t>(r->hits.size()) != std::min<std::int64_t>(r->total, 10)) {
                    ++problems;
                }
            }
        });
    }
    for (int i = 2; i <= 200; ++i) {
        index_->Upsert({Lot(i, "Бумага для принтера", "auction", Tiyn{i} * 100'00)}, {"t", i});
    }
    done = true;
    for (auto& r : readers) {
        r.join();
    }
    EXPECT_EQ(problems.load(), 0);
    LotQuery q;
    q.text = "бумага";
    EXPECT_EQ(index_->Search(q)->total, 200);
}

TEST_F(LotIndexTest, HostileQueriesAreTextOrAClearProblem) {
    index_->Upsert({Lot(1, "Бумага офисная", "tender", 1'000'00)}, {"t", 1});
    for (const char* text : {"\"", "((((", "AND OR NOT", "*", "бумага\"", "NEAR/", "a:b", "\xff\xfe", "🙂"}) {
        LotQuery q;
        q.text = text;
        auto r = index_->Search(q);
        if (!r) {
            EXPECT_EQ(r.error().details.at(0).field, "query") << text;
        }
    }
}

}  // namespace
}  // namespace zakupai::search
