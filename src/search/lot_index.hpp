#pragma once
// The full-text index of lots (Xapian): Russian stemming for Russian text, Kazakh titles
// unstemmed; filters (status, method, customer, KATO and ENSTRU prefixes, amount and deadline
// ranges), sorting (relevance, amount, deadline), exact totals and facet counts, and
// title/customer suggestions by prefix.
// Xapian finds the lots a text matches; filters, facets, sorting and totals come from the
// lots' attributes held in memory (LotColumns), so they cost the same on a million lots as on
// a thousand. One writer; searches run in parallel, each on a read-only Xapian handle of its
// own (Xapian objects are not thread-safe).
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/money.hpp"
#include "core/time.hpp"
#include "store/search_repository.hpp"

namespace zakupai::search {

class LotColumns;

enum class SortBy { kRelevance, kAmount, kDeadline };

struct LotQuery {
    std::string text;                  // free text, Russian word forms match
    std::vector<std::string> exclude;  // words that must not appear
    std::optional<Tiyn> min_amount;
    std::optional<Tiyn> max_amount;
    std::vector<std::string> statuses;  // any of
    std::vector<std::string> methods;   // any of
    std::string customer_bin;
    std::string region;  // KATO prefix (or a region name)
    std::string enstru;  // ENSTRU code prefix
    std::optional<Instant> deadline_from;
    std::optional<Instant> deadline_to;
    SortBy sort = SortBy::kRelevance;
    bool descending = true;
    int offset = 0;
    int limit = 10;
    bool facets = true;
    bool semantic = false;   // also by meaning (HybridSearch); relevance order only
    bool match_any = false;  // any of the words (ranked by how many and how rare), not all
    // When set, only these lots are considered (with the text, those of them that have its
    // words): how a hybrid search applies the filters to the lots found by meaning, and how an
    // alert finds which of the newly published lots a subscription's words match.
    std::vector<std::int64_t> only_ids;
};

struct LotHit {
    std::int64_t id = 0;
    double relevance = 0;    // percent, 0 when not sorted by relevance
    std::string matched_by;  // hybrid search only: text | meaning | both
};

struct LotResults {
    std::vector<LotHit> hits;
    std::int64_t total = 0;
    bool total_exact = true;  // always, now that every match is counted; kept for the API
    std::map<std::string, std::map<std::string, std::int64_t>> facets;  // status|method|region -> value -> count
    std::string semantic;  // hybrid search only: "on", or why meaning was not used
};

struct Suggestion {
    std::string text;
    std::string kind;  // title | customer
    std::int64_t count = 0;
};

class LotIndex {
public:
    // Opens (creating if needed) the index under `dir`. Fails with a clear message when another
    // process holds it (a running server while `zakupai reindex` is started).
    static Result<std::unique_ptr<LotIndex>> Open(const std::string& dir);
    ~LotIndex();
    LotIndex(const LotIndex&) = delete;
    LotIndex& operator=(const LotIndex&) = delete;

    // Adds or replaces lots and moves the cursor, in one commit.
    void Upsert(const std::vector<store::IndexableLot>& lots, const store::IndexCursor& cursor);
    // Drops every document (a rebuild); the cursor goes back to the start.
    void Clear();
    store::IndexCursor Cursor() const;
    std::int64_t Size() const;
    // 422 naming `query` when the text cannot be parsed.
    Result<LotResults> Search(const LotQuery& query) const;
    // Titles and customers starting with `prefix` (case and ё/е folded), most frequent first.
    std::vector<Suggestion> Suggest(const std::string& prefix, std::size_t limit) const;

private:
    struct Db;  // the Xapian databases, kept out of this header
    explicit LotIndex(std::unique_ptr<Db> db);
    void Load();
    void AddSuggestion(const std::string& text, const char* kind);
    void DropSuggestion(const std::string& text);
    LotResults SearchShared(const LotQuery& query) const;
    // The columns' lock, fair to writers: under a steady stream of searches a plain
    // shared_mutex let the indexer wait for minutes.
    std::shared_lock<std::shared_mutex> ReadLock() const;
    std::unique_lock<std::shared_mutex> WriteLock() const;

    std::mutex write_mutex_;  // one writer at a time for the Xapian database
    // Exclusive while columns, suggestions and cursor change (in memory, briefly), shared
    // while a search reads them.
    mutable std::shared_mutex mutex_;
    mutable std::mutex turnstile_;
    std::unique_ptr<Db> db_;
    std::unique_ptr<LotColumns> columns_;
    store::IndexCursor cursor_;
    // folded text -> (display text, kind, count): suggestions without touching the index
    struct Entry {
        std::string display;
        std::string kind;
        std::int64_t count = 0;
    };
    std::map<std::string, Entry> suggestions_;
};

}  // namespace zakupai::search
