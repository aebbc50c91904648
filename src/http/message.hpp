#pragma once
// Request and response as handlers see them: plain data, no Beast types, so handler code
// compiles quickly and never depends on the transport.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/vocabulary.hpp"

namespace zakupai::http {

// Who is calling, as established by the authentication hook (0 = anonymous).
struct Caller {
    std::int64_t key_id = 0;
    std::int64_t user_id = 0;
    std::int64_t tg_id = 0;
    Plan plan = Plan::kFree;
};

struct Request {
    std::string method;                                        // "GET", "POST", ...
    std::string target;                                        // as received, with the query string
    std::string path;                                          // without the query string
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;
    std::string remote_ip;
    bool client_certificate = false;  // the TLS handshake verified a client certificate
    std::string request_id;
    std::map<std::string, std::string> path_params;  // percent-decoded
    std::map<std::string, std::string> query;        // percent-decoded, last value wins
    Caller caller;
    std::chrono::steady_clock::time_point received_at;

    std::string_view Header(std::string_view lower_name) const;
    std::string_view Query(const std::string& name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    // Extra fields of this request's access-log line (a lot's procurement method, its risk
    // level): what operators filter logs by, never sent to the client.
    std::vector<std::pair<std::string, std::string>> log_fields;

    static Response Json(std::string body, int status = 200);
    static Response Text(std::string body, std::string content_type, int status = 200);
};

// The one error body: {"detail": ..., "error": {"code", "message", "request_id", "details"}}.
// `detail` is what the original API's clients read.
Response ErrorResponse(int status,
                       std::string_view code,
                       std::string_view message,
                       std::string_view request_id,
                       const std::vector<FieldProblem>& details = {});
Response ErrorResponse(const Error& error, std::string_view request_id);
int HttpStatus(ErrorCode code);

// A path parameter that must be a positive id (lot, key, user): nullopt for anything else.
std::optional<std::int64_t> PositivePathId(const Request& request, const std::string& name);

// Query strings use '+' for a space; paths do not.
std::string PercentDecode(std::string_view text, bool plus_as_space = false);
std::map<std::string, std::string> ParseQuery(std::string_view query);

}  // namespace zakupai::http
