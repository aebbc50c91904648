// `zakupai backup` while the server keeps writing, and `zakupai restore` into a fresh database:
// every table's row count and checksum equal to the snapshot the backup recorded; retention.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "service.hpp"

namespace zakupai::test {
namespace {

namespace json = boost::json;

using BackupTest = BackendApiTest;

std::string BackupPath(const std::string& output) {
    const auto start = output.find("backup: /");
    if (start == std::string::npos) {
        return "";
    }
    const auto path_start = start + 8;
    return output.substr(path_start, output.find(' ', path_start) - path_start);
}

json::object Manifest(const std::string& backup) {
    std::ifstream in(backup + ".json");
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str()).as_object();
}

TEST_P(BackupTest, ABackupTakenWhileServingRestoresIntoAFreshDatabaseTableForTable) {
    ASSERT_EQ(RunCli(*db_, {"seed-demo", "--lots", "300"}, {}).exit_code, 0);
    Service& s = StartService();
    const std::string dir = db_->data_dir() + "/backups";
    // A writer: every VAT calculation is recorded (calcs, usage), every key is a row in api_keys.
    std::atomic<bool> writing{true};
    std::atomic<int> written{0};
    std::thread writer([&] {
        for (int i = 0; writing.load(); ++i) {
            const auto r =
                s.Call("POST", "/calc/vat", R"({"amount": )" + std::to_string(1000 + i) + "}", s.admin_key());
            if (r.status == 200) {
                ++written;
            }
            if (i % 10 == 0) {
                s.CreateKey(900000 + i, "free");
            }
        }
    });
    while (written.load() < 20) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const auto first = RunCli(*db_, {"backup", "--dir", dir, "--keep", "2"}, {});
    ASSERT_EQ(first.exit_code, 0) << first.output;
    const std::string backup = BackupPath(first.output);
    ASSERT_FALSE(backup.empty()) << first.output;
    const int written_at_backup = written.load();
    while (written.load() < written_at_backup + 20) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    writing = false;
    writer.join();

    // The backup is a snapshot of a moment while writes went on: its keys are fewer than now.
    const auto manifest = Manifest(backup);
    const auto& tables = manifest.at("tables").as_object();
    EXPECT_EQ(tables.at("lots").at("rows").as_int64(), 300);
    const auto keys_at_backup = tables.at("api_keys").at("rows").as_int64();
    EXPECT_GT(keys_at_backup, 0);
    EXPECT_LT(keys_at_backup, QueryNumber(*db_, "SELECT COUNT(*) FROM api_keys"));
    EXPECT_EQ(manifest.at("database").as_string(), GetParam() ? "postgresql" : "sqlite");

    // Restore into a database of its own and compare: the command checks every table itself;
    // the test checks a few figures independently.
    TestDatabase fresh(GetParam());
    ASSERT_EQ(RunCli(fresh, {"migrate"}, {}).exit_code, 0);
    const auto refused = RunCli(fresh, {"restore", backup}, {});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.output.find("--yes"), std::string::npos) << refused.output;
    const auto restored = RunCli(fresh, {"restore", backup, "--yes"}, {});
    ASSERT_EQ(restored.exit_code, 0) << restored.output;
    EXPECT_NE(restored.output.find(std::to_string(tables.size()) + " tables, "), std::string::npos) << restored.output;
    EXPECT_NE(restored.output.find("every table's row count and checksum equal to the backup's"), std::string::npos);
    EXPECT_EQ(QueryNumber(fresh, "SELECT COUNT(*) FROM lots"), 300);
    EXPECT_EQ(QueryNumber(fresh, "SELECT COUNT(*) FROM api_keys"), keys_at_backup);
    EXPECT_EQ(QueryText(fresh, "SELECT title FROM lots WHERE id = 7"),
              QueryText(*db_, "SELECT title FROM lots WHERE id = 7"));

    // A restored database serves, and the keys of the backup work (a restart on it).
    ASSERT_EQ(RunCli(fresh, {"reindex"}, {}).exit_code, 0);
    Service restarted(fresh);
    EXPECT_EQ(restarted.Call("POST", "/calc/vat", R"({"amount": 1160})", restarted.admin_key()).status, 200);
    EXPECT_EQ(restarted.Call("GET", "/search/lots?limit=1", "", restarted.admin_key()).status, 200);

    // A tampered manifest is caught: the restore reports the table and fails.
    {
        auto altered = manifest;
        altered["tables"].as_object()["lots"].as_object()["rows"] = 299;
        std::ofstream(backup + ".json") << json::serialize(altered);
    }
    restarted.Stop();
    const auto caught = RunCli(fresh, {"restore", backup, "--yes"}, {});
    EXPECT_EQ(caught.exit_code, 1);
    EXPECT_NE(caught.output.find("table lots differs from the backup: 299 rows expected, 300 found"), std::string::npos)
        << caught.output;

