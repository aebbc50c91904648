#include <fasttext/fasttext.h>
#include <xapian.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/ids.hpp"
#include "search/embedder.hpp"
#include "text/text.hpp"

namespace zakupai::search {

namespace {

constexpr double kSmoothing = 1e-3;  // the "a" of smooth inverse frequency weights

}  // namespace

std::vector<std::string> Tokens(std::string_view text) {
    return text::Words(text);
}

void Normalize(Vector& v) {
    double norm = 0;
    for (float x : v) {
        norm += static_cast<double>(x) * x;
    }
    if (norm <= 0) {
        return;
    }
    const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (float& x : v) {
        x *= scale;
    }
}

struct FastTextEmbedder::Model {
    fasttext::FastText ft;
    std::vector<double> weights;  // per vocabulary word: a / (a + p(word))
    // The frequency-weighted mean of the unit word vectors. Skip-gram vectors share a large
    // common direction (all cosines near 1); taking it away leaves what tells words apart.
    std::vector<float> common;
};

FastTextEmbedder::FastTextEmbedder(std::unique_ptr<Model> model, std::string identity)
    : model_(std::move(model)), identity_(std::move(identity)) {
    const auto dictionary = model_->ft.getDictionary();
    const auto counts = dictionary->getCounts(fasttext::entry_type::word);
    double total = 0;
    for (auto c : counts) {
        total += static_cast<double>(c);
    }
    model_->weights.reserve(counts.size());
    for (auto c : counts) {
        model_->weights.push_back(kSmoothing / (kSmoothing + (total > 0 ? static_cast<double>(c) / total : 0)));
    }
    const int dim = model_->ft.getDimension();
    std::vector<double> common(static_cast<std::size_t>(dim), 0.0);
    fasttext::Vector word_vector(dim);
    for (std::int32_t id = 0; id < static_cast<std::int32_t>(counts.size()); ++id) {
        model_->ft.getWordVector(word_vector, dictionary->getWord(id));
        const auto norm = word_vector.norm();
        if (norm <= 0 || total <= 0) {
            continue;
        }
        const double share = static_cast<double>(counts[static_cast<std::size_t>(id)]) / total / norm;
        for (int i = 0; i < dim; ++i) {
            common[static_cast<std::size_t>(i)] += share * word_vector[i];
        }
    }
    model_->common.assign(common.begin(), common.end());
}

FastTextEmbedder::~FastTextEmbedder() = default;

Result<std::unique_ptr<FastTextEmbedder>> FastTextEmbedder::Train(const std::string& corpus_file,
                                                                  const std::string& model_file,
                                                                  const TrainingOptions& options) {
    fasttext::Args args;
    args.input = corpus_file;
    args.model = fasttext::model_name::sg;
    args.dim = options.dimension;
    args.epoch = options.epochs;
    args.bucket = options.buckets;
    args.minCount = options.min_count;
    args.thread = std::max(1, options.threads);
    args.seed = options.seed;
    args.verbose = 0;
    auto model = std::make_unique<Model>();
    try {
        model->ft.train(args);
    } catch (const std::invalid_argument& e) {
        // fastText refuses an empty vocabulary this way.
        return Fail(Error::Invalid("corpus", std::string("cannot train word vectors: ") + e.what()));
    }
    const auto tmp = model_file + ".tmp";
    model->ft.saveModel(tmp);
    const auto identity = "fasttext:" + NewUuid().substr(0, 8) + ":" + std::to_string(options.dimension);
    std::ofstream(tmp + ".id") << identity;
    std::filesystem::rename(tmp, model_file);
    std::filesystem::rename(tmp + ".id", model_file + ".id");
    return std::unique_ptr<FastTextEmbedder>(new FastTextEmbedder(std::move(model), identity));
}

Result<std::unique_ptr<FastTextEmbedder>> FastTextEmbedder::Load(const std::string& model_file) {
    std::error_code ec;
    if (!std::filesystem::exists(model_file, ec)) {
        return Fail(Error::NotFound("no word vector model at " + model_file));
    }
    auto model = std::make_unique<Model>();
    try {
        model->ft.loadModel(model_file);
    } catch (const std::exception& e) {
        return Fail(Error{ErrorCode::kUnavailable, "cannot load " + model_file + ": " + e.what(), {}});
    }
    std::string identity;
    std::ifstream(model_file + ".id") >> identity;
    if (identity.empty()) {
        identity = "fasttext:" + std::to_string(std::filesystem::file_size(model_file, ec));
    }
    return std::unique_ptr<FastTextEmbedder>(new FastTextEmbedder(std::move(model), identity));
}

int FastTextEmbedder::Dimension() const {
    return model_->ft.getDimension();
}

std::int64_t FastTextEmbedder::VocabularySize() const {
    return model_->ft.getDictionary()->nwords();
}

Vector FastTextEmbedder::EmbedOne(std::string_view text) const {
    const int dim = Dimension();
    Vector sum(static_cast<std::size_t>(dim), 0.0F);
    fasttext::Vector word_vector(dim);
    const auto dictionary = model_->ft.getDictionary();
    for (const auto& token : Tokens(text)) {
        model_->ft.getWordVector(word_vector, token);
        const auto norm = word_vector.norm();
        if (norm <= 0) {
            continue;
        }
        const auto id = dictionary->getId(token);
        // A word the model never saw is as rare as a word can be: full weight.
        const double weight = id >= 0 ? model_->weights[static_cast<std::size_t>(id)] : 1.0;
        for (int i = 0; i < dim; ++i) {
            const auto at = static_cast<std::size_t>(i);
            sum[at] += (word_vector[i] / norm - model_->common[at]) * static_cast<float>(weight);
        }
    }
    Normalize(sum);
    return sum;
}

Result<std::vector<Vector>> FastTextEmbedder::Embed(const std::vector<std::string>& texts) const {
    std::vector<Vector> out;
    out.reserve(texts.size());
    for (const auto& text : texts) {
        out.push_back(EmbedOne(text));
    }
    return out;
}

}  // namespace zakupai::search
