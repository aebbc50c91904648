// The pieces of semantic search that need no database: how text is cut into words, the HNSW
// index against brute force (neighbours, replacement, removal, growth), and the OpenAI-compatible
// provider client over a scripted transport (batching, order, retries, refusals).
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <set>

#include "search/embedder.hpp"
#include "search/internal/vector_index.hpp"

namespace zakupai::search {
namespace {

TEST(Tokens, LowerCaseFoldsYoAndKeepsOnlyWords) {
    EXPECT_EQ(Tokens("Бумага ОФИСНАЯ, А4 (80 г/м2) — «Снегурочка»"),
              (std::vector<std::string>{"бумага", "офисная", "а4", "80", "г", "м2", "снегурочка"}));
    EXPECT_EQ(Tokens("Ёлочные игрушки; ЁЖ"), (std::vector<std::string>{"елочные", "игрушки", "еж"}));
    EXPECT_EQ(Tokens("Қағаз және Үй"), (std::vector<std::string>{"қағаз", "және", "үй"}));
    EXPECT_TRUE(Tokens("!!! ... ---").empty());
    EXPECT_TRUE(Tokens("").empty());
    // Broken UTF-8 does not stop the tokenizer or leak bytes that are not words.
    const auto broken = Tokens(std::string("abc\xff\xfe def"));
    ASSERT_FALSE(broken.empty());
    EXPECT_EQ(broken.back(), "def");
}

Vector RandomUnit(std::mt19937& rng, int dim) {
    std::normal_distribution<float> normal;
    Vector v(static_cast<std::size_t>(dim));
    for (auto& x : v) {
        x = normal(rng);
    }
    Normalize(v);
    return v;
}

std::vector<std::int64_t> BruteForce(const std::map<std::int64_t, Vector>& points, const Vector& q, std::size_t k) {
    std::vector<std::pair<float, std::int64_t>> scored;
    for (const auto& [id, v] : points) {
        float dot = 0;
        for (std::size_t i = 0; i < v.size(); ++i) {
            dot += v[i] * q[i];
        }
        scored.emplace_back(-dot, id);
    }
    std::sort(scored.begin(), scored.end());
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < k && i < scored.size(); ++i) {
        out.push_back(scored[i].second);
    }
    return out;
}

TEST(VectorIndex, NearestMatchesBruteForceAndGrowsPastItsCapacity) {
    std::mt19937 rng(7);
    constexpr int kDim = 24;
    VectorIndex index(kDim, 16);  // grows several times on the way to 600
    std::map<std::int64_t, Vector> points;
    for (std::int64_t id = 1000; id < 1600; ++id) {
        points[id] = RandomUnit(rng, kDim);
        index.Upsert(id, points[id]);
    }
    EXPECT_EQ(index.Size(), 600U);
    std::size_t agreed = 0;
    for (int round = 0; round < 50; ++round) {
        const auto q = RandomUnit(rng, kDim);
        const auto found = index.Nearest(q, 10);
        ASSERT_EQ(found.size(), 10U);
        const auto truth = BruteForce(points, q, 10);
        EXPECT_EQ(found[0].id, truth[0]);
        for (std::size_t i = 1; i < found.size(); ++i) {
            EXPECT_GE(found[i - 1].score, found[i].score);  // closest first
        }
        const std::set<std::int64_t> truth_set(truth.begin(), truth.end());
        for (const auto& n : found) {
            agreed += truth_set.count(n.id);
        }
    }
    EXPECT_GE(agreed, 490U);  // recall at 10 of at least 98 %
    // A stored vector finds itself with cosine 1.
    const auto self = index.Nearest(points[1234], 1);
    EXPECT_EQ(self.at(0).id, 1234);
    EXPECT_NEAR(self.at(0).score, 1.0F, 1e-5F);
}

TEST(VectorIndex, BatchInsertOnTwoThreadsFindsWhatOneThreadFinds) {
    std::mt19937 rng(5);
    constexpr int kDim = 16;
    std::vector<std::int64_t> ids;
    std::vector<Vector> vectors;
    std::map<std::int64_t, Vector> points;
    for (std::int64_t id = 1; id <= 1000; ++id) {
        ids.push_back(id);
        vectors.push_back(id % 100 == 0 ? Vector(kDim, 0.0F) : RandomUnit(rng, kDim));
        if (id % 100 != 0) {
            points[id] = vectors.back();
        }
    }
    VectorIndex index(kDim, 16);
    index.UpsertBatch(ids, vectors, 2);
    EXPECT_EQ(index.Size(), 990U);  // the ten zero vectors are not stored
    std::size_t agreed = 0;
    for (int round = 0; round < 30; ++round) {
        const auto q = RandomUnit(rng, kDim);
        const auto truth = BruteForce(points, q, 10);
        const std::set<std::int64_t> truth_set(truth.begin(), truth.end());
        for (const auto& n : index.Nearest(q, 10)) {
            agreed += truth_set.count(n.id);
        }
    }
    EXPECT_GE(agreed, 290U);
    // Replacing in a batch keeps the count.
    index.UpsertBatch({1, 2}, {vectors[2], vectors[2]}, 2);
    EXPECT_EQ(index.Size(), 990U);
    EXPECT_NEAR(index.Nearest(vectors[2], 3).at(2).score, 1.0F, 1e-5F);
}

TEST(VectorIndex, UpsertReplacesRemoveHidesAndZeroVectorsAreNotStored) {
    std::mt19937 rng(11);
    VectorIndex index(8);
    const auto a = RandomUnit(rng, 8);
    const auto b = RandomUnit(rng, 8);
    index.Upsert(1, a);
    index.Upsert(2, b);
    EXPECT_EQ(index.Nearest(a, 1).at(0).id, 1);
    index.Upsert(1, b);  // lot 1 changed its text
    EXPECT_EQ(index.Size(), 2U);
    auto near_a = index.Nearest(a, 2);
    EXPECT_NEAR(near_a[0].score, near_a[1].score, 1e-5F);  // both now hold b
    index.Remove(2);
    index.Remove(2);   // twice is harmless
    index.Remove(99);  // never there
    EXPECT_EQ(index.Size(), 1U);
    EXPECT_EQ(index.Nearest(b, 5).size(), 1U);
    index.Upsert(2, a);  // back again
    EXPECT_EQ(index.Size(), 2U);
    EXPECT_EQ(index.Nearest(a, 1).at(0).id, 2);
    index.Upsert(1, Vector(8, 0.0F));  // no words: nothing to match
    EXPECT_EQ(index.Size(), 1U);
    EXPECT_TRUE(index.Nearest(Vector(8, 0.0F), 3).empty());
    EXPECT_TRUE(index.Nearest(Vector(5, 0.1F), 3).empty());  // wrong dimension
    EXPECT_TRUE(index.Nearest(a, 0).empty());
}

class ScriptedTransport : public net::Transport {
public:
    std::deque<net::TransportResult> script;
    std::vector<std::string> bodies;
    net::TransportResult Get(const std::string& /*path*/) override {
        return tl::unexpected(net::TransportFailure{"connection", "GET is not used"});
    }
    net::TransportResult PostJson(const std::string& path, const std::string& body) override {
        EXPECT_EQ(path, "/v1/embeddings");
        bodies.push_back(body);
        if (script.empty()) {
            return tl::unexpected(net::TransportFailure{"connection", "script exhausted"});
        }
        auto next = script.front();
        script.pop_front();
        return next;
    }
};

std::string Answer(const std::vector<std::pair<int, Vector>>& items) {
    std::string out = R"({"object":"list","data":[)";
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += (i > 0 ? "," : "") + std::string(R"({"object":"embedding","index":)") + std::to_string(items[i].first) +
               R"(,"embedding":[)";
        for (std::size_t j = 0; j < items[i].second.size(); ++j) {
            out += (j > 0 ? "," : "") + std::to_string(items[i].second[j]);
        }
        out += "]}";
    }
    return out + R"(],"model":"m"})";
}