    // Retention: three more backups, two kept.
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // one-second stamps
        ASSERT_EQ(RunCli(*db_, {"backup", "--dir", dir, "--keep", "2"}, {}).exit_code, 0);
    }
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        files += entry.path().extension() == ".json" ? 0 : 1;
    }
    EXPECT_EQ(files, 2);
}

TEST_P(BackupTest, RestoreRefusesWhatIsNotABackupOfThisKind) {
    ASSERT_EQ(RunCli(*db_, {"migrate"}, {}).exit_code, 0);
    const auto missing = RunCli(*db_, {"restore", "/nonexistent/zakupai-x.sqlite3", "--yes"}, {});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.output.find("no manifest /nonexistent/zakupai-x.sqlite3.json"), std::string::npos)
        << missing.output;
    const std::string other = db_->data_dir() + (GetParam() ? "/zakupai-1.sqlite3" : "/zakupai-1.pgdump");
    std::ofstream(other) << "not a backup";
    std::ofstream(other + ".json") << R"({"tables": {}})";
    const auto wrong = RunCli(*db_, {"restore", other, "--yes"}, {});
    EXPECT_EQ(wrong.exit_code, 2);
    EXPECT_NE(wrong.output.find("cannot be restored into"), std::string::npos) << wrong.output;
    std::ofstream(other + ".json") << "{";
    EXPECT_NE(RunCli(*db_, {"restore", other, "--yes"}, {}).output.find("is not a backup manifest"), std::string::npos);
}

TEST_P(BackupTest, OldAuditMonthsMoveIntoArchivesThatReadBackForAnAudit) {
    Service& s = StartService();
    const std::string key = s.CreateKey(4242, "free");
    std::vector<std::string> request_ids;
    for (int i = 0; i < 5; ++i) {
        const auto r = s.Call("POST", "/calc/vat", R"({"amount": )" + std::to_string(100 + i) + "}", key);
        ASSERT_EQ(r.status, 200);
        request_ids.push_back(r.Header("x-request-id"));
    }
    ASSERT_EQ(s.Stop(), 0);  // the recorder has written every audit row
    const long long rows = QueryNumber(*db_, "SELECT COUNT(*) FROM audit_log");
    ASSERT_GE(rows, 6);  // the key's creation and the five calculations
    // A year and a half ago, in March 2025 (Almaty).
    ExecuteSql(*db_, "UPDATE audit_log SET created_at = '2025-03-10T10:00:00.000Z'");
    const auto archived = RunCli(*db_, {"audit", "archive"}, {});
    ASSERT_EQ(archived.exit_code, 0) << archived.output;
    EXPECT_NE(archived.output.find(std::to_string(rows) + " rows moved into 1 archive;"), std::string::npos)
        << archived.output;
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM audit_log"), 0);
    std::string archive;
    for (const auto& entry : std::filesystem::directory_iterator(db_->data_dir() + "/audit")) {
        archive = entry.path().string();
    }
    EXPECT_EQ(std::filesystem::path(archive).filename().string().rfind("audit-2025-03.ids-", 0), 0u) << archive;

    const auto read = RunCli(*db_, {"audit", "read", archive}, {});
    ASSERT_EQ(read.exit_code, 0) << read.output;
    for (const auto& id : request_ids) {
        EXPECT_NE(read.output.find(R"("route":"/calc/vat","status":200,"request_id":")" + id + R"(")"),
                  std::string::npos)
            << id << "\n"
            << read.output;
    }
    EXPECT_NE(read.output.find(std::to_string(rows) + " rows"), std::string::npos) << read.output;
    // Run again: nothing left to move, the archive untouched.
    EXPECT_NE(RunCli(*db_, {"audit", "archive"}, {}).output.find("0 rows moved into 0 archives"), std::string::npos);

    // A damaged archive is refused with the reason and a failing exit code.
    std::filesystem::resize_file(archive, std::filesystem::file_size(archive) - 20);
    const auto damaged = RunCli(*db_, {"audit", "read", archive}, {});
    EXPECT_EQ(damaged.exit_code, 1);
    EXPECT_NE(damaged.output.find("damaged gzip data"), std::string::npos) << damaged.output;
}

INSTANTIATE_TEST_SUITE_P(Backends, BackupTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? "PostgreSQL" : "SQLite";
});

}  // namespace
}  // namespace zakupai::test
