#include "ingest/rnu.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/bin.hpp"
#include "core/json.hpp"
#include "ingest/internal/portal_data.hpp"

namespace zakupai::ingest {

namespace {

std::string EntriesJson(const std::vector<store::RnuEntry>& entries) {
    boost::json::array list;
    for (const auto& e : entries) {
        list.push_back(boost::json::object{{"name", e.supplier_name_ru},
                                           {"start_date", e.start_date},
                                           {"end_date", e.end_date},
                                           {"reason", e.reason},
                                           {"court_decision", e.court_decision}});
    }
    return boost::json::serialize(list);
}

std::vector<store::RnuEntry> EntriesFromJson(const std::string& bin, const std::string& json) {
    std::vector<store::RnuEntry> entries;
    boost::system::error_code ec;
    auto parsed = boost::json::parse(json, ec);
    if (ec || !parsed.is_array()) {
        return entries;
    }
    auto text = [](const boost::json::object& o, const char* key) {
        const auto* v = o.if_contains(key);
        return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    for (const auto& item : parsed.get_array()) {
        if (const auto* o = item.if_object()) {
            store::RnuEntry e;
            e.supplier_biin = bin;
            e.supplier_name_ru = text(*o, "name");
            e.start_date = text(*o, "start_date");
            e.end_date = text(*o, "end_date");
            e.reason = text(*o, "reason");
            e.court_decision = text(*o, "court_decision");
            entries.push_back(std::move(e));
        }
    }
    return entries;
}

}  // namespace

RnuService::RnuService(OwsClient* client, store::GoszakupRepository& repository, const Clock& clock, int cache_hours)
    : client_(client), repository_(repository), clock_(clock), cache_period_(cache_hours) {}

RnuAnswer RnuService::FromEntries(const std::string& bin, const std::vector<store::RnuEntry>& entries) const {
    RnuAnswer answer;
    answer.supplier_bin = bin;
    const Instant now = clock_.Now();
    for (const auto& e : entries) {
        RnuListing l{e.supplier_name_ru, e.start_date, e.end_date, e.reason, e.court_decision, false};
        const auto start = ParsePortalTime(e.start_date);
        const auto end = ParsePortalTime(e.end_date);
        // No dates (the list endpoint has none) means listed now; an end date in the past
        // means the ban has run out.
        l.active = (!start || *start <= now) && (!end || *end > now);
        answer.listed = answer.listed || l.active;
        answer.listings.push_back(std::move(l));
    }
    return answer;
}

Result<RnuAnswer> RnuService::Check(std::string_view bin_text) {
    auto bin = NormalizeBin(bin_text);
    if (!bin) {
        return Fail(Error::Invalid(
            "supplier_bin", bin.error().details.empty() ? bin.error().message : bin.error().details.front().problem));
    }
    const Instant now = clock_.Now();
    const auto cached = repository_.FindRnuCheck(*bin);
    auto from_cache = [&](bool stale) {
        RnuAnswer answer = FromEntries(*bin, EntriesFromJson(*bin, cached->details));
        answer.source = "cache";
        answer.validated_at = cached->checked_at;
        answer.age_seconds = std::chrono::duration_cast<std::chrono::seconds>(now - cached->checked_at).count();
        answer.stale = stale;
        return answer;
    };
    if (cached && now - cached->checked_at < cache_period_) {
        return from_cache(false);
    }
    std::string portal_error = "no portal token is configured";
    if (client_ != nullptr) {
        auto reply = client_->Get("/v3/rnu/" + *bin);
        if (reply) {
            std::vector<store::RnuEntry> entries;
            if (reply->status == 200) {
                entries = ParseRnuDetail(reply->body, Dictionaries{});
            }
            RnuAnswer answer = FromEntries(*bin, entries);
            answer.source = "api";
            answer.validated_at = now;
            repository_.SaveRnuCheck(*bin, store::RnuCheck{answer.listed, EntriesJson(entries), now});
            return answer;
        }
        portal_error = reply.error().message;
        if (cached) {
            spdlog::warn("rnu: portal unavailable ({}); answering {} from a stale cache", portal_error, *bin);
            return from_cache(true);
        }
    }
    if (repository_.CountRnu() > 0) {
        RnuAnswer answer = FromEntries(*bin, repository_.FindRnu(*bin));
        answer.source = "registry";
        answer.validated_at = now;
        answer.stale = client_ != nullptr;
        return answer;
    }
    return Fail(Error{ErrorCode::kUnavailable, "RNU service temporarily unavailable: " + portal_error, {}});
}

RnuSyncReport RnuService::SyncList(OwsClient& client, int page_size) {
    RnuSyncReport report;
    std::vector<store::RnuEntry> all;
    std::optional<std::int64_t> after;
    for (;;) {
        boost::json::object variables{{"limit", page_size}, {"filter", nullptr}};
        variables["after"] = after ? boost::json::value(*after) : boost::json::value(nullptr);
        auto answer = client.GraphQl(RnuQuery(), variables);
        if (!answer) {
            report.ok = false;
            report.error = answer.error().message;
            return report;
        }
        auto page = ParseRnuPage(*answer);
        if (!page) {
            report.ok = false;
            report.error = page.error().message;
            return report;
        }
        report.skipped += static_cast<std::int64_t>(page->meta.bad.size());
        for (const auto& bad : page->meta.bad) {
            spdlog::warn("rnu sync: skipped row id {}: {}", bad.id, bad.reason);
        }
        ++report.pages;
        std::move(page->rows.begin(), page->rows.end(), std::back_inserter(all));
        if (!page->meta.has_next) {
            break;
        }
        if (!page->meta.last_id || (after && *page->meta.last_id >= *after)) {
            report.ok = false;
            report.error = "goszakup: the RNU page cursor did not advance";
            return report;
        }
        after = page->meta.last_id;
    }
    // Only a complete list replaces the stored one: half a register would clear real bans.
    repository_.ReplaceRnu(all, clock_.Now());
    report.entries = static_cast<std::int64_t>(all.size());
    return report;
}

}  // namespace zakupai::ingest
