#include "search/lot_index.hpp"

#include <xapian.h>

#include <algorithm>
#include <chrono>

namespace zakupai::search {

namespace {

// Value slots: numbers for ranges and sorting, words for facets.
constexpr Xapian::valueno kPriceSlot = 0;
constexpr Xapian::valueno kDeadlineSlot = 1;
constexpr Xapian::valueno kStatusSlot = 2;
constexpr Xapian::valueno kMethodSlot = 3;
constexpr Xapian::valueno kRegionSlot = 4;
constexpr Xapian::valueno kIdSlot = 5;

constexpr const char* kCursorKey = "cursor";
constexpr char kSeparator = '\x1f';

std::string IdTerm(std::int64_t id) {
    return "Q" + std::to_string(id);
}

std::string Lower(const std::string& text) {
    return Xapian::Unicode::tolower(text);
}

// Filter terms: every prefix a user may ask for, from two characters (ENSTRU "17", "1712",
// "171211.1", …; KATO "75", "7511", …). Codes are short, so this stays a handful of terms.
std::vector<std::string> Prefixes(const std::string& code) {
    std::vector<std::string> out;
    for (std::size_t n = 2; n <= code.size(); ++n) {
        out.push_back(code.substr(0, n));
    }
    if (code.size() == 1) {
        out.push_back(code);
    }
    return out;
}

double Epoch(Instant at) {
    return static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count());
}

std::pair<std::string, std::string> SplitData(const std::string& data) {
    const auto sep = data.find(kSeparator);
    return sep == std::string::npos ? std::pair{data, std::string()}
                                    : std::pair{data.substr(0, sep), data.substr(sep + 1)};
}

}  // namespace

namespace {

struct ShortWords : Xapian::SimpleStopper {
    ShortWords() {
        for (const char* word :
             {"а",   "без", "в",  "во", "для", "до",  "за",  "и", "из", "или", "к",   "ко",   "на",
              "над", "о",   "об", "от", "по",  "под", "при", "с", "со", "у",   "мен", "және", "үшін"}) {
            add(word);
        }
    }
};

const Xapian::Stopper& Stopper() {
    static const ShortWords kStopper;
    return kStopper;
}

}  // namespace

std::string Fold(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (Xapian::Utf8Iterator it(text); it != Xapian::Utf8Iterator(); ++it) {
        unsigned ch = Xapian::Unicode::tolower(*it);
        if (ch == 0x451) {
            ch = 0x435;  // ё → е
        }
        Xapian::Unicode::append_utf8(out, ch);
    }
    return out;
}

struct LotIndex::Db {
    Xapian::WritableDatabase db;
    std::string dir;
};

LotIndex::LotIndex(std::unique_ptr<Db> db) : db_(std::move(db)) {}
LotIndex::~LotIndex() = default;

Result<std::unique_ptr<LotIndex>> LotIndex::Open(const std::string& dir) {
    try {
        auto db = std::make_unique<Db>(Db{Xapian::WritableDatabase(dir, Xapian::DB_CREATE_OR_OPEN), dir});
        std::unique_ptr<LotIndex> index(new LotIndex(std::move(db)));
        index->LoadSuggestions();
        return index;
    } catch (const Xapian::DatabaseLockError&) {
        return Fail(Error{ErrorCode::kUnavailable,
                          "the search index " + dir + " is in use by another process (a running server?)",
                          {}});
    } catch (const Xapian::Error& e) {
        return Fail(Error{ErrorCode::kUnavailable, "cannot open the search index " + dir + ": " + e.get_msg(), {}});
    }
}

void LotIndex::LoadSuggestions() {
    std::lock_guard lock(mutex_);
    suggestions_.clear();
    for (auto it = db_->db.postlist_begin(""); it != db_->db.postlist_end(""); ++it) {
        const auto [title, customer] = SplitData(db_->db.get_document(*it).get_data());
        for (const auto& [text, kind] : {std::pair{title, "title"}, std::pair{customer, "customer"}}) {
            if (!text.empty()) {
                auto& e = suggestions_[Fold(text)];
                e.display = text;
                e.kind = kind;
                ++e.count;
            }
        }
    }
}

