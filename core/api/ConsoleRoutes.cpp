// The web console: GET / and /console/<file>, from the assets compiled into the binary.
// Open to everyone: the files hold no data; the console's own API calls follow the API's rules.
#include "core/api/ApiContext.hpp"
#include "core/console/ConsoleAssets.hpp"

#include <map>

namespace dadns {
namespace {

std::string contentTypeOf(std::string_view path) {
    static const std::map<std::string_view, const char*> types{
        {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},             {".png", "image/png"},                {".txt", "text/plain; charset=utf-8"},
        {".json", "application/json"}};
    auto dot = path.rfind('.');
    if (dot != std::string_view::npos)
        if (auto it = types.find(path.substr(dot)); it != types.end()) return it->second;
    return "application/octet-stream";
}

// A strong validator: the assets change only with the binary.
std::string etagOf(std::string_view bytes) {
    uint64_t h = 1469598103934665603ULL; // FNV-1a
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
    char buf[24];
    std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
    return buf;
}

struct ServedAsset {
    std::string_view bytes;
    std::string contentType, etag;
};

void serve(const ServedAsset& asset, const ApiRequest& in, ApiResponse& out) {
    out.headers.emplace_back("ETag", asset.etag);
    // Revalidated on every load (a 304 costs nothing): an upgraded daemon's console is never stale.
    out.headers.emplace_back("Cache-Control", "no-cache");
    if (in.header("If-None-Match") == asset.etag) {
        out.status = 304;
        out.contentType.clear();
        out.body.clear();
        return;
    }
    out.text(200, std::string(asset.bytes), asset.contentType);
}

} // namespace

void addConsoleRoutes(Router& router) {
    auto assets = std::make_shared<std::map<std::string, ServedAsset, std::less<>>>();
    for (const auto& a : consoleAssets()) assets->emplace(std::string(a.path), ServedAsset{a.bytes, contentTypeOf(a.path), etagOf(a.bytes)});
    auto index = assets->find("index.html");
    if (index != assets->end()) {
        ServedAsset page = index->second;
        router.add({"GET", "/", RouteAccess::Open, [page](ApiRequest& in, ApiResponse& out) { serve(page, in, out); }, ""});
    }
    router.add({"GET", "/console/*", RouteAccess::Open,
                [assets](ApiRequest& in, ApiResponse& out) {
                    auto it = assets->find(std::string_view(in.path).substr(std::string_view("/console/").size()));
                    if (it == assets->end()) {
                        out.json(404, jsonError("no such console file: " + in.path));
                        return;
                    }
                    serve(it->second, in, out);
                },
                ""});
}

} // namespace dadns
