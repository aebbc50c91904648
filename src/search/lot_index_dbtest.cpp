// The lot index on its own, in a temporary directory: word forms, Kazakh words kept whole,
// codes as typed, filters, suggestion counts that follow changed titles, the cursor, and a
// second writer refused with a clear message.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

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
    std::vector<std::int64_t> Ids(const LotQuery& q) {
        auto r = index_->Search(q);
        EXPECT_TRUE(r.has_value());
        std::vector<std::int64_t> ids;
        for (const auto& h : r->hits) {
            ids.push_back(h.id);
        }
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