void LotIndex::Upsert(const std::vector<store::IndexableLot>& lots, const store::IndexCursor& cursor) {
    std::lock_guard lock(mutex_);
    Xapian::TermGenerator russian;
    russian.set_stemmer(Xapian::Stem("russian"));
    russian.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    Xapian::TermGenerator plain;  // Kazakh: Snowball has no Kazakh stemmer, so words stay whole
    for (const auto& lot : lots) {
        const std::string id_term = IdTerm(lot.id);
        // A changed title or customer moves its suggestion count.
        if (auto old = db_->db.postlist_begin(id_term); old != db_->db.postlist_end(id_term)) {
            const auto [title, customer] = SplitData(db_->db.get_document(*old).get_data());
            for (const auto& text : {title, customer}) {
                if (auto e = suggestions_.find(Fold(text));
                    !text.empty() && e != suggestions_.end() && --e->second.count <= 0) {
                    suggestions_.erase(e);
                }
            }
        }
        Xapian::Document doc;
        russian.set_document(doc);
        russian.index_text(lot.title, 3);  // a word in the title counts three times
        russian.increase_termpos();
        russian.index_text(lot.description);
        russian.increase_termpos();
        russian.index_text(lot.customer_name);
        plain.set_document(doc);
        plain.index_text(lot.name_kz);
        for (const auto& code : {lot.enstru, lot.announcement, lot.customer_bin}) {
            if (!code.empty()) {
                doc.add_term(Lower(code));  // searchable as typed
            }
        }
        doc.add_boolean_term(id_term);
        if (!lot.status.empty()) {
            doc.add_boolean_term("XS" + Lower(lot.status));
        }
        if (!lot.method.empty()) {
            doc.add_boolean_term("XM" + lot.method);
        }
        if (!lot.customer_bin.empty()) {
            doc.add_boolean_term("XC" + lot.customer_bin);
        }
        for (const auto& p : Prefixes(Lower(lot.region))) {
            doc.add_boolean_term("XR" + p);
        }
        for (const auto& p : Prefixes(lot.enstru)) {
            doc.add_boolean_term("XE" + p);
        }
        doc.add_value(kPriceSlot, Xapian::sortable_serialise(static_cast<double>(lot.price)));
        if (lot.deadline) {
            doc.add_value(kDeadlineSlot, Xapian::sortable_serialise(Epoch(*lot.deadline)));
        }
        doc.add_value(kStatusSlot, lot.status);
        doc.add_value(kMethodSlot, lot.method);
        doc.add_value(kRegionSlot, lot.region);
        doc.add_value(kIdSlot, std::to_string(lot.id));
        doc.set_data(lot.title + kSeparator + lot.customer_name);
        db_->db.replace_document(id_term, doc);
        for (const auto& [text, kind] : {std::pair{lot.title, "title"}, std::pair{lot.customer_name, "customer"}}) {
            if (!text.empty()) {
                auto& e = suggestions_[Fold(text)];
                e.display = text;
                e.kind = kind;
                ++e.count;
            }
        }
    }
    db_->db.set_metadata(kCursorKey, cursor.updated_at + kSeparator + std::to_string(cursor.id));
    db_->db.commit();
}

void LotIndex::Clear() {
    std::lock_guard lock(mutex_);
    // Starting over is far cheaper than deleting a million documents one by one.
    db_->db.close();
    db_->db = Xapian::WritableDatabase(db_->dir, Xapian::DB_CREATE_OR_OVERWRITE);
    suggestions_.clear();
}

store::IndexCursor LotIndex::Cursor() const {
    std::lock_guard lock(mutex_);
    const auto [at, id] = SplitData(db_->db.get_metadata(kCursorKey));
    return store::IndexCursor{at, id.empty() ? 0 : std::stoll(id)};
}

std::int64_t LotIndex::Size() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::int64_t>(db_->db.get_doccount());
}

Result<LotResults> LotIndex::Search(const LotQuery& q) const {
    try {
        return SearchLocked(q);
    } catch (const Xapian::QueryParserError& e) {
        return Fail(Error::Invalid("query", "cannot be read as a search: " + e.get_msg()));
    }
}

