#pragma once
// The wire under the OWS client: one HTTP exchange, no retries. The real one is libcurl;
// tests of the retry logic substitute a scripted one.
#include <atomic>
#include <optional>
#include <string>
#include <tl/expected.hpp>
#include <vector>

namespace zakupai::net {

struct HttpReply {
    int status = 0;
    std::string body;
    std::optional<int> retry_after_seconds;  // from a Retry-After header in seconds
};

// A transport-level failure: no HTTP status was received (or the body was cut short).
struct TransportFailure {
    std::string kind;  // "timeout", "connection", "truncated", "cancelled"
    std::string message;
};

using TransportResult = tl::expected<HttpReply, TransportFailure>;

// One part of a multipart/form-data body: a field, or a file when `filename` is set.
struct FormPart {
    std::string name;
    std::string value;
    std::string filename;
    std::string content_type;
};

class Transport {
public:
    virtual ~Transport() = default;
    // `path` is server-relative and may carry a query string (REST next_page values do).
    virtual TransportResult Get(const std::string& path) = 0;
    virtual TransportResult PostJson(const std::string& path, const std::string& body) = 0;
    // A file upload; transports that never carry one (scripted test doubles) need not have it.
    virtual TransportResult PostForm(const std::string& path, const std::vector<FormPart>& parts);
};

struct CurlOptions {
    std::string base_url;  // https://ows.goszakup.gov.kz
    std::string token;     // sent as "Authorization: Bearer <token>", never logged
    int timeout_ms = 30'000;
    // When set and true, an exchange in progress ends at once as a "cancelled" failure: a long
    // poll must not hold up the process's shutdown.
    const std::atomic<bool>* cancel = nullptr;
    std::vector<std::string> headers = {};  // more request headers ("X-Vault-Token: ..."), never logged
};

// libcurl; safe to use from several threads (one easy handle per exchange).
class CurlTransport : public Transport {
public:
    explicit CurlTransport(CurlOptions options);
    TransportResult Get(const std::string& path) override;
    TransportResult PostJson(const std::string& path, const std::string& body) override;
    TransportResult PostForm(const std::string& path, const std::vector<FormPart>& parts) override;

private:
    TransportResult Exchange(const std::string& path,
                             const std::string* post_body,
                             const std::vector<FormPart>* form = nullptr);
    CurlOptions options_;
};

}  // namespace zakupai::net
