#include "search/lot_index.hpp"

#include <spdlog/spdlog.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>

#include "search/internal/lot_columns.hpp"
#include "text/text.hpp"

namespace zakupai::search {

namespace {

// Value slots: what LotColumns and the suggestions are loaded from, one stream per slot (a
// million documents read one by one took 20 s; the streams take a fraction of a second).
constexpr Xapian::valueno kPriceSlot = 0;
constexpr Xapian::valueno kDeadlineSlot = 1;
constexpr Xapian::valueno kStatusSlot = 2;
constexpr Xapian::valueno kMethodSlot = 3;
constexpr Xapian::valueno kRegionSlot = 4;
constexpr Xapian::valueno kIdSlot = 5;
constexpr Xapian::valueno kEnstruSlot = 6;
constexpr Xapian::valueno kCustomerBinSlot = 7;
constexpr Xapian::valueno kTitleSlot = 8;
constexpr Xapian::valueno kCustomerNameSlot = 9;

constexpr const char* kCursorKey = "cursor";
// An index written in another layout is dropped on open and rebuilt from the database.
constexpr const char* kFormatKey = "format";
constexpr const char* kFormat = "2";
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

std::int64_t Epoch(Instant at) {
    return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

std::pair<std::string, std::string> SplitData(const std::string& data) {
    const auto sep = data.find(kSeparator);
    return sep == std::string::npos ? std::pair{data, std::string()}
                                    : std::pair{data.substr(0, sep), data.substr(sep + 1)};
}

}  // namespace

struct LotIndex::Db {
    Xapian::WritableDatabase writer;
    std::string dir;
    // Read-only handles, one per search in flight; they see the writer's last commit.
    std::mutex readers_mutex;
    std::vector<std::unique_ptr<Xapian::Database>> idle_readers;

    std::unique_ptr<Xapian::Database> AcquireReader() {
        std::unique_ptr<Xapian::Database> reader;
        {
            std::lock_guard lock(readers_mutex);
            if (!idle_readers.empty()) {
                reader = std::move(idle_readers.back());
                idle_readers.pop_back();
            }
        }
        if (reader) {
            reader->reopen();
        } else {
            reader = std::make_unique<Xapian::Database>(dir);
        }
        return reader;
    }
    void ReleaseReader(std::unique_ptr<Xapian::Database> reader) {
        std::lock_guard lock(readers_mutex);
        idle_readers.push_back(std::move(reader));
    }
};

LotIndex::LotIndex(std::unique_ptr<Db> db) : db_(std::move(db)), columns_(std::make_unique<LotColumns>()) {}
LotIndex::~LotIndex() = default;

Result<std::unique_ptr<LotIndex>> LotIndex::Open(const std::string& dir) {
    try {
        auto db = std::make_unique<Db>();
        db->writer = Xapian::WritableDatabase(dir, Xapian::DB_CREATE_OR_OPEN);
        db->dir = dir;
        if (db->writer.get_doccount() > 0 && db->writer.get_metadata(kFormatKey) != kFormat) {
            spdlog::warn("search: the index {} was written in an older layout; rebuilding it from the database", dir);
            db->writer.close();
            db->writer = Xapian::WritableDatabase(dir, Xapian::DB_CREATE_OR_OVERWRITE);
        }
        std::unique_ptr<LotIndex> index(new LotIndex(std::move(db)));
        index->Load();
        return index;
    } catch (const Xapian::DatabaseLockError&) {
        return Fail(Error{ErrorCode::kUnavailable,
                          "the search index " + dir + " is in use by another process (a running server?)",
                          {}});
    } catch (const Xapian::Error& e) {
        return Fail(Error{ErrorCode::kUnavailable, "cannot open the search index " + dir + ": " + e.get_msg(), {}});
    } catch (const std::exception& e) {  // a value slot that is not what this code wrote
        return Fail(
            Error{ErrorCode::kUnavailable,
                  "cannot read the search index " + dir + " (" + e.what() + "); remove it and run zakupai reindex",
                  {}});
    }
}

void LotIndex::AddSuggestion(const std::string& text, const char* kind) {
    if (!text.empty()) {
        auto& e = suggestions_[text::Fold(text)];
        e.display = text;
        e.kind = kind;
        ++e.count;
    }
}

void LotIndex::DropSuggestion(const std::string& text) {
    if (auto e = suggestions_.find(text::Fold(text));
        !text.empty() && e != suggestions_.end() && --e->second.count <= 0) {
        suggestions_.erase(e);
    }
}

void LotIndex::Load() {
    auto lock = WriteLock();
    columns_->Clear();
    suggestions_.clear();
    Xapian::WritableDatabase& db = db_->writer;
    columns_->Reserve(db.get_lastdocid());
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        columns_->SetLive(*it, it.get_doclength());
    }
    auto each = [&db](Xapian::valueno slot, auto&& apply) {
        for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
            apply(it.get_docid(), *it);
        }
    };
    each(kIdSlot, [&](DocId doc, const std::string& v) { columns_->SetId(doc, std::stoll(v)); });
    each(kPriceSlot, [&](DocId doc, const std::string& v) {
        columns_->SetPrice(doc, static_cast<Tiyn>(std::llround(Xapian::sortable_unserialise(v))));
    });
    each(kDeadlineSlot, [&](DocId doc, const std::string& v) {
        columns_->SetDeadline(doc, std::llround(Xapian::sortable_unserialise(v)));
    });
    each(kStatusSlot, [&](DocId doc, const std::string& v) { columns_->SetStatus(doc, v); });
    each(kMethodSlot, [&](DocId doc, const std::string& v) { columns_->SetMethod(doc, v); });
    each(kRegionSlot, [&](DocId doc, const std::string& v) { columns_->SetRegion(doc, v); });
    each(kEnstruSlot, [&](DocId doc, const std::string& v) { columns_->SetEnstru(doc, v); });
    each(kCustomerBinSlot, [&](DocId doc, const std::string& v) { columns_->SetCustomer(doc, v); });
    each(kTitleSlot, [&](DocId, const std::string& v) { AddSuggestion(v, "title"); });
    each(kCustomerNameSlot, [&](DocId, const std::string& v) { AddSuggestion(v, "customer"); });
    const auto [at, id] = SplitData(db.get_metadata(kCursorKey));
    cursor_ = store::IndexCursor{at, id.empty() ? 0 : std::stoll(id)};
}

