#include "notify/bot.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <charconv>

#include "billing/billing_service.hpp"
#include "core/bin.hpp"
#include "docs/complaint.hpp"
#include "docs/tldr.hpp"
#include "ingest/rnu.hpp"
#include "llm/ask.hpp"
#include "notify/attachment.hpp"
#include "notify/delivery.hpp"
#include "notify/subscriptions.hpp"
#include "notify/telegram_text.hpp"
#include "risk/risk_service.hpp"
#include "search/lot_search.hpp"

namespace zakupai::notify {

namespace json = boost::json;

namespace {

constexpr int kSearchPage = 5;
constexpr std::size_t kMaxQuestion = 500;
// A bound beyond any lot (a trillion tenge), so that tiyn never overflow.
constexpr std::int64_t kMaxTenge = 1'000'000'000'000;

// The bot's phrases: [0] Russian, [1] Kazakh.
struct Phrase {
    const char* ru;
    const char* kz;
};

const char* Say(docs::Language language, const Phrase& p) {
    return language == docs::Language::kKazakh ? p.kz : p.ru;
}

// A phrase with {} places, for fmt::format.
auto Sayf(docs::Language language, const Phrase& p) {
    return fmt::runtime(Say(language, p));
}

constexpr Phrase kHelp{
    "<b>ZakupAI</b> — помощник поставщика на госзакупках.\n"
    "/lot &lt;номер или ссылка&gt; — карточка лота: суть, риски, обеспечения, срок\n"
    "/search &lt;слова&gt; [-исключить] — поиск лотов\n"
    "/rnu &lt;БИН&gt; — проверка по реестру недобросовестных поставщиков\n"
    "/ask &lt;вопрос&gt; — вопрос о закупках\n"
    "/subscribe &lt;слова&gt; или /subscribe lot &lt;номер&gt; — уведомления о новых лотах и изменениях\n"
    "/subscribe customer &lt;БИН&gt; — новые лоты заказчика\n"
    "/subscribe supplier &lt;БИН&gt; — внесение в реестр недобросовестных и исключение\n"
    "Фильтры в поиске и подписке: регион:75 способ:auction от:100000 до:5000000\n"
    "/subscriptions — ваши подписки\n"
    "/complaint &lt;номер&gt; &lt;нарушение&gt; — жалоба на итоги (PDF)\n"
    "/quiet 22-08 — тихие часы (по Астане), /quiet off — без них\n"
    "/digest 09:00 — уведомления одной сводкой в это время, /digest off — сразу\n"
    "/key — ваш ключ API, тариф и запросы за сегодня\n"
    "/lang — язык: русский или қазақша",
    "<b>ZakupAI</b> — мемлекеттік сатып алудағы өнім берушінің көмекшісі.\n"
    "/lot &lt;нөмір немесе сілтеме&gt; — лот карточкасы: мәні, тәуекелдер, қамтамасыз ету, мерзім\n"
    "/search &lt;сөздер&gt; [-алып тастау] — лоттарды іздеу\n"
    "/rnu &lt;БСН&gt; — жосықсыз өнім берушілер тізілімі бойынша тексеру\n"
    "/ask &lt;сұрақ&gt; — сатып алу туралы сұрақ\n"
    "/subscribe &lt;сөздер&gt; немесе /subscribe lot &lt;нөмір&gt; — жаңа лоттар мен өзгерістер туралы хабарлама\n"
    "/subscribe customer &lt;БСН&gt; — тапсырыс берушінің жаңа лоттары\n"
    "/subscribe supplier &lt;БСН&gt; — жосықсыздар тізіліміне енгізу және шығару\n"
    "Іздеу мен жазылымдағы сүзгілер: өңір:75 тәсіл:auction бастап:100000 дейін:5000000\n"
    "/subscriptions — жазылымдарыңыз\n"
    "/complaint &lt;нөмір&gt; &lt;бұзушылық&gt; — қорытындыға шағым (PDF)\n"
    "/quiet 22-08 — тыныш сағаттар (Астана уақыты), /quiet off — оларсыз\n"
    "/digest 09:00 — хабарламалар осы уақытта бір жинақпен, /digest off — бірден\n"
    "/key — API кілті, тариф және бүгінгі сұраулар\n"
    "/lang — тіл: орысша немесе қазақша"};

std::string Trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return "";
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

std::optional<std::int64_t> ParseId(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || value <= 0) {
        return std::nullopt;
    }
    return value;
}

// A lot id as a supplier gives it: the number, or a link that ends with it (…/lots/123,
// …?lot_id=123).
std::optional<std::int64_t> LotIdFrom(const std::string& argument) {
    if (auto id = ParseId(argument)) {
        return id;
    }
    if (argument.find("://") == std::string::npos && argument.find("goszakup") == std::string::npos) {
        return std::nullopt;
    }
    auto end = argument.find_last_of("0123456789");
    if (end == std::string::npos) {
        return std::nullopt;
    }
    auto begin = argument.find_last_not_of("0123456789", end);
    begin = begin == std::string::npos ? 0 : begin + 1;
    return ParseId(std::string_view(argument).substr(begin, end - begin + 1));
}

}  // namespace

