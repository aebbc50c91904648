#include "store/audit_archive.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstring>
#include <filesystem>
#include <optional>
#include <regex>
#include <stdexcept>

#include "core/json.hpp"
#include "store/internal/row_reading.hpp"

namespace zakupai::store {

namespace {

namespace fs = std::filesystem;
using std::chrono::days;
using std::chrono::months;
using std::chrono::year_month;

const std::regex& ArchiveName() {
    static const std::regex kName(R"(^audit-(\d{4})-(\d{2})\.ids-(\d+)-(\d+)\.jsonl\.gz$)");
    return kName;
}

// Almaty calendar months: the audit of a Kazakh service is read by its own calendar.
Instant MonthStart(year_month month) {
    return AlmatyStartOfDay(month / std::chrono::day{1});
}

year_month MonthOf(Instant instant) {
    const Date date = AlmatyDate(instant);
    return date.year() / date.month();
}

std::string CreatedAtText(Dialect dialect) {
    // Milliseconds kept on both backends: the archive holds what the table held.
    return dialect == Dialect::kPostgres ? R"(to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))"
                                         : "created_at";
}

std::string RowJson(const soci::row& r) {
    JsonWriter json;
    json.BeginObject().Field("id", static_cast<std::int64_t>(ToLong(r, 0)));
    auto nullable_int = [&](std::string_view key, std::size_t i) {
        json.Key(key);
        if (r.get_indicator(i) == soci::i_ok) {
            json.Int(ToLong(r, i));
        } else {
            json.Null();
        }
    };
    nullable_int("api_key_id", 1);
    nullable_int("user_id", 2);
    json.Field("method", Text(r, 3))
        .Field("route", Text(r, 4))
        .Field("status", static_cast<std::int64_t>(ToLong(r, 5)));
    json.Field("request_id", Text(r, 6));
    json.OptionalField("ip", r.get_indicator(7) == soci::i_ok ? std::optional(Text(r, 7)) : std::nullopt);
    nullable_int("duration_us", 8);
    json.Field("created_at", Text(r, 9)).EndObject();
    return json.Take();
}

// A gzip file written whole or not at all: to a temporary name, flushed to disk, then renamed.
class ArchiveWriter {
public:
    explicit ArchiveWriter(std::string temporary) : temporary_(std::move(temporary)) {
        fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
        if (fd_ < 0) {
            throw std::runtime_error("audit archive: cannot create " + temporary_ + ": " + std::strerror(errno));
        }
        gz_ = gzdopen(::dup(fd_), "wb6");
        if (gz_ == nullptr) {
            Abandon();
            throw std::runtime_error("audit archive: cannot start gzip in " + temporary_);
        }
    }
    ~ArchiveWriter() { Abandon(); }
    ArchiveWriter(const ArchiveWriter&) = delete;
    ArchiveWriter& operator=(const ArchiveWriter&) = delete;

    void Line(const std::string& json) {
        const std::string line = json + "\n";
        if (gzwrite(gz_, line.data(), static_cast<unsigned>(line.size())) != static_cast<int>(line.size())) {
            throw std::runtime_error("audit archive: cannot write " + temporary_ + " (disk full?)");
        }
    }

    void Finish(const std::string& path) {
        const int closed = gzclose(gz_);
        gz_ = nullptr;
        if (closed != Z_OK || ::fsync(fd_) != 0) {
            throw std::runtime_error("audit archive: cannot finish " + temporary_ + " (disk full?)");
        }
        ::close(fd_);
        fd_ = -1;
        fs::rename(temporary_, path);
        // The rename itself must survive a power cut before the rows are deleted.
        const int dir = ::open(fs::path(path).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir >= 0) {
            ::fsync(dir);
            ::close(dir);
        }
        temporary_.clear();
    }

private:
    void Abandon() {
        if (gz_ != nullptr) {
            gzclose(gz_);
            gz_ = nullptr;
        }
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
        if (!temporary_.empty()) {
            std::error_code ignored;
            fs::remove(temporary_, ignored);
        }
    }