std::shared_lock<std::shared_mutex> LotIndex::ReadLock() const {
    std::lock_guard wait_behind_writers(turnstile_);
    return std::shared_lock(mutex_);
}

std::unique_lock<std::shared_mutex> LotIndex::WriteLock() const {
    std::lock_guard hold_new_readers(turnstile_);
    return std::unique_lock(mutex_);
}

void LotIndex::Upsert(const std::vector<store::IndexableLot>& lots, const store::IndexCursor& cursor) {
    // Xapian is written and committed while searches go on (they read their own handles);
    // only the in-memory part below waits for them.
    std::lock_guard writer_lock(write_mutex_);
    Xapian::WritableDatabase& db = db_->writer;
    Xapian::TermGenerator russian;
    russian.set_stemmer(Xapian::Stem("russian"));
    russian.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    Xapian::TermGenerator plain;  // Kazakh: Snowball has no Kazakh stemmer, so words stay whole
    struct Written {
        DocId row;
        LotAttributes attributes;
        std::string old_title, old_customer;
    };
    std::vector<Written> written;
    written.reserve(lots.size());
    for (const auto& lot : lots) {
        const std::string id_term = IdTerm(lot.id);
        Written w;
        // A changed title or customer moves its suggestion count.
        if (auto old = db.postlist_begin(id_term); old != db.postlist_end(id_term)) {
            const Xapian::Document previous = db.get_document(*old);
            w.old_title = previous.get_value(kTitleSlot);
            w.old_customer = previous.get_value(kCustomerNameSlot);
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
        // Filter terms are no longer what filters read (LotColumns is), but they keep the
        // index usable from Xapian's own tools (xapian-delve, quest) when debugging.
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
        std::optional<std::int64_t> deadline;
        doc.add_value(kPriceSlot, Xapian::sortable_serialise(static_cast<double>(lot.price)));
        if (lot.deadline) {
            deadline = Epoch(*lot.deadline);
            doc.add_value(kDeadlineSlot, Xapian::sortable_serialise(static_cast<double>(*deadline)));
        }
        doc.add_value(kStatusSlot, lot.status);
        doc.add_value(kMethodSlot, lot.method);
        doc.add_value(kRegionSlot, lot.region);
        doc.add_value(kIdSlot, std::to_string(lot.id));
        doc.add_value(kEnstruSlot, lot.enstru);
        doc.add_value(kCustomerBinSlot, lot.customer_bin);
        doc.add_value(kTitleSlot, lot.title);
        doc.add_value(kCustomerNameSlot, lot.customer_name);
        std::uint32_t length = 0;
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
            length += t.get_wdf();
        }
        w.row = db.replace_document(id_term, doc);
        w.attributes = LotAttributes{
            lot.id, lot.price, deadline, lot.status, lot.method, lot.region, lot.enstru, lot.customer_bin, length};
        written.push_back(std::move(w));
    }
    db.set_metadata(kCursorKey, cursor.updated_at + kSeparator + std::to_string(cursor.id));
    db.set_metadata(kFormatKey, kFormat);
    db.commit();

    // A search between the commit and here may find a new lot by its words; its row is not
    // live in the columns yet, so it is left out until this moment, never half-shown.
    auto lock = WriteLock();
    for (std::size_t i = 0; i < written.size(); ++i) {
        const Written& w = written[i];
        DropSuggestion(w.old_title);
        DropSuggestion(w.old_customer);
        columns_->Set(w.row, w.attributes);
        AddSuggestion(lots[i].title, "title");
        AddSuggestion(lots[i].customer_name, "customer");
    }
    cursor_ = cursor;
}