namespace {

// A filter word's value, when `word` is "<one of names>:<value>".
std::optional<std::string> FilterValue(const std::string& word, std::initializer_list<std::string_view> names) {
    const auto colon = word.find(':');
    if (colon == std::string::npos || colon + 1 == word.size()) {
        return std::nullopt;
    }
    const std::string_view name(word.data(), colon);
    for (const auto candidate : names) {
        if (name == candidate) {
            return word.substr(colon + 1);
        }
    }
    return std::nullopt;
}

}  // namespace

Result<search::LotQuery> WordsQuery(const std::string& words) {
    search::LotQuery q;
    std::string text;
    std::size_t at = 0;
    while (at < words.size()) {
        const auto start = words.find_first_not_of(' ', at);
        if (start == std::string::npos) {
            break;
        }
        auto end = words.find(' ', start);
        end = end == std::string::npos ? words.size() : end;
        const std::string word = words.substr(start, end - start);
        at = end;
        if (auto region = FilterValue(word, {"region", "регион", "өңір", "kato", "като"})) {
            q.region = *region;
        } else if (auto method = FilterValue(word, {"method", "способ", "тәсіл"})) {
            const auto parsed = Parse<ProcurementMethod>(*method);
            if (!parsed) {
                return Fail(Error::Invalid(
                    "method", "must be one of: " + NameList<ProcurementMethod>() + ", аукцион, конкурс, цп, магазин"));
            }
            q.methods.emplace_back(Name(*parsed));
        } else if (auto lower = FilterValue(word, {"from", "от", "min", "бастап"}),
                   upper = FilterValue(word, {"to", "до", "max", "дейін"});
                   lower || upper) {
            const auto tenge = ParseId(lower ? *lower : *upper);
            if (!tenge || *tenge > kMaxTenge) {
                return Fail(Error::Invalid("amount", "must be a whole number of tenge: от:100000 до:5000000"));
            }
            (lower ? q.min_amount : q.max_amount) = *tenge * kTiynPerTenge;
        } else if (word.size() > 1 && word[0] == '-') {
            q.exclude.push_back(word.substr(1));
        } else {
            text += (text.empty() ? "" : " ") + word;
        }
    }
    if (q.min_amount && q.max_amount && *q.min_amount > *q.max_amount) {
        return Fail(Error::Invalid("amount", "the lower bound is above the upper one"));
    }
    q.text = text;
    return q;
}

namespace {

std::string LotLine(const search::FoundLot& found) {
    const auto& lot = found.lot;
    return fmt::format("<b>{}</b> · {}\n{}{}",
                       lot.id,
                       EscapeHtml(docs::FormatMoney(lot.price)),
                       EscapeHtml(Clip(lot.title, 200)),
                       lot.customer_name.empty() ? "" : "\n" + EscapeHtml(Clip(lot.customer_name, 120)));
}

std::string FilterProblem(docs::Language language, const Error& error) {
    return fmt::format(
        Sayf(language,
             {"Фильтр не принят: {}\nПример: /search бумага регион:75 способ:auction от:100000 до:5000000",
              "Сүзгі қабылданбады: {}\nМысал: /search қағаз өңір:75 тәсіл:auction бастап:100000 дейін:5000000"}),
        EscapeHtml(error.message));
}

docs::Language LanguageOf(const std::string& code) {
    return code == "kz" ? docs::Language::kKazakh : docs::Language::kRussian;
}

const char* ChatLanguageCode(docs::Language language) {
    return language == docs::Language::kKazakh ? "kz" : "ru";
}

}  // namespace

std::string MessageBody(std::int64_t chat_id,
                        const std::string& html,
                        const std::vector<std::vector<Button>>& keyboard) {
    json::object body{{"chat_id", chat_id},
                      {"text", html},
                      {"parse_mode", "HTML"},
                      {"link_preview_options", json::object{{"is_disabled", true}}}};
    if (!keyboard.empty()) {
        json::array rows;
        for (const auto& row : keyboard) {
            json::array buttons;
            for (const auto& b : row) {
                if (!b.login_url.empty()) {
                    buttons.push_back(
                        json::object{{"text", b.text}, {"login_url", json::object{{"url", b.login_url}}}});
                    continue;
                }
                assert(b.data.size() <= kMaxCallbackBytes && "callback data is at most 64 bytes");
                buttons.push_back(json::object{{"text", b.text}, {"callback_data", b.data}});
            }
            rows.push_back(std::move(buttons));
        }
        body["reply_markup"] = json::object{{"inline_keyboard", std::move(rows)}};
    }
    return json::serialize(body);
}

struct Bot::Context {
    std::int64_t update_id = 0;
    std::int64_t chat_id = 0;
    std::int64_t user_id = 0;
    std::string chat_type = "private";
    docs::Language language = docs::Language::kRussian;
    store::ChatRecord chat;
    int replies = 0;
};

