#include "notify/alerts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "docs/locale.hpp"
#include "docs/tldr.hpp"
#include "ingest/rnu.hpp"
#include "notify/bot.hpp"
#include "notify/delivery.hpp"
#include "notify/telegram_text.hpp"
#include "search/lot_index.hpp"

namespace zakupai::notify {

namespace {

constexpr const char* kCursor = "alerts_cursor";
constexpr const char* kMaxLotId = "alerts_max_lot_id";

std::string FormatCursor(const store::IndexCursor& c) {
    return fmt::format("{}|{}", c.id, c.updated_at);
}

store::IndexCursor ParseCursor(const std::string& text) {
    store::IndexCursor c;
    const auto bar = text.find('|');
    if (bar != std::string::npos) {
        std::from_chars(text.data(), text.data() + bar, c.id);
        c.updated_at = text.substr(bar + 1);
    }
    return c;
}

bool Kazakh(const store::SubscriptionRecord& s) {
    return s.language == "kz";
}

std::string LotLines(const store::IndexableLot& lot) {
    return fmt::format("<b>{}</b> · {}\n{}{}",
                       lot.id,
                       EscapeHtml(docs::FormatMoney(lot.price)),
                       EscapeHtml(Clip(lot.title, 200)),
                       lot.customer_name.empty() ? "" : "\n" + EscapeHtml(Clip(lot.customer_name, 120)));
}

std::vector<std::vector<Button>> LotButtons(const store::SubscriptionRecord& s, std::int64_t lot_id, bool results) {
    if (lot_id == 0) {
        return {};
    }
    std::vector<std::vector<Button>> rows{
        {{Kazakh(s) ? "Лот карточкасы" : "Карточка лота", fmt::format("lot:{}", lot_id)},
         {Kazakh(s) ? "Тәуекелдер" : "Риски", fmt::format("risk:{}", lot_id)}}};
    if (results) {
        rows.push_back({{Kazakh(s) ? "Шағым PDF" : "Жалоба PDF", fmt::format("cmp:{}", lot_id)}});
    }
    return rows;
}

// An alert as the chat wants it: now, after its quiet hours, or in its digest. `lot_id` 0: an
// alert about no one lot (a supplier's RNU status).
store::OutboxMessage Alert(const store::SubscriptionRecord& sub,
                           std::string key,
                           const std::string& text,
                           std::int64_t lot_id,
                           Instant now,
                           bool results = false) {
    const Delivery delivery = PlanDelivery(sub, now);
    return {0,
            std::move(key),
            sub.chat_id,
            delivery.method,
            MessageBody(sub.chat_id, text, LotButtons(sub, lot_id, results)),
            0,
            delivery.due};
}

// clang-format off
// (it breaks long Cyrillic literals differently on every run)
constexpr const char* kAppealRu = "⚖️ Обжаловать итоги можно до {} включительно "
                                  "(3 рабочих дня после протокола, ст. 25 Закона 106-VIII)\n";
constexpr const char* kAppealKz = "⚖️ Қорытындыға шағым: {} дейін "
                                  "(хаттамадан кейін 3 жұмыс күні, 106-VIII Заң, 25-бап)\n";
// clang-format on

// The results protocol is out: the lot completed, or did not take place.
bool ResultsOut(const std::string& status) {
    const auto parsed = Parse<LotStatus>(status);
    return parsed == LotStatus::kCompleted || parsed == LotStatus::kFailed;
}

std::string LotState(const store::IndexableLot& lot) {
    return fmt::format("{}|{}", lot.status, lot.price);
}

}  // namespace

AlertPass AlertMatcher::RunOnce(int batch) {
    AlertPass pass;
    const store::IndexCursor indexed = index_.Cursor();
    const auto stored = repository_.State(kCursor);
    if (!stored) {
        repository_.SetState(kMaxLotId, std::to_string(repository_.MaxLotId()));
        repository_.SetState(kCursor, FormatCursor(indexed));
        return pass;
    }
    store::IndexCursor cursor = ParseCursor(*stored);
    std::int64_t max_id = 0;
    if (auto text = repository_.State(kMaxLotId)) {
        std::from_chars(text->data(), text->data() + text->size(), max_id);
    }
    const Instant now = clock_.Now();
    for (;;) {
        auto changed = lots_.ChangedAfter(cursor, batch);
        // Only what the index has taken in: the words are matched there.
        std::erase_if(changed, [&](const store::IndexableLot& lot) {
            return lot.updated_at > indexed.updated_at || (lot.updated_at == indexed.updated_at && lot.id > indexed.id);
        });
        if (changed.empty()) {
            break;
        }
        std::vector<store::OutboxMessage> messages;
        // Stored after the messages: a crash in between repeats the alert's key, not loses it.
        std::vector<std::pair<std::int64_t, std::string>> states;
        std::vector<std::int64_t> new_ids;
        std::int64_t batch_max = max_id;
        for (const auto& lot : changed) {
            if (lot.id > max_id) {
                new_ids.push_back(lot.id);
                batch_max = std::max(batch_max, lot.id);
                continue;
            }
            for (const auto& sub : repository_.ActiveSubscriptions("lot", std::to_string(lot.id))) {
                const std::string state = LotState(lot);
                if (sub.last_state == state) {
                    continue;
                }
                if (!sub.last_state.empty()) {
                    const auto bar = sub.last_state.find('|');
                    const std::string old_status = sub.last_state.substr(0, bar);
                    Tiyn old_price = 0;
                    const std::string old_amount = bar == std::string::npos ? "" : sub.last_state.substr(bar + 1);
                    std::from_chars(old_amount.data(), old_amount.data() + old_amount.size(), old_price);
                    std::string text = fmt::format(
                        fmt::runtime(Kazakh(sub) ? "🔔 <b>{} лоты өзгерді</b>\n" : "🔔 <b>Лот {} изменился</b>\n"),
                        lot.id);
                    if (old_status != lot.status) {
                        const auto language = Kazakh(sub) ? docs::Language::kKazakh : docs::Language::kRussian;
                        text += fmt::format("{}: {} → {}\n",
                                            Kazakh(sub) ? "Мәртебе" : "Статус",
                                            EscapeHtml(docs::StatusName(old_status, language)),
                                            EscapeHtml(docs::StatusName(lot.status, language)));
                    }
                    if (old_price != lot.price) {
                        text += fmt::format("{}: {} → {}\n",
                                            Kazakh(sub) ? "Сома" : "Сумма",
                                            EscapeHtml(docs::FormatMoney(old_price)),
                                            EscapeHtml(docs::FormatMoney(lot.price)));
                    }
                    const bool results = old_status != lot.status && ResultsOut(lot.status);
                    if (results) {
                        // Law 106-VIII Art. 25 p.1: within 3 working days of the protocol's posting,
                        // which the sync saw today (Astana).
                        if (auto last = calendar_.AddWorkingDays(AlmatyDate(now), 3)) {
                            text +=
                                fmt::format(fmt::runtime(Kazakh(sub) ? kAppealKz : kAppealRu), FormatDottedDate(*last));
                        }
                    }
                    text += "\n" + LotLines(lot);
                    messages.push_back(
                        Alert(sub, fmt::format("chg:{}:{}:{}", sub.id, lot.id, state), text, lot.id, now, results));
                }
                states.emplace_back(sub.id, state);
            }
        }
        if (!new_ids.empty()) {
            std::unordered_map<std::int64_t, const store::IndexableLot*> by_id;
            for (const auto& lot : changed) {
                by_id[lot.id] = &lot;
            }
            auto subscriptions = repository_.ActiveSubscriptions("words");
            auto by_customer = repository_.ActiveSubscriptions("customer");
            subscriptions.insert(subscriptions.end(), by_customer.begin(), by_customer.end());
            for (const auto& sub : subscriptions) {
                search::LotQuery q;
                if (sub.kind == "customer") {
                    q.customer_bin = sub.target;
                } else if (auto parsed = WordsQuery(sub.target)) {
                    q = std::move(*parsed);
                } else {
                    continue;  // checked when subscribed; a filter word since dropped
                }
                q.only_ids = new_ids;
                q.limit = static_cast<int>(new_ids.size());
                q.facets = false;
                auto found = index_.Search(q);
                if (!found) {
                    continue;
                }
                std::int64_t since = 0;  // the last lot stored when the subscription was made
                std::from_chars(sub.last_state.data(), sub.last_state.data() + sub.last_state.size(), since);
                for (const auto& hit : found->hits) {
                    if (hit.id <= since) {
                        continue;
                    }
                    const auto* lot = by_id.at(hit.id);
                    const std::string what = sub.kind == "customer"
                                                 ? (Kazakh(sub) ? "тапсырыс беруші " : "заказчик ") + sub.target
                                                 : sub.target;
                    const std::string text =
                        fmt::format(fmt::runtime(Kazakh(sub) ? "🆕 <b>Жаңа лот</b> «{}» бойынша\n\n{}"
                                                             : "🆕 <b>Новый лот</b> по подписке «{}»\n\n{}"),
                                    EscapeHtml(what),
                                    LotLines(*lot));
                    messages.push_back(Alert(sub, fmt::format("new:{}:{}", sub.id, hit.id), text, hit.id, now));
                }
            }
        }
        pass.lots_seen += static_cast<std::int64_t>(changed.size());
        pass.new_lots += static_cast<std::int64_t>(new_ids.size());
        pass.enqueued += repository_.EnqueueAll(messages, now);
        for (const auto& [id, state] : states) {
            repository_.SetSubscriptionState(id, state);
        }
        cursor = store::IndexCursor{changed.back().updated_at, changed.back().id};
        max_id = batch_max;
        repository_.SetState(kMaxLotId, std::to_string(max_id));
        repository_.SetState(kCursor, FormatCursor(cursor));
        if (static_cast<int>(changed.size()) < batch) {
            break;
        }
    }
    pass.enqueued += RemindDeadlines(now);
    pass.enqueued += WatchSuppliers(now);
    return pass;
}

std::int64_t AlertMatcher::WatchSuppliers(Instant now) {
    // The register changes a few times a day. The RNU service answers from its cache and asks
    // the portal once an answer is older than its cache period (ZAKUPAI_RNU_CACHE_HOURS), so a
    // change is told within that period, without a portal call per subscriber per pass.
    if (rnu_ == nullptr || now - suppliers_checked_ < std::chrono::minutes(5)) {
        return 0;
    }
    suppliers_checked_ = now;
    std::vector<store::OutboxMessage> messages;
    std::vector<std::pair<std::int64_t, std::string>> states;
    for (const auto& sub : repository_.ActiveSubscriptions("supplier")) {
        auto answer = rnu_->Check(sub.target);
        if (!answer) {
            continue;  // the portal is down and nothing is cached: asked again next time
        }
        const std::string state = answer->listed ? "listed" : "clear";
        if (state == sub.last_state) {
            continue;
        }
        if (!sub.last_state.empty()) {
            std::string text =
                answer->listed
                    ? fmt::format(
                          fmt::runtime(
                              Kazakh(sub)
                                  ? "⚠️ <b>{}</b> жосықсыз өнім берушілер "
                                    "тізіліміне "
                                    "енгізілді"
                                  : "⚠️ <b>{}</b> внесён в реестр недобросовестных "
                                    "поставщиков"),
                          sub.target)
                    : fmt::format(
                          fmt::runtime(Kazakh(sub) ? "✅ <b>{}</b> жосықсыз өнім берушілер тізілімінен шығарылды"
                                                   : "✅ <b>{}</b> исключён из реестра недобросовестных поставщиков"),
                          sub.target);
            for (const auto& listing : answer->listings) {
                if (listing.active) {
                    text += fmt::format("\n{} {} — {}{}",
                                        EscapeHtml(listing.supplier_name),
                                        EscapeHtml(listing.since),
                                        EscapeHtml(listing.until),
                                        listing.reason.empty() ? "" : "\n" + EscapeHtml(Clip(listing.reason, 300)));
                }
            }
            messages.push_back(
                Alert(sub, fmt::format("rnu:{}:{}:{}", sub.id, state, FormatIsoDate(AlmatyDate(now))), text, 0, now));
        }
        states.emplace_back(sub.id, state);
    }
    const auto enqueued = repository_.EnqueueAll(messages, now);
    for (const auto& [id, state] : states) {
        repository_.SetSubscriptionState(id, state);
    }
    return enqueued;
}

std::int64_t AlertMatcher::RemindDeadlines(Instant now) {
    // A minute's precision is plenty for a reminder a day ahead.
    if (now - deadlines_checked_ < std::chrono::minutes(1)) {
        return 0;
    }
    deadlines_checked_ = now;
    std::vector<store::OutboxMessage> messages;
    for (const auto& closing : repository_.WatchedLotsClosing(now, now + std::chrono::hours(24))) {
        const auto& sub = closing.subscription;
        const Instant local = closing.deadline + AlmatyUtcOffset(closing.deadline);
        const auto day = std::chrono::floor<std::chrono::days>(local);
        const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
        const std::string when = fmt::format("{} {:02}:{:02}", FormatDottedDate(Date{day}), minutes / 60, minutes % 60);
        const std::string text = fmt::format(
            fmt::runtime(Kazakh(sub)
                             ? "⏰ <b>{} лоты</b>: өтінімдер қабылдау {} (Астана) аяқталады, бір тәуліктен аз қалды\n{}"
                             : "⏰ <b>Лот {}</b>: приём заявок заканчивается {} (Астана), осталось меньше суток\n{}"),
            closing.lot_id,
            when,
            EscapeHtml(Clip(closing.title, 200)));
        messages.push_back(
            Alert(sub,
                  fmt::format("ddl:{}:{}:{}", sub.id, closing.lot_id, FormatUtcTimestamp(closing.deadline)),
                  text,
                  closing.lot_id,
                  now));
    }
    return repository_.EnqueueAll(messages, now);
}

}  // namespace zakupai::notify
