#include "http/multipart.hpp"

#include <algorithm>
#include <cctype>

namespace zakupai::http {

namespace {

Error Malformed(std::string message) {
    return Error{ErrorCode::kMalformed, "malformed multipart body: " + std::move(message), {}};
}

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// The value of `key` in a header like `form-data; name="file"; filename="a b.csv"`.
std::string Parameter(std::string_view header, std::string_view key) {
    std::size_t pos = 0;
    while (pos < header.size()) {
        auto semi = header.find(';', pos);
        if (semi == std::string_view::npos) {
            return {};
        }
        pos = semi + 1;
        while (pos < header.size() && header[pos] == ' ') {
            ++pos;
        }
        const auto eq = header.find('=', pos);
        if (eq == std::string_view::npos) {
            return {};
        }
        const bool match = Lower(header.substr(pos, eq - pos)) == key;
        std::string value;
        std::size_t i = eq + 1;
        if (i < header.size() && header[i] == '"') {
            for (++i; i < header.size() && header[i] != '"'; ++i) {
                if (header[i] == '\\' && i + 1 < header.size()) {
                    ++i;
                }
                value += header[i];
            }
            ++i;
        } else {
            for (; i < header.size() && header[i] != ';'; ++i) {
                value += header[i];
            }
            while (!value.empty() && value.back() == ' ') {
                value.pop_back();
            }
        }
        if (match) {
            return value;
        }
        pos = i;
    }
    return {};
}

}  // namespace

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type,
                                                  std::string_view body,
                                                  std::size_t max_parts) {
    if (Lower(content_type.substr(0, std::min<std::size_t>(content_type.size(), 19))) != "multipart/form-data") {
        return Fail(Malformed("Content-Type must be multipart/form-data"));
    }
    const std::string boundary = Parameter(content_type, "boundary");
    if (boundary.empty() || boundary.size() > 200) {
        return Fail(Malformed("the Content-Type has no boundary"));
    }
    const std::string delimiter = "--" + boundary;
    auto pos = body.find(delimiter);
    if (pos == std::string_view::npos) {
        return Fail(Malformed("the body does not contain the boundary"));
    }
    std::vector<MultipartPart> parts;
    for (;;) {
        pos += delimiter.size();
        if (body.substr(pos, 2) == "--") {
            return parts;  // the closing delimiter
        }
        if (body.substr(pos, 2) != "\r\n") {
            return Fail(Malformed("a boundary is not followed by a line break"));
        }
        pos += 2;
        const auto headers_end = body.find("\r\n\r\n", pos);
        if (headers_end == std::string_view::npos || headers_end - pos > 8192) {
            return Fail(Malformed("a part has no header block"));
        }
        MultipartPart part;
        std::string_view headers = body.substr(pos, headers_end - pos);
        while (!headers.empty()) {
            const auto eol = headers.find("\r\n");
            const std::string_view line = headers.substr(0, eol);
            const auto colon = line.find(':');
            if (colon != std::string_view::npos) {
                const std::string name = Lower(line.substr(0, colon));
                std::string_view value = line.substr(colon + 1);
                while (!value.empty() && value.front() == ' ') {
                    value.remove_prefix(1);
                }
                if (name == "content-disposition") {
                    part.name = Parameter(value, "name");
                    part.filename = Parameter(value, "filename");
                } else if (name == "content-type") {
                    part.content_type = std::string(value);
                }
            }
            headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
        }
        const auto content_start = headers_end + 4;
        const auto next = body.find("\r\n" + delimiter, content_start);
        if (next == std::string_view::npos) {
            return Fail(Malformed("the body ends before the closing boundary"));
        }
        part.body = body.substr(content_start, next - content_start);
        if (part.name.empty()) {
            return Fail(Malformed("a part has no form field name"));
        }
        parts.push_back(std::move(part));
        if (parts.size() > max_parts) {
            return Fail(Malformed("more than " + std::to_string(max_parts) + " parts"));
        }
        pos = next + 2;
    }
}

}  // namespace zakupai::http