bool Bot::Handle(const store::PendingUpdate& update) {
    try {
        boost::system::error_code ec;
        json::parse_options options;
        options.max_depth = 64;
        const json::value parsed = json::parse(update.payload, ec, {}, options);
        const auto* object = ec ? nullptr : parsed.if_object();
        if (object == nullptr) {
            spdlog::warn("telegram update {}: not a JSON object", update.update_id);
            return true;
        }
        Context c;
        c.update_id = update.update_id;
        const json::object* message = nullptr;
        const json::object* callback = nullptr;
        if (const auto* m = object->if_contains("message"); m != nullptr && m->is_object()) {
            message = &m->get_object();
        } else if (const auto* q = object->if_contains("callback_query"); q != nullptr && q->is_object()) {
            callback = &q->get_object();
            if (const auto* m2 = callback->if_contains("message"); m2 != nullptr && m2->is_object()) {
                message = &m2->get_object();
            }
        }
        if (message == nullptr) {
            return true;  // an update kind the bot does not act on (my_chat_member, edits)
        }
        const auto* chat = message->if_contains("chat");
        const auto* chat_id = chat != nullptr && chat->is_object() ? chat->get_object().if_contains("id") : nullptr;
        if (chat_id == nullptr || !chat_id->is_int64()) {
            return true;
        }
        c.chat_id = chat_id->get_int64();
        if (const auto* type = chat->get_object().if_contains("type"); type != nullptr && type->is_string()) {
            c.chat_type = std::string(type->get_string());
        }
        const json::object* from = nullptr;
        if (const auto* f = (callback != nullptr ? callback : message)->if_contains("from");
            f != nullptr && f->is_object()) {
            from = &f->get_object();
        }
        std::string telegram_language;
        if (from != nullptr) {
            if (const auto* id = from->if_contains("id"); id != nullptr && id->is_int64()) {
                c.user_id = id->get_int64();
            }
            if (const auto* code = from->if_contains("language_code"); code != nullptr && code->is_string()) {
                telegram_language = std::string(code->get_string());
            }
        }
        const Instant now = s_.clock.Now();
        if (auto known = s_.repository.FindChat(c.chat_id)) {
            c.chat = *known;
            if (known->blocked) {
                s_.repository.SetChatBlocked(c.chat_id, false, now);  // writing again unblocks
            }
        } else {
            c.chat =
                store::ChatRecord{c.chat_id, c.user_id, c.chat_type, telegram_language == "kk" ? "kz" : "ru", 0, false};
            s_.repository.SaveChat(c.chat, now);
        }
        c.language = LanguageOf(c.chat.language);
        if (callback != nullptr) {
            const auto* id = callback->if_contains("id");
            const auto* data = callback->if_contains("data");
            // Telegram shows a spinner on the button until the query is answered, whatever it did.
            if (id != nullptr && id->is_string()) {
                json::object body{{"callback_query_id", id->get_string()}};
                s_.repository.Enqueue({0,
                                       fmt::format("cb:{}", c.update_id),
                                       c.chat_id,
                                       "answerCallbackQuery",
                                       json::serialize(body),
                                       0,
                                       std::nullopt},
                                      now);
            }
            OnCallback(c, data != nullptr && data->is_string() ? std::string(data->get_string()) : "");
            return true;
        }
        const auto* text = message->if_contains("text");
        OnMessage(c, text != nullptr && text->is_string() ? Trim(text->get_string()) : "");
        return true;
    } catch (const std::exception& e) {
        // An outage (the database); the replies are keyed by the update, so a second try sends
        // nothing twice.
        spdlog::error("telegram update {}: {}", update.update_id, e.what());
        return false;
    }
}

void Bot::OnMessage(Context& c, const std::string& text) {
    std::string command = text;
    std::string argument;
    if (const auto space = text.find_first_of(" \n"); space != std::string::npos) {
        command = text.substr(0, space);
        argument = Trim(std::string_view(text).substr(space + 1));
    }
    // "/lot@ZakupAIBot 123" in a group names the bot.
    if (const auto at = command.find('@'); at != std::string::npos) {
        command.resize(at);
    }
    if (command == "/start") {
        Start(c);
    } else if (command == "/lang") {
        Language(c, argument);
    } else if (command == "/key") {
        Key(c);
    } else if (command == "/lot") {
        Lot(c, argument);
    } else if (command == "/search") {
        Search(c, argument, 0);
    } else if (command == "/rnu") {
        Rnu(c, argument);
    } else if (command == "/ask") {
        Ask(c, argument);
    } else if (command == "/subscribe") {
        Subscribe(c, argument);
    } else if (command == "/subscriptions") {
        ListSubscriptions(c);
    } else if (command == "/quiet") {
        Quiet(c, argument);
    } else if (command == "/digest") {
        Digest(c, argument);
    } else if (command == "/complaint") {
        Complaint(c, argument);
    } else if (!text.empty() && text[0] != '/' && LotIdFrom(text)) {
        Lot(c, text);  // a pasted number or portal link
    } else {
        Help(c);  // unknown input gets help, never silence
    }
}

