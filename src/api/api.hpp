#pragma once
// HTTP handlers: thin adapters from http/ to the domain modules. Each Register* function adds
// one module's routes; the composition root decides which modules are switched on.
#include <string>
#include <vector>

#include "billing/billing_service.hpp"
#include "calc/calc_service.hpp"
#include "core/calendar.hpp"
#include "core/json.hpp"
#include "docs/complaint.hpp"
#include "docs/letters.hpp"
#include "docs/render.hpp"
#include "docs/tldr.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "ingest/batch_import.hpp"
#include "ingest/rnu.hpp"
#include "ingest/sync.hpp"
#include "llm/ask.hpp"
#include "metrics/metrics.hpp"
#include "risk/risk_service.hpp"
#include "search/lot_search.hpp"
#include "search/semantic_index.hpp"
#include "search/supplier_finder.hpp"
#include "store/database.hpp"
#include "store/records_repository.hpp"
#include "store/search_repository.hpp"

namespace zakupai::notify {
class BotRunner;
}

namespace zakupai::api {

struct SystemInfo {
    std::string version;
    std::string build_type;
    std::vector<std::string> modules;
};

// The lots each key looked at (GET /tldr/{lot_id}, GET /risk/explain/{lot_id}), recorded off the
// request path: what /ask takes as "этот лот" or "мои лоты" when no lot is named.
class LotViews {
public:
    LotViews(store::WriteBehind& recorder, store::RecordsRepository& records)
        : recorder_(recorder), records_(records) {}
    void Saw(const http::Caller& caller, std::int64_t lot_id, Instant at);
    // The latest first; written views included (the recorder is flushed first).
    std::vector<std::int64_t> Recent(const http::Caller& caller, int limit);

private:
    store::WriteBehind& recorder_;
    store::RecordsRepository& records_;
};

// Authentication, plan checks, Idempotency-Key replays, quotas, per-IP limits for anonymous
// traffic, and the audit log.
http::Hooks MakeAccessHooks(billing::BillingService& billing,
                            store::WriteBehind& recorder,
                            store::RecordsRepository& records,
                            metrics::Registry& metrics,
                            const Clock& clock,
                            std::int64_t anonymous_per_ip_per_minute);

void RegisterSystemRoutes(
    http::Router& router, store::Database& db, metrics::Registry& metrics, const SystemInfo& info, const Clock& clock);
void RegisterCalcRoutes(http::Router& router, calc::CalcService& calc, const Clock& clock);
void RegisterBillingRoutes(http::Router& router, billing::BillingService& billing, const Clock& clock);
void RegisterDocsRoutes(http::Router& router,
                        const docs::LetterTemplates& letters,
                        const docs::TldrService& tldr,
                        const docs::ComplaintService& complaints,
                        const docs::RenderLimits& limits,
                        LotViews& views,
                        const Clock& clock);

// `sync` is null when no portal token is configured (the route then answers 503).
void RegisterIngestRoutes(http::Router& router,
                          ingest::GoszakupSync* sync,
                          ingest::RnuService& rnu,
                          store::GoszakupRepository& repository,
                          const Clock& clock);

// POST /etl/upload-batch, GET /lots/{id}/prices.
void RegisterImportRoutes(http::Router& router,
                          ingest::ImportService& imports,
                          const Clock& clock,
                          std::size_t max_bytes);
// An import report's fields into an open object (the upload's answer, `zakupai import --json`).
void WriteImportReport(JsonWriter& w, const ingest::ImportReport& report);
// An RNU answer's fields, the original API's first.
void WriteRnuAnswer(JsonWriter& w, const ingest::RnuAnswer& answer);

// POST /risk/score, POST /risk/score/{lot_id}, GET /risk/explain/{lot_id}.
void RegisterRiskRoutes(http::Router& router, risk::RiskService& risk, LotViews& views, const Clock& clock);

// GET /search/lots, POST /api/search/advanced, GET /api/search/autocomplete.
// ?semantic=true fuses in the lots found by meaning.
void RegisterSearchRoutes(http::Router& router,
                          const search::LotSearch& search,
                          store::SearchRepository& lots,
                          const Clock& clock);
// The seed's embedding-api (POST /embed, /index, /search), GET /semantic/status, and the
// supplier finder (GET /suppliers/find, the seed's GET /api/supplier/{lot_name}).
// `plans` caps the documents each key keeps; `remote_embeddings` (an outside provider embeds)
// puts the routes that embed on the blocking pool.
void RegisterSemanticRoutes(http::Router& router,
                            search::SemanticIndex& semantic,
                            const search::SupplierFinder& finder,
                            store::SearchRepository& repository,
                            const std::map<Plan, billing::PlanLimits>& plans,
                            bool remote_embeddings,
                            const Clock& clock);
// Kazakhstan's working-day calendar: GET /calendar/{year}, GET /calendar/working-days.
void RegisterCalendarRoutes(http::Router& router, const WorkCalendar& calendar, const Clock& clock);

// POST /telegram/webhook: Telegram's calls, checked by their secret token (403 otherwise), kept
// and answered 200 at once; the bot answers from its own thread. `bot` is null unless the bot
// runs in webhook mode: the route then answers 404 saying so.
void RegisterTelegramRoutes(http::Router& router, notify::BotRunner* bot, const std::string& secret);
// POST /ask: answers from the rule book, the knowledge base and the asked-about lots' TL;DR facts
// (named, or the ones the key looked at last when the question is about "этот лот").
void RegisterAskRoutes(http::Router& router,
                       const llm::AskService& ask,
                       const docs::TldrService& tldr,
                       LotViews& views,
                       const Clock& clock);

// The OpenAPI document served at /openapi.json (compiled in from data/openapi.json).
std::string_view OpenApiDocument();

// Who owns what a caller stores (saved searches, documents): its user, else its key.
std::string OwnerOf(const http::Request& request);

// The access-log fields of a request about one lot, for filtering logs by what was asked about:
// lot_id, procurement_method (when known), risk_level and compliance ("flagged" when any risk
// indicator fired, "clean" when none did, "unscored" when the lot was never scored).
void AnnotateLot(http::Response& response,
                 std::int64_t lot_id,
                 std::string_view procurement_method,
                 std::optional<RiskLevel> level,
                 std::size_t flags);

// The document set as a download, PDF or DOCX named `<base>.pdf|.docx`, or the 422 that says why
// not (too many pages, over the time budget).
http::Response FileResponse(const http::Request& request,
                            const docs::Document& document,
                            docs::Language language,
                            const docs::RenderLimits& limits,
                            bool pdf,
                            const std::string& base_name);
// The Almaty day as YYYYMMDD, for file names.
std::string DayStamp(Instant now);

// An answer object: the handler's fields, then "request_id" and "ts", which every answer carries.
template <class WriteFields>
http::Response JsonAnswer(const http::Request& request, Instant now, WriteFields&& write_fields, int status = 200) {
    JsonWriter w;
    w.BeginObject();
    write_fields(w);
    w.Field("request_id", request.request_id).Field("ts", FormatUtcTimestamp(now)).EndObject();
    return http::Response::Json(w.Take(), status);
}

}  // namespace zakupai::api
