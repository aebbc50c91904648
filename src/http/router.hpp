#pragma once
// Method + path-pattern routing: "/risk/explain/{lot_id}" binds lot_id. Exact paths are found
// by hash lookup; patterns are tried in registration order. A path that exists under another
// method is a 405 with an Allow list, not a 404.
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/message.hpp"

namespace zakupai::http {

using Handler = std::function<Response(Request&)>;

struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
    bool is_public = false;            // no API key needed (health, metrics, docs)
    Plan required_plan = Plan::kFree;  // the least plan a key needs (admin keys may do all)
    bool counts_usage = true;          // counted against the key's quota
    bool blocking = false;             // may take seconds or minutes: run off the I/O threads
    bool keeps_answers = false;        // creates things: an Idempotency-Key replays its answer
    std::vector<std::string> segments;
};

struct RouteOptions {
    bool is_public = false;
    Plan required_plan = Plan::kFree;
    bool counts_usage = true;
    bool blocking = false;
    bool keeps_answers = false;
};

struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed_methods;  // filled when the path matched under other methods
};

class Router {
public:
    void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
    Match Find(std::string_view method, std::string_view path) const;
    const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

private:
    std::vector<std::unique_ptr<Route>> routes_;
    std::unordered_map<std::string, std::vector<const Route*>> exact_;  // path -> routes
};

}  // namespace zakupai::http