TEST(OpenAiEmbedder, BatchesKeepsOrderNormalisesAndRetriesOutages) {
    ScriptedTransport transport;
    ProviderOptions options;
    options.model = "text-embedding-3-small";
    options.batch = 2;
    OpenAiEmbedder embedder(transport, "http://fake", options);
    EXPECT_EQ(embedder.Identity(), "openai:http://fake:text-embedding-3-small");
    // First batch: a 503, then an answer in reverse order; second batch: a timeout, then ok.
    transport.script.push_back(net::HttpReply{503, "busy", std::nullopt});
    transport.script.push_back(net::HttpReply{200, Answer({{1, {0, 2}}, {0, {3, 4}}}), std::nullopt});
    transport.script.push_back(tl::unexpected(net::TransportFailure{"timeout", "timed out"}));
    transport.script.push_back(net::HttpReply{200, Answer({{0, {1, 0}}}), std::nullopt});
    auto vectors = embedder.Embed({"бумага", "", "уголь"});
    ASSERT_TRUE(vectors.has_value()) << vectors.error().message;
    ASSERT_EQ(vectors->size(), 3U);
    EXPECT_EQ(vectors->at(0), (Vector{0.6F, 0.8F}));  // index 0 was sent second
    EXPECT_EQ(vectors->at(1), (Vector{0.0F, 1.0F}));
    EXPECT_EQ(vectors->at(2), (Vector{1.0F, 0.0F}));
    EXPECT_EQ(embedder.Dimension(), 2);
    ASSERT_EQ(transport.bodies.size(), 4U);
    EXPECT_EQ(transport.bodies[1], R"({"model":"text-embedding-3-small","input":["бумага"," "]})");
    EXPECT_EQ(transport.bodies[3], R"({"model":"text-embedding-3-small","input":["уголь"]})");
}

