// The semantic index against SQLite and PostgreSQL: word vectors trained on a fixture corpus
// (tests/cases/search/semantic.json) find lots of the right kind for queries written in other
// word forms; the index survives a restart and catches up with new lots and documents; another
// embedder's index is rebuilt, not mixed; hybrid ranking keeps the filters; the supplier finder
// ranks by closeness and track record, honours region and budget, and puts RNU suppliers last.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "search/indexer.hpp"
#include "search/internal/hybrid.hpp"
#include "search/semantic_index.hpp"
#include "search/supplier_finder.hpp"
#include "store/lot_repository.hpp"
#include "store/risk_repository.hpp"
#include "support/db_backend.hpp"

namespace zakupai::search {
namespace {

namespace json = boost::json;

json::object Cases() {
    std::ifstream in(std::string(ZAKUPAI_SOURCE_DIR) + "/tests/cases/search/semantic.json");
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str()).as_object();
}

const Instant kNow = AlmatyStartOfDay(ParseIsoDate("2026-11-30").value()) + std::chrono::hours{11};

// Words hashed into buckets: a stand-in provider whose vectors are unlike fastText's.
class HashedWords : public Embedder {
public:
    int Dimension() const override { return 32; }
    std::string Identity() const override { return "test:hashed-words"; }
    Result<std::vector<Vector>> Embed(const std::vector<std::string>& texts) const override {
        std::vector<Vector> out;
        for (const auto& text : texts) {
            Vector v(32, 0.0F);
            for (const auto& token : Tokens(text)) {
                v[std::hash<std::string>{}(token) % 32] += 1.0F;
            }
            Normalize(v);
            out.push_back(std::move(v));
        }
        return out;
    }
};

class SemanticTest : public test::BackendTest {
protected:
    void SetUp() override {
        test::BackendTest::SetUp();
        if (IsSkipped()) {
            return;
        }
        db_ = backend_->Open();
        store::Migrate(*db_);
        repository_ = std::make_unique<store::SearchRepository>(*db_);
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() / ("zk_semantic_" + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override {
        if (db_) {
            db_.reset();
        }
        std::filesystem::remove_all(dir_);
    }
    SemanticOptions Options() const {
        SemanticOptions options;
        options.dir = (dir_ / "semantic").string();
        options.training.threads = 1;  // one thread: the same vectors on every run
        options.min_corpus = 50;
        return options;
    }
    // The fixture corpus: every title of every family `copies` times, in different regions.
    // Returns lot id -> family.
    std::map<std::int64_t, std::string> LoadCorpus() {
        const auto cases = Cases();
        const auto& regions = cases.at("regions").as_array();
        std::vector<store::LotRow> rows;
        std::vector<std::string> families;
        for (int copy = 0; copy < cases.at("copies").as_int64(); ++copy) {
            for (const auto& [family, kind] : cases.at("families").as_object()) {
                for (const auto& title : kind.at("titles").as_array()) {
                    store::LotRow row;
                    row.title = std::string(title.as_string());
                    const auto& region = regions[rows.size() % regions.size()].as_string();
                    row.description =
                        std::string(kind.at("description").as_string()) + "; место поставки: " + std::string(region);
                    row.region = std::string(region);
                    row.price = static_cast<Tiyn>(100'000'00 * (1 + rows.size() % 7));
                    row.deadline = kNow + std::chrono::days{10};
                    row.customer_bin = "990640001201";
                    row.customer_name = "КГУ «Школа-лицей №8»";
                    row.status = "published";
                    row.method = rows.size() % 2 == 0 ? "tender" : "price_offers";
                    rows.push_back(std::move(row));
                    families.emplace_back(family);
                }
            }
        }
        store::LotRepository lots(*db_);
        lots.InsertAll({}, rows, {}, kNow);
        const auto ids = lots.LotIds();
        std::map<std::int64_t, std::string> out;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            out[ids[i]] = families[i];
        }
        return out;
    }
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::SearchRepository> repository_;
    std::filesystem::path dir_;
};

TEST_P(SemanticTest, TrainsOnTheLotsAndFindsLotsOfTheSameKind) {
    const auto family = LoadCorpus();
    SemanticIndex index(*repository_, Options(), nullptr);
    EXPECT_FALSE(index.Load());
    auto built = index.Rebuild();
    ASSERT_TRUE(built.has_value()) << built.error().message;
    EXPECT_EQ(*built, static_cast<std::int64_t>(family.size()));
    const auto status = index.Status();
    EXPECT_TRUE(status.ready);
    EXPECT_EQ(status.dimension, 100);
    EXPECT_EQ(status.lots, static_cast<std::int64_t>(family.size()));
    EXPECT_TRUE(status.embedder.starts_with("fasttext:")) << status.embedder;
    const auto cases = Cases();
    for (const auto& c : cases.at("queries").as_array()) {
        const std::string query(c.at("query").as_string());
        const std::string expected(c.at("family").as_string());
        auto near = index.NearestLots(query, 5);
        ASSERT_TRUE(near.has_value());
        ASSERT_EQ(near->size(), 5U) << query;
        for (const auto& n : *near) {
            EXPECT_EQ(family.at(n.id), expected) << query << " found lot " << n.id << " score " << n.score;
            EXPECT_GT(n.score, 0.3F) << query;
            EXPECT_LE(n.score, 1.0001F) << query;
        }
    }
    // Vectors are unit length; a text with no words embeds as zeros and finds nothing.
    auto vectors = index.Embed({"бумага офисная", "!!! ???"});
    ASSERT_TRUE(vectors.has_value());
    double norm = 0;
    for (float x : vectors->at(0)) {
        norm += static_cast<double>(x) * x;
    }
    EXPECT_NEAR(norm, 1.0, 1e-4);
    EXPECT_TRUE(std::all_of(vectors->at(1).begin(), vectors->at(1).end(), [](float x) { return x == 0.0F; }));
    EXPECT_TRUE(index.NearestLots("!!!", 5)->empty());
}

TEST_P(SemanticTest, SurvivesARestartAndCatchesUpWithNewLotsAndDocuments) {
    const auto family = LoadCorpus();
    std::vector<Neighbour> before;
    {
        SemanticIndex index(*repository_, Options(), nullptr);
        ASSERT_TRUE(index.Rebuild().has_value());
        before = *index.NearestLots("картриджей для принтеров", 5);
    }
    SemanticIndex index(*repository_, Options(), nullptr);
    ASSERT_TRUE(index.Load());
    const auto after = *index.NearestLots("картриджей для принтеров", 5);
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
        EXPECT_EQ(after[i].id, before[i].id);
        EXPECT_FLOAT_EQ(after[i].score, before[i].score);
    }
    EXPECT_EQ(*index.CatchUp(), 0);