void LotIndex::Clear() {
    std::lock_guard writer_lock(write_mutex_);
    auto lock = WriteLock();
    // Starting over is far cheaper than deleting a million documents one by one.
    db_->writer.close();
    db_->writer = Xapian::WritableDatabase(db_->dir, Xapian::DB_CREATE_OR_OVERWRITE);
    {
        std::lock_guard readers(db_->readers_mutex);
        db_->idle_readers.clear();  // they point at the tables just replaced
    }
    columns_->Clear();
    suggestions_.clear();
    cursor_ = {};
}

store::IndexCursor LotIndex::Cursor() const {
    auto lock = ReadLock();
    return cursor_;
}

std::int64_t LotIndex::Size() const {
    auto lock = ReadLock();
    return columns_->live();
}

Result<LotResults> LotIndex::Search(const LotQuery& q) const {
    try {
        try {
            return SearchShared(q);
        } catch (const Xapian::DatabaseModifiedError&) {
            // Two commits went by during this search and its revision is gone; the next
            // attempt reopens at the latest.
            return SearchShared(q);
        }
    } catch (const Xapian::QueryParserError& e) {
        return Fail(Error::Invalid("query", "cannot be read as a search: " + e.get_msg()));
    }
}

namespace {

// Hands every document Xapian matches to a callback and keeps none: Xapian only finds, the
// columns filter, count and order.
class Collector : public Xapian::MatchDecider {
public:
    explicit Collector(std::function<void(DocId)> found) : found_(std::move(found)) {}
    bool operator()(const Xapian::Document& doc) const override {
        found_(doc.get_docid());
        return false;
    }

private:
    std::function<void(DocId)> found_;
};

void EachMatch(const Xapian::Database& db, const Xapian::Query& query, const std::function<void(DocId)>& found) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    const Collector collector(found);
    // Nothing is ever accepted, so Xapian walks every match whatever it is asked to check.
    enquire.get_mset(0, 1, db.get_doccount(), nullptr, &collector);
}

Xapian::QueryParser Parser(const Xapian::Database& db, bool match_any) {
    Xapian::QueryParser parser;
    parser.set_database(db);
    parser.set_stemmer(Xapian::Stem("russian"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    // Prepositions and conjunctions say nothing about what is bought: "бумага для принтера"
    // must not require "для", nor rank a lot higher for having it.
    parser.set_stopper(&text::Stopper());
    parser.set_default_op(match_any ? Xapian::Query::OP_OR : Xapian::Query::OP_AND);
    return parser;
}

// Words as typed; a word the index does not know, last in the text, is taken as the start of
// one ("бума" finds "бумага"), as a user typing into a search box expects. Known words are not
// expanded: their forms are found by the stem, and expanding "ремонт" to every word that
// begins with it tripled the cost of the search.
Xapian::Query ParseText(const Xapian::Database& db, Xapian::QueryParser& parser, const std::string& text) {
    Xapian::Query query = parser.parse_query(text, Xapian::QueryParser::FLAG_DEFAULT);
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
        if (db.get_termfreq(*t) == 0) {
            return parser.parse_query(text, Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PARTIAL);
        }
    }
    return query;
}

// BM25 (k1 = 1.2, b = 0.75) over the query's own terms, and how many of them each row has.
// Reads each term's postings once, in row order, as Xapian would; the lengths come from memory
// (Xapian's own BM25 read every match's length from disk, 12 ms per 40 000 matches).
void Score(const Xapian::Database& db,
           const Xapian::Query& query,
           const LotColumns& columns,
           const std::vector<DocId>& rows,
           std::vector<double>& scores,
           std::vector<std::uint16_t>& terms_matched) {
    constexpr double kK1 = 1.2;
    constexpr double kB = 0.75;
    const double documents = static_cast<double>(columns.live());
    const double average = columns.AverageLength();
    scores.assign(rows.size(), 0);
    terms_matched.assign(rows.size(), 0);
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
        const double df = db.get_termfreq(*t);
        if (df == 0) {
            continue;
        }
        const double idf = std::log(1 + (documents - df + 0.5) / (df + 0.5));
        auto posting = db.postlist_begin(*t);
        for (std::size_t i = 0; i < rows.size() && posting != db.postlist_end(*t); ++i) {
            posting.skip_to(rows[i]);
            if (posting != db.postlist_end(*t) && *posting == rows[i]) {
                const double tf = posting.get_wdf();
                const double norm = 1 - kB + kB * columns.Length(rows[i]) / average;
                scores[i] += idf * tf * (kK1 + 1) / (tf + kK1 * norm);
                ++terms_matched[i];
            }
        }
    }
}

