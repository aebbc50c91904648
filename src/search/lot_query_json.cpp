#include "search/lot_query_json.hpp"

#include <algorithm>

#include "core/bin.hpp"
#include "core/json.hpp"
#include "core/numbers.hpp"

namespace zakupai::search {

namespace json = boost::json;

namespace {

// "a,b" or ["a","b"] or "a".
std::vector<std::string> Words(JsonFields& f, const json::object& body, const char* name, std::size_t max) {
    std::vector<std::string> out;
    const auto* v = body.if_contains(name);
    if (v == nullptr || v->is_null()) {
        return out;
    }
    auto add = [&](std::string_view text) {
        std::size_t start = 0;
        while (start <= text.size()) {
            const auto end = std::min(text.find_first_of(", ", start), text.size());
            if (end > start) {
                out.emplace_back(text.substr(start, end - start));
            }
            start = end + 1;
        }
    };
    if (v->is_string()) {
        add(v->get_string());
    } else if (v->is_array()) {
        for (const auto& item : v->get_array()) {
            if (item.is_string()) {
                add(item.get_string());
            } else if (item.is_int64()) {
                out.push_back(std::to_string(item.get_int64()));
            } else {
                f.Problem(name, "must be a string or a list of strings");
                return {};
            }
        }
    } else if (v->is_int64()) {
        out.push_back(std::to_string(v->get_int64()));  // the seed sends status as "3" or 3
    } else {
        f.Problem(name, "must be a string or a list of strings");
        return {};
    }
    if (out.size() > max) {
        f.Problem(name, "at most " + std::to_string(max) + " values");
    }
    return out;
}

}  // namespace

// A query string as the JSON body it stands for: numbers where the text is a number, so the
// same field rules (and the same 422 wording) apply to GET and POST.
json::object QueryAsJson(const std::map<std::string, std::string>& query) {
    json::object out;
    for (const auto& [key, value] : query) {
        if (key == "min_amount" || key == "max_amount" || key == "limit" || key == "offset" || key == "page") {
            boost::system::error_code ec;
            auto number = json::parse(value, ec);
            out[key] = !ec && number.is_number() ? number : json::value(value);
        } else if (key == "facets" || key == "semantic") {
            out[key] = value == "true" ? json::value(true) : value == "false" ? json::value(false) : json::value(value);
        } else {
            out[key] = value;
        }
    }
    return out;
}

Result<LotQuery> ParseLotQuery(const json::object& body) {
    JsonFields f(body);
    LotQuery q;
    q.text = f.String({"query", "q", "text"}, 0, 500, false).value_or("");
    q.exclude = Words(f, body, "exclude", 20);
    q.min_amount = f.Money({"min_amount"}, false);
    q.max_amount = f.Money({"max_amount"}, false);
    if (q.min_amount && *q.min_amount < 0) {
        f.Problem("min_amount", "must be >= 0");
    }
    if (q.max_amount && *q.max_amount < 0) {
        f.Problem("max_amount", "must be >= 0");
    }
    if (q.min_amount && q.max_amount && *q.max_amount < *q.min_amount) {
        f.Problem("max_amount", "must be >= min_amount");
    }
    q.statuses = Words(f, body, "status", 20);
    q.methods = Words(f, body, "method", 6);
    for (auto& m : q.methods) {
        if (const auto method = Parse<ProcurementMethod>(m)) {
            m = std::string(Name(*method));  // stored lots carry the name, not the alias
        } else {
            f.Problem("method", "must be among " + NameList<ProcurementMethod>() + "; got '" + m + "'");
        }
    }
    if (auto bin = f.String({"customer_bin"}, 1, 32, false)) {
        auto normalized = NormalizeBin(*bin);
        if (!normalized) {
            f.Problem("customer_bin", normalized.error().message);
        } else {
            q.customer_bin = *normalized;
        }
    }
    q.region = f.String({"region", "kato"}, 1, 64, false).value_or("");
    q.enstru = f.String({"enstru"}, 2, 64, false).value_or("");
    if (auto from = f.Day({"deadline_from"}, false)) {
        q.deadline_from = AlmatyStartOfDay(*from);
    }
    if (auto to = f.Day({"deadline_to"}, false)) {
        q.deadline_to = AlmatyStartOfDay(*to) + std::chrono::days{1} - std::chrono::seconds{1};
    }
    if (q.deadline_from && q.deadline_to && *q.deadline_to < *q.deadline_from) {
        f.Problem("deadline_to", "must not be before deadline_from");
    }
    const auto sort = f.Choice({"sort"}, {"relevance", "amount", "deadline"}, false).value_or("relevance");
    q.sort = sort == "amount" ? SortBy::kAmount : sort == "deadline" ? SortBy::kDeadline : SortBy::kRelevance;
    const auto order = f.Choice({"order"}, {"asc", "desc"}, false);
    q.descending = order ? *order == "desc" : q.sort != SortBy::kDeadline;  // nearest deadline first
    q.limit = static_cast<int>(f.Int({"limit"}, 1, 100, false).value_or(10));
    q.offset = static_cast<int>(f.Int({"offset"}, 0, 10'000, false).value_or(0));
    if (auto page = f.Int({"page"}, 1, 1'000, false)) {
        q.offset = static_cast<int>((*page - 1) * q.limit);
    }
    if (auto cursor = f.String({"cursor"}, 1, 32, false)) {
        // The cursor is the next offset as handed out in next_cursor ("o40").
        const auto n = cursor->starts_with("o") ? ParseWholeNumber(cursor->substr(1)) : std::nullopt;
        if (!n || *n < 0 || *n > 10'000) {
            f.Problem("cursor", "is not a cursor this API handed out");
        } else {
            q.offset = static_cast<int>(*n);
        }
    }
    q.facets = f.Bool({"facets"}, false).value_or(true);
    q.semantic = f.Bool({"semantic"}, false).value_or(false);
    if (q.semantic && q.sort != SortBy::kRelevance) {
        f.Problem("semantic", "ranking by meaning needs sort=relevance");
    }
    if (auto ok = f.Finish(); !ok) {
        return Fail(ok.error());
    }
    return q;
}

}  // namespace zakupai::search
