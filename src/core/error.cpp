#include "core/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace zakupai {

std::string_view ErrorCodeName(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument:
            return "validation_error";
        case ErrorCode::kMalformed:
            return "bad_request";
        case ErrorCode::kNotFound:
            return "not_found";
        case ErrorCode::kUnauthenticated:
            return "unauthorized";
        case ErrorCode::kPermissionDenied:
            return "forbidden";
        case ErrorCode::kQuotaExceeded:
            return "rate_limited";
        case ErrorCode::kConflict:
            return "conflict";
        case ErrorCode::kUnavailable:
            return "unavailable";
        case ErrorCode::kInternal:
            return "internal_error";
    }
    return "internal_error";
}

Error Error::Invalid(std::vector<FieldProblem> problems) {
    std::string message;
    for (const auto& p : problems) {
        if (!message.empty()) {
            message += "; ";
        }
        message += p.field + ": " + p.problem;
    }
    return Error{ErrorCode::kInvalidArgument, std::move(message), std::move(problems)};
}

void AssertFailed(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "assertion failed: %s at %s:%d\n", expr, file, line);
    std::abort();
}

}  // namespace zakupai
