#pragma once
// The lots' filterable and sortable attributes in memory, one row per Xapian document id,
// column by column. Xapian finds the lots a text matches; everything a filter, a facet, a
// sort or a total needs is answered here, because doing it in Xapian meant reading values from
// disk for every match (a filter-only search over a million lots took 50 to 200 ms).
// Not thread-safe: LotIndex guards it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/money.hpp"
#include "search/lot_index.hpp"

namespace zakupai::search {

using DocId = std::uint32_t;

struct LotAttributes {
    std::int64_t id = 0;
    Tiyn price = 0;
    std::optional<std::int64_t> deadline;  // seconds since the epoch
    std::string status;
    std::string method;
    std::string region;
    std::string enstru;
    std::string customer_bin;
    std::uint32_t length = 0;  // the document's length in words, for BM25
};

// Distinct values of one column; id 0 is the empty value.
class Dictionary {
public:
    Dictionary() : values_{""} {}
    std::uint32_t Intern(const std::string& value);
    std::optional<std::uint32_t> Find(const std::string& value) const;
    const std::vector<std::string>& values() const { return values_; }

private:
    std::vector<std::string> values_;
    std::unordered_map<std::string, std::uint32_t> ids_;
};

class LotColumns {
public:
    // A query's filters turned into per-value yes/no tables, so a row is checked with lookups.
    struct Filter {
        // Byte tables rather than vector<bool>: a filter-only search reads them a million times.
        std::vector<std::uint8_t> status, method, region, enstru, customer;  // empty: any
        bool none = false;  // a filter no row can pass (an unknown customer)
        std::optional<Tiyn> min_price, max_price;
        std::optional<std::int64_t> deadline_from, deadline_to;
    };
    using Facets = std::map<std::string, std::map<std::string, std::int64_t>>;

    void Set(DocId doc, const LotAttributes& lot);
    // Column by column, as an index is loaded from its value streams: a row exists once
    // SetLive has been called for it.
    void SetLive(DocId doc, std::uint32_t length);
    // Room for rows up to `last`, exactly: loading a million rows one by one would otherwise
    // end with up to twice the memory.
    void Reserve(DocId last) { Resize(static_cast<std::size_t>(last) + 1); }
    void SetId(DocId doc, std::int64_t id) { ids_[doc] = id; }
    void SetPrice(DocId doc, Tiyn price) { prices_[doc] = price; }
    void SetDeadline(DocId doc, std::optional<std::int64_t> deadline);
    void SetStatus(DocId doc, const std::string& v) { statuses_[doc] = status_values_.Intern(v); }
    void SetMethod(DocId doc, const std::string& v) { methods_[doc] = method_values_.Intern(v); }
    void SetRegion(DocId doc, const std::string& v) { regions_[doc] = region_values_.Intern(v); }
    void SetEnstru(DocId doc, const std::string& v) { enstrus_[doc] = enstru_values_.Intern(v); }
    void SetCustomer(DocId doc, const std::string& v) { customers_[doc] = customer_values_.Intern(v); }
    void Clear();
    std::int64_t live() const { return live_count_; }
    DocId last() const { return static_cast<DocId>(ids_.size()) - 1; }
    bool IsLive(DocId doc) const { return doc < live_.size() && live_[doc] != 0; }
    std::int64_t LotId(DocId doc) const { return ids_[doc]; }
    std::uint32_t Length(DocId doc) const { return lengths_[doc]; }
    double AverageLength() const;

    // `lower` folds case as the index does, so "Published" finds "published".
    Filter Compile(const LotQuery& query, std::string (*lower)(const std::string&)) const;
    bool Passes(const Filter& filter, DocId doc) const;
    // Every live row passing the filter, ascending, skipping `excluded` (a bitmap by row).
    std::vector<DocId> Scan(const Filter& filter, const std::vector<std::uint8_t>& excluded) const;

    // Counts status, method and region over rows; empty values are not a facet.
    class FacetCounter {
    public:
        explicit FacetCounter(const LotColumns& columns);
        void Add(DocId doc);
        Facets Take() const;

    private:
        const LotColumns& columns_;
        std::vector<std::int64_t> status_, method_, region_;
    };

    // The rows at [offset, offset + limit) of `rows` ordered by `query.sort` (relevance: by
    // `scores`, when given, else the newest first); ties go to the newest (highest row).
    std::vector<std::size_t> Page(const std::vector<DocId>& rows,
                                  const std::vector<double>& scores,
                                  const LotQuery& query) const;

private:
    void Grow(DocId doc);
    void Resize(std::size_t size);

    std::vector<std::int64_t> ids_{0};
    std::vector<Tiyn> prices_{0};
    std::vector<std::int64_t> deadlines_{0};
    std::vector<std::uint8_t> has_deadline_{0};
    std::vector<std::uint32_t> statuses_{0}, methods_{0}, regions_{0}, enstrus_{0}, customers_{0}, lengths_{0};
    std::vector<std::uint8_t> live_{0};
    std::int64_t live_count_ = 0;
    std::int64_t total_length_ = 0;
    Dictionary status_values_, method_values_, region_values_, enstru_values_, customer_values_;
};

}  // namespace zakupai::search
