// TLS and mutual TLS in the server, with a CA and certificates made by openssl here: a client
// without a certificate, with one from another CA, with an expired one, and with the right one;
// plain HTTP on the TLS port; certificates replaced and re-read on SIGHUP (a broken replacement
// keeps the working ones); client certificates required for admin and service routes only.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "service.hpp"

namespace zakupai::test {
namespace {

namespace json = boost::json;

// The certificates of one test, in a directory of their own.
class Certificates {
public:
    Certificates() : dir_(std::filesystem::temp_directory_path() / ("zakupai-tls-" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_ / "ca");
        // Two CAs (ours and a stranger's); a server certificate for 127.0.0.1 and a second one
        // to reload; clients signed by our CA, by the stranger, and one that expired in 2020
        // (openssl ca is the only way to set a past validity with Debian's openssl 3.0).
        const std::string script = R"(set -e
cd ')" + dir_.string() + R"('
key() { openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null; }
openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj /CN=zakupai-test-ca -keyout ca.key -out ca.crt 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj /CN=stranger-ca -keyout stranger.key -out stranger.crt 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > san.ext
for name in server reloaded; do
  key $name $name
  openssl x509 -req -in $name.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out $name.crt 2>/dev/null
done
key client nginx
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out client.crt 2>/dev/null
key rogue rogue
openssl x509 -req -in rogue.csr -CA stranger.crt -CAkey stranger.key -CAcreateserial -days 2 -out rogue.crt 2>/dev/null
key expired expired
touch ca/index.txt
cat > ca.cnf <<CNF
[ca]
default_ca = test
[test]
database = ca/index.txt
new_certs_dir = ca
serial = ca/serial
default_md = sha256
policy = any
[any]
commonName = supplied
CNF
echo 1000 > ca/serial
openssl ca -batch -config ca.cnf -cert ca.crt -keyfile ca.key -in expired.csr -out expired.crt \
  -startdate 20200101000000Z -enddate 20200201000000Z 2>/dev/null
cp server.crt live.crt
cp server.key live.key
)";
        const auto made = Shell(script);
        EXPECT_EQ(made.exit_code, 0) << made.output;
    }
    ~Certificates() { std::filesystem::remove_all(dir_); }
    std::string operator()(const std::string& name) const { return (dir_ / name).string(); }

private:
    std::filesystem::path dir_;
};

struct Outcome {
    int curl_exit = -1;
    std::string status;  // the HTTP status curl saw, "000" when there was no answer
    std::string body;
};

// One HTTPS request by curl, trusting our CA; `client` names a certificate/key pair or "".
Outcome Curl(const Certificates& certs,
             int port,
             const std::string& client,
             const std::string& path,
             const std::string& extra = "") {
    std::string command =
        "curl -s --max-time 10 -o '" + certs("body") + "' -w '%{http_code}' --cacert '" + certs("ca.crt") + "' ";
    if (!client.empty()) {
        command += "--cert '" + certs(client + ".crt") + "' --key '" + certs(client + ".key") + "' ";
    }
    command += extra + " https://127.0.0.1:" + std::to_string(port) + path;
    const auto run = Shell(command);
    Outcome out{run.exit_code, run.output, ""};
    std::ifstream in(certs("body"));
    out.body.assign(std::istreambuf_iterator<char>(in.rdbuf()), {});
    std::filesystem::remove(certs("body"));
    return out;
}

// The subject of the certificate the server presents now.
std::string PresentedSubject(const Certificates& certs, int port) {
    return Shell("openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " -CAfile '" + certs("ca.crt") +
                 "' -cert '" + certs("client.crt") + "' -key '" + certs("client.key") +
                 "' </dev/null 2>/dev/null | openssl x509 -noout -subject")
        .output;
}

using TlsTest = BackendApiTest;

TEST_P(TlsTest, MutualTlsRefusesEveryClientButTheOneOurCaSignedAndReloadsOnSighup) {
    Certificates certs;
    service_ =
        std::make_unique<Service>(*db_,
                                  std::map<std::string, std::string>{
                                      {"ZAKUPAI_TLS_CERT_FILE", certs("live.crt")},
                                      {"ZAKUPAI_TLS_KEY_FILE", certs("live.key")},
                                      {"ZAKUPAI_TLS_CLIENT_CA_FILE", certs("ca.crt")},
                                  },
                                  [&](int port) { return Curl(certs, port, "client", "/health").status == "200"; });
    const int port = service_->port();

    const auto good = Curl(certs, port, "client", "/health");
    EXPECT_EQ(good.curl_exit, 0);
    EXPECT_EQ(good.status, "200");
    EXPECT_EQ(good.body, R"({"status":"ok"})");
    // A keyed call over mTLS reaches the API as usual.
    const auto vat = Curl(certs,
                          port,
                          "client",
                          "/calc/vat",
                          "-H 'X-API-Key: " + service_->admin_key() + "' -H 'Content-Type: application/json' " +
                              "-d '{\"amount\": 1160, \"date\": \"2025-06-01\", \"includes_vat\": true}'");
    EXPECT_EQ(vat.status, "200") << vat.body;
    EXPECT_NE(vat.body.find(R"("vat":124.29)"), std::string::npos) << vat.body;

    // Refused at the handshake: curl gets no HTTP answer at all (status 000).
    for (const std::string client : {"", "rogue", "expired"}) {
        const auto refused = Curl(certs, port, client, "/health");
        EXPECT_NE(refused.curl_exit, 0) << "client '" << client << "'";
        EXPECT_EQ(refused.status, "000") << "client '" << client << "'";
    }
    const auto plain = Shell(
        "curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:" + std::to_string(port) + "/health");
    EXPECT_EQ(plain.output, "000");

    // New certificate files, then SIGHUP: new connections get the new certificate.
    EXPECT_NE(PresentedSubject(certs, port).find("CN = server"), std::string::npos);
    std::filesystem::copy_file(
        certs("reloaded.crt"), certs("live.crt"), std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(
        certs("reloaded.key"), certs("live.key"), std::filesystem::copy_options::overwrite_existing);
    ASSERT_EQ(::kill(service_->pid(), SIGHUP), 0);
    ASSERT_TRUE(service_->WaitForLog("tls: certificates re-read"));
    EXPECT_NE(PresentedSubject(certs, port).find("CN = reloaded"), std::string::npos);

    // A broken replacement is refused and the working certificate stays in use.
    std::ofstream(certs("live.key")) << "not a key\n";
    ASSERT_EQ(::kill(service_->pid(), SIGHUP), 0);
    ASSERT_TRUE(service_->WaitForLog("the certificates in use stay"));
    EXPECT_NE(PresentedSubject(certs, port).find("CN = reloaded"), std::string::npos);
    EXPECT_EQ(Curl(certs, port, "client", "/health").status, "200");
    EXPECT_EQ(service_->Stop(), 0);
}

TEST_P(TlsTest, AdminModeAsksACertificateOnlyOfAdminAndServiceRoutes) {
    Certificates certs;
    service_ = std::make_unique<Service>(*db_,
                                         std::map<std::string, std::string>{
                                             {"ZAKUPAI_TLS_CERT_FILE", certs("server.crt")},
                                             {"ZAKUPAI_TLS_KEY_FILE", certs("server.key")},
                                             {"ZAKUPAI_TLS_CLIENT_CA_FILE", certs("ca.crt")},
                                             {"ZAKUPAI_TLS_CLIENT_AUTH", "admin"},
                                         },
                                         [&](int port) { return Curl(certs, port, "", "/health").status == "200"; });
    const int port = service_->port();
    const std::string admin = "-H 'X-API-Key: " + service_->admin_key() + "' -H 'Content-Type: application/json' ";
    const std::string create = admin + "-d '{\"tg_id\": 4242, \"plan\": \"free\"}'";

    // Public and user routes: any TLS client.
    EXPECT_EQ(Curl(certs, port, "", "/health").status, "200");
    EXPECT_EQ(Curl(certs, port, "", "/calc/vat", admin + "-d '{\"amount\": 100}'").status, "200");
    // An admin route without a certificate: 403 with the one error body, even with the admin key.
    const auto refused = Curl(certs, port, "", "/billing/create_key", create);
    EXPECT_EQ(refused.status, "403");
    const auto error = json::parse(refused.body).as_object();
    EXPECT_EQ(error.at("error").at("code").as_string(), "client_certificate_required");
    // With our CA's certificate it goes through; a stranger's certificate fails the handshake.
    const auto created = Curl(certs, port, "client", "/billing/create_key", create);
    EXPECT_EQ(created.status, "200") << created.body;
    EXPECT_NE(created.body.find("\"api_key\""), std::string::npos) << created.body;
    EXPECT_EQ(Curl(certs, port, "rogue", "/health").status, "000");
}

TEST_P(TlsTest, ACertificateThatCannotBeReadStopsTheStartWithItsName) {
    Certificates certs;
    const auto run =
        RunCli(*db_,
               {"serve", "--port", "0"},
               {{"ZAKUPAI_TLS_CERT_FILE", certs("missing.crt")}, {"ZAKUPAI_TLS_KEY_FILE", certs("server.key")}});
    EXPECT_NE(run.exit_code, 0);
    EXPECT_NE(run.output.find("tls: cannot use certificate " + certs("missing.crt")), std::string::npos) << run.output;
    const auto half = RunCli(*db_, {"serve", "--port", "0"}, {{"ZAKUPAI_TLS_CERT_FILE", certs("server.crt")}});
    EXPECT_EQ(half.exit_code, 2);
    EXPECT_NE(half.output.find("ZAKUPAI_TLS_KEY_FILE"), std::string::npos) << half.output;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, TlsTest, ::testing::Values(false), [](const auto&) { return "SQLite"; });

}  // namespace
}  // namespace zakupai::test
