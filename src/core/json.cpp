#include "core/json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace zakupai {

namespace json = boost::json;

namespace {

// Boost.JSON reads 1e-999999 as 0 and 1e999999 as infinity without a word. Such a double is rare
// in a body, so the text is only looked at when the parsed value holds one.
bool HoldsSuspectDouble(const json::value& v) {
    switch (v.kind()) {
        case json::kind::double_: {
            const double d = v.get_double();
            return d == 0 || !std::isnormal(d);
        }
        case json::kind::array:
            return std::any_of(v.get_array().begin(), v.get_array().end(), HoldsSuspectDouble);
        case json::kind::object:
            return std::any_of(v.get_object().begin(), v.get_object().end(), [](const auto& kv) {
                return HoldsSuspectDouble(kv.value());
            });
        default:
            return false;
    }
}

// Where each number sits ("offers[2].bid"), in document order.
void NumberPaths(const json::value& v, const std::string& path, std::vector<std::string>& out) {
    if (v.is_number()) {
        out.push_back(path.empty() ? "body" : path);
    } else if (v.is_array()) {
        for (std::size_t i = 0; i < v.get_array().size(); ++i) {
            NumberPaths(v.get_array()[i], path + "[" + std::to_string(i) + "]", out);
        }
    } else if (v.is_object()) {
        for (const auto& [key, child] : v.get_object()) {
            NumberPaths(child, path.empty() ? std::string(key) : path + "." + std::string(key), out);
        }
    }
}

// The number tokens of a JSON text, in document order (strings skipped).
std::vector<std::string_view> NumberTokens(std::string_view text) {
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c == '"') {
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                i += text[i] == '\\' ? 1 : 0;
            }
            ++i;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            const auto end = text.find_first_not_of("+-0123456789.eE", i);
            const auto stop = end == std::string_view::npos ? text.size() : end;
            out.push_back(text.substr(i, stop - i));
            i = stop;
        } else {
            ++i;
        }
    }
    return out;
}

std::optional<Error> UnrepresentableNumber(const json::value& value, std::string_view text) {
    if (!HoldsSuspectDouble(value)) {
        return std::nullopt;
    }
    std::vector<std::string> paths;
    NumberPaths(value, "", paths);
    const auto tokens = NumberTokens(text);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        double parsed = 0;
        const auto* end = tokens[i].data() + tokens[i].size();
        const auto [ptr, ec] = std::from_chars(tokens[i].data(), end, parsed);
        if (ec != std::errc::result_out_of_range) {
            continue;
        }
        // A duplicated key leaves fewer values than tokens: then the body is all we can name.
        const std::string field = paths.size() == tokens.size() ? paths[i] : "body";
        const bool huge = std::isinf(std::strtod(std::string(tokens[i]).c_str(), nullptr));
        const std::string shown(tokens[i].substr(0, 40));
        return Error::Invalid(
            field,
            huge ? shown + " is too large to represent" : shown + " is too small to represent (it would read as 0)");
    }
    return std::nullopt;
}

}  // namespace

Result<json::object> ParseJsonObject(std::string_view body) {
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 64;
    json::value value = json::parse(body, ec, {}, options);
    if (ec) {
        return Fail(Error{ErrorCode::kMalformed, "request body is not valid JSON: " + ec.message(), {}});
    }
    if (!value.is_object()) {
        return Fail(Error::Invalid("body", "must be a JSON object"));
    }
    if (auto bad = UnrepresentableNumber(value, body)) {
        return Fail(std::move(*bad));
    }
    return std::move(value.as_object());
}

namespace {
// "1.5e+03" -> "1500", "1e-07" -> "0.0000001".
std::string ExpandExponent(std::string_view text) {
    const auto e = text.find_first_of("eE");
    if (e == std::string_view::npos) {
        return std::string(text);
    }
    std::string mantissa(text.substr(0, e));
    int exponent = 0;
    std::string_view exp_text = text.substr(e + 1);
    if (!exp_text.empty() && exp_text[0] == '+') {
        exp_text.remove_prefix(1);
    }
    std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
    if (exponent > 40 || exponent < -40) {
        return "x";  // absurd magnitudes are rejected by the parser
    }
    bool negative = !mantissa.empty() && mantissa[0] == '-';
    if (negative) {
        mantissa.erase(0, 1);
    }
    auto dot = mantissa.find('.');
    std::string digits = mantissa;
    int point = static_cast<int>(mantissa.size());
    if (dot != std::string::npos) {
        digits.erase(dot, 1);
        point = static_cast<int>(dot);
    }
    point += exponent;
    std::string out;
    if (point <= 0) {
        out = "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
    } else if (point >= static_cast<int>(digits.size())) {
        out = digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0');
    } else {
        out = digits.substr(0, static_cast<std::size_t>(point)) + "." + digits.substr(static_cast<std::size_t>(point));
    }
    return negative ? "-" + out : out;
}

}  // namespace

