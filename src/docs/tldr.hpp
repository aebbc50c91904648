#pragma once
// A lot's TL;DR, computed offline from its stored fields: what is bought, how much, money with
// and without VAT, customer, method, deadline and days left in Astana time, delivery place and
// the securities due (from the calculators). Or, for free text, its most informative sentences.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "calc/rules.hpp"
#include "core/vocabulary.hpp"
#include "docs/locale.hpp"
#include "store/lot_repository.hpp"

namespace zakupai::docs {

// The risk engine's latest word on a lot, as the TL;DR shows it.
struct RiskSummary {
    int score = 0;
    RiskLevel level = RiskLevel::kLow;
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

struct Securities {
    Tiyn bid = 0;
    Tiyn performance = 0;
};

// A stored lot in brief: the lines a person reads, and the same facts as fields.
struct LotTldr {
    std::int64_t lot_id = 0;
    Language language = Language::kRussian;
    std::vector<std::string> lines;
    std::string title;
    std::string quantity;
    std::string unit;
    Tiyn amount_without_vat = 0;
    Tiyn amount_with_vat = 0;  // at today's standard VAT rate
    calc::BasisPoints vat_rate = 0;
    std::string customer_name;
    std::string customer_bin;
    std::string method_code;  // as stored ("price_offers"; empty when unknown)
    std::string method_name;  // in the TL;DR's language
    std::string status;       // as stored (a portal status code or ours)
    std::string delivery_place;
    std::string enstru;
    std::optional<Instant> deadline;
    std::optional<std::string> deadline_astana;  // "01.12.2026 18:00"
    std::optional<std::int64_t> days_left;       // negative once passed
    std::optional<Securities> securities;        // for a method that has them
    std::optional<RiskSummary> risks;            // nullopt: never scored (not the same as "no flags")
};

// Free text in brief.
struct TextTldr {
    Language language = Language::kRussian;
    std::vector<std::string> lines;
    std::string source = "offline";  // offline | <provider>
    std::string fallback_reason;     // why the provider's lines were not used
};

LotTldr MakeLotTldr(const store::LotRecord& lot,
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
    Result<LotTldr> ForLot(std::int64_t lot_id, Language language) const;
    // Free text: the provider's lines when one is configured and answers, else the key sentences.
    TextTldr ForText(std::string_view text, Language language) const;

private:
    store::LotRepository& lots_;
    const calc::RuleBook& rules_;
    const Clock& clock_;
    RiskLookup risks_;
    Summarizer summarizer_;
};

// The procurement method's name ("конкурс"); a stored code that is no method comes back as it is.
std::string MethodName(ProcurementMethod method, Language language);
std::string MethodName(std::string_view code, Language language);
// The lot status's name ("приём заявок"); a stored code that is no status comes back as it is.
std::string StatusName(std::string_view code, Language language);
// "ru" or "kz", as the original API named the languages.
std::string_view LanguageCode(Language language);

// Up to `count` sentences of `text`, the ones carrying most facts (numbers, money, dates,
// deadlines), in their original order.
std::vector<std::string> KeySentences(std::string_view text, std::size_t count);

}  // namespace zakupai::docs
