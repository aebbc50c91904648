#pragma once
// Text → vector. The offline default is a fastText model trained on our own lots (subword
// n-grams, so Russian word forms land together); an OpenAI-compatible /v1/embeddings provider can
// replace it. The vector index does not care which one made the vectors, only that one did.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "net/retry.hpp"
#include "net/transport.hpp"

namespace zakupai::search {

using Vector = std::vector<float>;

class Embedder {
public:
    virtual ~Embedder() = default;
    virtual int Dimension() const = 0;
    // Names the vectors' space: indexes built by another identity are rebuilt, never mixed.
    virtual std::string Identity() const = 0;
    // Unit-length vectors, one per text (all zeros for a text with no words). 503 when a
    // provider is down.
    virtual Result<std::vector<Vector>> Embed(const std::vector<std::string>& texts) const = 0;
};

// A stored text or lot near a query, and how near.
struct Neighbour {
    std::int64_t id = 0;
    float score = 0;  // cosine similarity, -1..1
};

// Lower-cased, ё folded, words only: how text is cut for training and for embedding alike.
std::vector<std::string> Tokens(std::string_view text);

struct TrainingOptions {
    int dimension = 100;
    int epochs = 5;
    int buckets = 200'000;  // subword hash buckets: the model's size is buckets × dimension floats
    int min_count = 1;
    int threads = 2;
    int seed = 20261130;
};

// fastText skip-gram with subwords. Sentence vectors weight each word by a / (a + p(word))
// (smooth inverse frequency) so "поставка" and "услуги", in every title, do not drown the
// words that say what is bought.
class FastTextEmbedder : public Embedder {
public:
    // Trains on `corpus_file` (one document per line, already tokenised by `Tokens`) and saves
    // the model to `model_file`. 422 when the corpus has no words.
    static Result<std::unique_ptr<FastTextEmbedder>> Train(const std::string& corpus_file,
                                                           const std::string& model_file,
                                                           const TrainingOptions& options);
    static Result<std::unique_ptr<FastTextEmbedder>> Load(const std::string& model_file);
    ~FastTextEmbedder() override;
    FastTextEmbedder(const FastTextEmbedder&) = delete;
    FastTextEmbedder& operator=(const FastTextEmbedder&) = delete;

    int Dimension() const override;
    std::string Identity() const override { return identity_; }
    Result<std::vector<Vector>> Embed(const std::vector<std::string>& texts) const override;
    std::int64_t VocabularySize() const;

private:
    struct Model;
    FastTextEmbedder(std::unique_ptr<Model> model, std::string identity);
    Vector EmbedOne(std::string_view text) const;
    std::unique_ptr<Model> model_;
    std::string identity_;
};

struct ProviderOptions {
    std::string model = "text-embedding-3-small";
    int batch = 64;
    // Interactive: a search waits for it, so short waits and few of them.
    net::RetryPolicy retry{2, std::chrono::milliseconds{200}, std::chrono::milliseconds{2000}, std::chrono::seconds{5}};
};

// POST {base}/v1/embeddings {model, input:[...]} → data[i].embedding. The dimension is what the
// first answer says.
class OpenAiEmbedder : public Embedder {
public:
    OpenAiEmbedder(net::Transport& transport, std::string base_url, ProviderOptions options);
    int Dimension() const override;
    std::string Identity() const override { return "openai:" + base_url_ + ":" + options_.model; }
    Result<std::vector<Vector>> Embed(const std::vector<std::string>& texts) const override;

private:
    Result<std::vector<Vector>> EmbedBatch(const std::vector<std::string>& texts) const;
    net::Transport& transport_;
    std::string base_url_;
    ProviderOptions options_;
    mutable net::Backoff backoff_;
    mutable std::atomic<int> dimension_{0};
};

void Normalize(Vector& v);

}  // namespace zakupai::search
