#pragma once
// Nearest neighbours by cosine over unit vectors: an HNSW graph (hnswlib). Labels are the
// callers' ids. Searches share a lock; adding a point (which may grow the graph) takes it alone.
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "search/embedder.hpp"

namespace zakupai::search {

class VectorIndex {
public:
    explicit VectorIndex(int dimension, std::size_t capacity = 1024);
    // 503 naming the file when it is unreadable or made for another dimension.
    static Result<std::unique_ptr<VectorIndex>> Load(const std::string& path, int dimension);
    ~VectorIndex();
    VectorIndex(const VectorIndex&) = delete;
    VectorIndex& operator=(const VectorIndex&) = delete;

    // Writes to a temporary file and renames it: a crash leaves the previous file whole.
    void Save(const std::string& path) const;
    // Adds or replaces the vector of `id`; an all-zero vector removes it (nothing to match).
    void Upsert(std::int64_t id, const Vector& vector);
    // The same for many at once, inserted by `threads` threads (hnswlib allows concurrent
    // inserts of distinct ids once the graph has room): how a rebuild uses both cores.
    void UpsertBatch(const std::vector<std::int64_t>& ids, const std::vector<Vector>& vectors, int threads);
    void Remove(std::int64_t id);
    std::vector<Neighbour> Nearest(const Vector& query, std::size_t k) const;
    std::size_t Size() const;
    int Dimension() const { return dimension_; }

private:
    struct Graph;
    VectorIndex(int dimension, std::unique_ptr<Graph> graph);
    int dimension_;
    mutable std::shared_mutex mutex_;
    std::unique_ptr<Graph> graph_;
};

}  // namespace zakupai::search