void Bot::OnCallback(Context& c, const std::string& data) {
    const auto colon = data.find(':');
    const std::string action = data.substr(0, colon);
    const std::string value = colon == std::string::npos ? "" : data.substr(colon + 1);
    const auto id = ParseId(value);
    if (action == "risk" && id) {
        RiskDetails(c, *id);
    } else if (action == "lot" && id) {
        Lot(c, value);
    } else if ((action == "cmp" || action == "cmw") && id) {
        ComplaintFile(c, *id, "", action == "cmp");
    } else if (action == "sublot" && id) {
        Subscribe(c, "lot " + value);
    } else if (action == "page") {
        const auto words = s_.repository.State(fmt::format("search:{}", c.chat_id));
        const int offset = ParseId(value).value_or(0) > 0 ? static_cast<int>(*ParseId(value)) : 0;
        if (words) {
            Search(c, *words, offset);
        }
    } else if ((action == "pause" || action == "resume" || action == "remove") && id) {
        const bool done = action == "remove" ? s_.repository.RemoveSubscription(c.chat_id, *id)
                                             : s_.repository.SetSubscriptionPaused(c.chat_id, *id, action == "pause");
        if (!done) {
            Reply(c, Say(c.language, {"Такой подписки нет.", "Мұндай жазылым жоқ."}));
            return;
        }
        ListSubscriptions(c);
    } else {
        Help(c);
    }
}

void Bot::Reply(Context& c, const std::string& html, const std::vector<std::vector<Button>>& keyboard) {
    const auto parts = SplitMessage(html);
    const Instant now = s_.clock.Now();
    for (std::size_t i = 0; i < parts.size(); ++i) {
        // The keyboard goes under the last part; the key makes a re-handled update send nothing twice.
        const std::string body =
            MessageBody(c.chat_id, parts[i], i + 1 == parts.size() ? keyboard : std::vector<std::vector<Button>>{});
        s_.repository.Enqueue(
            {0, fmt::format("u:{}:{}", c.update_id, c.replies++), c.chat_id, "sendMessage", body, 0, std::nullopt},
            now);
    }
}

void Bot::Start(Context& c) {
    const Instant now = s_.clock.Now();
    std::string key_line;
    if (c.chat_type != "private") {
        // A key shown in a group is shown to everyone in it.
        key_line = Say(c.language,
                       {"\n\nКлюч API выдаётся только в личном чате: напишите мне /start лично.",
                        "\n\nAPI кілті тек жеке чатта беріледі: маған жеке /start жазыңыз."});
    } else if (c.chat.key_id == 0 && c.user_id > 0) {
        auto key = s_.billing.CreateKey(c.user_id, "", Plan::kFree, "telegram", std::nullopt);
        if (key) {
            c.chat.key_id = key->key_id;
            c.chat.user_tg_id = c.user_id;
            c.chat.chat_type = c.chat_type;
            s_.repository.SaveChat(c.chat, now);
            key_line = fmt::format(
                Sayf(c.language,
                     {"\n\nВаш ключ API (тариф {}), показан один раз — сохраните его:\n<code>{}</code>",
                      "\n\nAPI кілтіңіз (тариф {}), бір рет көрсетіледі — сақтап қойыңыз:\n<code>{}</code>"}),
                Name(key->plan),
                EscapeHtml(key->api_key));
        }
    }
    std::vector<std::vector<Button>> keyboard;
    if (c.chat_type == "private" && !s_.web_login_url.empty()) {
        keyboard.push_back(
            {{std::string(Say(c.language, {"Открыть веб-панель", "Веб-панельді ашу"})), "", s_.web_login_url}});
    }
    Reply(c, std::string(Say(c.language, kHelp)) + key_line, keyboard);
}

void Bot::Help(Context& c) {
    Reply(c, Say(c.language, kHelp));
}

void Bot::Language(Context& c, const std::string& argument) {
    docs::Language wanted = c.language == docs::Language::kKazakh ? docs::Language::kRussian : docs::Language::kKazakh;
    if (argument == "ru" || argument == "рус" || argument == "русский") {
        wanted = docs::Language::kRussian;
    } else if (argument == "kz" || argument == "kk" || argument == "қаз" || argument == "қазақша") {
        wanted = docs::Language::kKazakh;
    }
    s_.repository.SetChatLanguage(c.chat_id, ChatLanguageCode(wanted), s_.clock.Now());
    c.language = wanted;
    Reply(c, Say(c.language, {"Язык: русский.", "Тіл: қазақша."}));
}

void Bot::Key(Context& c) {
    auto stats = s_.billing.Stats(c.user_id);
    if (!stats) {
        Reply(c, Say(c.language, {"Ключа ещё нет: отправьте /start.", "Кілт әлі жоқ: /start жіберіңіз."}));
        return;
    }
    const auto per_day = stats->limits.per_day;
    const std::string remaining = per_day == 0
                                      ? Say(c.language, {"без ограничений", "шектеусіз"})
                                      : std::to_string(std::max<std::int64_t>(0, per_day - stats->today_requests));
    Reply(c,
          fmt::format(
              Sayf(c.language,
                   {"Тариф: <b>{}</b>\nКлючей: {} активных из {}\nЗапросов сегодня: {}\nОсталось на сегодня: {}",
                    "Тариф: <b>{}</b>\nКілттер: {} белсенді, барлығы {}\nБүгінгі сұраулар: {}\nБүгінге қалды: {}"}),
              Name(stats->user.plan),
              stats->keys_active,
              stats->keys_total,
              stats->today_requests,
              remaining));
}

