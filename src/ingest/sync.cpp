#include "ingest/sync.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <thread>

#include "ingest/internal/portal_data.hpp"

namespace zakupai::ingest {

namespace {

constexpr std::string_view kLotsSyncName = "goszakup_lots";
constexpr std::array<double, 8> kDurationBounds{1, 5, 15, 60, 300, 900, 3600, 14400};

// A register the run loop pages through: its query, how to read a page and how to store it.
class PagedRegister {
public:
    virtual ~PagedRegister() = default;
    virtual const char* Name() const = 0;  // the sync_state row and the report's "what"
    virtual const std::string& Query() const = 0;
    virtual const char* Filter() const = 0;  // the GraphQL filter input type is implied by Query
    // Reads an answer and keeps its good rows for Store().
    virtual Result<PageMeta> Read(const boost::json::object& answer) = 0;
    virtual store::PageCounts Store(const store::SyncState& state, Instant now) = 0;
};

class LotsRegister : public PagedRegister {
public:
    LotsRegister(store::GoszakupRepository& repository, const Dictionaries& dictionaries)
        : repository_(repository), dictionaries_(dictionaries) {}
    const char* Name() const override { return "goszakup_lots"; }
    const std::string& Query() const override { return LotsQuery(); }
    // The date the portal indexed a change: a change made earlier but indexed after the last run
    // still falls inside the next one (lastUpdateDate would have missed it).
    const char* Filter() const override { return "indexDate"; }
    Result<PageMeta> Read(const boost::json::object& answer) override {
        auto page = ParseLotsPage(answer, dictionaries_);
        if (!page) {
            return Fail(page.error());
        }
        lots_ = std::move(page->rows);
        return std::move(page->meta);
    }
    store::PageCounts Store(const store::SyncState& state, Instant now) override {
        return repository_.UpsertPage(lots_, Name(), state, now);
    }

private:
    store::GoszakupRepository& repository_;
    const Dictionaries& dictionaries_;
    std::vector<store::GoszakupLot> lots_;
};

class SubjectsRegister : public PagedRegister {
public:
    explicit SubjectsRegister(store::GoszakupRepository& repository) : repository_(repository) {}
    const char* Name() const override { return "goszakup_subjects"; }
    const std::string& Query() const override { return SubjectsQuery(); }
    const char* Filter() const override { return "lastUpdateDate"; }
    Result<PageMeta> Read(const boost::json::object& answer) override {
        auto page = ParseSubjectsPage(answer);
        if (!page) {
            return Fail(page.error());
        }
        subjects_ = std::move(page->rows);
        return std::move(page->meta);
    }
    store::PageCounts Store(const store::SyncState& state, Instant now) override {
        return repository_.UpsertSubjects(subjects_, Name(), state, now);
    }

private:
    store::GoszakupRepository& repository_;
    std::vector<store::SubjectRow> subjects_;
};

class ContractsRegister : public PagedRegister {
public:
    explicit ContractsRegister(store::GoszakupRepository& repository) : repository_(repository) {}
    const char* Name() const override { return "goszakup_contracts"; }
    const std::string& Query() const override { return ContractsQuery(); }
    const char* Filter() const override { return "lastUpdateDate"; }
    Result<PageMeta> Read(const boost::json::object& answer) override {
        auto page = ParseContractsPage(answer);
        if (!page) {
            return Fail(page.error());
        }
        contracts_ = std::move(page->rows);
        return std::move(page->meta);
    }
    store::PageCounts Store(const store::SyncState& state, Instant now) override {
        return repository_.UpsertContracts(contracts_, Name(), state, now);
    }

private:
    store::GoszakupRepository& repository_;
    std::vector<store::ContractRow> contracts_;
};

// The finished run as sync_state keeps it and the log shows it.
std::string SyncRecord(const SyncReport& r) {
    boost::json::object o{{"status", r.ok ? "ok" : "failed"},
                          {"what", r.what},
                          {"mode", r.mode},
                          {"fetched", r.fetched},
                          {"inserted", r.inserted},
                          {"updated", r.updated},
                          {"unchanged", r.unchanged},
                          {"events", r.events},
                          {"errors", r.errors},
                          {"pages", r.pages},
                          {"duration_ms", static_cast<std::int64_t>(r.duration_seconds * 1000)},
                          {"resumed", r.resumed}};
    if (!r.since.empty()) {
        o["since"] = r.since;
    }
    if (!r.error.empty()) {
        o["error"] = r.error;
    }
    return boost::json::serialize(o);
}

}  // namespace

GoszakupSync::GoszakupSync(OwsClient& client,
                           store::GoszakupRepository& repository,
                           std::unique_ptr<Dictionaries> dictionaries,
                           const Clock& clock,
                           FailureCounters& failures,
                           SyncOptions options)
    : client_(client),
      repository_(repository),
      dictionaries_(std::move(dictionaries)),
      clock_(clock),
      failures_(failures),
      options_(options) {
    stats_.lots_total = repository_.CountLots();
    const auto state = repository_.LoadSyncState(std::string(kLotsSyncName));
    stats_.last_success = state.last_success_at;
}

void GoszakupSync::PublishDuration(metrics::Registry& metrics) {
    std::lock_guard lock(mutex_);
    duration_ = &metrics.GetHistogram(
        "goszakup_sync_duration_seconds", "How long sync runs take.", std::span<const double>(kDurationBounds));
}

GoszakupSync::~GoszakupSync() = default;

std::string GoszakupSync::IncrementalSince(const store::SyncState& state) const {
    if (auto mark = ParsePortalTime(state.watermark)) {
        // The portal's clock, not ours: what it had indexed by the end of the last run, less an
        // overlap for rows it was still writing then.
        return FormatPortalTime(*mark - options_.incremental_overlap);
    }
    // A register synced before watermarks were kept: our clock, as then.
    return FormatPortalTime(*state.last_success_at - options_.incremental_overlap);
}

SyncStats GoszakupSync::Stats() const {
    std::lock_guard lock(mutex_);
    SyncStats stats = stats_;
    stats.running = std::any_of(current_.begin(), current_.end(), [](const auto& entry) {
        return entry.second.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
    });
    return stats;
}

SyncReport GoszakupSync::Run(const SyncRequest& request, const std::function<void(const SyncProgress&)>& progress) {
    std::promise<SyncReport> promise;
    {
        std::unique_lock lock(mutex_);
        auto it = current_.find(request.what);
        if (it != current_.end() && it->second.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
            auto running = it->second;
            lock.unlock();
            SyncReport report = running.get();
            report.joined = true;
            return report;
        }
        current_[request.what] = promise.get_future().share();
    }
    SyncReport report;
    try {
        std::lock_guard run(run_mutex_);
        report = Execute(request, progress);
    } catch (const std::exception& e) {
        // A database outage mid-run: the last committed page and its cursor stand.
        report.ok = false;
        report.error = std::string("storage: ") + e.what();
        failures_.Count("storage");
        spdlog::error("goszakup sync: {}", report.error);
    }
    Record(report);
    promise.set_value(report);
    return report;
}

void GoszakupSync::Record(const SyncReport& report) {
    std::lock_guard lock(mutex_);
    ++stats_.runs;
    if (!report.ok) {
        ++stats_.failed_runs;
        ++stats_.consecutive_failures;
    } else {
        stats_.last_success = clock_.Now();
        stats_.consecutive_failures = 0;
    }
    stats_.last_rows = report.fetched;
    if (duration_ != nullptr) {
        duration_->Observe(report.duration_seconds);
    }
    try {
        stats_.lots_total = repository_.CountLots();
    } catch (const std::exception&) {
        // Keep the previous figure; the run's own error is already reported.
    }
}

SyncReport GoszakupSync::Execute(const SyncRequest& request, const std::function<void(const SyncProgress&)>& progress) {
    const auto started = std::chrono::steady_clock::now();
    std::unique_ptr<PagedRegister> target;
    if (request.what == Register::kSubjects) {
        target = std::make_unique<SubjectsRegister>(repository_);
    } else if (request.what == Register::kContracts) {
        target = std::make_unique<ContractsRegister>(repository_);
    } else {
        target = std::make_unique<LotsRegister>(repository_, *dictionaries_);
    }
    const std::string name = target->Name();
    store::SyncState state = repository_.LoadSyncState(name);
    SyncReport report;
    report.what = request.what == Register::kSubjects    ? "subjects"
                  : request.what == Register::kContracts ? "contracts"
                                                         : "lots";
    if (state.InProgress()) {
        report.resumed = true;
        spdlog::info("goszakup sync: resuming the {} {} run at cursor {}", state.mode, name, state.cursor.value_or(0));
    } else {
        if (request.since) {
            state.mode = "incremental";
            state.since = FormatPortalTime(AlmatyStartOfDay(*request.since));
        } else if (request.full || !state.last_success_at) {
            state.mode = "full";
            state.since.clear();
        } else {
            state.mode = "incremental";
            state.since = IncrementalSince(state);
        }
        state.cursor.reset();
        state.pages = 0;
        state.run_started_at = clock_.Now();
        repository_.SaveSyncState(name, state, clock_.Now());
    }
    report.mode = state.mode;
    report.since = state.since;
    if (!dictionaries_synced_ && request.what == Register::kLots) {
        // Once per process: the built-in dictionaries cover the known ids meanwhile.
        if (auto loaded = SyncDictionaries()) {
            dictionaries_synced_ = true;
        } else {
            spdlog::warn("goszakup sync: dictionaries not refreshed: {}", loaded.error().message);
        }
    }

    int empty_retries = 0;
    std::string run_watermark;
    for (;;) {
        if (stop_) {
            report.ok = false;
            report.error = "stopped: the service is shutting down; the next run resumes here";
            break;
        }
        boost::json::object variables{{"limit", options_.page_size}};
        variables["after"] = state.cursor ? boost::json::value(*state.cursor) : boost::json::value(nullptr);
        if (state.mode == "incremental") {
            variables["filter"] = boost::json::object{{target->Filter(), boost::json::array{state.since}}};
        } else {
            variables["filter"] = nullptr;
        }
        auto answer = client_.GraphQl(target->Query(), variables);
        if (!answer) {
            report.ok = false;
            report.error = answer.error().message;
            ++report.errors;
            break;
        }
        auto page = target->Read(*answer);
        if (!page) {
            failures_.Count("malformed_json");
            report.ok = false;
            report.error = page.error().message;
            ++report.errors;
            break;
        }
        report.total = page->total;
        for (const auto& bad : page->bad) {
            spdlog::warn("goszakup sync: skipped {} row id {}: {}", name, bad.id, bad.reason);
        }
        if (!page->bad.empty()) {
            failures_.Count("bad_row", static_cast<std::int64_t>(page->bad.size()));
            report.errors += static_cast<std::int64_t>(page->bad.size());
        }
        if (page->raw_count == 0 && page->has_next) {
            // The portal sometimes answers an empty page that claims more follow. Ask again;
            // move on only if it names a lastId below the cursor.
            failures_.Count("empty_page");
            ++report.errors;
            const bool advances = page->last_id && (!state.cursor || *page->last_id < *state.cursor);
            if (!advances) {
                if (++empty_retries > options_.max_empty_page_retries) {
                    report.ok = false;
                    report.error = "goszakup: empty_page: the portal keeps answering an empty page with hasNextPage";
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(50 * empty_retries));
                continue;
            }
        }
        empty_retries = 0;

        const std::optional<std::int64_t> next = page->last_id ? page->last_id : page->min_id;
        bool finished = !page->has_next;
        if (!finished && (!next || (state.cursor && *next >= *state.cursor))) {
            // A cursor that does not move down would loop forever (pitfall 4 in the reference).
            failures_.Count("cursor_stuck");
            report.ok = false;
            report.error = "goszakup: the page cursor did not advance";
            ++report.errors;
            finished = true;
        }
        bool stale_page = false;
        if (state.mode == "incremental" && !page->dates.empty()) {
            // If the portal ignored the date filter we would walk the whole register; a page of
            // rows all older than `since` shows we are past what changed.
            stale_page = std::all_of(page->dates.begin(), page->dates.end(), [&](const auto& date) {
                return !date.empty() && date < state.since;
            });
        }
        for (const auto& date : page->dates) {
            // Dates are "YYYY-MM-DD HH:MM:SS" in one clock: text order is time order.
            if (date.size() >= 19 && date > run_watermark) {
                run_watermark = date.substr(0, 19);
            }
        }
        state.cursor = next;
        ++state.pages;
        store::SyncState to_save = state;
        if (finished || stale_page) {
            to_save.mode.clear();
            to_save.cursor.reset();
            if (report.ok) {
                to_save.last_success_at = state.run_started_at;
                // Never backwards: a run that saw nothing newer keeps the old mark. A resumed run
                // knows only its own pages' dates: a lower mark is safe (the next run re-reads a
                // little), a higher one would skip changes.
                to_save.watermark = std::max(to_save.watermark, run_watermark);
            }
        }
        const auto counts = target->Store(to_save, clock_.Now());
        report.fetched += static_cast<std::int64_t>(page->raw_count);
        report.inserted += counts.inserted;
        report.updated += counts.updated;
        report.unchanged += counts.unchanged;
        report.events += counts.events;
        report.pages += 1;
        if (progress) {
            progress(SyncProgress{report.fetched,
                                  report.pages,
                                  report.total,
                                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()});
        }
        if (finished || stale_page) {
            state = to_save;
            break;
        }
    }
    report.duration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (report.ok) {
        state.last_report = SyncRecord(report);
        repository_.SaveSyncState(name, state, clock_.Now());
    }
    spdlog::info("goszakup sync of {} {}: {}", report.what, report.ok ? "done" : "stopped", SyncRecord(report));
    return report;
}

void GoszakupSync::LoadStoredDictionaries() {
    for (const auto& name : Dictionaries::Names()) {
        auto rows = repository_.LoadRefs(name);
        if (!rows.empty()) {
            dictionaries_->Replace(name, std::move(rows));
        }
    }
}

Result<int> GoszakupSync::SyncDictionaries() {
    int loaded = 0;
    for (const auto& name : Dictionaries::Names()) {
        // REST envelopes page with next_page ("" at the end); dictionaries are short, but follow it.
        std::vector<store::RefRow> rows;
        std::string path = "/v3/refs/" + name;
        for (int page = 0; page < 100 && !path.empty(); ++page) {
            auto reply = client_.Get(path);
            if (!reply) {
                return Fail(reply.error());
            }
            if (reply->status != 200) {
                break;
            }
            auto more = ParseRefItems(reply->body);
            rows.insert(rows.end(), more.begin(), more.end());
            std::string next;
            if (const auto* o = reply->body.if_object()) {
                if (const auto* n = o->if_contains("next_page"); n != nullptr && n->is_string()) {
                    next = std::string(n->get_string());
                }
            }
            path = next == path || more.empty() ? std::string() : next;
        }
        if (rows.empty()) {
            continue;
        }
        repository_.ReplaceRefs(name, rows, clock_.Now());
        dictionaries_->Replace(name, std::move(rows));
        ++loaded;
    }
    return loaded;
}

}  // namespace zakupai::ingest
