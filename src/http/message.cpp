#include "http/message.hpp"

#include "core/json.hpp"

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
    std::string out;
    out.reserve(text.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
            i += 2;
        } else if (text[i] == '+' && plus_as_space) {
            out += ' ';
        } else {
            out += text[i];
        }
    }
    return out;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
    std::map<std::string, std::string> params;
    while (!query.empty()) {
        const auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const auto eq = pair.find('=');
        std::string key = PercentDecode(pair.substr(0, eq), true);
        std::string value = eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), true);
        params[std::move(key)] = std::move(value);
    }
    return params;
}

}  // namespace zakupai::http
