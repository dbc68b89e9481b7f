#include "PdnsSettings.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <set>

namespace dadns::powerdns {
namespace {

using sdk::Json;
using sdk::PermanentError;
using sdk::Settings;
using std::chrono::milliseconds;

std::string serverNameProblem(const std::string& name) {
    bool valid = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
                     return std::islower(c) || std::isdigit(c) || c == '_' || c == '-';
                 });
    return valid ? "" : "must use a-z, 0-9, '_' and '-' (at most 64), got '" + name + "'";
}

// Parses api_url into server (host, port, base path); returns the problem, "" when it is fine.
std::string readApiUrl(const std::string& url, PdnsServer& server) {
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (const Poco::Exception& e) {
        return "is not a URL: " + e.displayText();
    }
    if (uri.getScheme() == "https") return "https is not supported: the PowerDNS webserver speaks plain HTTP; keep the API on a trusted network";
    if (uri.getScheme() != "http" || uri.getHost().empty()) return "must be http://host[:port][/api/v1], got '" + url + "'";
    if (!uri.getQuery().empty() || !uri.getFragment().empty()) return "must not have a query or fragment";
    server.host = uri.getHost();
    server.port = uri.getPort();
    std::string path = uri.getPath();
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (path.size() >= 7 && path.compare(path.size() - 7, 7, "/api/v1") == 0) path.resize(path.size() - 7);
    server.basePath = path;
    return "";
}

std::string apiUrlProblem(const std::string& url) {
    PdnsServer ignored;
    return readApiUrl(url, ignored);
}

std::string apiKeyProblem(const std::string& key) {
    return key.find_first_of("\r\n") == std::string::npos ? "" : "must not contain line breaks";
}

std::string serverIdProblem(const std::string& id) {
    bool valid = !id.empty() && std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; });
    return valid ? "" : "must use letters, digits, '.', '_' and '-'";
}

std::string nameserverProblem(const std::string& name) {
    return name.empty() || name.find_first_of(" \t\"\\") != std::string::npos ? "'" + name + "' is not a host name" : "";
}

sdk::SettingsSpec serverSpec() {
    sdk::SettingsSpec s;
    s.text("name", "the server's target name (default: server1, server2, ...)").check(serverNameProblem);
    s.text("api_url", "the PowerDNS API, e.g. http://127.0.0.1:8081/api/v1").required().check(apiUrlProblem);
    s.text("api_key", "the PowerDNS api-key").required().check(apiKeyProblem);
    s.text("server_id", "the PowerDNS server id").byDefault("localhost").check(serverIdProblem);
    s.flag("enabled", "write to this server").byDefault(true);
    return s;
}

// The servers as configured: the "servers" list, or the single server of top-level api_url /
// api_key / server_id (the form older tools use), named "default". Each as its JSON.
std::vector<Json> configuredServers(const Settings& c) {
    if (c.has("servers")) {
        std::vector<Json> out;
        for (const auto& item : c.json()["servers"].items()) out.push_back(item);
        return out;
    }
    std::string json = "{\"name\":\"default\"";
    for (const char* key : {"api_url", "api_key", "server_id"})
        if (c.has(key)) json += std::string(",") + sdk::jsonQuote(key) + ":" + c.json()[key].dump();
    return {Json::parse(json + "}")};
}

std::string serversRule(const Settings& c) {
    if (c.has("servers") && (c.has("api_url") || c.has("api_key") || c.has("server_id")))
        return "set 'servers' or a single api_url and api_key, not both";
    if (!c.has("servers")) {
        if (!c.has("api_url") || !c.has("api_key")) return "set 'servers' (a list of name, api_url, api_key) or a single api_url and api_key";
        return "";
    }
    auto servers = c.objects("servers");
    if (servers.empty()) return "must be a non-empty list";
    std::set<std::string> names;
    bool anyEnabled = false;
    for (size_t i = 0; i < servers.size(); ++i) {
        std::string name = servers[i].has("name") ? servers[i].text("name") : "server" + std::to_string(i + 1);
        if (!names.insert(name).second) return "two servers are named '" + name + "'";
        anyEnabled |= servers[i].flag("enabled");
    }
    return anyEnabled ? "" : "no enabled server";
}

