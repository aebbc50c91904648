#include "http/message.hpp"

#include <algorithm>
#include <boost/url/pct_string_view.hpp>

#include "core/json.hpp"
#include "core/numbers.hpp"

namespace zakupai::http {

std::string_view Request::Header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
        if (name == lower_name) {
            return value;
        }
    }
    return {};
}

std::string_view Request::Query(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string_view{} : std::string_view(it->second);
}

Response Response::Json(std::string body, int status) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

Response Response::Text(std::string body, std::string content_type, int status) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
}

int HttpStatus(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument:
            return 422;
        case ErrorCode::kMalformed:
            return 400;
        case ErrorCode::kNotFound:
            return 404;
        case ErrorCode::kUnauthenticated:
            return 401;
        case ErrorCode::kPermissionDenied:
            return 403;
        case ErrorCode::kQuotaExceeded:
            return 429;
        case ErrorCode::kConflict:
            return 409;
        case ErrorCode::kUnavailable:
            return 503;
        case ErrorCode::kInternal:
            return 500;
    }
    return 500;
}

Response ErrorResponse(int status,
                       std::string_view code,
                       std::string_view message,
                       std::string_view request_id,
                       const std::vector<FieldProblem>& details) {
    JsonWriter w;
    w.BeginObject().Field("detail", message).Key("error").BeginObject();
    w.Field("code", code).Field("message", message).Field("request_id", request_id);
    w.Key("details").BeginArray();
    for (const auto& p : details) {
        w.BeginObject().Field("field", p.field).Field("problem", p.problem).EndObject();
    }
    w.EndArray().EndObject().EndObject();
    return Response::Json(w.Take(), status);
}

Response ErrorResponse(const Error& error, std::string_view request_id) {
    Response r =
        ErrorResponse(HttpStatus(error.code), ErrorCodeName(error.code), error.message, request_id, error.details);
    if (error.retry_after_seconds > 0) {
        r.headers.emplace_back("Retry-After", std::to_string(error.retry_after_seconds));
    }
    return r;
}

std::string PercentDecode(std::string_view text, bool plus_as_space) {
    // Boost.URL validates and decodes; a component with a broken escape ("%zz", a cut "%2") is
    // kept as it was sent, as the original API did, rather than refusing the whole request.
    auto encoded = boost::urls::make_pct_string_view(boost::core::string_view(text.data(), text.size()));
    if (!encoded) {
        std::string raw(text);
        if (plus_as_space) {
            std::replace(raw.begin(), raw.end(), '+', ' ');
        }
        return raw;
    }
    return encoded->decode(boost::urls::encoding_opts(plus_as_space));
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
    std::map<std::string, std::string> params;
    // Splitting on '&' and '=' is all there is to the grammar; Boost.URL's params view would
    // refuse the whole query for one broken escape, so each key and value is decoded on its own.
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const auto eq = pair.find('=');
        params[PercentDecode(pair.substr(0, eq), true)] =
            eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), true);
    }
    return params;
}

std::optional<std::int64_t> PositivePathId(const Request& request, const std::string& name) {
    const auto found = request.path_params.find(name);
    const auto id = found == request.path_params.end() ? std::nullopt : ParseWholeNumber(found->second);
    return id && *id > 0 ? id : std::nullopt;
}

}  // namespace zakupai::http
