#include "PdnsSettings.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <set>

namespace dadns::powerdns {
namespace {

using sdk::Json;
using sdk::PermanentError;

[[noreturn]] void refuse(const std::string& why) { throw PermanentError("powerdns: " + why); }

bool validName(const std::string& name) {
    return !name.empty() && name.size() <= 64 &&
           std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_' || c == '-'; });
}

// The servers as configured: the "servers" list, or a single server from top-level api_url /
// api_key / server_id (the single-server form older tools use), named "default".
std::vector<const Json*> configuredServers(const Json& c, Json& single) {
    std::vector<const Json*> out;
    if (c.has("servers")) {
        if (!c["servers"].isArray() || c["servers"].items().empty()) refuse("'servers' must be a non-empty list");
        for (const auto& s : c["servers"].items()) {
            if (!s.isObject()) refuse("every entry of 'servers' must be a mapping (name, api_url, api_key, ...)");
            out.push_back(&s);
        }
        return out;
    }
    if (!c.has("api_url")) refuse("set 'servers' (a list of name, api_url, api_key) or a single 'api_url' and 'api_key'");
    std::string json = "{\"name\":\"default\"";
    for (const char* key : {"api_url", "api_key", "server_id"})
        if (c.has(key)) json += std::string(",") + sdk::jsonQuote(key) + ":" + c[key].dump();
    single = Json::parse(json + "}");
    out.push_back(&single);
    return out;
}

PdnsServer readServer(const Json& s, size_t index) {
    PdnsServer out;
    out.name = s.getString("name", "server" + std::to_string(index + 1));
    if (!validName(out.name)) refuse("server name '" + out.name + "' must use a-z, 0-9, '_' and '-' (at most 64)");
    std::string where = "server '" + out.name + "': ";
    out.apiUrl = s.getString("api_url");
    if (out.apiUrl.empty()) refuse(where + "'api_url' is required (e.g. http://127.0.0.1:8081/api/v1)");
    Poco::URI uri;
    try {
        uri = Poco::URI(out.apiUrl);
    } catch (const Poco::Exception& e) {
        refuse(where + "'api_url' is not a URL: " + e.displayText());
    }
    if (uri.getScheme() == "https")
        refuse(where + "https api_url is not supported: the PowerDNS webserver speaks plain HTTP; keep the API on a trusted network");
    if (uri.getScheme() != "http" || uri.getHost().empty()) refuse(where + "'api_url' must be http://host[:port][/api/v1]");
    if (!uri.getQuery().empty() || !uri.getFragment().empty()) refuse(where + "'api_url' must not have a query or fragment");
    out.host = uri.getHost();
    out.port = uri.getPort();
    std::string path = uri.getPath();
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (path.size() >= 7 && path.compare(path.size() - 7, 7, "/api/v1") == 0) path.resize(path.size() - 7);
    out.basePath = path;
    out.apiKey = s.getString("api_key");
    if (out.apiKey.empty()) refuse(where + "'api_key' is required (the PowerDNS api-key)");
    if (out.apiKey.find_first_of("\r\n") != std::string::npos) refuse(where + "'api_key' must not contain line breaks");
    out.serverId = s.getString("server_id", "localhost");
    if (out.serverId.empty() || !std::all_of(out.serverId.begin(), out.serverId.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '.' || c == '_' || c == '-';
        }))
        refuse(where + "'server_id' must use letters, digits, '.', '_' and '-'");
    return out;
}

std::string canonicalKind(const std::string& kind) {
    std::string lower;
    for (char c : kind) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (lower == "native") return "Native";
    if (lower == "master" || lower == "primary") return "Master";
    refuse("zone_kind must be Native or Master, got '" + kind + "'");
}

} // namespace

std::vector<sdk::Target> serverTargets(const std::string& configJson) {
    Json c = Json::parse(configJson.empty() ? "{}" : configJson);
    Json single;
    std::vector<const Json*> servers = configuredServers(c, single);
    bool multi = c.getBool("multi_server", true);

    std::string shared; // every other key, as the target configs' common part
    for (const auto& [key, value] : c.members())
        if (key != "servers" && key != "api_url" && key != "api_key" && key != "server_id")
            shared += sdk::jsonQuote(key) + ":" + value.dump() + ",";

    std::vector<sdk::Target> out;
    std::set<std::string> names;
    for (size_t i = 0; i < servers.size(); ++i) {
        PdnsServer server = readServer(*servers[i], i); // validates every server, enabled or not
        if (!names.insert(server.name).second) refuse("two servers are named '" + server.name + "'");
        if (!servers[i]->getBool("enabled", true)) continue;
        if (!multi && !out.empty()) continue;
        out.push_back({server.name, "{" + shared + "\"server\":" + servers[i]->dump() + "}"});
    }
    if (out.empty()) refuse("no enabled server in 'servers'");
    return out;
}

PdnsSettings readSettings(const std::string& configJson) {
    Json c = Json::parse(configJson.empty() ? "{}" : configJson);
    if (!c["server"].isObject()) refuse("the instance was created without its server; the daemon must support plugin ABI 1.1 targets");
    PdnsSettings s;
    s.server = readServer(c["server"], 0);
    s.timeout = sdk::durationSetting(c, "timeout", s.timeout, "powerdns", std::chrono::milliseconds(100), std::chrono::minutes(10));
    long long attempts = c.getInt("retry_attempts", s.retryAttempts);
    if (attempts < 0 || attempts > 10) refuse("retry_attempts must be 0-10");
    s.retryAttempts = static_cast<int>(attempts);
    s.retryDelay = sdk::durationSetting(c, "retry_delay", s.retryDelay, "powerdns", std::chrono::milliseconds(0), std::chrono::minutes(1));
    s.zoneKind = canonicalKind(c.getString("zone_kind", s.zoneKind));
    if (c.has("nameservers")) {
        if (!c["nameservers"].isArray()) refuse("nameservers must be a list of host names");
        for (const auto& ns : c["nameservers"].items()) {
            std::string name = ns.asString();
            if (name.empty() || name.find_first_of(" \t\"\\") != std::string::npos) refuse("nameservers: '" + name + "' is not a host name");
            if (name.back() != '.') name += '.';
            s.nameservers.push_back(name);
        }
    }
    s.soaEditApi = c.getString("soa_edit_api", "");
    static const std::set<std::string> kSoaEdits = {"", "DEFAULT", "INCREASE", "EPOCH", "SOA-EDIT", "SOA-EDIT-INCREASE", "OFF"};
    if (!kSoaEdits.count(s.soaEditApi))
        refuse("soa_edit_api must be empty or one of DEFAULT, INCREASE, EPOCH, SOA-EDIT, SOA-EDIT-INCREASE, OFF");
    if (s.soaEditApi == "OFF") s.soaEditApi.clear();
    long long parallel = c.getInt("parallel", s.parallel);
    if (parallel < 1 || parallel > 256) refuse("parallel must be 1-256");
    s.parallel = static_cast<uint32_t>(parallel);
    long long cached = c.getInt("cached_zones", static_cast<long long>(s.cachedZones));
    if (cached < 0) refuse("cached_zones must be 0 or more");
    s.cachedZones = static_cast<size_t>(cached);
    return s;
}

} // namespace dadns::powerdns