std::size_t QueryTermCount(const Xapian::Query& query) {
    return static_cast<std::size_t>(std::distance(query.get_unique_terms_begin(), query.get_unique_terms_end()));
}

}  // namespace

LotResults LotIndex::SearchShared(const LotQuery& q) const {
    auto lock = ReadLock();
    auto reader = db_->AcquireReader();
    struct Return {
        Db& db;
        std::unique_ptr<Xapian::Database>& reader;
        ~Return() { db.ReleaseReader(std::move(reader)); }
    } give_back{*db_, reader};
    const Xapian::Database& db = *reader;
    const LotColumns& columns = *columns_;
    const LotColumns::Filter filter = columns.Compile(q, &Lower);

    Xapian::QueryParser parser = Parser(db, q.match_any);
    std::vector<std::uint8_t> excluded;
    if (!q.exclude.empty()) {
        std::string words;
        for (const auto& w : q.exclude) {
            words += (words.empty() ? "" : " ") + w;
        }
        parser.set_default_op(Xapian::Query::OP_OR);
        const Xapian::Query unwanted = parser.parse_query(words, Xapian::QueryParser::FLAG_DEFAULT);
        parser.set_default_op(q.match_any ? Xapian::Query::OP_OR : Xapian::Query::OP_AND);
        excluded.resize(static_cast<std::size_t>(columns.last()) + 1);
        EachMatch(db, unwanted, [&excluded](DocId doc) {
            if (doc < excluded.size()) {
                excluded[doc] = 1;
            }
        });
    }
    auto wanted = [&](DocId doc) {
        return (doc >= excluded.size() || excluded[doc] == 0) && columns.Passes(filter, doc);
    };

    std::vector<DocId> rows;
    Xapian::Query text;
    // The index rows of q.only_ids, sorted: the lots a search is limited to.
    std::vector<DocId> only;
    for (auto id : q.only_ids) {
        const std::string term = IdTerm(id);
        if (auto it = db.postlist_begin(term); it != db.postlist_end(term)) {
            only.push_back(*it);
        }
    }
    std::sort(only.begin(), only.end());
    only.erase(std::unique(only.begin(), only.end()), only.end());
    if (!q.text.empty()) {
        text = ParseText(db, parser, q.text);
        EachMatch(db, text, [&](DocId doc) {
            if (wanted(doc) && (q.only_ids.empty() || std::binary_search(only.begin(), only.end(), doc))) {
                rows.push_back(doc);
            }
        });
        if (!std::is_sorted(rows.begin(), rows.end())) {
            std::sort(rows.begin(), rows.end());
        }
    } else if (!q.only_ids.empty()) {
        std::copy_if(only.begin(), only.end(), std::back_inserter(rows), wanted);
    } else {
        rows = columns.Scan(filter, excluded);
    }

    LotResults results;
    results.total = static_cast<std::int64_t>(rows.size());
    if (q.facets) {
        LotColumns::FacetCounter counter(columns);
        for (DocId doc : rows) {
            counter.Add(doc);
        }
        results.facets = counter.Take();
    }
    std::vector<double> scores;
    std::vector<std::uint16_t> terms_matched;
    double percent_per_score = 0;
    if (!q.text.empty()) {
        Score(db, text, columns, rows, scores, terms_matched);
        // As Xapian's percentages: the best row gets the share of the query's terms it has,
        // the others in proportion to their scores.
        if (const auto best = std::max_element(scores.begin(), scores.end()); best != scores.end() && *best > 0) {
            const auto share = static_cast<double>(terms_matched[static_cast<std::size_t>(best - scores.begin())]) /
                               static_cast<double>(std::max<std::size_t>(1, QueryTermCount(text)));
            percent_per_score = 100 * share / *best;
        }
    }
    for (std::size_t i : columns.Page(rows, scores, q)) {
        double relevance = 0;
        if (!scores.empty()) {
            // A match on words Xapian expanded from a prefix alone has no score of its own.
            relevance = percent_per_score > 0 ? std::clamp(std::round(scores[i] * percent_per_score), 0.0, 100.0) : 100;
        }
        results.hits.push_back(LotHit{columns.LotId(rows[i]), relevance, {}});
    }
    return results;
}

std::vector<Suggestion> LotIndex::Suggest(const std::string& prefix, std::size_t limit) const {
    auto lock = ReadLock();
    const std::string folded = text::Fold(prefix);
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