void Bot::Lot(Context& c, const std::string& argument) {
    const auto id = LotIdFrom(argument);
    if (!id) {
        Reply(c,
              Say(c.language,
                  {"Укажите номер лота или ссылку на него: /lot 12345",
                   "Лот нөмірін немесе сілтемесін көрсетіңіз: /lot 12345"}));
        return;
    }
    auto tldr = s_.tldr.ForLot(*id, c.language);
    if (!tldr) {
        Reply(c, fmt::format(Sayf(c.language, {"Лот {} не найден.", "{} лоты табылмады."}), *id));
        return;
    }
    std::string text = fmt::format("<b>{} {}</b>\n", Say(c.language, {"Лот", "Лот"}), tldr->lot_id);
    for (const auto& line : tldr->lines) {
        text += "• " + EscapeHtml(line) + "\n";
    }
    Reply(c,
          text,
          {{{Say(c.language, {"Риски подробно", "Тәуекелдер толығырақ"}), fmt::format("risk:{}", *id)},
            {Say(c.language, {"Следить за лотом", "Лотты бақылау"}), fmt::format("sublot:{}", *id)}},
           {{Say(c.language, {"Жалоба PDF", "Шағым PDF"}), fmt::format("cmp:{}", *id)},
            {Say(c.language, {"Жалоба DOCX (правка)", "Шағым DOCX (өңдеу)"}), fmt::format("cmw:{}", *id)}}});
}

void Bot::RiskDetails(Context& c, std::int64_t lot_id) {
    auto explanation = s_.risk.Explain(lot_id, c.language == docs::Language::kKazakh);
    if (!explanation) {
        Reply(c, fmt::format(Sayf(c.language, {"Лот {} не найден.", "{} лоты табылмады."}), lot_id));
        return;
    }
    const bool kz = c.language == docs::Language::kKazakh;
    std::string text = fmt::format("<b>{} {}</b>: {} / 100 ({})\n",
                                   Say(c.language, {"Риск лота", "Лот тәуекелі"}),
                                   lot_id,
                                   explanation->score,
                                   Name(explanation->level));
    int shown = 0;
    for (const auto& f : explanation->findings) {
        if (f.status != risk::Status::kTriggered) {
            continue;
        }
        ++shown;
        text += fmt::format("\n⚑ <b>{}</b>\n{}\n",
                            EscapeHtml(kz ? f.name_kz : f.name_ru),
                            EscapeHtml(kz ? f.explanation_kz : f.explanation_ru));
        for (const auto& [name, value] : f.evidence) {
            text += fmt::format("  {}: {}\n", EscapeHtml(name), EscapeHtml(value));
        }
        text += fmt::format("  {}: {}\n  {}: {}\n",
                            Say(c.language, {"Порог", "Шек"}),
                            EscapeHtml(f.threshold),
                            Say(c.language, {"Основание", "Негіз"}),
                            EscapeHtml(f.source));
    }
    if (shown == 0) {
        text += Say(c.language, {"Красных флагов нет.", "Қызыл жалаушалар жоқ."});
    }
    Reply(c, text);
}

void Bot::Search(Context& c, const std::string& words, int offset) {
    auto parsed = WordsQuery(words);
    if (!parsed) {
        Reply(c, FilterProblem(c.language, parsed.error()));
        return;
    }
    search::LotQuery q = std::move(*parsed);
    if (q.text.empty()) {
        Reply(c,
              Say(c.language,
                  {"Напишите, что ищете: /search бумага А4 -картридж",
                   "Не іздейтініңізді жазыңыз: /search қағаз А4 -картридж"}));
        return;
    }
    q.offset = offset;
    q.limit = kSearchPage;
    q.facets = false;
    auto page = s_.search.Search(q);
    if (!page) {
        Reply(c, EscapeHtml(page.error().message));
        return;
    }
    s_.repository.SetState(fmt::format("search:{}", c.chat_id), words);
    if (page->lots.empty()) {
        Reply(c, Say(c.language, {"Ничего не найдено.", "Ештеңе табылмады."}));
        return;
    }
    std::string text = fmt::format(Sayf(c.language, {"Найдено лотов: {}. {}–{}:\n", "Табылған лоттар: {}. {}–{}:\n"}),
                                   page->total,
                                   offset + 1,
                                   offset + static_cast<int>(page->lots.size()));
    std::vector<Button> row;
    for (const auto& found : page->lots) {
        text += "\n" + LotLine(found) + "\n";
    }
    if (offset > 0) {
        row.push_back({"←", fmt::format("page:{}", std::max(0, offset - kSearchPage))});
    }
    if (offset + kSearchPage < page->total) {
        row.push_back({"→", fmt::format("page:{}", offset + kSearchPage)});
    }
    Reply(c, text, row.empty() ? std::vector<std::vector<Button>>{} : std::vector<std::vector<Button>>{row});
}