    std::string temporary_;
    int fd_ = -1;
    gzFile gz_ = nullptr;
};

// Moves one month's rows (created in [from, to)) into an archive; returns its path and row count.
std::pair<std::string, std::int64_t> ArchiveMonth(Database& db, const std::string& dir, year_month month) {
    const std::string from = FormatUtcTimestamp(MonthStart(month));
    const std::string to = FormatUtcTimestamp(MonthStart(month + months{1}));
    const std::string temporary = (fs::path(dir) / fmt::format(".audit-{}-{:02}.tmp-{}",
                                                               static_cast<int>(month.year()),
                                                               static_cast<unsigned>(month.month()),
                                                               ::getpid()))
                                      .string();
    ArchiveWriter writer(temporary);
    const std::string select =
        "SELECT id, api_key_id, user_id, method, route, status, request_id, ip, duration_us, " +
        CreatedAtText(db.dialect()) +
        " FROM audit_log WHERE created_at >= :f AND created_at < :t AND id > :after ORDER BY id LIMIT 5000";
    long long after = 0;
    long long first = 0;
    std::int64_t rows = 0;
    for (;;) {
        Database::Lease s(db);
        soci::rowset<soci::row> page = (s->prepare << select, soci::use(from), soci::use(to), soci::use(after));
        std::int64_t in_page = 0;
        for (const auto& r : page) {
            after = ToLong(r, 0);
            first = rows == 0 ? after : first;
            writer.Line(RowJson(r));
            ++rows;
            ++in_page;
        }
        if (in_page < 5000) {
            break;
        }
    }
    const std::string path = (fs::path(dir) / fmt::format("audit-{}-{:02}.ids-{}-{}.jsonl.gz",
                                                          static_cast<int>(month.year()),
                                                          static_cast<unsigned>(month.month()),
                                                          first,
                                                          after))
                                 .string();
    writer.Finish(path);

    Database::Lease s(db);
    WriteTransaction tx(*s, db.dialect());
    soci::statement remove =
        (s->prepare << "DELETE FROM audit_log WHERE created_at >= :f AND created_at < :t AND id >= :a AND id <= :b",
         soci::use(from),
         soci::use(to),
         soci::use(first),
         soci::use(after));
    remove.execute(true);
    const auto deleted = static_cast<std::int64_t>(remove.get_affected_rows());
    if (deleted != rows) {
        // Rows of a month long past cannot appear or vanish unless another archiver runs: leave
        // the table as it was; the archive on disk holds what was read and the next run redoes it.
        throw std::runtime_error(
            fmt::format("audit archive: {} rows of {} were read but {} matched when deleting; nothing deleted",
                        rows,
                        path,
                        deleted));
    }
    tx.Commit();
    return {path, rows};
}

// What a run killed while writing left behind; an hour is far longer than any month takes.
void RemoveAbandonedTemporaries(const std::string& dir) {
    const auto stale = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (const auto& entry : fs::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        std::error_code ignored;
        if (name.rfind(".audit-", 0) == 0 && name.find(".tmp-") != std::string::npos &&
            entry.last_write_time(ignored) < stale) {
            fs::remove(entry.path(), ignored);
        }
    }
}

std::vector<std::string> ExpireArchives(const std::string& dir, days keep, Instant now) {
    std::vector<std::string> expired;
    for (const auto& entry : fs::directory_iterator(dir)) {
        std::smatch m;
        const std::string name = entry.path().filename().string();
        if (!std::regex_match(name, m, ArchiveName())) {
            continue;
        }
        const year_month month =
            std::chrono::year{std::stoi(m[1].str())} / std::chrono::month{static_cast<unsigned>(std::stoi(m[2].str()))};
        if (MonthStart(month + months{1}) + keep < now) {
            fs::remove(entry.path());
            expired.push_back(entry.path().string());
        }
    }
    std::sort(expired.begin(), expired.end());
    return expired;
}

}  // namespace

AuditArchiveReport ArchiveAuditLog(Database& db, const AuditConfig& config, const std::string& dir, Instant now) {
    fs::create_directories(dir);
    RemoveAbandonedTemporaries(dir);
    AuditArchiveReport report;
    // Only months whose every day is older than keep_days: each month makes exactly one archive.
    const Instant limit = MonthStart(MonthOf(now - days{config.keep_days}));
    const std::string limit_text = FormatUtcTimestamp(limit);
    for (;;) {
        std::string oldest;
        soci::indicator present = soci::i_null;
        {
            Database::Lease s(db);
            *s << "SELECT " + CreatedAtText(db.dialect()) +
                      " FROM audit_log WHERE created_at < :l ORDER BY created_at LIMIT 1",
                soci::use(limit_text), soci::into(oldest, present);
        }
        if (present != soci::i_ok) {
            break;
        }
        const auto at = ParseStoredInstant(oldest);
        if (!at) {
            throw std::runtime_error("audit archive: unreadable created_at " + oldest);
        }
        auto [path, rows] = ArchiveMonth(db, dir, MonthOf(*at));
        spdlog::info("audit: {} rows archived to {}", rows, path);
        report.written.push_back(std::move(path));
        report.rows += rows;
    }
    if (config.archive_keep_days > 0) {
        report.expired = ExpireArchives(dir, days{config.archive_keep_days}, now);
        for (const auto& path : report.expired) {
            spdlog::info("audit: {} removed, older than {} days", path, config.archive_keep_days);
        }
    }
    return report;
}

Result<AuditArchiveSummary> ReadAuditArchive(const std::string& path, std::ostream& out) {
    std::smatch m;
    const std::string name = fs::path(path).filename().string();
    if (!std::regex_match(name, m, ArchiveName())) {
        return Fail(
            Error::Invalid("file", "not an audit archive name (audit-YYYY-MM.ids-FIRST-LAST.jsonl.gz): " + name));
    }
    const std::int64_t named_first = std::stoll(m[3].str());
    const std::int64_t named_last = std::stoll(m[4].str());
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr) {
        return Fail(Error::NotFound("cannot open " + path));
    }
    AuditArchiveSummary summary;
    std::string pending;
    std::vector<char> buffer(std::size_t{64} * 1024);
    std::optional<Error> problem;
    auto take_line = [&](std::string_view line) {
        boost::system::error_code ec;
        const auto value = boost::json::parse(line, ec);
        const auto* object = ec ? nullptr : value.if_object();
        const auto* id = object != nullptr ? object->if_contains("id") : nullptr;
        if (id == nullptr || !id->is_int64()) {
            problem = Error::Invalid("file", fmt::format("line {} is not an audit row", summary.rows + 1));
            return;
        }
        const std::int64_t row_id = id->as_int64();
        if (row_id < named_first || row_id > named_last || row_id <= summary.last_id) {
            problem = Error::Invalid(
                "file",
                fmt::format("line {}: id {} out of order or outside the named range", summary.rows + 1, row_id));
            return;
        }
        summary.first_id = summary.rows == 0 ? row_id : summary.first_id;
        summary.last_id = row_id;
        ++summary.rows;
        out << line << '\n';
    };
    for (;;) {
        const int n = gzread(gz, buffer.data(), static_cast<unsigned>(buffer.size()));
        // A stream that ends early is not an error for gzread (it returns what it could): the
        // error code says so (Z_BUF_ERROR), on this read or the next.
        int code = Z_OK;
        const char* message = gzerror(gz, &code);
        if (n < 0 || (code != Z_OK && code != Z_STREAM_END)) {
            problem = Error::Invalid("file", std::string("damaged gzip data: ") + message);
            break;
        }
        if (n == 0) {
            break;
        }
        if (gzdirect(gz) != 0) {
            problem = Error::Invalid("file", "not gzip-compressed");
            break;
        }
        pending.append(buffer.data(), static_cast<std::size_t>(n));
        std::size_t start = 0;
        for (auto end = pending.find('\n'); end != std::string::npos && !problem; end = pending.find('\n', start)) {
            take_line(std::string_view(pending).substr(start, end - start));
            start = end + 1;
        }
        pending.erase(0, start);
        if (problem) {
            break;
        }
    }
    gzclose(gz);
    if (!problem && !pending.empty()) {
        problem = Error::Invalid("file", "the last line is cut off");
    }
    if (!problem && summary.rows == 0) {
        problem = Error::Invalid("file", "holds no audit rows");  // never written empty
    }
    if (!problem && (summary.first_id != named_first || summary.last_id != named_last)) {
        problem = Error::Invalid("file",
                                 fmt::format("holds ids {}..{} but is named for {}..{} (truncated?)",
                                             summary.first_id,
                                             summary.last_id,
                                             named_first,
                                             named_last));
    }
    if (problem) {
        return Fail(*problem);
    }
    return summary;
}

}  // namespace zakupai::store