TEST(OpenAiEmbedder, RefusalsAndBrokenAnswersBecomeUnavailable) {
    ScriptedTransport transport;
    OpenAiEmbedder embedder(transport, "http://fake", ProviderOptions{});
    transport.script.push_back(net::HttpReply{401, R"({"error":{"message":"bad key"}})", std::nullopt});
    auto refused = embedder.Embed({"a"});
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(refused.error().message, "embeddings provider answered HTTP 401");
    EXPECT_EQ(transport.bodies.size(), 1U);  // not retried

    // Each kind of broken answer, one at a time: named, never a crash or a wrong vector.
    for (const auto& [broken, problem] : std::vector<std::pair<const char*, const char*>>{
             {"not json", "an answer without one embedding per input"},
             {R"({"data":[]})", "an answer without one embedding per input"},
             {R"({"data":"x"})", "an answer without one embedding per input"},
             {R"({"data":[{"index":0,"embedding":[]}]})", "an answer with missing or uneven embeddings"},
             {R"({"data":[{"index":5,"embedding":[1,2]}]})", "an answer with missing or uneven embeddings"},
             {R"({"data":[{"index":0}]})", "an answer with missing or uneven embeddings"}}) {
        transport.script.push_back(net::HttpReply{200, broken, std::nullopt});
        auto garbage = embedder.Embed({"a"});
        ASSERT_FALSE(garbage.has_value()) << broken;
        EXPECT_EQ(garbage.error().code, ErrorCode::kUnavailable);
        EXPECT_EQ(garbage.error().message, std::string("embeddings provider failed: ") + problem) << broken;
    }
    // Outages on every attempt: the last reason.
    for (int i = 0; i < 3; ++i) {
        transport.script.push_back(net::HttpReply{503, "busy", std::nullopt});
    }
    EXPECT_EQ(embedder.Embed({"a"}).error().message, "embeddings provider failed: HTTP 503");

    transport.script.clear();
    transport.script.push_back(net::HttpReply{200, Answer({{0, {1, 0, 0}}}), std::nullopt});
    ASSERT_TRUE(embedder.Embed({"a"}).has_value());
    transport.script.push_back(net::HttpReply{200, Answer({{0, {1, 0}}}), std::nullopt});
    auto changed = embedder.Embed({"a"});
    ASSERT_FALSE(changed.has_value());
    EXPECT_EQ(changed.error().message, "embeddings provider changed its dimension from 3 to 2");
}

}  // namespace
}  // namespace zakupai::search