void Bot::Rnu(Context& c, const std::string& argument) {
    auto bin = NormalizeBin(argument);
    if (!bin) {
        Reply(c,
              fmt::format(Sayf(c.language,
                               {"БИН не принят: {}. Пример: /rnu 123456789012",
                                "БСН қабылданбады: {}. Мысал: /rnu 123456789012"}),
                          EscapeHtml(bin.error().message)));
        return;
    }
    auto answer = s_.rnu.Check(*bin);
    if (!answer) {
        Reply(c, EscapeHtml(answer.error().message));
        return;
    }
    std::string text =
        answer->listed
            ? fmt::format(
                  Sayf(c.language,
                       {"⚠️ {} <b>в реестре недобросовестных поставщиков</b>.",
                        "⚠️ {} <b>жосықсыз өнім берушілер тізілімінде</b>."}),
                  *bin)
            : fmt::format(Sayf(c.language,
                               {"✅ {} в реестре недобросовестных поставщиков не значится.",
                                "✅ {} жосықсыз өнім берушілер тізілімінде жоқ."}),
                          *bin);
    for (const auto& l : answer->listings) {
        if (!l.active) {
            continue;
        }
        text += fmt::format("\n{} {} — {}{}",
                            EscapeHtml(l.supplier_name),
                            EscapeHtml(l.since),
                            EscapeHtml(l.until),
                            l.reason.empty() ? "" : "\n" + EscapeHtml(Clip(l.reason, 300)));
    }
    if (answer->stale) {
        text += Say(c.language, {"\n(портал недоступен: данные из кэша)", "\n(портал қолжетімсіз: кэштегі дерек)"});
    }
    Reply(c, text);
}

void Bot::Ask(Context& c, const std::string& question) {
    if (question.empty()) {
        Reply(c,
              Say(c.language,
                  {"Задайте вопрос: /ask Какой размер обеспечения заявки?",
                   "Сұрақ қойыңыз: /ask Өтінімді қамтамасыз ету мөлшері қандай?"}));
        return;
    }
    if (TelegramLength(question) > kMaxQuestion) {
        Reply(c, Say(c.language, {"Вопрос длиннее 500 символов.", "Сұрақ 500 таңбадан ұзын."}));
        return;
    }
    llm::AskContext context;
    context.today = AlmatyDate(s_.clock.Now());
    const auto answer = s_.ask.Ask(question, {}, context);
    // The answer is Markdown; shown as text, with its sources under it.
    std::string text = EscapeHtml(answer.text);
    for (const auto& source : answer.sources) {
        text += "\n— " + EscapeHtml(source.title) +
                (source.reference.empty() ? "" : " (" + EscapeHtml(source.reference) + ")");
    }
    Reply(c, text);
}

