#include "store/database.hpp"

#include <soci/connection-pool.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace zakupai::store {

namespace {
std::string Unescape(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// libpq prints NOTICEs ("relation already exists, skipping") to stderr, which breaks the JSON
// log format and says nothing useful at the default level; they go to the log at debug instead.
void LogNotice(void* /*unused*/, const char* message) {
    std::string_view text(message);
    while (!text.empty() && text.back() == '\n') {
        text.remove_suffix(1);
    }
    spdlog::debug("postgresql: {}", text);
}

// SOCI prepares every statement under a fresh name and deallocates it when the statement object
// goes, so PostgreSQL parses and plans each query again: three round trips, and most of the
// server's CPU for the short lookups a request makes (bench/cluster). A connection instead keeps
// what it prepared, by query text, for its whole life. Only single data statements are kept
// (a migration's script of several statements cannot be prepared), only from their second run (SQL
// built with values inside, such as an IN list of ids, is seldom run twice and would fill the
// connection's share), and at most kMaxKept per connection, for the server's memory.
class PreparedStatements {
public:
    explicit PreparedStatements(PGconn* connection) : connection_(connection) {}

    // The name `query` is prepared under on this connection (prepared now when new), or "" when it
    // should run unnamed.
    std::string NameFor(const std::string& query, int parameters) {
        if (!Keepable(query)) {
            return {};
        }
        if (const auto kept = names_.find(query); kept != names_.end()) {
            return kept->second;
        }
        if (names_.size() >= kMaxKept) {
            return {};
        }
        // Hashes only: a collision merely keeps a statement one run early.
        if (seen_once_.insert(std::hash<std::string>{}(query)).second) {
            if (seen_once_.size() > kMaxSeen) {
                seen_once_.clear();
            }
            return {};
        }
        std::string name = "zk_" + std::to_string(names_.size() + 1);
        PGresult* result = PQprepare(connection_, name.c_str(), query.c_str(), parameters, nullptr);
        const bool prepared = PQresultStatus(result) == PGRES_COMMAND_OK;
        std::string problem = prepared ? "" : PQresultErrorMessage(result);
        PQclear(result);
        if (!prepared) {
            // As SOCI words it when its own prepare fails: the caller sees the server's reason.
            throw soci::soci_error("Cannot prepare statement. " + problem);
        }
        names_.emplace(query, name);
        return name;
    }

private:
    static constexpr std::size_t kMaxKept = 256;
    static constexpr std::size_t kMaxSeen = 4096;

    static bool Keepable(std::string_view query) {
        const auto first = query.find_first_not_of(" \t\r\n(");
        if (first == std::string_view::npos) {
            return false;
        }
        const auto last = query.find_last_not_of(" \t\r\n;");
        if (query.substr(0, last + 1).find(';') != std::string_view::npos) {
            return false;
        }
        std::string verb;
        for (std::size_t i = first; i < query.size() && std::isalpha(static_cast<unsigned char>(query[i])) != 0; ++i) {
            verb += static_cast<char>(std::toupper(static_cast<unsigned char>(query[i])));
        }
        return verb == "SELECT" || verb == "INSERT" || verb == "UPDATE" || verb == "DELETE" || verb == "WITH";
    }

    PGconn* connection_;
    std::unordered_map<std::string, std::string> names_;
    std::unordered_set<std::size_t> seen_once_;
};

// How a connection runs SOCI's statements: from the connection's kept prepared statements, or
// unnamed. PgBouncer 1.18 in transaction mode hands each transaction to whichever server
// connection is free, so a statement prepared by name on one is missing, or already taken, on the
// next; executed as one-time (unnamed, PQexecParams) statements, the same SOCI code needs no
// server-side state between transactions, and each execution is planned afresh. The PostgreSQL
// backend's classes are not exported from its library, so these wrap them and forward; their
// members are public in its header, which is how the kept statement's name is handed over.
class PostgresStatementBackend : public soci::details::statement_backend {
public:
    PostgresStatementBackend(soci::details::statement_backend* inner, PreparedStatements* kept)
        : inner_(inner), kept_(kept) {}
    ~PostgresStatementBackend() override {
        // The name belongs to the connection's kept statements: SOCI must not deallocate it.
        Postgres().statementName_.clear();
    }
    PostgresStatementBackend(const PostgresStatementBackend&) = delete;
    PostgresStatementBackend& operator=(const PostgresStatementBackend&) = delete;

    void alloc() override { inner_->alloc(); }
    void clean_up() override { inner_->clean_up(); }
    void prepare(std::string const& query, soci::details::statement_type /*unused*/) override {
        // Rewrites :name into $1 and notes the parameters, without preparing anything.
        inner_->prepare(query, soci::details::st_one_time_query);
        if (kept_ != nullptr) {
            auto& statement = Postgres();
            std::string name = kept_->NameFor(statement.query_, static_cast<int>(statement.names_.size()));
            if (!name.empty()) {
                statement.statementName_ = std::move(name);
                statement.stType_ = soci::details::st_repeatable_query;
            }
        }
    }
    exec_fetch_result execute(int number) override { return inner_->execute(number); }
    exec_fetch_result fetch(int number) override { return inner_->fetch(number); }
    long long get_affected_rows() override { return inner_->get_affected_rows(); }
    int get_number_of_rows() override { return inner_->get_number_of_rows(); }
    std::string get_parameter_name(int index) const override { return inner_->get_parameter_name(index); }
    std::string rewrite_for_procedure_call(std::string const& query) override {
        return inner_->rewrite_for_procedure_call(query);
    }
    int prepare_for_describe() override { return inner_->prepare_for_describe(); }
    void describe_column(int column, soci::data_type& type, std::string& name) override {
        inner_->describe_column(column, type, name);
    }
    soci::details::standard_into_type_backend* make_into_type_backend() override {
        return inner_->make_into_type_backend();
    }
    soci::details::standard_use_type_backend* make_use_type_backend() override {
        return inner_->make_use_type_backend();
    }
    soci::details::vector_into_type_backend* make_vector_into_type_backend() override {
        return inner_->make_vector_into_type_backend();
    }
    soci::details::vector_use_type_backend* make_vector_use_type_backend() override {
        return inner_->make_vector_use_type_backend();
    }

private:
    soci::postgresql_statement_backend& Postgres() { return static_cast<soci::postgresql_statement_backend&>(*inner_); }

    std::unique_ptr<soci::details::statement_backend> inner_;
    PreparedStatements* kept_;  // the session's; null: run unnamed
};

class PostgresSessionBackend : public soci::details::session_backend {
public:
    PostgresSessionBackend(soci::details::session_backend* inner, bool keep_prepared)
        : inner_(inner),
          kept_(keep_prepared
                    ? std::make_unique<PreparedStatements>(static_cast<soci::postgresql_session_backend&>(*inner).conn_)
                    : nullptr) {}
    bool is_connected() override { return inner_->is_connected(); }
    void begin() override { inner_->begin(); }
    void commit() override { inner_->commit(); }
    void rollback() override { inner_->rollback(); }
    bool get_next_sequence_value(soci::session& s, std::string const& sequence, long long& value) override {
        return inner_->get_next_sequence_value(s, sequence, value);
    }
    std::string get_dummy_from_table() const override { return inner_->get_dummy_from_table(); }
    std::string get_backend_name() const override { return inner_->get_backend_name(); }
    soci::details::statement_backend* make_statement_backend() override {
        return new PostgresStatementBackend(inner_->make_statement_backend(), kept_.get());
    }
    soci::details::rowid_backend* make_rowid_backend() override { return inner_->make_rowid_backend(); }
    soci::details::blob_backend* make_blob_backend() override { return inner_->make_blob_backend(); }

private:
    std::unique_ptr<soci::details::session_backend> inner_;
    std::unique_ptr<PreparedStatements> kept_;
};

class PostgresFactory : public soci::backend_factory {
public:
    explicit PostgresFactory(bool keep_prepared) : keep_prepared_(keep_prepared) {}
    soci::details::session_backend* make_session(const soci::connection_parameters& parameters) const override {
        // Through the exported entry point: the factory class itself is not exported either.
        soci::details::session_backend* backend = soci::factory_postgresql()->make_session(parameters);
        PQsetNoticeProcessor(static_cast<soci::postgresql_session_backend*>(backend)->conn_, LogNotice, nullptr);
        return new PostgresSessionBackend(backend, keep_prepared_);
    }

private:
    bool keep_prepared_;
};

std::string Quote(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\\' || c == '\'') {
            out += '\\';
        }
        out += c;
    }
    return out + "'";
}
}  // namespace

