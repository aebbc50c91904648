#include "search/semantic_index.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "search/internal/document_vectors.hpp"
#include "search/internal/vector_index.hpp"

namespace zakupai::search {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr int kBatch = 2000;

std::string LotText(const store::IndexableLot& lot) {
    // What is bought, in both languages; the customer's name would pull lots toward whoever buys
    // them rather than what they are.
    std::string text = lot.title;
    if (!lot.name_kz.empty()) {
        text += ". " + lot.name_kz;
    }
    if (!lot.description.empty() && lot.description != lot.title) {
        text += ". " + lot.description;
    }
    return text;
}

json::object CursorJson(const store::IndexCursor& cursor) {
    return {{"updated_at", cursor.updated_at}, {"id", cursor.id}};
}

store::IndexCursor CursorFrom(const json::value* v) {
    store::IndexCursor cursor;
    if (const auto* o = v != nullptr ? v->if_object() : nullptr) {
        if (const auto* at = o->if_contains("updated_at"); at != nullptr && at->is_string()) {
            cursor.updated_at = std::string(at->get_string());
        }
        if (const auto* id = o->if_contains("id"); id != nullptr && id->is_int64()) {
            cursor.id = id->get_int64();
        }
    }
    return cursor;
}

}  // namespace

struct SemanticIndex::State {
    std::shared_ptr<Embedder> embedder;
    std::unique_ptr<VectorIndex> lots;
    std::unique_ptr<DocumentVectors> documents;
    // Moved only under build_mutex_.
    mutable store::IndexCursor lots_cursor;
    mutable store::IndexCursor documents_cursor;
    mutable std::atomic<bool> dirty{false};
};

SemanticIndex::SemanticIndex(store::SearchRepository& repository,
                             SemanticOptions options,
                             std::unique_ptr<Embedder> provider)
    : repository_(repository), options_(std::move(options)), provider_(std::move(provider)) {
    if (!options_.enabled) {
        problem_ = "it is switched off (ZAKUPAI_SEMANTIC=off)";
        return;
    }
    std::error_code ec;
    fs::create_directories(options_.dir, ec);
}

SemanticIndex::~SemanticIndex() {
    Stop();
}

std::shared_ptr<const SemanticIndex::State> SemanticIndex::Current() const {
    std::lock_guard lock(state_mutex_);
    return state_;
}

bool SemanticIndex::Load() {
    const fs::path dir(options_.dir);
    std::shared_ptr<Embedder> embedder = provider_;
    if (!embedder) {
        auto model = FastTextEmbedder::Load((dir / "model.bin").string());
        if (!model) {
            std::lock_guard lock(state_mutex_);
            problem_ = "the word vector model has not been trained yet";
            return false;
        }
        embedder = std::move(*model);
    }
    std::ifstream in(dir / "state.json");
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    const auto saved = json::parse(text.str(), ec);
    const auto* o = !ec ? saved.if_object() : nullptr;
    const auto* identity = o != nullptr ? o->if_contains("embedder") : nullptr;
    if (identity == nullptr || !identity->is_string() || identity->get_string() != embedder->Identity()) {
        std::lock_guard lock(state_mutex_);
        problem_ = "the vector index was made by another embedder and must be rebuilt";
        return false;
    }
    const auto* dimension = o->if_contains("dimension");
    const int dim = dimension != nullptr && dimension->is_int64() ? static_cast<int>(dimension->get_int64()) : 0;
    auto lots = VectorIndex::Load((dir / "lots.hnsw").string(), dim);
    if (!lots) {
        std::lock_guard lock(state_mutex_);
        problem_ = lots.error().message;
        return false;
    }
    auto state = std::make_shared<State>();
    state->embedder = std::move(embedder);
    state->lots = std::move(*lots);
    state->lots_cursor = CursorFrom(o->if_contains("lots_cursor"));
    if (auto documents = DocumentVectors::Load((dir / "documents.vec").string(), dim)) {
        state->documents = std::make_unique<DocumentVectors>(std::move(*documents));
        state->documents_cursor = CursorFrom(o->if_contains("documents_cursor"));
    } else {
        // Kept by an older version in one shared graph, or damaged: the documents are few, so
        // embed them again (the catch-up starts them from the beginning) and keep the lots.
        spdlog::warn("semantic: {}; the stored documents will be embedded again", documents.error().message);
        state->documents = std::make_unique<DocumentVectors>(dim);
        state->documents_cursor = store::IndexCursor{};
    }
    std::lock_guard lock(state_mutex_);
    state_ = std::move(state);
    problem_.clear();
    return true;
}

