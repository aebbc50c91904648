#pragma once
// multipart/form-data bodies (RFC 7578), as browsers, curl -F and n8n send file uploads. Parts
// are views into the request body, which must outlive them.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace zakupai::http {

struct MultipartPart {
    std::string name;      // the form field
    std::string filename;  // empty for plain fields
    std::string content_type;
    std::string_view body;
};

// kMalformed (400) with the reason for a missing boundary, a part without headers, an
// unterminated body, or more than `max_parts` parts.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type,
                                                  std::string_view body,
                                                  std::size_t max_parts = 32);

}  // namespace zakupai::http
