#include "notify/subscriptions.hpp"

#include "notify/bot.hpp"

namespace zakupai::notify {

bool HasWordsOrFilter(const search::LotQuery& query) {
    return !query.text.empty() || !query.region.empty() || !query.methods.empty() || query.min_amount ||
           query.max_amount;
}

Result<bool> SubscribeToWords(store::NotifyRepository& repository,
                              std::int64_t chat_id,
                              const std::string& words,
                              int max_subscriptions,
                              Instant now) {
    const auto query = WordsQuery(words);
    if (!query) {
        return Fail(query.error());
    }
    if (!HasWordsOrFilter(*query)) {
        return Fail(Error::Invalid("words", "need words or a filter, not only exclusions"));
    }
    if (repository.CountSubscriptions(chat_id) >= max_subscriptions) {
        return Fail(Error{
            ErrorCode::kConflict, "at most " + std::to_string(max_subscriptions) + " subscriptions per chat", {}});
    }
    const auto id = repository.Subscribe(chat_id, "words", words, now);
    if (id == 0) {
        return false;
    }
    // Lots published from now on: those stored already are found by a search.
    repository.SetSubscriptionState(id, std::to_string(repository.MaxLotId()));
    return true;
}

}  // namespace zakupai::notify