void SemanticIndex::Save(const State& state) {
    const fs::path dir(options_.dir);
    state.dirty = false;
    // Graphs first, then the cursors: after a crash between the two the cursors are behind the
    // graphs, and the catch-up embeds a few lots twice rather than skipping any.
    state.lots->Save((dir / "lots.hnsw").string());
    state.documents->Save((dir / "documents.vec").string());
    const json::object saved{{"embedder", state.embedder->Identity()},
                             {"dimension", state.lots->Dimension()},
                             {"lots_cursor", CursorJson(state.lots_cursor)},
                             {"documents_cursor", CursorJson(state.documents_cursor)}};
    const auto tmp = dir / "state.json.tmp";
    std::ofstream(tmp) << json::serialize(saved);
    fs::rename(tmp, dir / "state.json");
}

void SemanticIndex::SaveIfDirty() {
    std::lock_guard build(build_mutex_);
    if (auto state = Current(); state && state->dirty) {
        Save(*state);
    }
}

Result<std::int64_t> SemanticIndex::Rebuild(const std::function<void(std::int64_t, std::int64_t)>& progress) {
    std::lock_guard build(build_mutex_);
    building_ = true;
    struct Done {
        std::atomic<bool>& flag;
        ~Done() { flag = false; }
    } done{building_};
    const fs::path dir(options_.dir);
    const std::int64_t lot_count = repository_.CountLots();
    std::shared_ptr<Embedder> embedder = provider_;
    if (!embedder) {
        if (lot_count < options_.min_corpus) {
            return Fail(Error::Invalid("corpus",
                                       std::to_string(lot_count) + " lots; at least " +
                                           std::to_string(options_.min_corpus) + " are needed to learn word vectors"));
        }
        // One document per line, cut into words the same way queries will be.
        const auto corpus = dir / "corpus.txt";
        std::int64_t tokens = 0;
        {
            std::ofstream out(corpus);
            store::IndexCursor cursor;
            for (;;) {
                const auto lots = repository_.ChangedAfter(cursor, kBatch);
                for (const auto& lot : lots) {
                    std::string line;
                    for (const auto& token : Tokens(LotText(lot))) {
                        line += token;
                        line += ' ';
                        ++tokens;
                    }
                    out << line << '\n';
                }
                if (static_cast<int>(lots.size()) < kBatch) {
                    break;
                }
                cursor = store::IndexCursor{lots.back().updated_at, lots.back().id};
            }
        }
        const auto started = std::chrono::steady_clock::now();
        // Subword buckets in proportion to the corpus: a small corpus fills few of them, and an
        // empty bucket still costs `dimension` floats on disk and in memory.
        TrainingOptions training = options_.training;
        training.buckets = static_cast<int>(std::clamp<std::int64_t>(lot_count * 20, 10'000, training.buckets));
        // A small corpus needs more passes to move the vectors away from their random start.
        constexpr std::int64_t kUpdates = 3'000'000;
        constexpr std::int64_t kMaxEpochs = 50;
        training.epochs = static_cast<int>(
            std::clamp<std::int64_t>(kUpdates / std::max<std::int64_t>(tokens, 1), training.epochs, kMaxEpochs));
        auto model = FastTextEmbedder::Train(corpus.string(), (dir / "model.bin").string(), training);
        std::error_code ec;
        fs::remove(corpus, ec);
        if (!model) {
            return Fail(model.error());
        }
        spdlog::info("semantic: trained word vectors on {} lots ({} words, {} dimensions) in {:.1f} s",
                     lot_count,
                     (*model)->VocabularySize(),
                     (*model)->Dimension(),
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        embedder = std::move(*model);
    }
    const int dim = embedder->Dimension();
    if (dim <= 0) {
        return Fail(Error{ErrorCode::kUnavailable, "the embeddings provider did not say its dimension", {}});
    }
    auto state = std::make_shared<State>();
    state->embedder = embedder;
    state->lots = std::make_unique<VectorIndex>(dim, static_cast<std::size_t>(lot_count) + 16);
    state->documents = std::make_unique<DocumentVectors>(dim);
    const std::int64_t total = lot_count + repository_.CountDocuments();
    std::int64_t embedded = 0;
    for (;;) {
        auto n = CatchUpState(state);
        if (!n) {
            return Fail(n.error());
        }
        embedded += *n;
        if (progress) {
            progress(embedded, total);
        }
        if (*n == 0 || stopping_) {
            break;
        }
    }
    Save(*state);
    {
        std::lock_guard lock(state_mutex_);
        state_ = std::move(state);
        problem_.clear();
    }
    return embedded;
}

Result<std::int64_t> SemanticIndex::CatchUpState(const std::shared_ptr<const State>& state) {
    std::int64_t count = 0;
    // One batch of each per call, so a rebuild can report progress and stop between batches.
    // Embeds one batch of rows, stores the vectors and moves the cursor past them.
    auto embed = [&](const auto& rows, auto text_of, auto store_vectors, store::IndexCursor& cursor) -> Result<void> {
        if (rows.empty()) {
            return {};
        }
        std::vector<std::string> texts;
        texts.reserve(rows.size());
        for (const auto& row : rows) {
            texts.push_back(text_of(row));
        }
        auto vectors = state->embedder->Embed(texts);
        if (!vectors) {
            return Fail(vectors.error());
        }
        store_vectors(rows, *vectors);
        cursor = store::IndexCursor{rows.back().updated_at, rows.back().id};
        count += static_cast<std::int64_t>(rows.size());
        return {};
    };
    auto into_lot_graph = [&](const std::vector<store::IndexableLot>& rows, const std::vector<Vector>& vectors) {
        std::vector<std::int64_t> ids;
        ids.reserve(rows.size());
        for (const auto& row : rows) {
            ids.push_back(row.id);
        }
        state->lots->UpsertBatch(ids, vectors, options_.training.threads);
    };
    auto into_documents = [&](const std::vector<store::StoredDocument>& rows, const std::vector<Vector>& vectors) {
        for (std::size_t i = 0; i < rows.size(); ++i) {
            state->documents->Upsert(rows[i].id, rows[i].owner, vectors[i]);
        }
    };
    if (auto ok =
            embed(repository_.ChangedAfter(state->lots_cursor, kBatch), LotText, into_lot_graph, state->lots_cursor);
        !ok) {
        return Fail(ok.error());
    }
    if (auto ok = embed(
            repository_.DocumentsChangedAfter(state->documents_cursor, kBatch),
            [](const store::StoredDocument& d) { return d.text; },
            into_documents,
            state->documents_cursor);
        !ok) {
        return Fail(ok.error());
    }
    if (count > 0) {
        state->dirty = true;
    }
    return count;
}

Result<std::int64_t> SemanticIndex::CatchUp() {
    std::lock_guard build(build_mutex_);
    auto state = Current();
    if (!state) {
        return std::int64_t{0};
    }
    std::int64_t total = 0;
    for (;;) {
        auto n = CatchUpState(state);
        if (!n) {
            return Fail(n.error());
        }
        total += *n;
        if (*n == 0 || stopping_) {
            return total;
        }
    }
}

void SemanticIndex::Start(std::chrono::milliseconds interval) {
    thread_ = std::jthread([this, interval](const std::stop_token& stop) {
        auto last_save = std::chrono::steady_clock::now();
        while (!stop.stop_requested()) {
            try {
                if (!Current()) {
                    if (provider_ || repository_.CountLots() >= options_.min_corpus) {
                        spdlog::info("semantic: building the vector index");
                        auto built = Rebuild();
                        if (!built) {
                            std::lock_guard lock(state_mutex_);
                            problem_ = built.error().message;
                            spdlog::warn("semantic: cannot build: {}", built.error().message);
                        } else {
                            spdlog::info("semantic: {} lots and documents embedded", *built);
                        }
                    } else {
                        std::lock_guard lock(state_mutex_);
                        problem_ = "waiting for at least " + std::to_string(options_.min_corpus) +
                                   " lots to learn word vectors from";
                    }
                } else if (auto n = CatchUp(); !n) {
                    spdlog::warn("semantic: catch-up failed: {}", n.error().message);
                } else if (*n > 0) {
                    spdlog::info("semantic: embedded {} new or changed lots and documents", *n);
                }
                if (std::chrono::steady_clock::now() - last_save >= options_.save_every) {
                    SaveIfDirty();
                    last_save = std::chrono::steady_clock::now();
                }
            } catch (const std::exception& e) {
                // The database or the disk is down: try again on the next tick.
                spdlog::error("semantic: indexing failed: {}", e.what());
            }
            std::unique_lock lock(wake_mutex_);
            wake_.wait_for(lock, stop, interval, [] { return false; });
        }
    });
}

void SemanticIndex::Stop() {
    stopping_ = true;
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
    try {
        SaveIfDirty();
    } catch (const std::exception& e) {
        spdlog::error("semantic: cannot save the vector index: {}", e.what());
    }
}

Result<std::vector<Vector>> SemanticIndex::Embed(const std::vector<std::string>& texts) const {
    auto state = Current();
    if (!state) {
        std::lock_guard lock(state_mutex_);
        return Fail(Error{ErrorCode::kUnavailable, "semantic search is not ready: " + problem_, {}});
    }
    return state->embedder->Embed(texts);
}

Result<SemanticIndex::Query> SemanticIndex::Embedded(const std::string& text) const {
    auto state = Current();
    if (!state) {
        std::lock_guard lock(state_mutex_);
        return Fail(Error{ErrorCode::kUnavailable, "semantic search is not ready: " + problem_, {}});
    }
    auto vectors = state->embedder->Embed({text});
    if (!vectors) {
        return Fail(vectors.error());
    }
    return Query{std::move(state), std::move(vectors->front())};
}

Result<std::vector<Neighbour>> SemanticIndex::NearestLots(const std::string& text, std::size_t k) const {
    auto query = Embedded(text);
    if (!query) {
        return Fail(query.error());
    }
    return query->state->lots->Nearest(query->vector, k);
}

Result<std::vector<Neighbour>> SemanticIndex::NearestDocuments(const std::string& text,
                                                               const std::string& owner,
                                                               const std::string& shared_owner,
                                                               std::size_t k) const {
    auto query = Embedded(text);
    if (!query) {
        return Fail(query.error());
    }
    return query->state->documents->Nearest(query->vector, owner, shared_owner, k);
}

void SemanticIndex::IndexDocument(const store::StoredDocument& document) {
    auto state = Current();
    if (!state) {
        return;  // the build will embed it
    }
    auto vectors = state->embedder->Embed({document.text});
    if (vectors) {
        state->documents->Upsert(document.id, document.owner, vectors->front());
        state->dirty = true;
    }
}

SemanticStatus SemanticIndex::Status() const {
    SemanticStatus status;
    auto state = Current();
    status.building = building_;
    if (state) {
        status.ready = true;
        status.embedder = state->embedder->Identity();
        status.dimension = state->embedder->Dimension();
        status.lots = static_cast<std::int64_t>(state->lots->Size());
        status.documents = static_cast<std::int64_t>(state->documents->Size());
    } else {
        std::lock_guard lock(state_mutex_);
        status.problem = problem_;
    }
    return status;
}

}  // namespace zakupai::search