std::optional<std::string> DecimalText(const json::value& value) {
    if (value.is_int64()) {
        return std::to_string(value.get_int64());
    }
    if (value.is_uint64()) {
        return std::to_string(value.get_uint64());
    }
    if (value.is_double()) {
        const double d = value.get_double();
        if (!std::isfinite(d)) {
            return std::nullopt;
        }
        char buffer[64];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
        if (ec != std::errc{}) {
            return std::nullopt;
        }
        return ExpandExponent(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
    }
    if (value.is_string()) {
        std::string_view s = value.get_string();
        if (s.empty() || s.size() > 40) {
            return std::nullopt;
        }
        return ExpandExponent(s);
    }
    return std::nullopt;
}

bool JsonFields::Has(std::initializer_list<std::string_view> names) const {
    for (auto name : names) {
        auto it = object_.find(name);
        if (it != object_.end() && !it->value().is_null()) {
            return true;
        }
    }
    return false;
}

const json::value* JsonFields::Find(std::initializer_list<std::string_view> names, bool required, std::string& found) {
    for (auto name : names) {
        auto it = object_.find(name);
        if (it != object_.end() && !it->value().is_null()) {
            found = std::string(name);
            if (std::find(read_.begin(), read_.end(), found) == read_.end()) {
                read_.push_back(found);
            }
            return &it->value();
        }
    }
    found = std::string(*names.begin());
    if (required) {
        Problem(found, "is required");
    }
    return nullptr;
}

std::optional<std::int64_t> JsonFields::Scaled(std::initializer_list<std::string_view> names,
                                               int scale,
                                               std::optional<std::int64_t> min,
                                               std::optional<std::int64_t> max,
                                               bool required) {
    std::string field;
    const json::value* value = Find(names, required, field);
    if (value == nullptr) {
        return std::nullopt;
    }
    auto text = DecimalText(*value);
    if (!text) {
        Problem(field, "must be a number");
        return std::nullopt;
    }
    auto parsed = ParseScaledDecimal(*text, scale);
    if (!parsed) {
        Problem(field, parsed.error().message);
        return std::nullopt;
    }
    if (min && *parsed < *min) {
        Problem(field, "must be >= " + FormatTrimmedDecimal(*min, scale));
        return std::nullopt;
    }
    if (max && *parsed > *max) {
        Problem(field, "must be <= " + FormatTrimmedDecimal(*max, scale));
        return std::nullopt;
    }
    return *parsed;
}

std::optional<Tiyn> JsonFields::Money(std::initializer_list<std::string_view> names, bool required) {
    return Scaled(names, 2, 0, kMaxAmountTiyn, required);
}

std::optional<std::int64_t> JsonFields::Int(std::initializer_list<std::string_view> names,
                                            std::int64_t min,
                                            std::int64_t max,
                                            bool required) {
    std::string field;
    const json::value* value = Find(names, required, field);
    if (value == nullptr) {
        return std::nullopt;
    }
    std::int64_t result = 0;
    if (value->is_int64()) {
        result = value->get_int64();
    } else if (value->is_uint64()) {
        Problem(field, "must be <= " + std::to_string(max));
        return std::nullopt;
    } else if (value->is_string()) {
        // Numeric strings are accepted: the bot sends {"lot_id":"12345"}.
        std::string_view s = value->get_string();
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), result);
        if (ec != std::errc{} || end != s.data() + s.size()) {
            Problem(field, "must be an integer");
            return std::nullopt;
        }
    } else {
        Problem(field, "must be an integer");
        return std::nullopt;
    }
    if (result < min) {
        Problem(field, "must be >= " + std::to_string(min));
        return std::nullopt;
    }
    if (result > max) {
        Problem(field, "must be <= " + std::to_string(max));
        return std::nullopt;
    }
    return result;
}

std::optional<bool> JsonFields::Bool(std::initializer_list<std::string_view> names, bool required) {
    std::string field;
    const json::value* value = Find(names, required, field);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_bool()) {
        Problem(field, "must be true or false");
        return std::nullopt;
    }
    return value->get_bool();
}