    store::LotRow row;
    row.title = "Шины зимние для служебного автомобиля";
    row.description = row.title;
    row.price = 500'000'00;
    row.deadline = kNow;
    store::LotRepository(*db_).InsertAll({}, {row}, {}, kNow + std::chrono::minutes{1});
    const auto doc = *repository_->UpsertDocument("public", "etl_doc:1", "Техническая спецификация: шины зимние", kNow);
    EXPECT_EQ(*index.CatchUp(), 2);
    const auto new_id = store::LotRepository(*db_).LotIds().back();
    // Words the model never saw still get vectors (from their letters): the lot is findable.
    const auto tyres = *index.NearestLots(row.title, 1);
    EXPECT_EQ(tyres.at(0).id, new_id);
    EXPECT_GT(tyres.at(0).score, 0.99F);
    EXPECT_EQ(index.NearestDocuments("шин зимних", "someone", "public", 1)->at(0).id, doc.id);

    // Indexed again under the same ref_id: the same document, new text, new vector.
    const auto replaced =
        *repository_->UpsertDocument("public", "etl_doc:1", "Говядина охлаждённая", kNow + std::chrono::minutes{2});
    EXPECT_EQ(replaced.id, doc.id);
    EXPECT_EQ(*index.CatchUp(), 1);
    EXPECT_EQ(index.Status().documents, 1);
    EXPECT_EQ(repository_->Documents({doc.id}).at(0).text, "Говядина охлаждённая");
    index.SaveIfDirty();