LotResults LotIndex::SearchLocked(const LotQuery& q) const {
    std::lock_guard lock(mutex_);
    Xapian::Query query = Xapian::Query::MatchAll;
    Xapian::QueryParser parser;
    parser.set_database(db_->db);
    parser.set_stemmer(Xapian::Stem("russian"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    // Prepositions and conjunctions say nothing about what is bought: "бумага для принтера"
    // must not require "для", nor rank a lot higher for having it.
    parser.set_stopper(&Stopper());
    parser.set_default_op(q.match_any ? Xapian::Query::OP_OR : Xapian::Query::OP_AND);
    constexpr unsigned kFlags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PARTIAL;
    if (!q.only_ids.empty()) {
        std::vector<Xapian::Query> ids;
        ids.reserve(q.only_ids.size());
        for (auto id : q.only_ids) {
            ids.emplace_back(IdTerm(id));
        }
        query = Xapian::Query(Xapian::Query::OP_OR, ids.begin(), ids.end());
    } else if (!q.text.empty()) {
        query = parser.parse_query(q.text, kFlags);
    }
    if (!q.exclude.empty()) {
        std::string words;
        for (const auto& w : q.exclude) {
            words += (words.empty() ? "" : " ") + w;
        }
        parser.set_default_op(Xapian::Query::OP_OR);
        query = Xapian::Query(
            Xapian::Query::OP_AND_NOT, query, parser.parse_query(words, Xapian::QueryParser::FLAG_DEFAULT));
    }
    auto any_of = [](const std::string& prefix, const std::vector<std::string>& values) {
        std::vector<Xapian::Query> terms;
        terms.reserve(values.size());
        for (const auto& v : values) {
            terms.emplace_back(prefix + v);
        }
        return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
    };
    std::vector<Xapian::Query> filters;
    if (!q.statuses.empty()) {
        std::vector<std::string> lowered;
        for (const auto& s : q.statuses) {
            lowered.push_back(Lower(s));
        }
        filters.push_back(any_of("XS", lowered));
    }
    if (!q.methods.empty()) {
        filters.push_back(any_of("XM", q.methods));
    }
    if (!q.customer_bin.empty()) {
        filters.emplace_back("XC" + q.customer_bin);
    }
    if (!q.region.empty()) {
        filters.emplace_back("XR" + Lower(q.region));
    }
    if (!q.enstru.empty()) {
        filters.emplace_back("XE" + q.enstru);
    }
    if (q.min_amount || q.max_amount) {
        const double lo = q.min_amount ? static_cast<double>(*q.min_amount) : 0;
        const double hi = q.max_amount ? static_cast<double>(*q.max_amount) : 1e18;
        filters.emplace_back(
            Xapian::Query::OP_VALUE_RANGE, kPriceSlot, Xapian::sortable_serialise(lo), Xapian::sortable_serialise(hi));
    }
    if (q.deadline_from || q.deadline_to) {
        const double lo = q.deadline_from ? Epoch(*q.deadline_from) : 0;
        const double hi = q.deadline_to ? Epoch(*q.deadline_to) : 1e18;
        filters.emplace_back(Xapian::Query::OP_VALUE_RANGE,
                             kDeadlineSlot,
                             Xapian::sortable_serialise(lo),
                             Xapian::sortable_serialise(hi));
    }
    if (!filters.empty()) {
        query = Xapian::Query(
            Xapian::Query::OP_FILTER, query, Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
    }
    Xapian::Enquire enquire(db_->db);
    enquire.set_query(query);
    switch (q.sort) {
        case SortBy::kAmount:
            enquire.set_sort_by_value_then_relevance(kPriceSlot, q.descending);
            break;
        case SortBy::kDeadline:
            enquire.set_sort_by_value_then_relevance(kDeadlineSlot, q.descending);
            break;
        case SortBy::kRelevance:
            // Equal relevance (e.g. filters only): the most recently indexed first.
            enquire.set_docid_order(Xapian::Enquire::DESCENDING);
            break;
    }
    Xapian::ValueCountMatchSpy status(kStatusSlot);
    Xapian::ValueCountMatchSpy method(kMethodSlot);
    Xapian::ValueCountMatchSpy region(kRegionSlot);
    if (q.facets) {
        enquire.add_matchspy(&status);
        enquire.add_matchspy(&method);
        enquire.add_matchspy(&region);
    }
    // Counting every match makes totals and facets exact; past 10 000 they are estimates.
    constexpr Xapian::doccount kExactUpTo = 10'000;
    const auto mset =
        enquire.get_mset(static_cast<Xapian::doccount>(q.offset), static_cast<Xapian::doccount>(q.limit), kExactUpTo);
    LotResults results;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        const std::int64_t id = std::stoll(it.get_document().get_value(kIdSlot));
        results.hits.push_back(LotHit{id, q.text.empty() ? 0 : static_cast<double>(it.get_percent()), {}});
    }
    results.total = static_cast<std::int64_t>(mset.get_matches_estimated());
    results.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    if (q.facets) {
        for (const auto& [name, spy] :
             {std::pair{"status", &status}, std::pair{"method", &method}, std::pair{"region", &region}}) {
            auto& counts = results.facets[name];
            for (auto v = spy->values_begin(); v != spy->values_end(); ++v) {
                if (!(*v).empty()) {
                    counts[*v] = static_cast<std::int64_t>(v.get_termfreq());
                }
            }
        }
    }
    return results;
}

std::vector<Suggestion> LotIndex::Suggest(const std::string& prefix, std::size_t limit) const {
    std::lock_guard lock(mutex_);
    const std::string folded = Fold(prefix);
    std::vector<Suggestion> found;
    for (auto it = suggestions_.lower_bound(folded); it != suggestions_.end() && it->first.starts_with(folded); ++it) {
        found.push_back(Suggestion{it->second.display, it->second.kind, it->second.count});
    }
    std::stable_sort(found.begin(), found.end(), [](const Suggestion& a, const Suggestion& b) {
        return a.count != b.count ? a.count > b.count : a.text.size() < b.text.size();
    });
    if (found.size() > limit) {
        found.resize(limit);
    }
    return found;
}

}  // namespace zakupai::search
