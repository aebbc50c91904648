#include "search/internal/vector_index.hpp"

#include <hnswlib/hnswlib.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

namespace zakupai::search {

namespace {

// Graph degree and build breadth: hnswlib's usual values, recall above 0.95 at top 10.
constexpr std::size_t kLinks = 16;
constexpr std::size_t kBuildBreadth = 200;
// Search breadth; hnswlib widens it to k when more are asked for. Set once: it is a member of
// the graph, and changing it per search would race with concurrent searches.
constexpr std::size_t kSearchBreadth = 96;
constexpr std::size_t kMinCapacity = 16;

}  // namespace

struct VectorIndex::Graph {
    explicit Graph(int dimension) : space(static_cast<std::size_t>(dimension)) {}
    hnswlib::InnerProductSpace space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw;
};

VectorIndex::VectorIndex(int dimension, std::size_t capacity)
    : dimension_(dimension), graph_(std::make_unique<Graph>(dimension)) {
    graph_->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        &graph_->space, std::max(capacity, kMinCapacity), kLinks, kBuildBreadth);
    graph_->hnsw->setEf(kSearchBreadth);
}

VectorIndex::VectorIndex(int dimension, std::unique_ptr<Graph> graph)
    : dimension_(dimension), graph_(std::move(graph)) {}

VectorIndex::~VectorIndex() = default;

Result<std::unique_ptr<VectorIndex>> VectorIndex::Load(const std::string& path, int dimension) {
    auto graph = std::make_unique<Graph>(dimension);
    try {
        // Room for a few more points even when the file holds none: hnswlib 0.6.2 would
        // otherwise grow an empty graph by realloc(0), which frees it.
        graph->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(&graph->space, path, false, kMinCapacity);
    } catch (const std::exception& e) {
        return Fail(Error{ErrorCode::kUnavailable, "cannot read the vector index " + path + ": " + e.what(), {}});
    }
    if (graph->hnsw->data_size_ != graph->space.get_data_size()) {
        return Fail(Error{ErrorCode::kUnavailable, "the vector index " + path + " has another dimension", {}});
    }
    graph->hnsw->setEf(kSearchBreadth);
    // hnswlib 0.6.2 adds the deleted points it reads to a counter it never zeroed: count again.
    auto& hnsw = *graph->hnsw;
    hnsw.num_deleted_ = 0;
    for (std::size_t i = 0; i < hnsw.cur_element_count; ++i) {
        hnsw.num_deleted_ += hnsw.isMarkedDeleted(static_cast<hnswlib::tableint>(i)) ? 1 : 0;
    }
    return std::unique_ptr<VectorIndex>(new VectorIndex(dimension, std::move(graph)));
}

void VectorIndex::Save(const std::string& path) const {
    const auto tmp = path + ".tmp";
    {
        std::shared_lock lock(mutex_);
        graph_->hnsw->saveIndex(tmp);
    }
    std::filesystem::rename(tmp, path);
}

void VectorIndex::Upsert(std::int64_t id, const Vector& vector) {
    assert(static_cast<int>(vector.size()) == dimension_);
    const bool empty = std::all_of(vector.begin(), vector.end(), [](float x) { return x == 0.0F; });
    if (empty) {
        Remove(id);
        return;
    }
    std::unique_lock lock(mutex_);
    auto& hnsw = *graph_->hnsw;
    if (!hnsw.label_lookup_.contains(static_cast<hnswlib::labeltype>(id)) &&
        hnsw.cur_element_count >= hnsw.max_elements_) {
        hnsw.resizeIndex(std::max(kMinCapacity, hnsw.max_elements_ * 2));
    }
    hnsw.addPoint(vector.data(), static_cast<hnswlib::labeltype>(id));
}

void VectorIndex::UpsertBatch(const std::vector<std::int64_t>& ids, const std::vector<Vector>& vectors, int threads) {
    assert(ids.size() == vectors.size());
    std::vector<std::size_t> present;
    present.reserve(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (std::all_of(vectors[i].begin(), vectors[i].end(), [](float x) { return x == 0.0F; })) {
            Remove(ids[i]);
        } else {
            present.push_back(i);
        }
    }
    std::unique_lock lock(mutex_);
    auto& hnsw = *graph_->hnsw;
    if (hnsw.cur_element_count + present.size() > hnsw.max_elements_) {
        hnsw.resizeIndex(std::max(hnsw.max_elements_ * 2, hnsw.cur_element_count + present.size()));
    }
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (auto i = next++; i < present.size(); i = next++) {
            const auto at = present[i];
            hnsw.addPoint(vectors[at].data(), static_cast<hnswlib::labeltype>(ids[at]));
        }
    };
    std::vector<std::jthread> helpers;
    for (int t = 1; t < threads && present.size() >= 256; ++t) {
        helpers.emplace_back(work);
    }
    work();
}

void VectorIndex::Remove(std::int64_t id) {
    std::unique_lock lock(mutex_);
    auto& hnsw = *graph_->hnsw;
    const auto found = hnsw.label_lookup_.find(static_cast<hnswlib::labeltype>(id));
    if (found != hnsw.label_lookup_.end() && !hnsw.isMarkedDeleted(found->second)) {
        hnsw.markDelete(static_cast<hnswlib::labeltype>(id));
    }
}

std::vector<Neighbour> VectorIndex::Nearest(const Vector& query, std::size_t k) const {
    std::vector<Neighbour> out;
    if (static_cast<int>(query.size()) != dimension_ || k == 0 ||
        std::all_of(query.begin(), query.end(), [](float x) { return x == 0.0F; })) {
        return out;
    }
    std::shared_lock lock(mutex_);
    auto found = graph_->hnsw->searchKnn(query.data(), k);
    out.resize(found.size());
    // The queue gives the farthest first.
    for (auto i = out.size(); i-- > 0;) {
        out[i] = Neighbour{static_cast<std::int64_t>(found.top().second), 1.0F - found.top().first};
        found.pop();
    }
    return out;
}

std::size_t VectorIndex::Size() const {
    std::shared_lock lock(mutex_);
    return graph_->hnsw->cur_element_count - graph_->hnsw->num_deleted_;
}

}  // namespace zakupai::search
