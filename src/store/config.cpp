#include "store/config.hpp"

namespace zakupai::store {

std::string DatabaseConfig::Redacted() const {
    const auto scheme_end = url.find("://");
    const auto at = url.find('@');
    if (scheme_end == std::string::npos || at == std::string::npos) {
        return url;
    }
    const auto colon = url.find(':', scheme_end + 3);
    if (colon == std::string::npos || colon > at) {
        return url;
    }
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

void DescribeSettings(SettingsSection<DatabaseConfig>& s) {
    s.Custom(
        "url",
        [](DatabaseConfig& c, const std::string& v) -> std::optional<std::string> {
            if (!v.empty() && v.rfind("sqlite://", 0) != 0 && v.rfind("postgresql://", 0) != 0 &&
                v.rfind("postgres://", 0) != 0) {
                return "must start with sqlite:// or postgresql://";
            }
            c.url = v;
            return std::nullopt;
        },
        {},
        true);
    s.Int("pool_size", &DatabaseConfig::pool_size, 1, 256, {"ZAKUPAI_DB_POOL_SIZE"});
    s.Bool("prepared_statements", &DatabaseConfig::prepared_statements);
    s.Custom(
        "read_url",
        [](DatabaseConfig& c, const std::string& v) -> std::optional<std::string> {
            if (!v.empty() && v.rfind("postgresql://", 0) != 0 && v.rfind("postgres://", 0) != 0) {
                return "must start with postgresql:// (a replica of the PostgreSQL database)";
            }
            c.read_url = v;
            return std::nullopt;
        },
        {},
        true);
}

void DescribeSettings(SettingsSection<AuditConfig>& s) {
    s.Int("keep_days", &AuditConfig::keep_days, 1, 36'500);
    s.Int("archive_keep_days", &AuditConfig::archive_keep_days, 0, 36'500);
    s.OptionalText("archive_dir", &AuditConfig::archive_dir);
}

}  // namespace zakupai::store
