#pragma once
// How an evaluation's findings are kept in risk_evaluations.explain: an internal, versioned
// schema, not the API's answer. The words that are the same for every lot under a model
// (names, usual threshold and source) live once in risk_indicator_texts and are left out; a
// finding keeps only what is its own. Reading back a row this code did not write, or one from an
// older schema, is an error value: the caller logs it and scores the lot again.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "risk/indicators.hpp"
#include "store/risk_repository.hpp"

namespace zakupai::risk {

// Each indicator's fixed words under a model, by indicator id.
using TextCatalog = std::unordered_map<std::string, store::IndicatorText>;

inline constexpr int kStoredFindingsVersion = 2;

// {"v":2,"f":[{"id","ver","w","s","e":[[name,value],…],"x","xk"[,"th"][,"src"]}]}: "th" and "src"
// only where they differ from the catalog's.
std::string EncodeFindings(const std::vector<Finding>& findings, const TextCatalog& fixed);

// The findings with the catalog's words put back. Anything but the current schema (malformed
// JSON, a missing field, another version) is a kInternal error naming what was wrong.
Result<std::vector<Finding>> DecodeFindings(std::string_view stored, const TextCatalog& fixed);

}  // namespace zakupai::risk
