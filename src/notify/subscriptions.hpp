#pragma once
// Subscriptions made outside a chat's conversation (the web panel's "alert me"), held to the
// rules /subscribe keeps: the words read by WordsQuery, words or a filter and not only
// exclusions, a cap per chat, and only lots published from now on.
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "core/time.hpp"
#include "search/lot_index.hpp"
#include "store/notify_repository.hpp"

namespace zakupai::notify {

// A search a subscription can watch: words or a filter, not only exclusion words.
bool HasWordsOrFilter(const search::LotQuery& query);

// True when made, false when the chat had it already; 422 naming the filter or `words`, 409
// past `max_subscriptions`.
Result<bool> SubscribeToWords(store::NotifyRepository& repository,
                              std::int64_t chat_id,
                              const std::string& words,
                              int max_subscriptions,
                              Instant now);

}  // namespace zakupai::notify
