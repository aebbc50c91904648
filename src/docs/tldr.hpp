#pragma once
// A lot's TL;DR, computed offline from its stored fields: what is bought, how much, money with
// and without VAT, customer, method, deadline and days left in Astana time, delivery place and
// the securities due (from the calculators). Or, for free text, its most informative sentences.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "calc/rules.hpp"
#include "docs/locale.hpp"
#include "store/lot_repository.hpp"

namespace zakupai::docs {

// The risk engine's latest word on a lot, as the TL;DR shows it.
struct RiskSummary {
    int score = 0;
    std::string level;  // low | medium | high
    std::string model_version;
    std::string evaluated_at;
    std::vector<std::pair<std::string, std::string>> flags;  // triggered: id, name in the language
};
// Looks the summary up (nullopt when the lot was never scored); wired by the composition root,
// since the risk engine sits above this module.
using RiskLookup = std::function<std::optional<RiskSummary>(std::int64_t lot_id, Language language)>;

// Free text to TL;DR lines by a language model, when one is configured: the provider's name and
// the call (a failure falls back to the extractive lines).
struct Summarizer {
    std::string name;
    std::function<Result<std::vector<std::string>>(const std::string& text, Language language)> run;
};

// The JSON object of the TL;DR (fields of the original {lot_id, lines, language} and more).
std::string LotTldrJson(const store::LotRecord& lot,
                        const calc::RuleBook& rules,
                        Instant now,
                        Language language,
                        const std::optional<RiskSummary>& risks = std::nullopt);

class TldrService {
public:
    TldrService(store::LotRepository& lots,
                const calc::RuleBook& rules,
                const Clock& clock,
                RiskLookup risks = {},
                Summarizer summarizer = {})
        : lots_(lots), rules_(rules), clock_(clock), risks_(std::move(risks)), summarizer_(std::move(summarizer)) {}
    // kNotFound ("Lot 7 not found") for an unknown id.
    Result<std::string> ForLot(std::int64_t lot_id, Language language) const;
    // {"lot_id": null, "lines": [...], "language": ..., "source": offline|<provider>} for free
    // text: the provider's lines when one is configured and answers, else the key sentences.
    std::string ForText(std::string_view text, Language language) const;

private:
    store::LotRepository& lots_;
    const calc::RuleBook& rules_;
    const Clock& clock_;
    RiskLookup risks_;
    Summarizer summarizer_;
};

// The procurement method's name ("tender" → "конкурс"); the code itself when unknown.
std::string MethodName(std::string_view code, Language language);

// Up to `count` sentences of `text`, the ones carrying most facts (numbers, money, dates,
// deadlines), in their original order.
std::vector<std::string> KeySentences(std::string_view text, std::size_t count);

}  // namespace zakupai::docs
