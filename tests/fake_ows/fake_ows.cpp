// A stand-in for ows.goszakup.gov.kz in tests and benchmarks: GraphQL Lots and Rnu with the
// real field names, newest-first paging and pageInfo, REST /v3/rnu/{biin} and /v3/refs/{name},
// the portal's Yii2 error bodies, and every fault the client must survive, injected on demand
// through /__control/*. Synthetic data, generated deterministically from --lots and --seed.
//
// Control API (no auth):
//   POST /__control/fault   {"kind": "timeout|reset|truncated|403|429|500|503|malformed|graphql_errors|empty_page",
//                            "count": 1, "delay_ms": 2000, "retry_after": 1}
//   POST /__control/add     {"count": 10}                  new lots above the current top id
//   POST /__control/change  {"id": 40000001, "status": 250, "amount": 123.45,
//                            "last_update_offset_s": -2400, "index_offset_s": 0}  (dates relative to now)
//   POST /__control/rnu     {"biin": "...", "name": "...", "start": "...", "end": "...", "list": true}
//   POST /__control/contract {"id", "parentId", "lotId" (takes its trdBuyId and customer), "supplierBiin",
//                             "contractSum", "refAmendmAgreemJustifId", "finYear", ...}   a contract version
//   GET  /__control/stats   {"requests", "graphql", "rest", "max_per_second", "faults_left"}
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "core/bin.hpp"
#include "support/fake_listener.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

struct Lot {
    std::int64_t id = 0;
    std::string lot_number;
    std::int64_t plan_id = 0;
    int status = 220;
    double amount = 0;
    double count = 1;
    std::string name_ru;
    std::string description_ru;
    std::string customer_bin;
    std::string customer_name;
    std::int64_t trd_buy_id = 0;
    int method = 3;
    std::string last_update;
    std::string index_date;  // when the portal indexed the last change (may be later than last_update)
    std::string enstru;
    std::string kato;
    std::string end_date;
};

struct RnuRow {
    std::int64_t id = 0;
    std::string biin;
    std::string name;
    std::string start;
    std::string end;
    bool in_list = true;
};

struct Subject {
    std::int64_t pid = 0;
    std::string bin;
    std::string name;
    std::string last_update;
};

struct Fault {
    std::string kind;
    int delay_ms = 0;
    int retry_after = 1;
};

std::string MakeBin(std::mt19937_64& rng) {
    for (;;) {
        std::string digits;
        // Legal entities: YYMM, 4 = resident legal entity, then 6 more digits.
        digits += std::to_string(10 + rng() % 15);
        digits += (rng() % 2 == 0 ? "0" : "1") + std::to_string(rng() % 2 == 0 ? 4 : 1);
        digits += "4";
        for (int i = 0; i < 6; ++i) {
            digits += static_cast<char>('0' + rng() % 10);
        }
        digits.resize(11, '0');
        if (auto check = zakupai::BinCheckDigit(digits)) {
            return digits + static_cast<char>('0' + *check);
        }
    }
}