std::optional<std::string> JsonFields::String(std::initializer_list<std::string_view> names,
                                              std::size_t min_length,
                                              std::size_t max_length,
                                              bool required) {
    std::string field;
    const json::value* value = Find(names, required, field);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        Problem(field, "must be a string");
        return std::nullopt;
    }
    std::string_view s = value->get_string();
    if (s.size() < min_length) {
        Problem(field, fmt::format("must be at least {} characters", min_length));
        return std::nullopt;
    }
    if (s.size() > max_length) {
        Problem(field, fmt::format("must be at most {} characters", max_length));
        return std::nullopt;
    }
    return std::string(s);
}

std::optional<Date> JsonFields::Day(std::initializer_list<std::string_view> names, bool required) {
    std::string field;
    const json::value* value = Find(names, required, field);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        Problem(field, "must be a date string YYYY-MM-DD");
        return std::nullopt;
    }
    auto date = ParseIsoDate(value->get_string());
    if (!date) {
        Problem(field, date.error().message);
        return std::nullopt;
    }
    return *date;
}

std::optional<std::string> JsonFields::Choice(std::initializer_list<std::string_view> names,
                                              const std::vector<std::string_view>& allowed,
                                              bool required) {
    std::string field;
    const json::value* value = Find(names, required, field);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->is_string()) {
        for (auto word : allowed) {
            if (value->get_string() == word) {
                return std::string(word);
            }
        }
    }
    std::string list;
    for (auto word : allowed) {
        list += (list.empty() ? "" : ", ") + std::string(word);
    }
    Problem(field, "must be one of: " + list);
    return std::nullopt;
}

json::object JsonFields::ReadFields() const {
    json::object out;
    for (const auto& name : read_) {
        out[name] = object_.at(name);
    }
    return out;
}

Result<void> JsonFields::Finish() const {
    if (problems_.empty()) {
        return {};
    }
    return Fail(Error::Invalid(problems_));
}

void AppendJsonEscaped(std::string& out, std::string_view text) {
    out += '"';
    // Copy runs of characters that need no escaping in one append.
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool plain = c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20;
        if (plain) {
            continue;
        }
        out.append(text.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        }
    }
    out.append(text.data() + run, text.size() - run);
    out += '"';
}

void JsonWriter::Separate() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!scopes_.empty()) {
        ZAKUPAI_DEBUG_ASSERT(!scopes_.back().object);  // an object's value needs its Key() first
        if (!scopes_.back().first) {
            out_ += ',';
        }
        scopes_.back().first = false;
    } else {
        ZAKUPAI_DEBUG_ASSERT(out_.empty());  // one top-level value per document
    }
}

JsonWriter& JsonWriter::BeginObject() {
    Separate();
    out_ += '{';
    scopes_.push_back({true, true});
    return *this;
}
JsonWriter& JsonWriter::EndObject() {
    ZAKUPAI_DEBUG_ASSERT(!scopes_.empty() && scopes_.back().object && !after_key_);
    out_ += '}';
    scopes_.pop_back();
    return *this;
}
JsonWriter& JsonWriter::BeginArray() {
    Separate();
    out_ += '[';
    scopes_.push_back({false, true});
    return *this;
}
JsonWriter& JsonWriter::EndArray() {
    ZAKUPAI_DEBUG_ASSERT(!scopes_.empty() && !scopes_.back().object);
    out_ += ']';
    scopes_.pop_back();
    return *this;
}
JsonWriter& JsonWriter::Key(std::string_view key) {
    ZAKUPAI_DEBUG_ASSERT(!scopes_.empty() && scopes_.back().object && !after_key_);
    if (!scopes_.empty()) {
        if (!scopes_.back().first) {
            out_ += ',';
        }
        scopes_.back().first = false;
    }
    AppendJsonEscaped(out_, key);
    out_ += ':';
    after_key_ = true;
    return *this;
}
JsonWriter& JsonWriter::String(std::string_view value) {
    Separate();
    AppendJsonEscaped(out_, value);
    return *this;
}
JsonWriter& JsonWriter::Int(std::int64_t value) {
    Separate();
    out_ += std::to_string(value);
    return *this;
}
JsonWriter& JsonWriter::Bool(bool value) {
    Separate();
    out_ += value ? "true" : "false";
    return *this;
}
JsonWriter& JsonWriter::Null() {
    Separate();
    out_ += "null";
    return *this;
}
JsonWriter& JsonWriter::Decimal(std::int64_t scaled, int scale) {
    Separate();
    out_ += FormatScaledDecimal(scaled, scale);
    return *this;
}
JsonWriter& JsonWriter::Raw(std::string_view json_text) {
    Separate();
    out_ += json_text;
    return *this;
}

}  // namespace zakupai