std::vector<std::pair<std::string, std::string>> PostgresConnectParams(const std::string& url) {
    std::string_view rest(url);
    rest.remove_prefix(rest.find("://") + 3);
    std::vector<std::pair<std::string, std::string>> params;
    auto add = [&](const char* key, std::string_view value) {
        if (!value.empty()) {
            params.emplace_back(key, Unescape(value));
        }
    };
    std::string_view query;
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::string_view dbname;
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        dbname = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
    }
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        std::string_view credentials = rest.substr(0, at);
        rest = rest.substr(at + 1);
        auto colon = credentials.find(':');
        add("user", credentials.substr(0, colon));
        if (colon != std::string_view::npos) {
            add("password", credentials.substr(colon + 1));
        }
    }
    std::string_view host = rest;
    std::string_view port;
    if (auto colon = rest.rfind(':'); colon != std::string_view::npos && rest.find(']') == std::string_view::npos) {
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    add("host", host);
    add("port", port);
    add("dbname", dbname);
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        auto eq = pair.find('=');
        if (eq != std::string_view::npos) {
            const std::string key(pair.substr(0, eq));
            add(key.c_str(), pair.substr(eq + 1));
        }
    }
    return params;
}

std::string PostgresConnectString(const std::string& url) {
    return PostgresConnectString(PostgresConnectParams(url));
}

