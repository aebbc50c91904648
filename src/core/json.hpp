#pragma once
// Reading request JSON into typed values with per-field problems, and writing response JSON
// with money as exact two-decimal numbers (Boost.JSON would print 1160.0 as 1.16E3).
#include <boost/json/value.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/money.hpp"
#include "core/time.hpp"
#include "core/vocabulary.hpp"

namespace zakupai {

// Parses a request body that must be a JSON object. Malformed JSON is kMalformed (HTTP 400);
// valid JSON of another type is kInvalidArgument naming "body".
Result<boost::json::object> ParseJsonObject(std::string_view body);

// The decimal text a client wrote for a JSON number or numeric string, without exponent:
// 1.5e3 -> "1500". Doubles are printed shortest-round-trip, which is what the client sent.
std::optional<std::string> DecimalText(const boost::json::value& value);

// Reads fields of one JSON object, collecting every problem instead of stopping at the first,
// so a 422 names all offending fields at once. Each field may have aliases (older clients'
// names); the first present wins. Unknown fields are ignored, as the original API did.
class JsonFields {
public:
    explicit JsonFields(const boost::json::object& object) : object_(object) {}

    bool Has(std::initializer_list<std::string_view> names) const;

    // Integer scaled by 10^scale (money: scale 2 -> tiyn; percents: scale 2 -> basis points).
    std::optional<std::int64_t> Scaled(std::initializer_list<std::string_view> names,
                                       int scale,
                                       std::optional<std::int64_t> min,
                                       std::optional<std::int64_t> max,
                                       bool required);
    std::optional<Tiyn> Money(std::initializer_list<std::string_view> names, bool required);
    std::optional<std::int64_t> Int(std::initializer_list<std::string_view> names,
                                    std::int64_t min,
                                    std::int64_t max,
                                    bool required);
    std::optional<bool> Bool(std::initializer_list<std::string_view> names, bool required);
    std::optional<std::string> String(std::initializer_list<std::string_view> names,
                                      std::size_t min_length,
                                      std::size_t max_length,
                                      bool required);
    std::optional<Date> Day(std::initializer_list<std::string_view> names, bool required);
    // One of the allowed words (case-sensitive); the problem lists them.
    std::optional<std::string> Choice(std::initializer_list<std::string_view> names,
                                      const std::vector<std::string_view>& allowed,
                                      bool required);

    // A word of the domain's vocabulary, by its name or an alias; the problem lists what is accepted.
    template <class E>
    std::optional<E> Word(std::initializer_list<std::string_view> names, bool required) {
        std::string field;
        const boost::json::value* value = Find(names, required, field);
        if (value == nullptr) {
            return std::nullopt;
        }
        if (value->is_string()) {
            if (auto word = Parse<E>(value->get_string())) {
                return word;
            }
        }
        Problem(field, "must be one of: " + AcceptedList<E>());
        return std::nullopt;
    }

    void Problem(std::string field, std::string problem) {
        problems_.push_back({std::move(field), std::move(problem)});
    }
    const std::vector<FieldProblem>& problems() const { return problems_; }
    // The fields read so far, under the names the client used: what a request meant, without
    // whatever else it carried.
    const std::vector<std::string>& read() const { return read_; }
    boost::json::object ReadFields() const;
    // Ok when nothing was wrong, else a kInvalidArgument error naming every field.
    Result<void> Finish() const;

private:
    // The value and the name it was found under; missing (and null) gives nullptr and records
    // "is required" when required.
    const boost::json::value* Find(std::initializer_list<std::string_view> names, bool required, std::string& found);

    const boost::json::object& object_;
    std::vector<FieldProblem> problems_;
    std::vector<std::string> read_;
};

// A small streaming writer: commas and quoting are handled, money is written as 1234.56. Debug
// builds assert that scopes balance, that an object's values follow keys and that a document is
// whole before it is taken.
class JsonWriter {
public:
    JsonWriter() { out_.reserve(512); }
    JsonWriter& BeginObject();
    JsonWriter& EndObject();
    JsonWriter& BeginArray();
    JsonWriter& EndArray();
    JsonWriter& Key(std::string_view key);
    JsonWriter& String(std::string_view value);
    JsonWriter& Int(std::int64_t value);
    JsonWriter& Bool(bool value);
    JsonWriter& Null();
    JsonWriter& Money(Tiyn amount) { return Decimal(amount, 2); }
    JsonWriter& Decimal(std::int64_t scaled, int scale);  // 1600, 2 -> 16.00
    JsonWriter& Raw(std::string_view json);               // an already serialised JSON value

    // Key + value shorthands.
    JsonWriter& Field(std::string_view key, std::string_view value) { return Key(key).String(value); }
    JsonWriter& Field(std::string_view key, const char* value) { return Key(key).String(value); }
    JsonWriter& Field(std::string_view key, std::int64_t value) { return Key(key).Int(value); }
    JsonWriter& Field(std::string_view key, int value) { return Key(key).Int(value); }
    JsonWriter& Field(std::string_view key, bool value) { return Key(key).Bool(value); }
    JsonWriter& MoneyField(std::string_view key, Tiyn amount) { return Key(key).Money(amount); }
    // The string, or null when there is none.
    JsonWriter& OptionalField(std::string_view key, const std::optional<std::string>& value) {
        Key(key);
        return value ? String(*value) : Null();
    }

    const std::string& str() const {
        ZAKUPAI_DEBUG_ASSERT(Complete());
        return out_;
    }
    std::string Take() {
        ZAKUPAI_DEBUG_ASSERT(Complete());
        return std::move(out_);
    }
    // Every scope closed and no key waiting for its value.
    bool Complete() const { return scopes_.empty() && !after_key_; }

private:
    struct Scope {
        bool object = false;
        bool first = true;
    };
    // Before a value: the comma, and (debug) that an object's value has its key.
    void Separate();
    std::string out_;
    std::vector<Scope> scopes_;
    bool after_key_ = false;
};

void AppendJsonEscaped(std::string& out, std::string_view text);

}  // namespace zakupai