    SemanticIndex reopened(*repository_, Options(), nullptr);
    ASSERT_TRUE(reopened.Load());
    EXPECT_EQ(reopened.Status().lots, static_cast<std::int64_t>(family.size()) + 1);
    EXPECT_EQ(reopened.Status().documents, 1);
    EXPECT_EQ(*reopened.CatchUp(), 0);
}

TEST_P(SemanticTest, AnotherEmbeddersIndexIsRebuiltNotMixed) {
    LoadCorpus();
    {
        SemanticIndex index(*repository_, Options(), nullptr);
        ASSERT_TRUE(index.Rebuild().has_value());
    }
    SemanticIndex provided(*repository_, Options(), std::make_unique<HashedWords>());
    EXPECT_FALSE(provided.Load());
    EXPECT_EQ(provided.Status().problem, "the vector index was made by another embedder and must be rebuilt");
    auto near = provided.NearestLots("бумага", 3);
    ASSERT_FALSE(near.has_value());
    EXPECT_EQ(near.error().code, ErrorCode::kUnavailable);
    ASSERT_TRUE(provided.Rebuild().has_value());
    EXPECT_EQ(provided.Status().embedder, "test:hashed-words");
    EXPECT_EQ(provided.Status().dimension, 32);
    SemanticIndex again(*repository_, Options(), std::make_unique<HashedWords>());
    EXPECT_TRUE(again.Load());
}

TEST_P(SemanticTest, RefusesToLearnFromTooFewLots) {
    store::LotRow row;
    row.title = "Бумага офисная";
    row.deadline = kNow;
    store::LotRepository(*db_).InsertAll({}, std::vector<store::LotRow>(10, row), {}, kNow);
    SemanticIndex index(*repository_, Options(), nullptr);
    auto built = index.Rebuild();
    ASSERT_FALSE(built.has_value());
    ASSERT_EQ(built.error().details.size(), 1U);
    EXPECT_EQ(built.error().details[0].field, "corpus");
    EXPECT_EQ(built.error().details[0].problem, "10 lots; at least 50 are needed to learn word vectors");
    EXPECT_FALSE(index.Status().ready);
}

TEST_P(SemanticTest, HybridRankingFindsByMeaningAndKeepsTheFilters) {
    const auto family = LoadCorpus();
    SemanticIndex semantic(*repository_, Options(), nullptr);
    ASSERT_TRUE(semantic.Rebuild().has_value());
    auto lot_index = LotIndex::Open((dir_ / "lots").string());
    ASSERT_TRUE(lot_index.has_value());
    Indexer(*repository_, **lot_index).CatchUp();

    // "территории" is in one title only (four lots); by meaning the other cleaning lots,
    // whose descriptions share its context, come along after them; nothing else does.
    LotQuery q;
    q.text = "территории";
    q.limit = 100;
    q.facets = false;
    const auto words = (*lot_index)->Search(q);
    ASSERT_TRUE(words.has_value());
    EXPECT_EQ(words->total, 4);
    q.semantic = true;
    auto both = HybridSearch(**lot_index, semantic, q);
    ASSERT_TRUE(both.has_value());
    EXPECT_EQ(both->semantic, "on");
    ASSERT_EQ(both->hits.size(), 16U);
    EXPECT_EQ(both->total, 16);
    for (std::size_t i = 0; i < both->hits.size(); ++i) {
        EXPECT_EQ(both->hits[i].matched_by, i < 4 ? "both" : "meaning") << i;
        EXPECT_EQ(family.at(both->hits[i].id), "cleaning") << i;
    }
    EXPECT_EQ(both->hits.front().relevance, 100);
    EXPECT_LT(both->hits.back().relevance, 60);

    // Filters hold for what meaning found: only price_offers lots.
    q.methods = {"price_offers"};
    auto filtered = HybridSearch(**lot_index, semantic, q);
    ASSERT_TRUE(filtered.has_value());
    ASSERT_FALSE(filtered->hits.empty());
    const auto lots = repository_->Lots([&] {
        std::vector<std::int64_t> ids;
        for (const auto& h : filtered->hits) {
            ids.push_back(h.id);
        }
        return ids;
    }());
    for (const auto& lot : lots) {
        EXPECT_EQ(lot.method, "price_offers") << lot.id;
    }
    // Paging walks the fused list.
    EXPECT_EQ(filtered->hits.size(), 8U);
    q.methods.clear();
    q.exclude = {"служебных"};  // the title that has the word: exclusion words hold too
    auto excluded = HybridSearch(**lot_index, semantic, q);
    ASSERT_TRUE(excluded.has_value());
    EXPECT_EQ(excluded->hits.size(), 12U);
    for (const auto& hit : excluded->hits) {
        EXPECT_EQ(hit.matched_by, "meaning");
    }
    q.exclude.clear();
    q.limit = 3;
    q.offset = 3;
    auto page = HybridSearch(**lot_index, semantic, q);
    ASSERT_EQ(page->hits.size(), 3U);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(page->hits[i].id, both->hits[3 + i].id);
    }
}

