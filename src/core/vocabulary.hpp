#pragma once
// The domain's words as enums, each with one table: the name the API speaks first, then every
// alias a client, the seed, the bot or the portal uses for the same thing. Parsing and printing
// a word happens here and nowhere else, so a new alias or a new method is one line.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zakupai {

// How a procurement is conducted (Law 106-VIII Art. 13).
enum class ProcurementMethod { kTender, kAuction, kPriceOffers, kTurnkey, kEshop, kSingleSource };

// What an API key may do: the plans a key is issued under.
enum class Plan { kFree, kPremium, kService, kAdmin };

enum class RiskLevel { kLow, kMedium, kHigh };

// Where a lot is in its life. The portal has 37 lot statuses (ref_lots_status); these are the
// stages a supplier cares about, each portal code an alias of one of them.
enum class LotStatus { kDraft, kPublished, kAcceptingBids, kEvaluation, kCompleted, kFailed, kCancelled, kSuspended };

// A bid as the results protocol lists it.
enum class BidStatus { kValid, kRejected, kWinner };

template <class E>
struct Word {
    E value;
    std::string_view name;                     // what the API answers with
    std::array<std::string_view, 12> aliases;  // also accepted on input (unused slots are empty)
    bool first_alias_documented = false;       // listed with the names in "must be one of"
};

template <class E>
struct Vocabulary;  // specialised below: a `kWords` table and a `kWhat` for messages

template <>
struct Vocabulary<ProcurementMethod> {
    static constexpr std::string_view kWhat = "procurement method";
    static constexpr std::array<Word<ProcurementMethod>, 6> kWords{{
        // The Russian and Kazakh words are what a bot user types ("способ:аукцион").
        {ProcurementMethod::kTender, "tender", {"open_tender", "konkurs", "конкурс"}},
        {ProcurementMethod::kAuction, "auction", {"аукцион"}},
        // "rfq" is what the seed's bot sent.
        {ProcurementMethod::kPriceOffers, "price_offers", {"rfq", "request_for_quotations", "цп", "зцп"}, true},
        {ProcurementMethod::kTurnkey, "turnkey", {"под_ключ"}},
        {ProcurementMethod::kEshop, "eshop", {"e_shop", "internet_shop", "магазин", "дүкен"}},
        {ProcurementMethod::kSingleSource, "single_source", {"one_source", "оии"}},
    }};
};

template <>
struct Vocabulary<Plan> {
    static constexpr std::string_view kWhat = "plan";
    static constexpr std::array<Word<Plan>, 4> kWords{{
        {Plan::kFree, "free", {}},
        {Plan::kPremium, "premium", {}},
        {Plan::kService, "service", {}},
        {Plan::kAdmin, "admin", {}},
    }};
};

template <>
struct Vocabulary<RiskLevel> {
    static constexpr std::string_view kWhat = "risk level";
    static constexpr std::array<Word<RiskLevel>, 3> kWords{{
        {RiskLevel::kLow, "low", {}},
        {RiskLevel::kMedium, "medium", {}},
        {RiskLevel::kHigh, "high", {}},
    }};
};

template <>
struct Vocabulary<LotStatus> {
    static constexpr std::string_view kWhat = "lot status";
    static constexpr std::array<Word<LotStatus>, 8> kWords{{
        {LotStatus::kDraft,
         "draft",
         {"Project", "ProjectSigning", "ProjectApproved", "ProjectDocsChanged", "DocsChanged"}},
        {LotStatus::kPublished, "published", {"Published"}},
        {LotStatus::kAcceptingBids,
         "accepting_bids",
         {"PublishedBidAccept",
          "PublishedBidAdditional",
          "PublishedOfferAccept",
          "PublishedWaitAuction",
          "PublishedAuction",
          "PublishedEndAuction"}},
        {LotStatus::kEvaluation,
         "evaluation",
         {"PublishedBidVerification",
          "BidReview",
          "BidAdditionalReview",
          "Discounts",
          "GenerateProjectPPD",
          "GeneratePPD",
          "GeneratePD",
          "GeneratePPI",
          "GeneratePI",
          "ReviewResult",
          "ReviewPPD",
          "BeforeReviewPPD"}},
        {LotStatus::kCompleted, "completed", {"ResultCompleted"}},
        {LotStatus::kFailed, "failed", {"ResultNotCompleted"}},
        {LotStatus::kCancelled, "cancelled", {"RefusalOfPurchase", "Cancelled"}},
        {LotStatus::kSuspended,
         "suspended",
         {"Suspended",
          "OnAppelation",
          "WaitCancelControl",
          "WaitQualityControl",
          "OnQualityControl",
          "PassedQualityControl",
          "BeforeReviwePI",
          "BeforeReviweOrgPI"}},
    }};
};

template <>
struct Vocabulary<BidStatus> {
    static constexpr std::string_view kWhat = "bid status";
    static constexpr std::array<Word<BidStatus>, 3> kWords{{
        {BidStatus::kValid, "valid", {}},
        {BidStatus::kRejected, "rejected", {}},
        {BidStatus::kWinner, "winner", {}},
    }};
};

// The API's name of a word: Name(ProcurementMethod::kPriceOffers) == "price_offers".
template <class E>
constexpr std::string_view Name(E value) {
    for (const auto& word : Vocabulary<E>::kWords) {
        if (word.value == value) {
            return word.name;
        }
    }
    return {};
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b);

// The word a text names, by its name or an alias, ignoring ASCII case; nullopt for anything else.
template <class E>
std::optional<E> Parse(std::string_view text) {
    for (const auto& word : Vocabulary<E>::kWords) {
        if (EqualsIgnoringAsciiCase(word.name, text)) {
            return word.value;
        }
        for (auto alias : word.aliases) {
            if (!alias.empty() && EqualsIgnoringAsciiCase(alias, text)) {
                return word.value;
            }
        }
    }
    return std::nullopt;
}

// Every value, in table order.
template <class E>
std::vector<E> AllOf() {
    std::vector<E> out;
    out.reserve(Vocabulary<E>::kWords.size());
    for (const auto& word : Vocabulary<E>::kWords) {
        out.push_back(word.value);
    }
    return out;
}

// "tender, auction, price_offers, …": the names for a "must be one of" message.
template <class E>
std::string NameList(const std::vector<E>& values = AllOf<E>()) {
    std::string out;
    for (const auto value : values) {
        out += (out.empty() ? "" : ", ") + std::string(Name(value));
    }
    return out;
}

// What a client may send, for "must be one of: …": the names and the documented aliases.
template <class E>
std::string AcceptedList() {
    std::string out;
    for (const auto& word : Vocabulary<E>::kWords) {
        out += (out.empty() ? "" : ", ") + std::string(word.name);
        if (word.first_alias_documented) {
            out += ", " + std::string(word.aliases[0]);
        }
    }
    return out;
}

// A plan's rank for "at least" checks: free < premium < service < admin.
constexpr int Rank(Plan plan) {
    return static_cast<int>(plan);
}
// Whether a key of `plan` may call a route that needs `required`: admin may do everything, a
// service key everything but admin routes, premium what free may and more.
constexpr bool Satisfies(Plan plan, Plan required) {
    return Rank(plan) >= Rank(required);
}

}  // namespace zakupai