PdnsServer readServer(const Settings& s, size_t index) {
    PdnsServer out;
    out.name = s.has("name") ? s.text("name") : "server" + std::to_string(index + 1);
    out.apiUrl = s.text("api_url");
    readApiUrl(out.apiUrl, out); // checked by the declaration
    out.apiKey = s.text("api_key");
    out.serverId = s.text("server_id");
    return out;
}

} // namespace

sdk::SettingsSpec pdnsSettingsSpec() {
    sdk::SettingsSpec s;
    s.objects("servers", serverSpec(), "the PowerDNS servers; each becomes a target with its own lane");
    s.text("api_url", "single-server form: the PowerDNS API").check(apiUrlProblem);
    s.text("api_key", "single-server form: the api-key").check(apiKeyProblem);
    s.text("server_id", "single-server form: the server id").check(serverIdProblem);
    s.flag("multi_server", "write to every enabled server (false: only the first)").byDefault(true);
    s.duration("timeout", "how long one API call may take").byDefault(milliseconds(5000)).range(milliseconds(100), std::chrono::minutes(10));
    s.integer("retry_attempts", "further tries of a failed call within one apply").byDefault(3).range(0, 10);
    s.duration("retry_delay", "wait between those tries").byDefault(milliseconds(1000)).range(milliseconds(0), std::chrono::minutes(1));
    s.text("zone_kind", "kind of the zones dadns creates").byDefault("Native").oneOf({"Native", "Master", "Primary"});
    s.list("nameservers", "apex NS of zones that bring none").check(nameserverProblem);
    s.text("soa_edit_api", "SOA-EDIT-API of the zones dadns creates (empty: serials as the zone has them)")
        .oneOf({"", "DEFAULT", "INCREASE", "EPOCH", "SOA-EDIT", "SOA-EDIT-INCREASE", "OFF"});
    s.integer("cached_zones", "zones whose rrset fingerprints are kept").byDefault(100000).range(0, 100000000);
    s.rule("servers", serversRule);
    return s;
}

std::vector<sdk::Target> serverTargets(const std::string& instance, const std::string& configJson) {
    Settings c = pdnsSettingsSpec().read(instance, configJson);
    std::string shared; // every other key, as the target configs' common part
    for (const auto& [key, value] : c.json().members())
        if (key != "servers" && key != "api_url" && key != "api_key" && key != "server_id")
            shared += sdk::jsonQuote(key) + ":" + value.dump() + ",";
    std::vector<Json> servers = configuredServers(c);
    std::vector<sdk::Target> out;
    for (size_t i = 0; i < servers.size(); ++i) {
        if (!servers[i].getBool("enabled", true)) continue;
        if (!c.flag("multi_server") && !out.empty()) break;
        std::string name = servers[i].has("name") ? servers[i].getString("name") : "server" + std::to_string(i + 1);
        out.push_back({name, "{" + shared + "\"servers\":[" + servers[i].dump() + "]}"});
    }
    return out;
}

PdnsSettings readSettings(const std::string& instance, const std::string& configJson) {
    Settings c = pdnsSettingsSpec().read(instance, configJson);
    std::vector<Settings> servers = c.objects("servers");
    if (servers.size() != 1) throw PermanentError(instance + ": servers: a target is created with exactly one server; the daemon must support plugin ABI 1.1 targets");
    PdnsSettings s;
    s.server = readServer(servers[0], 0);
    s.timeout = c.duration("timeout");
    s.retryAttempts = static_cast<int>(c.integer("retry_attempts"));
    s.retryDelay = c.duration("retry_delay");
    s.zoneKind = c.text("zone_kind") == "Primary" ? "Master" : c.text("zone_kind");
    for (std::string ns : c.list("nameservers")) s.nameservers.push_back(ns.back() == '.' ? ns : ns + ".");
    s.soaEditApi = c.text("soa_edit_api") == "OFF" ? "" : c.text("soa_edit_api");
    s.parallel = c.parallel(s.parallel);
    s.cachedZones = static_cast<size_t>(c.integer("cached_zones"));
    return s;
}

} // namespace dadns::powerdns
