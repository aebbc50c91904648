#include "search/internal/lot_columns.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <limits>

namespace zakupai::search {

std::uint32_t Dictionary::Intern(const std::string& value) {
    if (value.empty()) {
        return 0;
    }
    const auto [it, added] = ids_.try_emplace(value, static_cast<std::uint32_t>(values_.size()));
    if (added) {
        values_.push_back(value);
    }
    return it->second;
}

std::optional<std::uint32_t> Dictionary::Find(const std::string& value) const {
    if (value.empty()) {
        return 0;
    }
    const auto it = ids_.find(value);
    return it == ids_.end() ? std::nullopt : std::optional(it->second);
}

void LotColumns::Grow(DocId doc) {
    if (doc < ids_.size()) {
        return;
    }
    // Document ids are handed out in order, so amortised doubling keeps a rebuild linear.
    Resize(std::max<std::size_t>(doc + 1, ids_.size() * 2));
}

void LotColumns::Resize(std::size_t size) {
    if (size <= ids_.size()) {
        return;
    }
    ids_.resize(size);
    prices_.resize(size);
    deadlines_.resize(size);
    has_deadline_.resize(size);
    statuses_.resize(size);
    methods_.resize(size);
    regions_.resize(size);
    enstrus_.resize(size);
    customers_.resize(size);
    lengths_.resize(size);
    live_.resize(size);
}

void LotColumns::SetLive(DocId doc, std::uint32_t length) {
    assert(doc > 0);  // Xapian's document ids start at 1
    Grow(doc);
    if (live_[doc] != 0) {
        total_length_ -= lengths_[doc];
    } else {
        live_[doc] = 1;
        ++live_count_;
    }
    lengths_[doc] = length;
    total_length_ += length;
}

void LotColumns::SetDeadline(DocId doc, std::optional<std::int64_t> deadline) {
    has_deadline_[doc] = deadline.has_value() ? 1 : 0;
    deadlines_[doc] = deadline.value_or(0);
}

void LotColumns::Set(DocId doc, const LotAttributes& lot) {
    SetLive(doc, lot.length);
    SetId(doc, lot.id);
    SetPrice(doc, lot.price);
    SetDeadline(doc, lot.deadline);
    SetStatus(doc, lot.status);
    SetMethod(doc, lot.method);
    SetRegion(doc, lot.region);
    SetEnstru(doc, lot.enstru);
    SetCustomer(doc, lot.customer_bin);
}

void LotColumns::Clear() {
    *this = LotColumns();
}

double LotColumns::AverageLength() const {
    return live_count_ == 0 ? 1.0 : static_cast<double>(total_length_) / static_cast<double>(live_count_);
}

namespace {

// Which of a dictionary's values a filter accepts.
template <typename Accept>
std::vector<std::uint8_t> Accepted(const Dictionary& values, Accept accept) {
    std::vector<std::uint8_t> out(values.values().size());
    for (std::size_t i = 1; i < out.size(); ++i) {
        out[i] = accept(values.values()[i]) ? 1 : 0;
    }
    return out;
}

// The index's code filters take any prefix of two or more characters, or a whole code.
bool CodeStartsWith(const std::string& code, const std::string& prefix) {
    return code.starts_with(prefix) && (prefix.size() >= 2 || code.size() == prefix.size());
}

std::int64_t Seconds(Instant at) {
    return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

}  // namespace

LotColumns::Filter LotColumns::Compile(const LotQuery& q, std::string (*lower)(const std::string&)) const {
    Filter f;
    if (!q.statuses.empty()) {
        std::vector<std::string> wanted;
        wanted.reserve(q.statuses.size());
        for (const auto& s : q.statuses) {
            wanted.push_back(lower(s));
        }
        f.status = Accepted(status_values_, [&](const std::string& v) {
            return std::find(wanted.begin(), wanted.end(), lower(v)) != wanted.end();
        });
    }
    if (!q.methods.empty()) {
        f.method = Accepted(method_values_, [&](const std::string& v) {
            return std::find(q.methods.begin(), q.methods.end(), v) != q.methods.end();
        });
    }
    if (!q.region.empty()) {
        const std::string prefix = lower(q.region);
        f.region = Accepted(region_values_, [&](const std::string& v) { return CodeStartsWith(lower(v), prefix); });
    }
    if (!q.enstru.empty()) {
        f.enstru = Accepted(enstru_values_, [&](const std::string& v) { return CodeStartsWith(v, q.enstru); });
    }
    if (!q.customer_bin.empty()) {
        const auto id = customer_values_.Find(q.customer_bin);
        f.none = !id.has_value();
        f.customer.assign(customer_values_.values().size(), 0);
        if (id) {
            f.customer[*id] = 1;
        }
    }
    f.min_price = q.min_amount;
    f.max_price = q.max_amount;
    if (q.deadline_from) {
        f.deadline_from = Seconds(*q.deadline_from);
    }
    if (q.deadline_to) {
        f.deadline_to = Seconds(*q.deadline_to);
    }
    return f;
}

bool LotColumns::Passes(const Filter& f, DocId doc) const {
    auto allowed = [doc](const std::vector<std::uint8_t>& accept, const std::vector<std::uint32_t>& column) {
        return accept.empty() || accept[column[doc]] != 0;
    };
    if (f.none || !IsLive(doc) || !allowed(f.status, statuses_) || !allowed(f.method, methods_) ||
        !allowed(f.region, regions_) || !allowed(f.enstru, enstrus_) || !allowed(f.customer, customers_)) {
        return false;
    }
    if ((f.min_price && prices_[doc] < *f.min_price) || (f.max_price && prices_[doc] > *f.max_price)) {
        return false;
    }
    if (f.deadline_from || f.deadline_to) {
        if (has_deadline_[doc] == 0 || (f.deadline_from && deadlines_[doc] < *f.deadline_from) ||
            (f.deadline_to && deadlines_[doc] > *f.deadline_to)) {
            return false;
        }
    }
    return true;
}

std::vector<DocId> LotColumns::Scan(const Filter& filter, const std::vector<std::uint8_t>& excluded) const {
    std::vector<DocId> rows;
    if (filter.none) {
        return rows;
    }
    // Column by column over a byte per row: each pass is a tight loop the compiler unrolls,
    // where checking every filter row by row cost three times as much.
    const std::size_t n = ids_.size();
    std::vector<std::uint8_t> keep(live_);
    for (std::size_t doc = 0; doc < std::min(n, excluded.size()); ++doc) {
        keep[doc] &= static_cast<std::uint8_t>(excluded[doc] ^ 1U);
    }
    auto narrow = [&keep, n](const std::vector<std::uint8_t>& accept, const std::vector<std::uint32_t>& column) {
        if (!accept.empty()) {
            for (std::size_t doc = 0; doc < n; ++doc) {
                keep[doc] &= accept[column[doc]];
            }
        }
    };
    narrow(filter.status, statuses_);
    narrow(filter.method, methods_);
    narrow(filter.region, regions_);
    narrow(filter.enstru, enstrus_);
    narrow(filter.customer, customers_);
    if (filter.min_price || filter.max_price) {
        const Tiyn lo = filter.min_price.value_or(std::numeric_limits<Tiyn>::min());
        const Tiyn hi = filter.max_price.value_or(std::numeric_limits<Tiyn>::max());
        for (std::size_t doc = 0; doc < n; ++doc) {
            keep[doc] &= static_cast<std::uint8_t>(prices_[doc] >= lo && prices_[doc] <= hi);
        }
    }
    if (filter.deadline_from || filter.deadline_to) {
        const std::int64_t lo = filter.deadline_from.value_or(std::numeric_limits<std::int64_t>::min());
        const std::int64_t hi = filter.deadline_to.value_or(std::numeric_limits<std::int64_t>::max());
        for (std::size_t doc = 0; doc < n; ++doc) {
            keep[doc] &=
                static_cast<std::uint8_t>(has_deadline_[doc] != 0 && deadlines_[doc] >= lo && deadlines_[doc] <= hi);
        }
    }
    rows.reserve(static_cast<std::size_t>(live_count_));
    for (std::size_t doc = 1; doc < n; ++doc) {
        if (keep[doc] != 0) {
            rows.push_back(static_cast<DocId>(doc));
        }
    }
    return rows;
}

LotColumns::FacetCounter::FacetCounter(const LotColumns& columns)
    : columns_(columns),
      status_(columns.status_values_.values().size()),
      method_(columns.method_values_.values().size()),
      region_(columns.region_values_.values().size()) {}

void LotColumns::FacetCounter::Add(DocId doc) {
    ++status_[columns_.statuses_[doc]];
    ++method_[columns_.methods_[doc]];
    ++region_[columns_.regions_[doc]];
}

LotColumns::Facets LotColumns::FacetCounter::Take() const {
    Facets out;
    auto fill = [](std::map<std::string, std::int64_t>& counts,
                   const Dictionary& values,
                   const std::vector<std::int64_t>& tally) {
        for (std::size_t i = 1; i < tally.size(); ++i) {
            if (tally[i] > 0) {
                counts[values.values()[i]] = tally[i];
            }
        }
    };
    fill(out["status"], columns_.status_values_, status_);
    fill(out["method"], columns_.method_values_, method_);
    fill(out["region"], columns_.region_values_, region_);
    return out;
}

std::vector<std::size_t> LotColumns::Page(const std::vector<DocId>& rows,
                                          const std::vector<double>& scores,
                                          const LotQuery& q) const {
    const std::size_t begin = std::min(rows.size(), static_cast<std::size_t>(std::max(q.offset, 0)));
    const std::size_t end = std::min(rows.size(), begin + static_cast<std::size_t>(std::max(q.limit, 0)));
    std::vector<std::size_t> page;
    if (q.sort == SortBy::kRelevance && scores.empty()) {
        // The newest first: rows are ascending, so read them from the back.
        for (std::size_t i = begin; i < end; ++i) {
            page.push_back(rows.size() - 1 - i);
        }
        return page;
    }
    // One sort key per row, smaller first, so the partial sort compares numbers side by side
    // instead of looking each row's columns up again at every comparison.
    struct Keyed {
        double key;
        DocId row;
        std::size_t index;
    };
    std::vector<Keyed> keyed(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const DocId row = rows[i];
        double key = 0;
        switch (q.sort) {
            case SortBy::kRelevance:
                key = -scores[i];
                break;
            case SortBy::kAmount:
                key = static_cast<double>(prices_[row]) * (q.descending ? -1 : 1);
                break;
            case SortBy::kDeadline:
                // Lots without a deadline go last either way: they are no one's next deadline.
                key = has_deadline_[row] == 0 ? std::numeric_limits<double>::infinity()
                                              : static_cast<double>(deadlines_[row]) * (q.descending ? -1 : 1);
                break;
        }
        keyed[i] = Keyed{key, row, i};
    }
    // Ties go to the newest row.
    auto before = [](const Keyed& a, const Keyed& b) { return a.key != b.key ? a.key < b.key : a.row > b.row; };
    std::partial_sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(end), keyed.end(), before);
    for (std::size_t i = begin; i < end; ++i) {
        page.push_back(keyed[i].index);
    }
    return page;
}

}  // namespace zakupai::search
