// The panel's static files and Swagger UI, compiled into the binary: nothing is fetched from
// outside, and a deployment copies one file.
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "web/internal/panel.hpp"

namespace zakupai::embedded {
extern const std::vector<std::pair<std::string_view, std::string_view>>& WebAssets();
}  // namespace zakupai::embedded

namespace zakupai::web {

namespace {

std::string ContentType(std::string_view name) {
    if (name.ends_with(".js")) {
        return "text/javascript; charset=utf-8";
    }
    if (name.ends_with(".css")) {
        return "text/css; charset=utf-8";
    }
    if (name.ends_with(".html")) {
        return "text/html; charset=utf-8";
    }
    return "application/octet-stream";
}

std::string_view Asset(std::string_view name) {
    static const std::unordered_map<std::string_view, std::string_view> kAssets(embedded::WebAssets().begin(),
                                                                                embedded::WebAssets().end());
    const auto found = kAssets.find(name);
    return found == kAssets.end() ? std::string_view{} : found->second;
}

}  // namespace

void RegisterAssets(http::Router& router) {
    const http::RouteOptions options{.is_public = true, .counts_usage = false};
    router.Add(
        "GET",
        "/static/{name}",
        [](http::Request& request) {
            const std::string& name = request.path_params["name"];
            const std::string_view content = name == "docs.html" ? std::string_view{} : Asset(name);
            if (content.empty()) {
                return http::ErrorResponse(404, "not_found", "no static file " + name, request.request_id);
            }
            http::Response response = http::Response::Text(std::string(content), ContentType(name));
            // The files change only with the binary; a day's caching spares the repeat downloads.
            response.headers.emplace_back("Cache-Control", "public, max-age=86400");
            AddSecurityHeaders(response);
            return response;
        },
        options);
    // Browsers ask for it on every site; an empty answer keeps their consoles clean.
    router.Add(
        "GET", "/favicon.ico", [](http::Request&) { return http::Response::Text("", "image/x-icon", 204); }, options);
    // Swagger UI on /openapi.json. Its styles set inline style attributes: this page alone
    // allows inline styles; scripts stay files of this site.
    router.Add(
        "GET",
        "/docs",
        [](http::Request&) {
            http::Response response = http::Response::Text(std::string(Asset("docs.html")), ContentType("docs.html"));
            AddSecurityHeaders(response, true);
            return response;
        },
        options);
}

}  // namespace zakupai::web