std::string PostgresConnectString(const std::vector<std::pair<std::string, std::string>>& params) {
    std::string out;
    for (const auto& [key, value] : params) {
        out += (out.empty() ? "" : " ") + key + "=" + Quote(value);
    }
    return out;
}

Database::Database(Dialect dialect, int size)
    : dialect_(dialect), size_(size), pool_(std::make_unique<soci::connection_pool>(static_cast<std::size_t>(size))) {}

Database::~Database() = default;

std::unique_ptr<Database> Database::Open(const DatabaseConfig& config, const std::string& data_dir) {
    std::string url = config.url;
    if (url.empty()) {
        std::filesystem::create_directories(data_dir);
        url = "sqlite://" + std::filesystem::absolute(std::filesystem::path(data_dir) / "zakupai.db").string();
    }
    const bool sqlite = url.rfind("sqlite://", 0) == 0;
    std::unique_ptr<Database> db(new Database(sqlite ? Dialect::kSqlite : Dialect::kPostgres, config.pool_size));
    if (!sqlite) {
        db->postgres_factory_ = std::make_unique<PostgresFactory>(config.prepared_statements);
    }
    if (sqlite) {
        const std::string path = url.substr(std::string("sqlite://").size());
        if (path.empty()) {
            throw std::runtime_error("sqlite:// URL needs a file path, e.g. sqlite:///var/zakupai.db");
        }
        std::filesystem::path parent = std::filesystem::path(path).parent_path();
        if (!parent.empty()) {
            std::filesystem::create_directories(parent);
        }
        db->description_ = "sqlite " + path;
        // The pool hands a connection to one thread at a time, so SQLite's own per-connection
        // mutexes (its default "serialized" mode) only cost time. Takes effect only before the
        // library's first use in the process; later calls are refused and change nothing.
        sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
        for (int i = 0; i < config.pool_size; ++i) {
            soci::session& s = db->pool_->at(static_cast<std::size_t>(i));
            s.open(soci::sqlite3, "db=" + path + " timeout=10");
            // WAL lets readers proceed while the write-behind thread commits.
            s << "PRAGMA journal_mode=WAL";
            s << "PRAGMA synchronous=NORMAL";
            // A bulk import or a sync page touches many index pages; with the default 2 MB cache
            // SQLite spills them to the WAL again and again before the commit.
            s << "PRAGMA cache_size=-65536";
            s << "PRAGMA foreign_keys=ON";
        }
        // SOCI's SQLite backend builds a static map of column types the first time it describes a
        // row. Built here, before any other thread can lease a connection, every later reader sees
        // it through the thread start or the pool's lock; built lazily by two threads at once, the
        // uninstrumented library's guard hides the ordering and ThreadSanitizer reports a race.
        soci::rowset<soci::row> describe_once = (db->pool_->at(0).prepare << "SELECT name FROM sqlite_master LIMIT 1");
        for ([[maybe_unused]] const auto& row : describe_once) {
        }
    } else {
        db->description_ = config.prepared_statements ? "postgresql" : "postgresql (no prepared statements)";
        auto open_pool = [&](soci::connection_pool& pool, int size, const std::string& pool_url) {
            for (int i = 0; i < size; ++i) {
                soci::session& s = pool.at(static_cast<std::size_t>(i));
                s.open(*db->postgres_factory_, PostgresConnectString(pool_url));
                s << "SET TIME ZONE 'UTC'";
                s << "SET statement_timeout = 30000";
            }
        };
        open_pool(*db->pool_, config.pool_size, url);
        if (!config.read_url.empty()) {
            // Catch-up reads come in batches from a few threads: half the primary's pool is plenty.
            const int replica_size = std::max(1, config.pool_size / 2);
            db->replica_pool_ = std::make_unique<soci::connection_pool>(static_cast<std::size_t>(replica_size));
            open_pool(*db->replica_pool_, replica_size, config.read_url);
            db->description_ += " (lagging reads from a replica)";
        }
    }
    return db;
}

