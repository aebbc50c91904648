#pragma once
// Expected failures travel as values (Result<T>); outages are exceptions caught at one
// boundary; bugs are asserts. ErrorCode numbers are stable and never reused.
#include <cstdint>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

namespace zakupai {

enum class ErrorCode : std::uint16_t {
    kInvalidArgument = 1,   // a field failed validation (HTTP 422)
    kMalformed = 2,         // the request could not be parsed at all (HTTP 400)
    kNotFound = 3,          // 404
    kUnauthenticated = 4,   // 401
    kPermissionDenied = 5,  // 403
    kQuotaExceeded = 6,     // 429
    kConflict = 7,          // 409
    kUnavailable = 8,       // 503: a dependency is down
    kInternal = 9,          // 500: a bug; never for client input
};

std::string_view ErrorCodeName(ErrorCode code);

// One offending input field: {"field":"amount","problem":"must be >= 0"}.
struct FieldProblem {
    std::string field;
    std::string problem;
    bool operator==(const FieldProblem&) const = default;
};

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;                   // safe to show to the client
    std::vector<FieldProblem> details;     // per-field problems for kInvalidArgument
    std::int64_t retry_after_seconds = 0;  // for kQuotaExceeded: when to try again

    static Error Invalid(std::string field, std::string problem) {
        std::string message = field + ": " + problem;
        return Error{ErrorCode::kInvalidArgument, std::move(message), {{std::move(field), std::move(problem)}}};
    }
    static Error Invalid(std::vector<FieldProblem> problems);
    static Error NotFound(std::string message) { return Error{ErrorCode::kNotFound, std::move(message), {}}; }
};

// An expected failure travels as a value that must be looked at: dropping a Result on the floor
// is a compile error (-Werror), not a silently ignored 422.
template <class T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
public:
    using tl::expected<T, Error>::expected;
    Result() = default;
    // NOLINTNEXTLINE(google-explicit-constructor): a plain expected converts, as before.
    Result(tl::expected<T, Error> other) : tl::expected<T, Error>(std::move(other)) {}
};

inline tl::unexpected<Error> Fail(Error error) {
    return tl::unexpected<Error>(std::move(error));
}

}  // namespace zakupai

// Invariants that hold unless the code is wrong; always on, also in release builds.
#define ZAKUPAI_ASSERT(cond)                                    \
    do {                                                        \
        if (!(cond))                                            \
            ::zakupai::AssertFailed(#cond, __FILE__, __LINE__); \
    } while (false)

// Checks too costly or too fussy for release builds (a JSON writer's balanced scopes).
#ifdef NDEBUG
#define ZAKUPAI_DEBUG_ASSERT(cond) \
    do {                           \
    } while (false)
#else
#define ZAKUPAI_DEBUG_ASSERT(cond) ZAKUPAI_ASSERT(cond)
#endif

namespace zakupai {
[[noreturn]] void AssertFailed(const char* expr, const char* file, int line);
}
