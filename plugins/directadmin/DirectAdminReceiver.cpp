// directadmin: receives DirectAdmin Multi-Server pushes. A DirectAdmin administrator adds dadns
// in Multi Server Setup as a remote server (host, port, user, password); DirectAdmin then calls
// CMD_API_LOGIN_TEST and CMD_API_DNS_ADMIN (exists / rawsave / delete) on the daemon's API port.
//
// Config (ingestion.<name>): username / password (default: the daemon's app.auth_*),
// check_parent_domain (answer exists=2/3 when a parent domain is held).
#include "DirectAdminForm.hpp"

#include <dadns/sdk.hpp>

namespace dadns::directadmin {
namespace {

using namespace dadns::sdk;

constexpr const char* kFormType = "application/x-www-form-urlencoded";

class DirectAdminReceiver final : public Ingestion {
public:
    explicit DirectAdminReceiver(const InstanceContext& ctx) : Ingestion(ctx) {
        Json config = Json::parse(ctx.configJson.empty() ? "{}" : ctx.configJson);
        username_ = config.getString("username");
        password_ = config.getString("password");
        if (username_.empty() != password_.empty()) throw PermanentError("directadmin: set both username and password, or neither");
        checkParent_ = config.getBool("check_parent_domain", false);
        // DirectAdmin checks credentials itself on every call, in its own reply format.
        routes().add("", "/CMD_API_LOGIN_TEST", [this](const Request& req, Response& resp) { loginTest(req, resp); },
                     DADNS_ROUTE_AUTH_PLUGIN);
        routes().add("", "/CMD_API_DNS_ADMIN", [this](const Request& req, Response& resp) { dnsAdmin(req, resp); },
                     DADNS_ROUTE_AUTH_PLUGIN);
    }

private:
    bool authorized(const Request& req, Response& resp) const {
        auto creds = basicCredentials(req.header("Authorization"));
        bool ok = false;
        if (creds) {
            if (username_.empty()) ok = host().checkCredentials(creds->first, creds->second);
            else ok = constantTimeEquals(creds->first, username_) & constantTimeEquals(creds->second, password_);
        }
        if (!ok) {
            resp.text(401, errorReply(creds ? "Invalid login: wrong username or password for this dadns server"
                                            : "Login required: set the username and password of this dadns server"),
                      kFormType);
            resp.header("WWW-Authenticate", "Basic realm=\"dadns\"");
            count("login", "denied");
        }
        return ok;
    }

    static bool constantTimeEquals(const std::string& a, const std::string& b) {
        unsigned char diff = static_cast<unsigned char>(a.size() != b.size());
        for (size_t i = 0; i < b.size(); ++i) diff |= static_cast<unsigned char>((i < a.size() ? a[i] : 0) ^ b[i]);
        return diff == 0;
    }

    void loginTest(const Request& req, Response& resp) {
        if (!authorized(req, resp)) return;
        count("login_test", "ok");
        resp.text(200, reply({{"error", "0"}, {"text", "Login OK"}}), kFormType);
    }

    void dnsAdmin(const Request& req, Response& resp) {
        if (!authorized(req, resp)) return;
        Params query = requestParams(req.query, "", false);
        bool rawsave = query["action"] == "rawsave";
        Params p = requestParams(req.query, req.body, !rawsave);
        std::string action = p["action"];
        try {
            if (action.empty()) {
                count("none", "ok"); // DirectAdmin's connectivity check
                resp.text(200, reply({{"error", "0"}, {"text", "OK"}}), kFormType);
            } else if (action == "exists") {
                exists(p, resp);
            } else if (action == "rawsave") {
                save(p, std::string(req.body), resp);
            } else if (action == "delete") {
                remove(p, resp);
            } else {
                count("unknown", "error");
                resp.text(200, errorReply("Unknown action '" + action + "': dadns accepts exists, rawsave and delete"), kFormType);
            }
        } catch (const Error& e) {
            // A store that cannot be read or written answers an error: never "exists=0" for a
            // zone that may well exist, so DirectAdmin does not act on a wrong answer.
            count(action, "error");
            std::string what = e.what();
            if (e.code() != DADNS_ERR_PERMANENT)
                what = (action == "exists" ? "dadns could not look the domain up, try again: " : "dadns could not store the change, try again: ") + what;
            resp.text(200, errorReply(what), kFormType);
        }
    }