// The portal writes Almaty local time (UTC+5) without a zone; `offset_s` moves it from now.
std::string Stamp(long offset_s = 0) {
    const std::time_t now = std::time(nullptr) + 5 * 3600 + offset_s;
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

class FakeOws {
public:
    FakeOws(std::string token, int lots, int rnu, int subjects, std::uint64_t seed, std::string refs_path)
        : token_(std::move(token)), rng_(seed), refs_path_(std::move(refs_path)) {
        Add(lots);
        for (int i = 0; i < subjects; ++i) {
            Subject s{100000 + i, MakeBin(rng_), "ТОО \"Участник " + std::to_string(i + 1) + "\"", Stamp()};
            subjects_[s.pid] = s;
        }
        for (int i = 0; i < rnu; ++i) {
            RnuRow r;
            r.id = 500000 + i;
            r.biin = MakeBin(rng_);
            r.name = "ТОО \"Недобросовестный поставщик " + std::to_string(i + 1) + "\"";
            r.start = "2026-0" + std::to_string(1 + i % 9) + "-15 00:00:00";
            r.end = "2028-0" + std::to_string(1 + i % 9) + "-15 00:00:00";
            rnu_.push_back(r);
        }
    }

    void Add(int n) {
        static const std::vector<std::pair<std::string, std::string>> kGoods{
            {"Бумага офисная", "Бумага для офисной техники формата А4, 80 г/м2"},
            {"Компьютер персональный настольный", "Системный блок с монитором 24\""},
            {"Работы по текущему ремонту здания школы", "Текущий ремонт кровли и фасада"},
            {"Услуги по уборке помещений", "Ежедневная влажная уборка 1200 м2"},
            {"Бензин АИ-92", "Талоны на бензин марки АИ-92"},
            {"Молоко питьевое", "Молоко пастеризованное 2,5% в упаковке 1 л"},
        };
        static const std::vector<int> kStatuses{220, 240, 230, 250, 280, 360, 370};
        static const std::vector<int> kMethods{2, 3, 7, 6, 32};
        for (int i = 0; i < n; ++i) {
            Lot lot;
            lot.id = next_id_++;
            lot.plan_id = 88000000 + lot.id % 1000000;
            const auto& good = kGoods[rng_() % kGoods.size()];
            lot.method = kMethods[rng_() % kMethods.size()];
            lot.lot_number = std::to_string(lot.plan_id) + (lot.method == 7 ? "-АУК1" : "-ЗЦП1");
            lot.status = kStatuses[rng_() % kStatuses.size()];
            lot.amount = static_cast<double>(10000 + rng_() % 50000000) + (rng_() % 2 == 0 ? 0.5 : 0);
            lot.count = static_cast<double>(1 + rng_() % 500);
            lot.name_ru = good.first;
            lot.description_ru = good.second;
            lot.customer_bin = MakeBin(rng_);
            lot.customer_name = "КГУ \"Заказчик " + std::to_string(rng_() % 900 + 100) + "\"";
            lot.trd_buy_id = 17700000 + lot.id % 100000;
            lot.last_update = Stamp();
            lot.index_date = lot.last_update;
            lot.enstru = "171211.100.00000" + std::to_string(rng_() % 10);
            lot.kato = std::to_string(750000000 + rng_() % 100000);
            lot.end_date = "2026-12-" + std::to_string(10 + rng_() % 18) + " 18:00:00";
            by_id_[lot.id] = lot;
        }
    }

    http::response<http::string_body> Handle(const http::request<http::string_body>& req, Fault* fault) {
        const std::string target(req.target());
        if (target.rfind("/__control/", 0) == 0) {
            return Control(req, target);
        }
        {
            std::lock_guard lock(mutex_);
            ++requests_;
            const auto now = std::chrono::steady_clock::now();
            arrivals_.push_back(now);
            while (!arrivals_.empty() && now - arrivals_.front() > std::chrono::seconds(1)) {
                arrivals_.pop_front();
            }
            max_per_second_ = std::max<std::int64_t>(max_per_second_, static_cast<std::int64_t>(arrivals_.size()));
            if (!faults_.empty()) {
                *fault = faults_.front();
                faults_.pop_front();
            }
        }
        const auto auth = req[http::field::authorization];
        if (auth != "Bearer " + token_) {
            return Yii(
                401, "Unauthorized", "Your request was made with invalid credentials.", "UnauthorizedHttpException");
        }
        if (fault->kind == "403") {
            return Yii(403, "Forbidden", "You are not allowed to perform this action.", "ForbiddenHttpException");
        }
        if (fault->kind == "500") {
            return Yii(500, "Internal Server Error", "An internal server error occurred.", "HttpException");
        }
        if (fault->kind == "503") {
            auto res = Text(503, "text/html", "<html><body>503 Service Temporarily Unavailable</body></html>");
            return res;
        }
        if (fault->kind == "429") {
            auto res = Yii(429, "Too Many Requests", "Rate limit exceeded.", "TooManyRequestsHttpException");
            res.set(http::field::retry_after, std::to_string(fault->retry_after));
            return res;
        }
        if (target == "/v3/graphql" && req.method() == http::verb::post) {
            std::lock_guard lock(mutex_);
            ++graphql_;
            return GraphQl(req.body(), fault->kind);
        }
        if (req.method() == http::verb::get && target.rfind("/v3/rnu/", 0) == 0) {
            std::lock_guard lock(mutex_);
            ++rest_;
            return RnuDetail(target.substr(8));
        }
        if (req.method() == http::verb::get && target.rfind("/v3/refs/", 0) == 0) {
            ++rest_;
            return Refs(target.substr(9));
        }
        return Yii(404, "Not Found", "Страница не найдена.", "NotFoundHttpException");
    }

private:
    static http::response<http::string_body> Text(int status, const std::string& type, std::string body) {
        http::response<http::string_body> res{static_cast<http::status>(status), 11};
        res.set(http::field::content_type, type);
        res.set(http::field::server, "nginx");
        res.body() = std::move(body);
        res.prepare_payload();
        return res;
    }

    static http::response<http::string_body> Yii(int status,
                                                 const std::string& name,
                                                 const std::string& message,
                                                 const std::string& type) {
        json::object body{
            {"name", name}, {"message", message}, {"code", 0}, {"status", status}, {"type", "yii\\web\\" + type}};
        return Text(status, "application/json; charset=UTF-8", json::serialize(body));
    }

    static std::optional<std::int64_t> IntOf(const json::value* v) {
        if (v == nullptr || v->is_null()) {
            return std::nullopt;
        }
        if (v->is_int64()) {
            return v->get_int64();
        }
        if (v->is_uint64()) {
            return static_cast<std::int64_t>(v->get_uint64());
        }
        return std::nullopt;
    }

    static json::object LotJson(const Lot& l) {
        return json::object{
            {"id", l.id},
            {"lotNumber", l.lot_number},
            {"refLotStatusId", l.status},
            {"lastUpdateDate", l.last_update},
            {"count", l.count},
            {"amount", l.amount},
            {"nameRu", l.name_ru},
            {"nameKz", "Атауы " + std::to_string(l.id)},
            {"descriptionRu", l.description_ru},
            {"customerBin", l.customer_bin},
            {"customerNameRu", l.customer_name},
            {"trdBuyId", l.trd_buy_id},
            {"trdBuyNumberAnno", std::to_string(l.trd_buy_id) + "-1"},
            {"refTradeMethodsId", l.method},
            {"isDeleted", 0},
            {"indexDate", l.index_date},
            {"pointList", json::array{l.plan_id}},
            {"plnPointKatoList", json::array{l.kato}},
            {"Plans",
             json::array{json::object{
                 {"id", l.plan_id}, {"refEnstruCode", l.enstru}, {"RefUnits", json::object{{"nameRu", "Штука"}}}}}},
            {"TrdBuy",
             json::object{{"numberAnno", std::to_string(l.trd_buy_id) + "-1"},
                          {"publishDate", "2026-11-20 10:00:00"},
                          {"startDate", "2026-11-20 10:30:00"},
                          {"endDate", l.end_date}}},
        };
    }

    http::response<http::string_body> GraphQl(const std::string& body, const std::string& fault) {
        boost::system::error_code ec;
        auto parsed = json::parse(body, ec);
        if (ec || !parsed.is_object() || !parsed.get_object().contains("query")) {
            return Text(400, "application/json", R"({"errors":[{"message":"Syntax Error: Unexpected <EOF>"}]})");
        }
        if (fault == "graphql_errors") {
            return Text(200,
                        "application/json",
                        R"({"errors":[{"message":"Internal server error","extensions":{"category":"internal"}}]})");
        }
        const std::string query(parsed.get_object().at("query").as_string());
        const json::object empty;
        const auto* vars_value = parsed.get_object().if_contains("variables");
        const json::object& vars = vars_value != nullptr && vars_value->is_object() ? vars_value->get_object() : empty;
        std::int64_t limit = IntOf(vars.if_contains("limit")).value_or(50);
        limit = std::clamp<std::int64_t>(limit, 0, 200);
        const auto after = IntOf(vars.if_contains("after"));
        const json::object* filter = nullptr;
        if (const auto* f = vars.if_contains("filter"); f != nullptr && f->is_object()) {
            filter = &f->get_object();
        }
        const bool lots = query.find("Lots(") != std::string::npos;
        const bool rnu = query.find("Rnu(") != std::string::npos;
        const bool subjects = query.find("Subjects(") != std::string::npos;
        if (subjects) {
            return SubjectsPage(limit, after, fault);
        }
        if (query.find("Contract(") != std::string::npos) {
            return ContractsPage(limit, after);
        }
        if (!lots && !rnu) {
            return Text(
                200, "application/json", R"({"errors":[{"message":"Cannot query field \"Foo\" on type \"Query\"."}]})");
        }
        json::array items;
        std::int64_t total = 0;
        std::optional<std::int64_t> last_id;
        bool has_next = false;
        if (lots) {
            // Either date filter, [from]: lastUpdateDate (when the row changed) or indexDate (when
            // the portal indexed the change).
            std::string since;
            bool by_index = false;
            if (filter != nullptr) {
                for (const char* name : {"lastUpdateDate", "indexDate"}) {
                    if (const auto* d = filter->if_contains(name);
                        d != nullptr && d->is_array() && !d->get_array().empty() && d->get_array()[0].is_string()) {
                        since = std::string(d->get_array()[0].get_string());
                        by_index = std::string_view(name) == "indexDate";
                    }
                }
            }
            // Newest first: walk the id-ordered map backwards from just below `after`.
            auto it = after && *after > 0 ? std::make_reverse_iterator(by_id_.lower_bound(*after)) : by_id_.rbegin();
            auto matches = [&](const Lot& l) {
                return since.empty() || (by_index ? l.index_date : l.last_update) >= since;
            };
            total = since.empty()
                        ? static_cast<std::int64_t>(by_id_.size())
                        : std::count_if(by_id_.begin(), by_id_.end(), [&](const auto& e) { return matches(e.second); });
            for (; it != by_id_.rend(); ++it) {
                if (!matches(it->second)) {
                    continue;
                }
                if (static_cast<std::int64_t>(items.size()) == limit) {
                    has_next = true;
                    break;
                }
                items.push_back(LotJson(it->second));
                last_id = it->first;
            }
        } else {
            std::string biin;
            if (filter != nullptr) {
                if (const auto* b = filter->if_contains("supplierBiin"); b != nullptr && b->is_string()) {
                    biin = std::string(b->get_string());
                }
            }
            std::vector<const RnuRow*> matching;
            for (auto it = rnu_.rbegin(); it != rnu_.rend(); ++it) {
                if (it->in_list && (biin.empty() || it->biin == biin)) {
                    matching.push_back(&*it);
                }
            }
            std::sort(matching.begin(), matching.end(), [](auto* a, auto* b) { return a->id > b->id; });
            total = static_cast<std::int64_t>(matching.size());
            auto start = matching.begin();
            if (after && *after > 0) {
                start = std::find_if(matching.begin(), matching.end(), [&](const RnuRow* r) { return r->id < *after; });
            }
            for (auto it = start; it != matching.end() && static_cast<std::int64_t>(items.size()) < limit; ++it) {
                // The list has no dates (reference section 3.4).
                items.push_back(json::object{{"id", (*it)->id},
                                             {"pid", (*it)->id + 1000},
                                             {"supplierNameRu", (*it)->name},
                                             {"supplierNameKz", (*it)->name},
                                             {"supplierBiin", (*it)->biin},
                                             {"supplierInnunp", nullptr},
                                             {"katoList", json::array{391010000}},
                                             {"systemId", 3}});
                last_id = (*it)->id;
                has_next = std::next(it) != matching.end();
            }
        }
        if (fault == "empty_page") {
            items.clear();
            has_next = true;
            last_id.reset();
        }
        json::object page_info{{"limitPage", limit}, {"totalCount", total}, {"hasNextPage", has_next}};
        page_info["lastId"] = last_id ? json::value(*last_id) : json::value(nullptr);
        json::object answer{{"data", json::object{{lots ? "Lots" : "Rnu", items}}},
                            {"extensions", json::object{{"pageInfo", page_info}}}};
        std::string text = json::serialize(answer);
        if (fault == "malformed") {
            text.resize(text.size() / 2);
        }
        return Text(200, "application/json; charset=UTF-8", std::move(text));
    }

    // Subjects are keyed by pid (reference section 2.3), newest first.
    http::response<http::string_body> SubjectsPage(std::int64_t limit,
                                                   std::optional<std::int64_t> after,
                                                   const std::string& fault) {
        json::array items;
        std::optional<std::int64_t> last_id;
        bool has_next = false;
        auto it = after && *after > 0 ? std::make_reverse_iterator(subjects_.lower_bound(*after)) : subjects_.rbegin();
        for (; it != subjects_.rend(); ++it) {
            if (static_cast<std::int64_t>(items.size()) == limit) {
                has_next = true;
                break;
            }
            const auto& s = it->second;
            items.push_back(json::object{{"pid", s.pid},
                                         {"bin", s.bin},
                                         {"iin", ""},
                                         {"nameRu", s.name},
                                         {"nameKz", s.name},
                                         {"okedList", 46900},
                                         {"katoList", json::array{"751110000"}},
                                         {"supplier", 1},
                                         {"customer", 0},
                                         {"typeSupplier", 1},
                                         {"lastUpdateDate", s.last_update}});
            last_id = s.pid;
        }
        if (fault == "empty_page") {
            items.clear();
            has_next = true;
            last_id.reset();
        }
        json::object page_info{{"limitPage", limit},
                               {"totalCount", static_cast<std::int64_t>(subjects_.size())},
                               {"hasNextPage", has_next}};
        page_info["lastId"] = last_id ? json::value(*last_id) : json::value(nullptr);
        json::object answer{{"data", json::object{{"Subjects", items}}},
                            {"extensions", json::object{{"pageInfo", page_info}}}};
        return Text(200, "application/json; charset=UTF-8", json::serialize(answer));
    }

    // Contracts are keyed by id, newest first, stored as the GraphQL objects they are served as.
    http::response<http::string_body> ContractsPage(std::int64_t limit, std::optional<std::int64_t> after) {
        json::array items;
        std::optional<std::int64_t> last_id;
        bool has_next = false;
        auto it =
            after && *after > 0 ? std::make_reverse_iterator(contracts_.lower_bound(*after)) : contracts_.rbegin();
        for (; it != contracts_.rend(); ++it) {
            if (static_cast<std::int64_t>(items.size()) == limit) {
                has_next = true;
                break;
            }
            items.push_back(it->second);
            last_id = it->first;
        }
        json::object page_info{{"limitPage", limit},
                               {"totalCount", static_cast<std::int64_t>(contracts_.size())},
                               {"hasNextPage", has_next}};
        page_info["lastId"] = last_id ? json::value(*last_id) : json::value(nullptr);
        json::object answer{{"data", json::object{{"Contract", items}}},
                            {"extensions", json::object{{"pageInfo", page_info}}}};
        return Text(200, "application/json; charset=UTF-8", json::serialize(answer));
    }

    http::response<http::string_body> RnuDetail(const std::string& biin) {
        json::array items;
        for (const auto& r : rnu_) {
            if (r.biin == biin) {
                items.push_back(json::object{{"id", r.id},
                                             {"pid", r.id + 1000},
                                             {"customer_name_ru", "ГУ \"Управление образования\""},
                                             {"customer_biin", "990640001201"},
                                             {"supplier_name_ru", r.name},
                                             {"supplier_name_kz", r.name},
                                             {"supplier_biin", r.biin},
                                             {"court_decision", "Решение СМЭС № 2-123/26"},
                                             {"court_decision_date", "2026-01-10 00:00:00"},
                                             {"start_date", r.start},
                                             {"end_date", r.end},
                                             {"ref_reason_id", 1},
                                             {"index_date", "2026-01-15 09:00:00"},
                                             {"system_id", 3}});
            }
        }
        if (items.empty()) {
            return Yii(404, "Not Found", "Запись не найдена.", "NotFoundHttpException");
        }
        json::object envelope{{"total", items.size()}, {"limit", 50}, {"next_page", ""}, {"items", items}};
        return Text(200, "application/json; charset=UTF-8", json::serialize(envelope));
    }

    http::response<http::string_body> Refs(const std::string& name) {
        std::ifstream in(refs_path_);
        std::stringstream buf;
        buf << in.rdbuf();
        boost::system::error_code ec;
        auto refs = json::parse(buf.str(), ec);
        if (ec || !refs.is_object() || !refs.get_object().contains(name)) {
            return Yii(404, "Not Found", "Справочник не найден.", "NotFoundHttpException");
        }
        json::array items;
        for (const auto& row : refs.get_object().at(name).as_array()) {
            const auto& o = row.as_object();
            items.push_back(json::object{{"id", o.at("id")},
                                         {"code", o.at("code")},
                                         {"name_ru", o.at("name_ru")},
                                         {"name_kz", o.at("name_ru")}});
        }
        json::object envelope{{"total", items.size()}, {"limit", 50}, {"next_page", ""}, {"items", items}};
        return Text(200, "application/json; charset=UTF-8", json::serialize(envelope));
    }

    http::response<http::string_body> Control(const http::request<http::string_body>& req, const std::string& target) {
        std::lock_guard lock(mutex_);
        boost::system::error_code ec;
        json::value body = req.body().empty() ? json::value(json::object{}) : json::parse(req.body(), ec);
        if (ec || !body.is_object()) {
            return Text(400, "application/json", R"({"error":"body must be a JSON object"})");
        }
        const auto& o = body.get_object();
        auto int_of = [&](const char* key, std::int64_t fallback) {
            return IntOf(o.if_contains(key)).value_or(fallback);
        };
        if (target == "/__control/fault") {
            Fault fault;
            fault.kind = o.contains("kind") ? std::string(o.at("kind").as_string()) : "";
            fault.delay_ms = static_cast<int>(int_of("delay_ms", 3000));
            fault.retry_after = static_cast<int>(int_of("retry_after", 1));
            for (std::int64_t i = 0; i < int_of("count", 1); ++i) {
                faults_.push_back(fault);
            }
        } else if (target == "/__control/add") {
            Add(static_cast<int>(int_of("count", 1)));
        } else if (target == "/__control/change") {
            auto it = by_id_.find(int_of("id", 0));
            if (it == by_id_.end()) {
                return Text(404, "application/json", R"({"error":"no such lot"})");
            }
            it->second.status = static_cast<int>(int_of("status", it->second.status));
            if (const auto* a = o.if_contains("amount"); a != nullptr && a->is_number()) {
                it->second.amount = a->to_number<double>();
            }
            // A change made `last_update_offset_s` from now and indexed `index_offset_s` from now:
            // the portal indexes some changes late, with their original lastUpdateDate.
            it->second.last_update = Stamp(int_of("last_update_offset_s", 0));
            it->second.index_date = Stamp(int_of("index_offset_s", 0));
        } else if (target == "/__control/rnu") {
            RnuRow r;
            r.id = 900000 + static_cast<std::int64_t>(rnu_.size());
            r.biin = std::string(o.at("biin").as_string());
            r.name = o.contains("name") ? std::string(o.at("name").as_string()) : "ТОО \"Тест\"";
            r.start = o.contains("start") ? std::string(o.at("start").as_string()) : "2026-01-15 00:00:00";
            r.end = o.contains("end") ? std::string(o.at("end").as_string()) : "2028-01-15 00:00:00";
            r.in_list = !o.contains("list") || o.at("list").as_bool();
            rnu_.push_back(r);
        } else if (target == "/__control/contract") {
            json::object contract = o;
            const auto id = int_of("id", 9000000 + static_cast<std::int64_t>(contracts_.size()));
            contract["id"] = id;
            if (const auto lot_id = int_of("lotId", 0); lot_id != 0) {
                auto lot = by_id_.find(lot_id);
                if (lot == by_id_.end()) {
                    return Text(404, "application/json", R"({"error":"no such lot"})");
                }
                contract["trdBuyId"] = lot->second.trd_buy_id;
                contract["customerBin"] = lot->second.customer_bin;
                contract.erase("lotId");
            }
            if (!contract.contains("lastUpdateDate")) {
                contract["lastUpdateDate"] = Stamp();
            }
            if (!contract.contains("finYear")) {
                contract["finYear"] = 2026;
            }
            contracts_[id] = contract;
        } else if (target != "/__control/stats") {
            return Text(404, "application/json", R"({"error":"unknown control"})");
        }
        json::object stats{{"requests", requests_},
                           {"graphql", graphql_},
                           {"rest", rest_.load()},
                           {"max_per_second", max_per_second_},
                           {"faults_left", faults_.size()},
                           {"lots", by_id_.size()},
                           {"top_id", by_id_.empty() ? 0 : by_id_.rbegin()->first}};
        if (target == "/__control/stats" && req.method() == http::verb::delete_) {
            requests_ = graphql_ = 0;
            max_per_second_ = 0;
        }
        return Text(200, "application/json", json::serialize(stats));
    }

    std::string token_;
    std::mt19937_64 rng_;
    std::string refs_path_;
    std::mutex mutex_;
    std::map<std::int64_t, Lot> by_id_;
    std::vector<RnuRow> rnu_;
    std::map<std::int64_t, Subject> subjects_;
    std::map<std::int64_t, json::object> contracts_;
    std::int64_t next_id_ = 40000001;
    std::deque<Fault> faults_;
    std::deque<std::chrono::steady_clock::time_point> arrivals_;
    std::int64_t requests_ = 0;
    std::int64_t graphql_ = 0;
    std::atomic<std::int64_t> rest_{0};
    std::int64_t max_per_second_ = 0;
};

