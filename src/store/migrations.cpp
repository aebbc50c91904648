// Forward-only schema migrations, identical in meaning on SQLite and PostgreSQL. The few type
// differences are placeholders: {PK} an auto-increment key, {TS} a timestamp (ISO-8601 UTC
// text on SQLite), {JSON} a JSON document. Money columns are BIGINT tiyn. Never edit a
// migration that has shipped; add the next one.
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <vector>

#include "core/time.hpp"
#include "store/database.hpp"

namespace zakupai::store {

namespace {

struct Migration {
    int version;
    const char* name;
    const char* sql;
};

const std::vector<Migration>& Migrations() {
    static const std::vector<Migration> kMigrations{
        {1,
         "seed schema: lots, suppliers, prices, billing, audit",
         R"SQL(
CREATE TABLE lots (
    id {PK},
    title TEXT NOT NULL,
    description TEXT,
    price BIGINT NOT NULL DEFAULT 0,
    risk_score INTEGER,
    deadline {TS},
    customer_bin TEXT,
    customer_name TEXT,
    plan_id TEXT,
    status TEXT,
    method TEXT,
    region TEXT,
    enstru TEXT,
    quantity TEXT,
    unit TEXT,
    created_at {TS} NOT NULL,
    updated_at {TS} NOT NULL
);
CREATE INDEX lots_customer_bin_idx ON lots (customer_bin);
CREATE INDEX lots_deadline_idx ON lots (deadline);
CREATE TABLE suppliers (
    bin TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    oked TEXT,
    region TEXT,
    created_at {TS} NOT NULL
);
CREATE TABLE prices (
    id {PK},
    source TEXT NOT NULL,
    sku TEXT NOT NULL,
    title TEXT,
    price BIGINT NOT NULL CHECK (price >= 0),
    currency TEXT NOT NULL DEFAULT 'KZT',
    supplier_bin TEXT REFERENCES suppliers (bin) ON DELETE SET NULL,
    captured_at {TS} NOT NULL
);
CREATE INDEX prices_sku_idx ON prices (sku);
CREATE INDEX prices_captured_at_idx ON prices (captured_at);
CREATE TABLE lot_prices (
    id {PK},
    lot_id BIGINT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    price_id BIGINT NOT NULL REFERENCES prices (id) ON DELETE CASCADE,
    qty NUMERIC(18, 3) NOT NULL DEFAULT 1
);
CREATE INDEX lot_prices_lot_idx ON lot_prices (lot_id);
CREATE INDEX lot_prices_price_idx ON lot_prices (price_id);
CREATE TABLE finance_calcs (
    id {PK},
    kind TEXT NOT NULL,
    lot_id BIGINT,
    input {JSON},
    results {JSON} NOT NULL,
    request_id TEXT,
    api_key_id BIGINT,
    created_at {TS} NOT NULL
);
CREATE INDEX finance_calcs_lot_idx ON finance_calcs (lot_id);
CREATE TABLE risk_evaluations (
    id {PK},
    lot_id BIGINT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    model_version TEXT,
    score INTEGER NOT NULL,
    flags {JSON},
    explain {JSON},
    created_at {TS} NOT NULL
);
CREATE INDEX risk_evaluations_lot_created_idx ON risk_evaluations (lot_id, created_at DESC);
CREATE TABLE goszakup_lots (
    id {PK},
    plan_number TEXT NOT NULL,
    lot_number TEXT NOT NULL,
    customer_bin TEXT,
    status TEXT,
    amount BIGINT,
    name_ru TEXT,
    name_kz TEXT,
    description_ru TEXT,
    method TEXT,
    announcement_number TEXT,
    deadline {TS},
    enstru TEXT,
    kato TEXT,
    created_at {TS} NOT NULL,
    updated_at {TS} NOT NULL,
    UNIQUE (plan_number, lot_number)
);
CREATE INDEX goszakup_lots_plan_idx ON goszakup_lots (plan_number);
CREATE INDEX goszakup_lots_created_idx ON goszakup_lots (created_at DESC);
CREATE INDEX goszakup_lots_customer_idx ON goszakup_lots (customer_bin);
CREATE TABLE users (
    id {PK},
    tg_id BIGINT UNIQUE,
    email TEXT,
    name TEXT,
    plan TEXT NOT NULL DEFAULT 'free',
    status TEXT NOT NULL DEFAULT 'active',
    created_at {TS} NOT NULL,
    updated_at {TS} NOT NULL
);
CREATE TABLE api_keys (
    id {PK},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT,
    key_prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    plan TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    created_at {TS} NOT NULL,
    expires_at {TS},
    revoked_at {TS}
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);
CREATE TABLE usage (
    id {PK},
    api_key_id BIGINT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    endpoint TEXT NOT NULL,
    requests INTEGER NOT NULL,
    window_start {TS} NOT NULL,
    created_at {TS} NOT NULL
);
CREATE INDEX usage_key_window_idx ON usage (api_key_id, window_start);
CREATE TABLE payments (
    id {PK},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    currency TEXT NOT NULL DEFAULT 'KZT',
    plan TEXT NOT NULL,
    period_days INTEGER NOT NULL,
    method TEXT,
    status TEXT NOT NULL DEFAULT 'paid',
    external_id TEXT UNIQUE,
    created_at {TS} NOT NULL
);
CREATE TABLE user_subscriptions (
    id {PK},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    query {JSON},
    active INTEGER NOT NULL DEFAULT 1,
    created_at {TS} NOT NULL
);
CREATE TABLE audit_log (
    id {PK},
    api_key_id BIGINT,
    user_id BIGINT,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    status INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    ip TEXT,
    duration_us BIGINT,
    created_at {TS} NOT NULL
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at);
CREATE INDEX audit_log_key_idx ON audit_log (api_key_id, created_at)
)SQL"},
        {2,
         "goszakup sync state and events, participants, reference dictionaries, RNU, import batches, price matching",
         R"SQL(
ALTER TABLE goszakup_lots ADD COLUMN source_id BIGINT;
ALTER TABLE goszakup_lots ADD COLUMN status_id INTEGER;
ALTER TABLE goszakup_lots ADD COLUMN method_id INTEGER;
ALTER TABLE goszakup_lots ADD COLUMN trd_buy_id BIGINT;
ALTER TABLE goszakup_lots ADD COLUMN customer_name TEXT;
ALTER TABLE goszakup_lots ADD COLUMN quantity TEXT;
ALTER TABLE goszakup_lots ADD COLUMN publish_date {TS};
ALTER TABLE goszakup_lots ADD COLUMN start_date {TS};
ALTER TABLE goszakup_lots ADD COLUMN last_update_date TEXT;
ALTER TABLE goszakup_lots ADD COLUMN index_date TEXT;
ALTER TABLE goszakup_lots ADD COLUMN is_deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE goszakup_lots ADD COLUMN lot_id BIGINT REFERENCES lots (id) ON DELETE SET NULL;
CREATE INDEX goszakup_lots_source_idx ON goszakup_lots (source_id);
CREATE INDEX goszakup_lots_lot_idx ON goszakup_lots (lot_id);
CREATE INDEX lots_customer_code_idx ON lots (customer_bin, enstru, created_at);
CREATE INDEX lots_enstru_idx ON lots (enstru);
CREATE TABLE goszakup_lot_events (
    id {PK},
    goszakup_lot_id BIGINT NOT NULL REFERENCES goszakup_lots (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    seen_at {TS} NOT NULL
);
CREATE INDEX goszakup_lot_events_lot_idx ON goszakup_lot_events (goszakup_lot_id);
CREATE INDEX goszakup_lot_events_seen_idx ON goszakup_lot_events (seen_at);
CREATE TABLE sync_state (
    name TEXT PRIMARY KEY,
    mode TEXT,
    since TEXT,
    cursor BIGINT,
    pages INTEGER NOT NULL DEFAULT 0,
    run_started_at {TS},
    last_success_at {TS},
    last_report {JSON},
    updated_at {TS} NOT NULL
);
CREATE TABLE goszakup_refs (
    ref_name TEXT NOT NULL,
    id BIGINT NOT NULL,
    code TEXT,
    name_ru TEXT,
    name_kz TEXT,
    updated_at {TS} NOT NULL,
    PRIMARY KEY (ref_name, id)
);
CREATE TABLE rnu_entries (
    id {PK},
    source_id BIGINT,
    supplier_biin TEXT NOT NULL,
    supplier_name_ru TEXT,
    supplier_name_kz TEXT,
    start_date TEXT,
    end_date TEXT,
    reason TEXT,
    court_decision TEXT,
    kato TEXT,
    synced_at {TS} NOT NULL
);
CREATE INDEX rnu_entries_biin_idx ON rnu_entries (supplier_biin);
CREATE TABLE rnu_checks (
    biin TEXT PRIMARY KEY,
    listed INTEGER NOT NULL,
    details {JSON},
    checked_at {TS} NOT NULL
);
CREATE TABLE import_batches (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    file_name TEXT,
    format TEXT NOT NULL,
    encoding TEXT,
    rows_total INTEGER NOT NULL,
    rows_accepted INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    strict INTEGER NOT NULL,
    api_key_id BIGINT,
    created_at {TS} NOT NULL
);
ALTER TABLE prices ADD COLUMN unit TEXT;
ALTER TABLE prices ADD COLUMN sku_norm TEXT;
ALTER TABLE prices ADD COLUMN batch_id TEXT;
ALTER TABLE lots ADD COLUMN batch_id TEXT;
ALTER TABLE lot_prices ADD COLUMN match_score DOUBLE PRECISION;
ALTER TABLE lot_prices ADD COLUMN match_kind TEXT;
ALTER TABLE suppliers ADD COLUMN name_kz TEXT;
ALTER TABLE suppliers ADD COLUMN source_id BIGINT;
ALTER TABLE suppliers ADD COLUMN is_supplier INTEGER NOT NULL DEFAULT 0;
ALTER TABLE suppliers ADD COLUMN is_customer INTEGER NOT NULL DEFAULT 0;
ALTER TABLE suppliers ADD COLUMN last_update_date TEXT;
ALTER TABLE suppliers ADD COLUMN updated_at {TS}
)SQL"},
        {3,
         "bids per lot, contracts with amendments, evaluation digests, indicator texts per model, saved searches",
         R"SQL(
CREATE TABLE lot_bids (
    id {PK},
    lot_id BIGINT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    supplier_bin TEXT NOT NULL,
    price BIGINT NOT NULL CHECK (price >= 0),
    status TEXT NOT NULL,
    submitted_at {TS},
    source TEXT,
    updated_at {TS} NOT NULL,
    UNIQUE (lot_id, supplier_bin)
);
CREATE INDEX lot_bids_supplier_idx ON lot_bids (supplier_bin);
CREATE TABLE contracts (
    id {PK},
    source_id BIGINT NOT NULL UNIQUE,
    parent_source_id BIGINT,
    root_source_id BIGINT,
    trd_buy_id BIGINT,
    announcement_number TEXT,
    customer_bin TEXT,
    supplier_bin TEXT,
    contract_number TEXT,
    amount BIGINT,
    amount_with_vat BIGINT,
    sign_date {TS},
    fin_year INTEGER,
    method_id INTEGER,
    status_id INTEGER,
    amendment_grounds TEXT,
    last_update_date TEXT,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    updated_at {TS} NOT NULL
);
CREATE INDEX contracts_trd_buy_idx ON contracts (trd_buy_id);
CREATE INDEX contracts_customer_year_idx ON contracts (customer_bin, fin_year);
CREATE INDEX contracts_supplier_idx ON contracts (supplier_bin);
CREATE INDEX contracts_root_idx ON contracts (root_source_id);
CREATE INDEX lots_plan_idx ON lots (plan_id);
CREATE INDEX goszakup_lots_trd_buy_idx ON goszakup_lots (trd_buy_id);
ALTER TABLE risk_evaluations ADD COLUMN digest TEXT;
CREATE TABLE risk_indicator_texts (
    model_version TEXT NOT NULL,
    indicator TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_kz TEXT NOT NULL,
    threshold TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (model_version, indicator)
);
CREATE TABLE saved_searches (
    id {PK},
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    query {JSON} NOT NULL,
    created_at {TS} NOT NULL,
    updated_at {TS} NOT NULL,
    UNIQUE (owner, name)
)
)SQL"},
        {4,
         "semantic search: documents indexed through /index",
         R"SQL(
CREATE TABLE semantic_documents (
    id {PK},
    owner TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at {TS} NOT NULL,
    updated_at {TS} NOT NULL,
    UNIQUE (owner, ref_id)
);
CREATE INDEX semantic_documents_updated_idx ON semantic_documents (updated_at, id);
CREATE INDEX lots_updated_idx ON lots (updated_at, id);
CREATE INDEX lot_bids_supplier_status_idx ON lot_bids (supplier_bin, status)
)SQL"},
        {5,
         "the portal's own watermark per register; one price per source, SKU (or name) and capture time",
         R"SQL(
ALTER TABLE sync_state ADD COLUMN watermark TEXT;
DELETE FROM prices WHERE id NOT IN (SELECT MAX(id) FROM prices GROUP BY source, CASE WHEN sku = '' THEN title ELSE sku END, captured_at);
CREATE UNIQUE INDEX prices_offer_idx ON prices (source, (CASE WHEN sku = '' THEN title ELSE sku END), captured_at)
)SQL"},
        {6,
         "key changes every server notices, answers kept for Idempotency-Key retries, calc retention",
         R"SQL(
CREATE TABLE api_key_changes (
    id {PK},
    key_id BIGINT,
    kind TEXT NOT NULL,
    changed_at {TS} NOT NULL
);
CREATE TABLE idempotent_requests (
    api_key_id BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL,
    route TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at {TS} NOT NULL,
    PRIMARY KEY (api_key_id, idempotency_key)
);
CREATE INDEX idempotent_requests_created_idx ON idempotent_requests (created_at);
CREATE INDEX finance_calcs_created_idx ON finance_calcs (created_at)
)SQL"},
        {7,
         "the lots each key looked at last, /ask's context when no lot is named",
         R"SQL(
CREATE TABLE lot_views (
    api_key_id BIGINT NOT NULL,
    lot_id BIGINT NOT NULL,
    viewed_at {TS} NOT NULL,
    PRIMARY KEY (api_key_id, lot_id)
);
CREATE INDEX lot_views_recent_idx ON lot_views (api_key_id, viewed_at);
CREATE INDEX lot_views_viewed_idx ON lot_views (viewed_at)
)SQL"},
        {8,
         "the Telegram bot: chats, updates kept before they are handled, alert subscriptions, the outbox",
         R"SQL(
CREATE TABLE telegram_chats (
    chat_id BIGINT PRIMARY KEY,
    user_tg_id BIGINT NOT NULL,
    chat_type TEXT NOT NULL,
    language TEXT NOT NULL,
    key_id BIGINT NOT NULL DEFAULT 0,
    blocked INTEGER NOT NULL DEFAULT 0,
    quiet_from INTEGER NOT NULL DEFAULT -1,
    quiet_to INTEGER NOT NULL DEFAULT -1,
    digest_at INTEGER NOT NULL DEFAULT -1,
    created_at {TS} NOT NULL,
    updated_at {TS} NOT NULL
);
CREATE TABLE telegram_updates (
    update_id BIGINT PRIMARY KEY,
    payload TEXT NOT NULL,
    received_at {TS} NOT NULL,
    handled_at {TS}
);
CREATE INDEX telegram_updates_handled_idx ON telegram_updates (handled_at);
CREATE TABLE bot_state (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE alert_subscriptions (
    id {PK},
    chat_id BIGINT NOT NULL REFERENCES telegram_chats (chat_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    paused INTEGER NOT NULL DEFAULT 0,
    last_state TEXT,
    created_at {TS} NOT NULL,
    UNIQUE (chat_id, kind, target)
);
CREATE INDEX alert_subscriptions_kind_idx ON alert_subscriptions (kind, target);
CREATE TABLE telegram_outbox (
    id {PK},
    dedup_key TEXT NOT NULL UNIQUE,
    chat_id BIGINT NOT NULL,
    method TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at {TS} NOT NULL,
    due_at {TS} NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending',
    sent_at {TS},
    last_error TEXT
);
CREATE INDEX telegram_outbox_due_idx ON telegram_outbox (status, due_at, id);
CREATE INDEX telegram_outbox_chat_idx ON telegram_outbox (chat_id, status)
)SQL"},
        {9,
         "the web panel's sessions: a cookie's hash, the key it acts for, its CSRF token",
         R"SQL(
CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    key_id BIGINT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    csrf TEXT NOT NULL,
    language TEXT NOT NULL,
    created_at {TS} NOT NULL,
    expires_at {TS} NOT NULL
);
CREATE INDEX web_sessions_user_idx ON web_sessions (user_id)
)SQL"},
        {10,
         "several instances: leases for the work that must run once, usage counted per instance",
         R"SQL(
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    acquired_at {TS} NOT NULL,
    expires_at {TS} NOT NULL
);
ALTER TABLE usage ADD COLUMN instance TEXT NOT NULL DEFAULT '';
CREATE INDEX usage_window_idx ON usage (window_start)
)SQL"},
    };
    return kMigrations;
}

std::string ForDialect(std::string sql, Dialect dialect) {
    auto replace = [&](const std::string& from, const std::string& to) {
        for (auto pos = sql.find(from); pos != std::string::npos; pos = sql.find(from, pos + to.size())) {
            sql.replace(pos, from.size(), to);
        }
    };
    const bool pg = dialect == Dialect::kPostgres;
    replace("{PK}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
    replace("{TS}", pg ? "TIMESTAMPTZ" : "TEXT");
    replace("{JSON}", pg ? "JSONB" : "TEXT");
    return sql;
}

std::vector<std::string> SplitStatements(const std::string& sql) {
    std::vector<std::string> statements;
    std::string current;
    for (char c : sql) {
        if (c == ';') {
            statements.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    statements.push_back(current);
    std::erase_if(statements, [](const std::string& s) { return s.find_first_not_of(" \n\t") == std::string::npos; });
    return statements;
}

}  // namespace

int SchemaVersion(Database& db) {
    Database::Lease s(db);
    int version = 0;
    soci::indicator ind = soci::i_null;
    *s << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
    return ind == soci::i_ok ? version : 0;
}

int Migrate(Database& db) {
    Database::Lease s(db);
    const bool pg = db.dialect() == Dialect::kPostgres;
    *s << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
          "applied_at TEXT NOT NULL)";
    int applied = 0;
    for (const auto& migration : Migrations()) {
        WriteTransaction tx(*s, db.dialect());
        // Serialises concurrent migrators; SQLite's write lock does the same for it.
        if (pg) {
            *s << "SELECT pg_advisory_xact_lock(4242001)";
        }
        int present = 0;
        *s << "SELECT COUNT(*) FROM schema_migrations WHERE version = :v", soci::use(migration.version),
            soci::into(present);
        if (present > 0) {
            tx.Commit();
            continue;
        }
        for (const auto& statement : SplitStatements(ForDialect(migration.sql, db.dialect()))) {
            *s << statement;
        }
        const std::string now = FormatUtcTimestamp(SystemClock().Now());
        const std::string name = migration.name;
        *s << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :a)",
            soci::use(migration.version), soci::use(name), soci::use(now);
        tx.Commit();
        spdlog::info("applied migration {}: {}", migration.version, migration.name);
        ++applied;
    }
    return applied;
}

}  // namespace zakupai::store