TEST_P(SemanticTest, SupplierFinderRanksByClosenessAndTrackRecord) {
    const auto family = LoadCorpus();
    std::vector<std::int64_t> paper;
    std::vector<std::int64_t> fuel;
    for (const auto& [id, f] : family) {
        if (f == "paper") {
            paper.push_back(id);
        } else if (f == "fuel") {
            fuel.push_back(id);
        }
    }
    {
        store::Database::Lease s(*db_);
        *s << "INSERT INTO suppliers (bin, name, region, created_at) VALUES ('031040621944', 'ТОО «КазОфис»', 'г. "
              "Астана', '2026-01-01T00:00:00.000Z'), ('200940204861', 'ТОО «Бумажник»', 'г. Алматы', "
              "'2026-01-01T00:00:00.000Z'), ('160340004432', 'ТОО «Нефтетрейд»', 'Павлодарская область', "
              "'2026-01-01T00:00:00.000Z'), ('061140002211', 'ТОО «Плохой»', 'г. Астана', "
              "'2026-01-01T00:00:00.000Z')";
        *s << "INSERT INTO rnu_checks (biin, listed, details, checked_at) VALUES ('061140002211', 1, '{}', "
              "'2026-11-29T00:00:00.000Z')";
    }
    std::vector<std::pair<std::int64_t, store::BidRow>> bids;
    // КазОфис won three paper lots; Бумажник bid on one; Нефтетрейд won fuel; Плохой (in the
    // RNU) won four paper lots.
    for (int i = 0; i < 3; ++i) {
        bids.emplace_back(paper[i], store::BidRow{"031040621944", 90'000'00, BidStatus::kWinner, std::nullopt});
    }
    bids.emplace_back(paper[3], store::BidRow{"200940204861", 2'000'000'00, BidStatus::kValid, std::nullopt});
    bids.emplace_back(fuel[0], store::BidRow{"160340004432", 95'000'00, BidStatus::kWinner, std::nullopt});
    for (int i = 4; i < 8; ++i) {
        bids.emplace_back(paper[i], store::BidRow{"061140002211", 80'000'00, BidStatus::kWinner, std::nullopt});
    }
    store::RiskRepository(*db_).InsertBids(bids, "test", kNow);

    SemanticIndex semantic(*repository_, Options(), nullptr);
    ASSERT_TRUE(semantic.Rebuild().has_value());
    auto lot_index = LotIndex::Open((dir_ / "lots").string());
    ASSERT_TRUE(lot_index.has_value());
    Indexer(*repository_, **lot_index).CatchUp();
    SupplierFinder finder(**lot_index, semantic, *repository_);

    SupplierQuery q;
    q.text = "бумага для принтера";
    auto found = finder.Find(q);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->semantic, "on");
    ASSERT_EQ(found->suppliers.size(), 3U);  // not the fuel supplier
    EXPECT_EQ(found->suppliers[0].profile.name, "ТОО «КазОфис»");
    EXPECT_EQ(found->suppliers[0].profile.wins, 3);
    EXPECT_EQ(found->suppliers[0].lots.size(), 3U);
    EXPECT_EQ(found->suppliers[0].lots[0].kind, "winner");
    EXPECT_EQ(found->suppliers[0].typical_amount, 90'000'00);
    EXPECT_TRUE(found->suppliers[0].why.starts_with("победитель по лоту «")) << found->suppliers[0].why;
    EXPECT_EQ(found->suppliers[1].profile.name, "ТОО «Бумажник»");
    EXPECT_EQ(found->suppliers[2].profile.name, "ТОО «Плохой»");  // more wins, but in the RNU
    EXPECT_TRUE(found->suppliers[2].profile.in_rnu);
    EXPECT_NE(found->suppliers[2].why.find("в реестре недобросовестных поставщиков"), std::string::npos);
    EXPECT_EQ(found->sources_used, (std::vector<std::string>{"bid", "winner"}));

    q.region = "алматы";  // folded: "г. Алматы"
    found = finder.Find(q);
    ASSERT_TRUE(found.has_value());
    ASSERT_GE(found->suppliers.size(), 1U);
    for (const auto& s : found->suppliers) {
        const bool home = s.profile.region == "г. Алматы";
        const bool delivered =
            std::any_of(s.lots.begin(), s.lots.end(), [](const MatchedLot& m) { return m.region == "г. Алматы"; });
        EXPECT_TRUE(home || delivered) << s.profile.name;
    }
    q.region.clear();
    q.max_budget = 1'000'000'00;  // Бумажник's only bid was 2 million
    found = finder.Find(q);
    ASSERT_TRUE(found.has_value());
    for (const auto& s : found->suppliers) {
        EXPECT_NE(s.profile.name, "ТОО «Бумажник»");
    }
    q.max_budget.reset();
    q.text = "топливо для автомобилей";
    found = finder.Find(q);
    ASSERT_TRUE(found.has_value());
    ASSERT_FALSE(found->suppliers.empty());
    EXPECT_EQ(found->suppliers[0].profile.name, "ТОО «Нефтетрейд»");
}

INSTANTIATE_TEST_SUITE_P(Backends, SemanticTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? "PostgreSQL" : "SQLite";
});

}  // namespace
}  // namespace zakupai::search