    void exists(Params& p, Response& resp) {
        std::string domain = p["domain"];
        if (domain.empty()) throw PermanentError("exists needs domain=");
        auto zone = host().readZone(domain);
        if (zone && !zone->deleted) {
            count("exists", "yes");
            resp.text(200, reply({{"error", "0"}, {"exists", "1"}, {"details", detail(*zone)}}), kFormType);
            return;
        }
        if (checkParent_) {
            // A parent domain held here (DirectAdmin's "parent domain exists" check).
            for (auto dot = domain.find('.'); dot != std::string::npos && domain.find('.', dot + 1) != std::string::npos;
                 dot = domain.find('.', dot + 1)) {
                auto parent = host().readZone(domain.substr(dot + 1));
                if (!parent || parent->deleted) continue;
                count("exists", "parent");
                if (parent->originHost.empty()) {
                    resp.text(200, reply({{"error", "0"}, {"exists", "2"}, {"details", detail(*parent)}}), kFormType);
                } else {
                    resp.text(200, reply({{"error", "0"}, {"exists", "3"}, {"hostname", parent->originHost}, {"username", parent->originUser}}),
                              kFormType);
                }
                return;
            }
        }
        count("exists", "no");
        resp.text(200, reply({{"error", "0"}, {"exists", "0"}}), kFormType);
    }

    static std::string detail(const ZoneInfo& z) {
        std::string owner = z.originHost.empty() ? std::string("this dadns server") : z.originHost + (z.originUser.empty() ? "" : " (" + z.originUser + ")");
        return "Domain " + z.name + " exists on dadns, pushed by " + owner;
    }

    void save(Params& p, const std::string& zoneText, Response& resp) {
        std::string domain = p["domain"];
        if (domain.empty()) throw PermanentError("rawsave needs domain=");
        if (zoneText.empty()) throw PermanentError("rawsave of " + domain + " has an empty zone file");
        SubmitResult r = host().submitZoneText(domain, zoneText, Origin{"directadmin", p["hostname"], p["username"], ""});
        count("rawsave", "ok");
        host().info("rawsave " + domain + " v" + std::to_string(r.version) + " (" + std::to_string(r.recordCount) + " records) from " +
                    p["hostname"] + "/" + p["username"]);
        resp.text(200, reply({{"error", "0"}}), kFormType);
    }

    void remove(Params& p, Response& resp) {
        std::vector<std::string> domains;
        for (int i = 0;; ++i) {
            auto it = p.find("select" + std::to_string(i));
            if (it == p.end()) break;
            domains.push_back(it->second);
        }
        if (!p["domain"].empty()) domains.push_back(p["domain"]);
        if (domains.empty()) throw PermanentError("delete needs select0= (or domain=)");
        for (const auto& d : domains) {
            try {
                host().submitDelete(d, Origin{"directadmin", p["hostname"], p["username"], ""});
            } catch (const Error& e) {
                // Deleting what is not here is done already; anything else is an error.
                if (std::string(e.what()).find("no such zone") == std::string::npos) throw;
            }
        }
        count("delete", "ok");
        resp.text(200, reply({{"error", "0"}}), kFormType);
    }

    void count(const std::string& action, const std::string& result) const {
        host().counterAdd("dadns_directadmin_requests_total", "DirectAdmin Multi-Server requests, by action and result.",
                          {{"action", action}, {"result", result}});
    }

    std::string username_, password_;
    bool checkParent_ = false;
};

} // namespace
} // namespace dadns::directadmin

DADNS_INGESTION_PLUGIN(dadns::directadmin::DirectAdminReceiver, "directadmin", "1.0.0")
