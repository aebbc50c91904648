#include "risk/internal/stored_findings.hpp"

#include <boost/json.hpp>

namespace zakupai::risk {

namespace json = boost::json;

namespace {

constexpr std::string_view StatusCode(Status status) {
    switch (status) {
        case Status::kTriggered:
            return "t";
        case Status::kClear:
            return "c";
        case Status::kNoData:
            return "n";
    }
    return "n";
}

Result<Status> StatusFromCode(std::string_view code) {
    if (code == "t") {
        return Status::kTriggered;
    }
    if (code == "c") {
        return Status::kClear;
    }
    if (code == "n") {
        return Status::kNoData;
    }
    return Fail(Error{ErrorCode::kInternal, "unknown status '" + std::string(code) + "'", {}});
}

Error Broken(std::string what) {
    return Error{ErrorCode::kInternal, "stored findings: " + std::move(what), {}};
}

}  // namespace

std::string EncodeFindings(const std::vector<Finding>& findings, const TextCatalog& fixed) {
    json::array list;
    list.reserve(findings.size());
    for (const auto& f : findings) {
        json::array evidence;
        for (const auto& [name, value] : f.evidence) {
            evidence.push_back(json::array{json::string(name), json::string(value)});
        }
        json::object o{{"id", f.id},
                       {"ver", f.version},
                       {"w", f.weight},
                       {"s", StatusCode(f.status)},
                       {"e", std::move(evidence)},
                       {"x", f.explanation_ru},
                       {"xk", f.explanation_kz}};
        const auto text = fixed.find(f.id);
        if (text == fixed.end() || text->second.threshold != f.threshold) {
            o["th"] = f.threshold;
        }
        if (text == fixed.end() || text->second.source != f.source) {
            o["src"] = f.source;
        }
        list.push_back(std::move(o));
    }
    return json::serialize(json::object{{"v", kStoredFindingsVersion}, {"f", std::move(list)}});
}

Result<std::vector<Finding>> DecodeFindings(std::string_view stored, const TextCatalog& fixed) {
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 8;
    const auto parsed = json::parse(stored, ec, {}, options);
    if (ec) {
        return Fail(Broken("not JSON: " + ec.message()));
    }
    const auto* root = parsed.if_object();
    const auto* version = root != nullptr ? root->if_contains("v") : nullptr;
    if (version == nullptr || !version->is_int64()) {
        return Fail(
            Broken("no schema version (written before version " + std::to_string(kStoredFindingsVersion) + ")"));
    }
    if (version->get_int64() != kStoredFindingsVersion) {
        return Fail(Broken("schema version " + std::to_string(version->get_int64()) + ", this code reads " +
                           std::to_string(kStoredFindingsVersion)));
    }
    const auto* list = root->if_contains("f");
    if (list == nullptr || !list->is_array()) {
        return Fail(Broken("no findings list"));
    }
    std::vector<Finding> findings;
    findings.reserve(list->get_array().size());
    for (const auto& item : list->get_array()) {
        const auto* o = item.if_object();
        auto text = [&](const char* key) -> const json::string* {
            const auto* v = o != nullptr ? o->if_contains(key) : nullptr;
            return v != nullptr && v->is_string() ? &v->get_string() : nullptr;
        };
        auto integer = [&](const char* key) -> std::optional<std::int64_t> {
            const auto* v = o != nullptr ? o->if_contains(key) : nullptr;
            return v != nullptr && v->is_int64() ? std::optional(v->get_int64()) : std::nullopt;
        };
        const auto* id = text("id");
        const auto* status = text("s");
        const auto version_of = integer("ver");
        const auto weight = integer("w");
        const auto* explanation = text("x");
        const auto* explanation_kz = text("xk");
        const auto* evidence = o != nullptr ? o->if_contains("e") : nullptr;
        if (id == nullptr || status == nullptr || !version_of || !weight || explanation == nullptr ||
            explanation_kz == nullptr || evidence == nullptr || !evidence->is_array()) {
            return Fail(Broken("a finding without id, ver, w, s, e, x or xk"));
        }
        auto parsed_status = StatusFromCode(*status);
        if (!parsed_status) {
            return Fail(Broken(parsed_status.error().message));
        }
        Finding f;
        f.id = std::string(*id);
        f.version = static_cast<int>(*version_of);
        f.weight = static_cast<int>(*weight);
        f.status = *parsed_status;
        f.explanation_ru = std::string(*explanation);
        f.explanation_kz = std::string(*explanation_kz);
        for (const auto& pair : evidence->get_array()) {
            const auto* p = pair.if_array();
            if (p == nullptr || p->size() != 2 || !(*p)[0].is_string() || !(*p)[1].is_string()) {
                return Fail(Broken("evidence of '" + f.id + "' is not a list of [name, value]"));
            }
            f.evidence.emplace_back(std::string((*p)[0].get_string()), std::string((*p)[1].get_string()));
        }
        const auto words = fixed.find(f.id);
        if (words != fixed.end()) {
            f.name_ru = words->second.name_ru;
            f.name_kz = words->second.name_kz;
            f.threshold = words->second.threshold;
            f.source = words->second.source;
        }
        if (const auto* threshold = text("th")) {
            f.threshold = std::string(*threshold);
        }
        if (const auto* source = text("src")) {
            f.source = std::string(*source);
        }
        findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace zakupai::risk