void Serve(FakeOws& ows, tcp::socket socket) {
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
        http::request<http::string_body> req;
        http::read(socket, buffer, req, ec);
        if (ec) {
            return;
        }
        Fault fault;
        auto res = ows.Handle(req, &fault);
        if (fault.kind == "timeout") {
            std::this_thread::sleep_for(std::chrono::milliseconds(fault.delay_ms));
        }
        if (fault.kind == "reset") {
            // An RST instead of an answer: SO_LINGER with a zero timeout, then close.
            linger l{1, 0};
            ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
            socket.close(ec);
            return;
        }
        if (fault.kind == "truncated") {
            std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                               std::to_string(res.body().size()) + "\r\n\r\n";
            asio::write(socket, asio::buffer(head + res.body().substr(0, res.body().size() / 3)), ec);
            socket.shutdown(tcp::socket::shutdown_both, ec);
            socket.close(ec);
            return;
        }
        res.keep_alive(req.keep_alive());
        http::write(socket, res, ec);
        if (ec || !req.keep_alive()) {
            socket.shutdown(tcp::socket::shutdown_send, ec);
            return;
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"Fake Goszakup OWS v3 server for tests"};
    std::string port_file;
    int port = 0;
    int lots = 1000;
    int rnu = 20;
    int subjects = 50;
    std::uint64_t seed = 42;
    std::string token = "0123456789abcdef0123456789abcdef";
    std::string refs = std::string(ZAKUPAI_SOURCE_DIR) + "/data/goszakup_refs.json";
    cli.add_option("--port", port);
    cli.add_option("--port-file", port_file);
    cli.add_option("--lots", lots);
    cli.add_option("--rnu", rnu);
    cli.add_option("--subjects", subjects);
    cli.add_option("--seed", seed);
    cli.add_option("--token", token);
    cli.add_option("--refs", refs);
    CLI11_PARSE(cli, argc, argv);

    FakeOws ows(token, lots, rnu, subjects, seed, refs);
    zakupai::test::ListenForever(
        port, port_file, "fake OWS", [&ows](tcp::socket socket) { Serve(ows, std::move(socket)); });
}
