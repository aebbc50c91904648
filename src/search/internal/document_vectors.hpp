#pragma once
// The stored documents' vectors, kept per owner and searched exactly (documents are few per owner:
// the plans cap them): a search sees its owner's documents and the public ones, never another
// owner's, however many that one stored. Saved as one binary file beside the lot graph.
#include <cstdint>
#include <map>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "search/embedder.hpp"

namespace zakupai::search {

class DocumentVectors {
public:
    explicit DocumentVectors(int dimension) : dimension_(dimension) {}
    // 503 naming the file when it is unreadable or made for another dimension.
    static Result<DocumentVectors> Load(const std::string& path, int dimension);
    // Written to a temporary file and renamed: a crash leaves the previous file whole.
    void Save(const std::string& path) const;

    // Adds or replaces a document's vector (moving it to `owner` if it changed hands); an
    // all-zero vector (no words) removes it.
    void Upsert(std::int64_t id, const std::string& owner, const Vector& vector);
    // The k nearest of `owner`'s documents and `shared_owner`'s, best first (cosine).
    std::vector<Neighbour> Nearest(const Vector& query,
                                   const std::string& owner,
                                   const std::string& shared_owner,
                                   std::size_t k) const;
    std::size_t Size() const;
    int Dimension() const { return dimension_; }

    DocumentVectors(DocumentVectors&& other) noexcept;
    DocumentVectors& operator=(DocumentVectors&&) = delete;
    DocumentVectors(const DocumentVectors&) = delete;

private:
    struct Entry {
        std::int64_t id = 0;
        Vector vector;
    };
    int dimension_;
    mutable std::shared_mutex mutex_;
    std::map<std::string, std::vector<Entry>> by_owner_;
    std::unordered_map<std::int64_t, std::string> owner_of_;
};

}  // namespace zakupai::search
