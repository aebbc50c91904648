#pragma once
// Meaning-based search over lots and stored documents: an embedder (fastText trained on our own
// lots, or a configured provider), an HNSW graph of the lots and the documents' vectors per
// owner, kept in
// <data_dir>/search/semantic. Derived data: rebuilt from the database whenever the files are
// missing, unreadable or made by another embedder. A background thread trains the model when
// there is none, then keeps the graphs in step with the database like the full-text indexer.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "search/embedder.hpp"
#include "store/search_repository.hpp"

namespace zakupai::search {

struct SemanticOptions {
    std::string dir;
    bool enabled = true;
    TrainingOptions training;
    // Fewer lots than this and the word vectors would be noise: wait for more data.
    std::int64_t min_corpus = 50;
    std::chrono::seconds save_every{30};
};

struct SemanticStatus {
    bool ready = false;
    bool building = false;
    std::string embedder;  // identity
    int dimension = 0;
    std::int64_t lots = 0;
    std::int64_t documents = 0;
    std::string problem;  // why it is not ready
};

class SemanticIndex {
public:
    // `provider` replaces the fastText model when set (it is then never trained).
    SemanticIndex(store::SearchRepository& repository, SemanticOptions options, std::unique_ptr<Embedder> provider);
    ~SemanticIndex();
    SemanticIndex(const SemanticIndex&) = delete;
    SemanticIndex& operator=(const SemanticIndex&) = delete;

    // Loads what is on disk (model, graphs, cursors); false when a build is needed.
    bool Load();
    // Trains the model (fastText) and embeds every lot and document into fresh graphs, then
    // swaps them in. Searches keep using the old ones meanwhile. 422/503 when it cannot.
    Result<std::int64_t> Rebuild(const std::function<void(std::int64_t, std::int64_t)>& progress = {});
    // Embeds lots and documents changed after the cursors; returns how many.
    Result<std::int64_t> CatchUp();
    void SaveIfDirty();
    // Build when needed, then catch up every interval; saves on stop.
    void Start(std::chrono::milliseconds interval);
    void Stop();

    // 503 while there is no model yet.
    Result<std::vector<Vector>> Embed(const std::vector<std::string>& texts) const;
    // The lots nearest a text, best first.
    Result<std::vector<Neighbour>> NearestLots(const std::string& text, std::size_t k) const;
    // The stored documents nearest a text among `owner`'s and `shared_owner`'s only: another
    // owner's documents never take their places, however many there are.
    Result<std::vector<Neighbour>> NearestDocuments(const std::string& text,
                                                    const std::string& owner,
                                                    const std::string& shared_owner,
                                                    std::size_t k) const;
    // Makes a just-stored document findable at once (the catch-up would get to it too).
    void IndexDocument(const store::StoredDocument& document);
    SemanticStatus Status() const;

private:
    struct State;
    struct Query {
        std::shared_ptr<const State> state;
        Vector vector;
    };
    std::shared_ptr<const State> Current() const;
    // The state searched and the text's vector in it; 503 while there is no model.
    Result<Query> Embedded(const std::string& text) const;
    Result<std::int64_t> CatchUpState(const std::shared_ptr<const State>& state);
    void Save(const State& state);

    store::SearchRepository& repository_;
    SemanticOptions options_;
    std::shared_ptr<Embedder> provider_;
    mutable std::mutex state_mutex_;
    std::shared_ptr<const State> state_;
    std::mutex build_mutex_;  // one build or catch-up at a time
    std::atomic<bool> building_{false};
    std::atomic<bool> stopping_{false};
    std::string problem_;  // guarded by state_mutex_
    std::mutex wake_mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_;
};

}  // namespace zakupai::search
