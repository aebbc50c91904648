// Secrets from Vault (KV version 2) against the fake Vault: they override the environment (the
// database URL and the admin key here), by token or AppRole; a configured Vault that cannot be
// read stops the start with the reason; SIGHUP reads it again and names what changed.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "service.hpp"

namespace zakupai::test {
namespace {

using VaultTest = BackendApiTest;

constexpr const char* kVaultAdminKey = "vault-admin-key-0123456789abcdef";
// Never a database: the environment's URL must lose to Vault's.
constexpr const char* kUnreachableDatabase = "postgresql://nobody:wrong@127.0.0.1:1/none";

TEST_P(VaultTest, SecretsFromVaultOverrideTheEnvironmentAndSighupNamesWhatChanged) {
    FakeVault vault;
    ASSERT_EQ(
        vault.Put("secret/zakupai",
                  R"({"database.url": ")" + db_->url() + R"(", "ZAKUPAI_ADMIN_KEY": ")" + kVaultAdminKey + R"("})"),
        200);
    Service& s = StartService({{"ZAKUPAI_VAULT_ADDR", vault.url()},
                               {"ZAKUPAI_VAULT_TOKEN", FakeVault::kToken},
                               {"ZAKUPAI_DATABASE_URL", kUnreachableDatabase}});
    EXPECT_NE(s.Log().find("vault: ZAKUPAI_ADMIN_KEY, ZAKUPAI_DATABASE_URL read from secret/zakupai"),
              std::string::npos);
    // Vault's admin key is the admin key; the environment's is not.
    EXPECT_EQ(s.Call("POST", "/billing/create_key", R"({"tg_id": 77, "plan": "free"})", kVaultAdminKey).status, 200);
    EXPECT_EQ(s.Call("POST", "/billing/create_key", R"({"tg_id": 78, "plan": "free"})", s.admin_key()).status, 401);
    EXPECT_EQ(QueryNumber(*db_, "SELECT COUNT(*) FROM users WHERE tg_id = 77"), 1);  // Vault's database

    // The key rotated in Vault: SIGHUP names it; unchanged secrets are not named.
    ASSERT_EQ(
        vault.Put("secret/zakupai",
                  R"({"database.url": ")" + db_->url() + R"(", "ZAKUPAI_ADMIN_KEY": "rotated-admin-key-0123456789"})"),
        200);
    ASSERT_EQ(::kill(s.pid(), SIGHUP), 0);
    ASSERT_TRUE(s.WaitForLog("vault: ZAKUPAI_ADMIN_KEY changed in secret/zakupai; restart this instance")) << s.Log();
    // Vault gone: the next SIGHUP says so and the instance keeps serving with what it has.
    vault.Kill();
    ASSERT_EQ(::kill(s.pid(), SIGHUP), 0);
    ASSERT_TRUE(s.WaitForLog("the secrets in use stay"));
    EXPECT_EQ(s.Call("GET", "/health").status, 200);
}

TEST_P(VaultTest, AppRoleLogsInFirst) {
    FakeVault vault;
    ASSERT_EQ(vault.Put("kv/prod/zakupai", R"({"admin_key": ")" + std::string(kVaultAdminKey) + R"("})"), 200);
    Service& s = StartService({{"ZAKUPAI_VAULT_ADDR", vault.url()},
                               {"ZAKUPAI_VAULT_ROLE_ID", FakeVault::kRoleId},
                               {"ZAKUPAI_VAULT_SECRET_ID", FakeVault::kSecretId},
                               {"ZAKUPAI_VAULT_MOUNT", "kv"},
                               {"ZAKUPAI_VAULT_PATH", "prod/zakupai"}});
    EXPECT_EQ(s.Call("POST", "/billing/create_key", R"({"tg_id": 79, "plan": "free"})", kVaultAdminKey).status, 200);
}

TEST_P(VaultTest, AVaultThatCannotBeReadStopsTheStartWithTheReason) {
    FakeVault vault;
    ASSERT_EQ(vault.Put("secret/zakupai", R"({"admin_key": "x-0123456789abcdef"})"), 200);
    const auto run = [&](std::map<std::string, std::string> env) {
        return RunCli(*db_, {"serve", "--port", "0"}, env);
    };
    const auto down = run({{"ZAKUPAI_VAULT_ADDR", "http://127.0.0.1:1"}, {"ZAKUPAI_VAULT_TOKEN", "t"}});
    EXPECT_EQ(down.exit_code, 2);
    EXPECT_NE(down.output.find("vault: cannot read secret/zakupai at http://127.0.0.1:1: connection"),
              std::string::npos)
        << down.output;
    const auto denied = run({{"ZAKUPAI_VAULT_ADDR", vault.url()}, {"ZAKUPAI_VAULT_TOKEN", "hvs.wrong"}});
    EXPECT_EQ(denied.exit_code, 2);
    EXPECT_NE(denied.output.find("permission denied (HTTP 403)"), std::string::npos) << denied.output;
    const auto missing = run({{"ZAKUPAI_VAULT_ADDR", vault.url()},
                              {"ZAKUPAI_VAULT_TOKEN", FakeVault::kToken},
                              {"ZAKUPAI_VAULT_PATH", "nothing-here"}});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.output.find("vault: cannot read secret/nothing-here"), std::string::npos) << missing.output;
    EXPECT_NE(missing.output.find("no such secret (HTTP 404)"), std::string::npos) << missing.output;
    const auto bad_login = run({{"ZAKUPAI_VAULT_ADDR", vault.url()},
                                {"ZAKUPAI_VAULT_ROLE_ID", FakeVault::kRoleId},
                                {"ZAKUPAI_VAULT_SECRET_ID", "wrong"}});
    EXPECT_EQ(bad_login.exit_code, 2);
    EXPECT_NE(bad_login.output.find("AppRole login failed"), std::string::npos) << bad_login.output;
}

INSTANTIATE_TEST_SUITE_P(Backends, VaultTest, ::testing::Values(false, true), [](const auto& backend) {
    return backend.param ? "PostgreSQL" : "SQLite";
});

}  // namespace
}  // namespace zakupai::test
