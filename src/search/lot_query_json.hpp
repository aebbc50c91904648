#pragma once
// A lot search written as JSON (POST /api/search/advanced), or as a query string read as the
// JSON it stands for (GET /search/lots, the web panel's search page, saved searches): one
// parser, so every face gives the same 422 naming the same field.
#include <boost/json.hpp>
#include <map>
#include <string>

#include "core/error.hpp"
#include "search/lot_index.hpp"

namespace zakupai::search {

// Saved searches an owner (a user, else a key) may keep, whichever face saves them.
inline constexpr int kMaxSavedSearchesPerOwner = 50;

// Numbers where the text is one (amounts, paging), booleans for facets and semantic.
boost::json::object QueryAsJson(const std::map<std::string, std::string>& query);
// The fields of /search/lots: query|q|text, exclude, min_amount, max_amount (tenge), status,
// method, customer_bin, region|kato, enstru, deadline_from, deadline_to (days), sort, order,
// limit, offset, page, cursor, facets, semantic. 422 naming every field that is wrong.
Result<LotQuery> ParseLotQuery(const boost::json::object& body);

}  // namespace zakupai::search