void Bot::Subscribe(Context& c, const std::string& argument) {
    const Instant now = s_.clock.Now();
    if (argument.empty()) {
        Reply(c,
              Say(c.language,
                  {"Подписка на новые лоты: /subscribe бумага А4 -картридж\nНа изменения лота: /subscribe lot 12345",
                   "Жаңа лоттарға жазылу: /subscribe қағаз А4 -картридж\nЛот өзгерістеріне: /subscribe lot 12345"}));
        return;
    }
    if (s_.repository.CountSubscriptions(c.chat_id) >= s_.max_subscriptions) {
        Reply(c,
              fmt::format(Sayf(c.language, {"Не больше {} подписок.", "{} жазылымнан артық емес."}),
                          s_.max_subscriptions));
        return;
    }
    std::string kind = "words";
    std::string target = argument;
    std::string state;
    const bool supplier = argument.rfind("supplier ", 0) == 0 || argument.rfind("поставщик ", 0) == 0;
    if (supplier || argument.rfind("customer ", 0) == 0) {
        auto bin = NormalizeBin(argument.substr(argument.find(' ') + 1));
        if (!bin) {
            Reply(c,
                  fmt::format(Sayf(c.language, {"БИН не принят: {}.", "БСН қабылданбады: {}."}),
                              EscapeHtml(bin.error().message)));
            return;
        }
        kind = supplier ? "supplier" : "customer";
        target = *bin;
        if (supplier) {
            // Entering or leaving the register is told from the state seen now.
            auto answer = s_.rnu.Check(*bin);
            state = answer ? (answer->listed ? "listed" : "clear") : "";
        } else {
            state = std::to_string(s_.repository.MaxLotId());
        }
    } else if (argument.rfind("lot ", 0) == 0) {
        const auto id = LotIdFrom(Trim(argument.substr(4)));
        auto tldr = id ? s_.tldr.ForLot(*id, c.language) : Result<docs::LotTldr>(Fail(Error::NotFound("")));
        if (!tldr) {
            Reply(c, Say(c.language, {"Такого лота нет.", "Мұндай лот жоқ."}));
            return;
        }
        kind = "lot";
        target = std::to_string(*id);
        // Changes are told from the state the subscriber saw.
        state = fmt::format("{}|{}", tldr->status, tldr->amount_without_vat);
    } else {
        const auto q = WordsQuery(argument);
        if (!q) {
            Reply(c, FilterProblem(c.language, q.error()));
            return;
        }
        if (!HasWordsOrFilter(*q)) {
            Reply(c,
                  Say(c.language,
                      {"Нужны слова или фильтр, не только исключения.",
                       "Тек алып тастау емес, сөздер немесе сүзгі керек."}));
            return;
        }
        // Lots published from now on: those stored already are found by /search.
        state = std::to_string(s_.repository.MaxLotId());
    }
    const auto id = s_.repository.Subscribe(c.chat_id, kind, target, now);
    if (id == 0) {
        Reply(c, Say(c.language, {"Такая подписка уже есть.", "Мұндай жазылым бар."}));
        return;
    }
    if (!state.empty()) {
        s_.repository.SetSubscriptionState(id, state);
    }
    if (kind == "supplier") {
        Reply(c,
              fmt::format(Sayf(c.language,
                               {"Сообщу, если {} внесут в реестр недобросовестных поставщиков или исключат из него.{}",
                                "{} жосықсыз өнім берушілер тізіліміне енгізілсе не одан шығарылса, хабарлаймын.{}"}),
                          target,
                          state == "listed" ? Say(c.language, {" Сейчас он в реестре.", " Қазір тізілімде."}) : ""));
        return;
    }
    if (kind == "customer") {
        Reply(c,
              fmt::format(
                  Sayf(c.language,
                       {"Буду присылать новые лоты заказчика {}.", "{} тапсырыс берушінің жаңа лоттарын жіберемін."}),
                  target));
        return;
    }
    Reply(
        c,
        kind == "lot"
            ? fmt::format(Sayf(c.language,
                               {"Буду сообщать об изменениях лота {}.", "{} лотының өзгерістері туралы хабарлаймын."}),
                          target)
            : fmt::format(
                  Sayf(c.language,
                       {"Буду присылать новые лоты по словам «{}».", "«{}» сөздері бойынша жаңа лоттарды жіберемін."}),
                  EscapeHtml(target)));
}

void Bot::Quiet(Context& c, const std::string& argument) {
    const Instant now = s_.clock.Now();
    if (argument == "off" || argument == "выкл" || argument == "өшіру") {
        s_.repository.SetChatQuiet(c.chat_id, -1, -1, now);
        Reply(c, Say(c.language, {"Тихие часы выключены.", "Тыныш сағаттар өшірілді."}));
        return;
    }
    const auto hours = ParseQuietHours(argument);
    if (!hours) {
        Reply(c,
              Say(c.language,
                  {"Укажите часы по Астане: /quiet 22-08 или /quiet 22:30-07:00",
                   "Астана уақытымен көрсетіңіз: /quiet 22-08 немесе /quiet 22:30-07:00"}));
        return;
    }
    s_.repository.SetChatQuiet(c.chat_id, hours->first, hours->second, now);
    Reply(c,
          fmt::format(Sayf(c.language,
                           {"Тихие часы: {}–{} (Астана). Уведомления придут после них.",
                            "Тыныш сағаттар: {}–{} (Астана). Хабарламалар олардан кейін келеді."}),
                      FormatTimeOfDay(hours->first),
                      FormatTimeOfDay(hours->second)));
}

void Bot::Digest(Context& c, const std::string& argument) {
    const Instant now = s_.clock.Now();
    if (argument == "off" || argument == "выкл" || argument == "өшіру") {
        s_.repository.SetChatDigest(c.chat_id, -1, now);
        Reply(c,
              Say(c.language,
                  {"Сводка выключена: уведомления приходят сразу.", "Жинақ өшірілді: хабарламалар бірден келеді."}));
        return;
    }
    const auto minute = ParseTimeOfDay(argument);
    if (!minute) {
        Reply(c,
              Say(c.language, {"Укажите время по Астане: /digest 09:00", "Астана уақытын көрсетіңіз: /digest 09:00"}));
        return;
    }
    s_.repository.SetChatDigest(c.chat_id, *minute, now);
    Reply(c,
          fmt::format(Sayf(c.language,
                           {"Уведомления придут одной сводкой в {} (Астана).",
                            "Хабарламалар {} кезінде бір жинақпен келеді (Астана)."}),
                      FormatTimeOfDay(*minute)));
}

