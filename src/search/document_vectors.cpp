#include "search/internal/document_vectors.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace zakupai::search {

namespace {

constexpr std::uint32_t kMagic = 0x5A4B4456;  // "ZKDV"

template <class T>
void Put(std::ostream& out, const T& value) {
    out.write(reinterpret_cast<const char*>(&value), sizeof value);  // NOLINT: a raw binary record
}

template <class T>
bool Get(std::istream& in, T& value) {
    return static_cast<bool>(in.read(reinterpret_cast<char*>(&value), sizeof value));  // NOLINT: see Put
}

}  // namespace

DocumentVectors::DocumentVectors(DocumentVectors&& other) noexcept
    : dimension_(other.dimension_), by_owner_(std::move(other.by_owner_)), owner_of_(std::move(other.owner_of_)) {}

Result<DocumentVectors> DocumentVectors::Load(const std::string& path, int dimension) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Fail(Error{ErrorCode::kUnavailable, path + " is missing", {}});
    }
    auto broken = [&path](const std::string& why) {
        return Fail(Error{ErrorCode::kUnavailable, path + " cannot be read: " + why, {}});
    };
    std::uint32_t magic = 0;
    std::int32_t dim = 0;
    std::uint64_t count = 0;
    if (!Get(in, magic) || magic != kMagic || !Get(in, dim) || !Get(in, count)) {
        return broken("not a document vector file");
    }
    if (dim != dimension) {
        return broken("made for " + std::to_string(dim) + " dimensions, not " + std::to_string(dimension));
    }
    DocumentVectors out(dimension);
    for (std::uint64_t i = 0; i < count; ++i) {
        std::int64_t id = 0;
        std::uint32_t owner_size = 0;
        if (!Get(in, id) || !Get(in, owner_size) || owner_size > 4096) {
            return broken("a record is cut short");
        }
        std::string owner(owner_size, '\0');
        Vector vector(static_cast<std::size_t>(dimension));
        if (!in.read(owner.data(), owner_size) ||
            !in.read(reinterpret_cast<char*>(vector.data()),  // NOLINT: see Put
                     static_cast<std::streamsize>(vector.size() * sizeof(float)))) {
            return broken("a record is cut short");
        }
        out.Upsert(id, owner, vector);
    }
    return out;
}

void DocumentVectors::Save(const std::string& path) const {
    const std::string tmp = path + ".tmp";
    {
        std::shared_lock lock(mutex_);
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        Put(out, kMagic);
        Put(out, static_cast<std::int32_t>(dimension_));
        Put(out, static_cast<std::uint64_t>(owner_of_.size()));
        for (const auto& [owner, entries] : by_owner_) {
            for (const auto& e : entries) {
                Put(out, e.id);
                Put(out, static_cast<std::uint32_t>(owner.size()));
                out.write(owner.data(), static_cast<std::streamsize>(owner.size()));
                out.write(reinterpret_cast<const char*>(e.vector.data()),  // NOLINT: see Put
                          static_cast<std::streamsize>(e.vector.size() * sizeof(float)));
            }
        }
    }
    std::filesystem::rename(tmp, path);
}

void DocumentVectors::Upsert(std::int64_t id, const std::string& owner, const Vector& vector) {
    std::unique_lock lock(mutex_);
    if (const auto it = owner_of_.find(id); it != owner_of_.end()) {
        auto& entries = by_owner_[it->second];
        std::erase_if(entries, [id](const Entry& e) { return e.id == id; });
        if (entries.empty()) {
            by_owner_.erase(it->second);
        }
        owner_of_.erase(it);
    }
    const bool empty = std::all_of(vector.begin(), vector.end(), [](float x) { return x == 0.0F; });
    if (empty || static_cast<int>(vector.size()) != dimension_) {
        return;
    }
    by_owner_[owner].push_back(Entry{id, vector});
    owner_of_.emplace(id, owner);
}

std::vector<Neighbour> DocumentVectors::Nearest(const Vector& query,
                                                const std::string& owner,
                                                const std::string& shared_owner,
                                                std::size_t k) const {
    std::vector<Neighbour> found;
    std::shared_lock lock(mutex_);
    for (const auto* name : {&owner, &shared_owner}) {
        const auto it = by_owner_.find(*name);
        if (it == by_owner_.end() || (name == &shared_owner && shared_owner == owner)) {
            continue;
        }
        for (const auto& e : it->second) {
            float dot = 0;
            for (std::size_t i = 0; i < query.size() && i < e.vector.size(); ++i) {
                dot += query[i] * e.vector[i];
            }
            found.push_back(Neighbour{e.id, dot});
        }
    }
    const auto n = std::min(k, found.size());
    std::partial_sort(
        found.begin(), found.begin() + static_cast<std::ptrdiff_t>(n), found.end(), [](const auto& a, const auto& b) {
            return a.score != b.score ? a.score > b.score : a.id < b.id;
        });
    found.resize(n);
    return found;
}

std::size_t DocumentVectors::Size() const {
    std::shared_lock lock(mutex_);
    return owner_of_.size();
}

}  // namespace zakupai::search
