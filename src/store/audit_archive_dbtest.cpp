// The audit log's retention on both backends: whole Almaty months older than keep_days become
// one gzip JSON-lines archive each and leave the table; a run repeated after a crash makes the
// same archive again; old archives expire; a damaged or foreign file is refused when read.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "store/audit_archive.hpp"
#include "support/db_backend.hpp"

namespace zakupai::store {
namespace {

namespace fs = std::filesystem;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::sys_days;
using std::chrono::year;

constexpr Instant kNow = sys_days{year{2026} / 11 / 25} + hours{14};

using AuditArchiveTest = test::BackendTest;

class TempDir {
public:
    TempDir() : path_(fs::temp_directory_path() / ("zk-audit-" + std::to_string(std::random_device{}()))) {
        fs::create_directories(path_);
    }
    ~TempDir() { fs::remove_all(path_); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string str() const { return path_.string(); }
    std::vector<std::string> Files() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(path_)) {
            names.push_back(e.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

private:
    fs::path path_;
};

void InsertAudit(Database& db, long long id, const std::string& created_at, const std::string& route) {
    Database::Lease s(db);
    const std::string method = "POST";
    const std::string request = "req-" + std::to_string(id);
    const long long key = 7;
    *s << "INSERT INTO audit_log (id, api_key_id, user_id, method, route, status, request_id, ip, duration_us, "
          "created_at) VALUES (:id, :k, NULL, :m, :r, 200, :q, NULL, 1500, :c)",
        soci::use(id), soci::use(key), soci::use(method), soci::use(route), soci::use(request), soci::use(created_at);
}

long long Count(Database& db) {
    Database::Lease s(db);
    long long n = 0;
    *s << "SELECT COUNT(*) FROM audit_log", soci::into(n);
    return n;
}

std::string ReadAll(const std::string& path, AuditArchiveSummary* summary = nullptr) {
    std::ostringstream out;
    auto read = ReadAuditArchive(path, out);
    EXPECT_TRUE(read.has_value()) << path << ": " << (read ? "" : read.error().message);
    if (read && summary != nullptr) {
        *summary = *read;
    }
    return out.str();
}

// Rows around the month edges in Almaty time (UTC+5): 2025-12-31T19:00Z is already January.
void InsertYear(Database& db) {
    InsertAudit(db, 1, "2025-12-31T18:59:59.999Z", "/calc/vat");
    InsertAudit(db, 2, "2025-12-31T19:00:00.000Z", "/calc/vat");
    InsertAudit(db, 3, "2026-01-15T10:00:00.000Z", "/search/lots");
    InsertAudit(db, 4, "2026-02-01T08:00:00.000Z", "/billing/create_key");
    InsertAudit(db, 5, "2026-02-20T08:00:00.000Z", "/billing/create_key");
    // A row written late (ids are not in time order): still January's.
    InsertAudit(db, 6, "2026-01-31T18:00:00.000Z", "/tldr");
    // kNow - 180 days is 2026-05-29: May is not wholly past it, so May and later stay.
    InsertAudit(db, 7, "2026-05-01T00:00:00.000Z", "/risk/score");
    InsertAudit(db, 8, "2026-11-25T13:00:00.000Z", "/calc/vat");
}

TEST_P(AuditArchiveTest, WholeOldMonthsMoveIntoOneArchiveEachAndReadBackExactly) {
    auto db = backend_->Open();
    Migrate(*db);
    InsertYear(*db);
    TempDir dir;
    const AuditConfig config;  // 180 days in the table, archives kept 1096 days
    const auto report = ArchiveAuditLog(*db, config, dir.str(), kNow);
    EXPECT_EQ(report.rows, 6);
    EXPECT_EQ(
        dir.Files(),
        (std::vector<std::string>{
            "audit-2025-12.ids-1-1.jsonl.gz", "audit-2026-01.ids-2-6.jsonl.gz", "audit-2026-02.ids-4-5.jsonl.gz"}));
    ASSERT_EQ(report.written.size(), 3u);
    EXPECT_EQ(fs::path(report.written[0]).filename(), "audit-2025-12.ids-1-1.jsonl.gz");
    EXPECT_EQ(Count(*db), 2);  // May's and November's

    EXPECT_EQ(ReadAll(dir.str() + "/audit-2025-12.ids-1-1.jsonl.gz"),
              R"({"id":1,"api_key_id":7,"user_id":null,"method":"POST","route":"/calc/vat","status":200,)"
              R"("request_id":"req-1","ip":null,"duration_us":1500,"created_at":"2025-12-31T18:59:59.999Z"})"
              "\n");
    AuditArchiveSummary january;
    const std::string lines = ReadAll(dir.str() + "/audit-2026-01.ids-2-6.jsonl.gz", &january);
    EXPECT_EQ(january.rows, 3);
    EXPECT_EQ(january.first_id, 2);
    EXPECT_EQ(january.last_id, 6);
    EXPECT_NE(lines.find(R"("route":"/tldr")"), std::string::npos);

    // Nothing more to do on the same day: no new archive, nothing deleted.
    const auto again = ArchiveAuditLog(*db, config, dir.str(), kNow);
    EXPECT_EQ(again.rows, 0);
    EXPECT_TRUE(again.written.empty());
    EXPECT_EQ(dir.Files().size(), 3u);
    EXPECT_EQ(Count(*db), 2);
}

TEST_P(AuditArchiveTest, ARunCutOffBeforeItsDeleteIsRedoneIntoTheSameSingleArchive) {
    auto db = backend_->Open();
    Migrate(*db);
    InsertYear(*db);
    TempDir dir;
    ASSERT_EQ(ArchiveAuditLog(*db, AuditConfig{}, dir.str(), kNow).rows, 6);
    const std::string february = dir.str() + "/audit-2026-02.ids-4-5.jsonl.gz";
    const std::string before = ReadAll(february);
    // The state a crash between the archive's rename and the delete leaves: file and rows both.
    InsertAudit(*db, 4, "2026-02-01T08:00:00.000Z", "/billing/create_key");
    InsertAudit(*db, 5, "2026-02-20T08:00:00.000Z", "/billing/create_key");
    // And temporary files crashes in the middle of writing left: an old one and a fresh one
    // (perhaps another archiver's, still writing).
    std::ofstream(dir.str() + "/.audit-2026-02.tmp-1") << "half";
    fs::last_write_time(dir.str() + "/.audit-2026-02.tmp-1", fs::file_time_type::clock::now() - hours{2});
    std::ofstream(dir.str() + "/.audit-2026-03.tmp-2") << "writing";

    const auto redone = ArchiveAuditLog(*db, AuditConfig{}, dir.str(), kNow);
    EXPECT_EQ(redone.rows, 2);
    ASSERT_EQ(redone.written.size(), 1u);
    EXPECT_EQ(redone.written[0], february);
    EXPECT_EQ(ReadAll(february), before);
    EXPECT_EQ(Count(*db), 2);
    std::vector<std::string> archives;
    for (const auto& name : dir.Files()) {
        if (name.rfind("audit-", 0) == 0) {
            archives.push_back(name);
        }
    }
    EXPECT_EQ(archives.size(), 3u);  // still one per month
    EXPECT_FALSE(fs::exists(dir.str() + "/.audit-2026-02.tmp-1"));
    EXPECT_TRUE(fs::exists(dir.str() + "/.audit-2026-03.tmp-2"));
}

TEST_P(AuditArchiveTest, ArchivesExpireThreeYearsAfterTheirMonthEnds) {
    auto db = backend_->Open();
    Migrate(*db);
    InsertYear(*db);
    TempDir dir;
    ASSERT_EQ(ArchiveAuditLog(*db, AuditConfig{}, dir.str(), kNow).rows, 6);
    // 1096 days after January ends (Almaty) is 2029-02-01: December's and January's archives go.
    const Instant later = sys_days{year{2029} / 2 / 5} + hours{12};
    const auto report = ArchiveAuditLog(*db, AuditConfig{}, dir.str(), later);
    ASSERT_EQ(report.expired.size(), 2u);
    EXPECT_EQ(fs::path(report.expired[0]).filename(), "audit-2025-12.ids-1-1.jsonl.gz");
    EXPECT_EQ(fs::path(report.expired[1]).filename(), "audit-2026-01.ids-2-6.jsonl.gz");
    EXPECT_EQ(report.rows, 2);  // May and November are old enough by now
    EXPECT_EQ(Count(*db), 0);
    EXPECT_EQ(
        dir.Files(),
        (std::vector<std::string>{
            "audit-2026-02.ids-4-5.jsonl.gz", "audit-2026-05.ids-7-7.jsonl.gz", "audit-2026-11.ids-8-8.jsonl.gz"}));
    // archive_keep_days = 0 keeps them for ever.
    AuditConfig forever;
    forever.archive_keep_days = 0;
    EXPECT_TRUE(ArchiveAuditLog(*db, forever, dir.str(), later + days{3650}).expired.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditArchiveTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? "PostgreSQL" : "SQLite";
});

// Hostile and damaged files: each is refused with a reason, never read as if it were whole.
std::string Gzip(const std::string& text) {
    const std::string path = fs::temp_directory_path() / ("zk-gz-" + std::to_string(std::random_device{}()));
    gzFile gz = gzopen(path.c_str(), "wb");
    gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
    gzclose(gz);
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    fs::remove(path);
    return bytes.str();
}

TEST(AuditArchiveRead, DamagedOrForeignFilesAreRefusedWithTheReason) {
    const std::string row1 = R"({"id":1,"route":"/calc/vat"})";
    const std::string row2 = R"({"id":2,"route":"/calc/vat"})";
    const std::string whole = Gzip(row1 + "\n" + row2 + "\n");
    struct Case {
        std::string name;
        std::string bytes;
        std::string problem;
    };
    const std::vector<Case> cases{
        {"audit-2026-01.ids-1-2.jsonl.gz", whole.substr(0, whole.size() - 12), "damaged gzip data"},
        {"audit-2026-01.ids-1-2.jsonl.gz", row1 + "\n" + row2 + "\n", "not gzip-compressed"},
        {"audit-2026-01.ids-1-2.jsonl.gz", Gzip(row1 + "\n"), "holds ids 1..1 but is named for 1..2"},
        {"audit-2026-01.ids-1-3.jsonl.gz", whole, "named for 1..3"},
        {"audit-2026-01.ids-1-2.jsonl.gz", Gzip(row2 + "\n" + row1 + "\n"), "id 1 out of order"},
        {"audit-2026-01.ids-1-2.jsonl.gz", Gzip(row1 + "\nnot json\n"), "line 2 is not an audit row"},
        {"audit-2026-01.ids-1-2.jsonl.gz",
         Gzip(R"([1,2])"
              "\n"),
         "line 1 is not an audit row"},
        {"audit-2026-01.ids-1-2.jsonl.gz", Gzip(row1 + "\n" + row2), "the last line is cut off"},
        {"audit-2026-01.ids-1-2.jsonl.gz",
         Gzip(row1 + "\n" +
              R"({"id":9})"
              "\n"),
         "outside the named range"},
        {"audit-2026-01.jsonl.gz", whole, "not an audit archive name"},
        {"audit-2026-01.ids-1-2.jsonl.gz", "", "holds no audit rows"},
        {"audit-2026-01.ids-1-2.jsonl.gz", Gzip(""), "holds no audit rows"},
    };
    TempDir dir;
    for (const auto& c : cases) {
        const std::string path = dir.str() + "/" + c.name;
        std::ofstream(path, std::ios::binary) << c.bytes;
        std::ostringstream out;
        const auto read = ReadAuditArchive(path, out);
        ASSERT_FALSE(read.has_value()) << c.problem;
        EXPECT_NE(read.error().message.find(c.problem), std::string::npos)
            << "expected \"" << c.problem << "\", got \"" << read.error().message << "\"";
        fs::remove(path);
    }
    const auto missing = ReadAuditArchive(dir.str() + "/audit-2026-01.ids-1-2.jsonl.gz", std::cout);
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    // The whole file reads.
    std::ofstream(dir.str() + "/audit-2026-01.ids-1-2.jsonl.gz", std::ios::binary) << whole;
    std::ostringstream out;
    const auto read = ReadAuditArchive(dir.str() + "/audit-2026-01.ids-1-2.jsonl.gz", out);
    ASSERT_TRUE(read.has_value()) << read.error().message;
    EXPECT_EQ(read->rows, 2);
    EXPECT_EQ(out.str(), row1 + "\n" + row2 + "\n");
}

}  // namespace
}  // namespace zakupai::store