void Bot::ListSubscriptions(Context& c) {
    const auto subscriptions = s_.repository.Subscriptions(c.chat_id);
    if (subscriptions.empty()) {
        Reply(c, Say(c.language, {"Подписок нет. /subscribe — подписаться.", "Жазылымдар жоқ. /subscribe — жазылу."}));
        return;
    }
    std::string text = Say(c.language, {"<b>Ваши подписки</b>\n", "<b>Жазылымдарыңыз</b>\n"});
    std::vector<std::vector<Button>> keyboard;
    for (const auto& sub : subscriptions) {
        const std::string what =
            sub.kind == "lot" ? fmt::format("{} {}", Say(c.language, {"лот", "лот"}), sub.target)
            : sub.kind == "supplier"
                ? fmt::format("{} {}", Say(c.language, {"поставщик в РНУ", "ЖӨТ-тегі өнім беруші"}), sub.target)
            : sub.kind == "customer"
                ? fmt::format("{} {}", Say(c.language, {"заказчик", "тапсырыс беруші"}), sub.target)
                : "«" + EscapeHtml(sub.target) + "»";
        text += fmt::format("\n{}. {}{}", sub.id, what, sub.paused ? Say(c.language, {" (пауза)", " (үзіліс)"}) : "");
        keyboard.push_back({{fmt::format("{} {}", sub.paused ? "▶" : "⏸", sub.id),
                             fmt::format("{}:{}", sub.paused ? "resume" : "pause", sub.id)},
                            {fmt::format("✖ {}", sub.id), fmt::format("remove:{}", sub.id)}});
    }
    Reply(c, text, keyboard);
}

void Bot::Complaint(Context& c, const std::string& argument) {
    const auto space = argument.find_first_of(" \n");
    const auto id = LotIdFrom(argument.substr(0, space));
    const std::string reason = space == std::string::npos ? "" : Trim(std::string_view(argument).substr(space + 1));
    if (!id || reason.size() < 5) {
        Reply(c,
              Say(c.language,
                  {"Укажите лот и суть нарушения: /complaint 12345 Заявку отклонили без оснований",
                   "Лот пен бұзушылықты көрсетіңіз: /complaint 12345 Өтінім негізсіз қабылданбады"}));
        return;
    }
    ComplaintFile(c, *id, Clip(reason, 5000), true);
}

// Documents are a Premium feature, as in the API: a Free user gets the complaint's text to
// copy, and the offer of the plan that sends the file.
void Bot::ComplaintFile(Context& c, std::int64_t lot_id, const std::string& reason, bool pdf) {
    const bool kz = c.language == docs::Language::kKazakh;
    docs::ComplaintRequest request;
    request.lot_id = lot_id;
    request.reason =
        reason.empty() ? (kz ? "[бұзушылықтың мән-жайын баяндаңыз]" : "[изложите обстоятельства нарушения]") : reason;
    request.date = AlmatyDate(s_.clock.Now());
    request.language = kz ? "kz" : "ru";
    auto complaint = s_.complaints.Generate(request);
    if (!complaint) {
        Reply(c,
              complaint.error().code == ErrorCode::kNotFound
                  ? fmt::format(Sayf(c.language, {"Лот {} не найден.", "{} лоты табылмады."}), lot_id)
                  : EscapeHtml(complaint.error().message));
        return;
    }
    std::string notes;
    for (const auto& deadline : complaint->letter.deadlines) {
        notes += fmt::format(Sayf(c.language, {"\nСрок подачи: {}{}", "\nБеру мерзімі: {}{}"}),
                             FormatIsoDate(deadline.date),
                             deadline.passed ? Say(c.language, {" (прошёл)", " (өтті)"}) : "");
    }
    for (const auto& warning : complaint->warnings) {
        notes += "\n⚠️ " + EscapeHtml(warning);
    }
    const auto stats =
        c.user_id > 0 ? s_.billing.Stats(c.user_id) : Result<billing::UserStats>(Fail(Error::NotFound("")));
    if (!stats || stats->user.plan != Plan::kPremium) {
        Reply(c,
              fmt::format(Sayf(c.language,
                               {"<b>Жалоба по лоту {}</b>{}\n\n{}\n\nФайл PDF или DOCX — на тарифе Premium.",
                                "<b>{} лоты бойынша шағым</b>{}\n\n{}\n\nPDF немесе DOCX файлы — Premium тарифінде."}),
                          lot_id,
                          notes,
                          EscapeHtml(complaint->text)));
        return;
    }
    auto bytes = pdf ? docs::RenderPdf(complaint->document, c.language, s_.render_limits)
                     : docs::RenderDocx(complaint->document, c.language, s_.render_limits);
    if (!bytes || bytes->size() > kMaxAttachmentBytes) {
        Reply(c, EscapeHtml(bytes ? std::string("document too large") : bytes.error().message));
        return;
    }
    const std::string name =
        fmt::format("complaint_{}_{}.{}", lot_id, FormatIsoDate(request.date), pdf ? "pdf" : "docx");
    json::object body{
        {"chat_id", c.chat_id},
        {"caption", fmt::format(Sayf(c.language, {"Жалоба по лоту {}{}", "{} лоты бойынша шағым{}"}), lot_id, notes)},
        {"parse_mode", "HTML"},
        {"document", AttachmentJson({name, pdf ? docs::kPdfType : docs::kDocxType, std::move(*bytes)})}};
    s_.repository.Enqueue({0,
                           fmt::format("u:{}:{}", c.update_id, c.replies++),
                           c.chat_id,
                           "sendDocument",
                           json::serialize(body),
                           0,
                           std::nullopt},
                          s_.clock.Now());
}

}  // namespace zakupai::notify
