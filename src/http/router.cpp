#include "http/router.hpp"

namespace zakupai::http {

namespace {
std::vector<std::string> Split(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t start = 1;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string_view::npos) {
            slash = path.size();
        }
        parts.emplace_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return parts;
}

bool IsParam(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}
}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
    auto route = std::make_unique<Route>();
    route->method = std::move(method);
    route->pattern = std::move(pattern);
    route->handler = std::move(handler);
    route->is_public = options.is_public;
    route->required_plan = options.required_plan;
    route->counts_usage = options.counts_usage;
    route->blocking = options.blocking;
    route->keeps_answers = options.keeps_answers;
    route->segments = Split(route->pattern);
    bool has_param = false;
    for (const auto& s : route->segments) {
        has_param = has_param || IsParam(s);
    }
    if (!has_param) {
        exact_[route->pattern].push_back(route.get());
    }
    routes_.push_back(std::move(route));
}

Match Router::Find(std::string_view method, std::string_view path) const {
    Match match;
    auto consider = [&](const Route* route, std::map<std::string, std::string> params) {
        if (route->method == method) {
            if (match.route == nullptr) {
                match.route = route;
                match.params = std::move(params);
            }
        } else {
            match.allowed_methods.push_back(route->method);
        }
    };
    if (auto it = exact_.find(std::string(path)); it != exact_.end()) {
        for (const Route* route : it->second) {
            consider(route, {});
        }
        if (match.route != nullptr) {
            return match;
        }
    }
    const auto parts = Split(path);
    for (const auto& route : routes_) {
        if (route->segments.size() != parts.size()) {
            continue;
        }
        std::map<std::string, std::string> params;
        bool ok = true;
        bool has_param = false;
        for (std::size_t i = 0; i < parts.size() && ok; ++i) {
            const std::string& segment = route->segments[i];
            if (IsParam(segment)) {
                has_param = true;
                if (parts[i].empty()) {
                    ok = false;
                }
                params[segment.substr(1, segment.size() - 2)] = PercentDecode(parts[i]);
            } else {
                ok = segment == parts[i];
            }
        }
        if (ok && has_param) {
            consider(route.get(), std::move(params));
        }
    }
    return match;
}

}  // namespace zakupai::http