Database::Lease::Lease(Database& db, Reading reading) : db_(db) {
    // Waiting counts the callers blocked on an exhausted pool: a gauge above zero for long means
    // the pool is too small for the load.
    db_.waiting_.fetch_add(1);
    try {
        session_ = std::make_unique<soci::session>(
            reading == Reading::kMayLag && db.replica_pool_ != nullptr ? *db.replica_pool_ : *db.pool_);
    } catch (...) {
        db_.waiting_.fetch_sub(1);
        throw;
    }
    db_.waiting_.fetch_sub(1);
    db_.in_use_.fetch_add(1);
}

Database::Lease::~Lease() {
    session_.reset();
    db_.in_use_.fetch_sub(1);
}

void Database::PublishMetrics(metrics::Registry& registry) {
    registry.AddGaugeCallback("db_pool_connections", "Database connections in the pool, by state.", [this] {
        const auto stats = Stats();
        return std::vector<metrics::Sample>{{R"(state="in_use")", static_cast<double>(stats.in_use)},
                                            {R"(state="idle")", static_cast<double>(stats.size - stats.in_use)}};
    });
    registry.AddGaugeCallback("db_pool_waiting", "Callers waiting for a free database connection.", [this] {
        return std::vector<metrics::Sample>{{"", static_cast<double>(waiting_.load())}};
    });
}

bool Database::Ping() {
    try {
        Lease s(*this);
        int one = 0;
        *s << "SELECT 1", soci::into(one);
        return one == 1;
    } catch (const std::exception& e) {
        spdlog::warn("database ping failed: {}", e.what());
        return false;
    }
}

WriteTransaction::WriteTransaction(soci::session& session, Dialect dialect) : session_(session) {
    session_ << (dialect == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

WriteTransaction::~WriteTransaction() {
    if (open_) {
        try {
            session_ << "ROLLBACK";
        } catch (const std::exception&) {
            // The connection is gone; the server rolled back for us.
        }
    }
}

void WriteTransaction::Commit() {
    session_ << "COMMIT";
    open_ = false;
}

}  // namespace zakupai::store
