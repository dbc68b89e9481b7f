// directadmin: receives DirectAdmin Multi-Server pushes. A DirectAdmin administrator adds dadns
// in Multi Server Setup as a remote server (host, port, user, password); DirectAdmin then calls
// CMD_API_LOGIN_TEST and CMD_API_DNS_ADMIN (exists / rawsave / delete) on the daemon's API port.
//
// Config (ingestion.<name>): username / password (default: the daemon's app.auth_*),
// check_parent_domain (answer exists=2/3 when a parent domain is held).
//
// Each DirectAdmin server owns the domains it pushed (its hostname= names it; the host's
// zones.ownership rule refuses a rawsave or delete of a zone another server or source owns).
#include "DirectAdminForm.hpp"

#include <dadns/sdk.hpp>

#include <algorithm>
#include <cctype>

namespace dadns::directadmin {
namespace {

using namespace dadns::sdk;

constexpr const char* kFormType = "application/x-www-form-urlencoded";

class DirectAdminReceiver final : public Ingestion {
public:
    static SettingsSpec settings() {
        SettingsSpec s;
        s.text("username", "user DirectAdmin logs in as (default: the API's credentials)");
        s.text("password", "its password");
        s.flag("check_parent_domain", "exists checks also report a parent domain held here or pushed by another server");
        s.flag("force_large_changes", "store pushes the daemon's safety limits (zones.safety) would hold: a zone emptied, many deletes");
        s.rule("password", [](const Settings& c) {
            return c.text("username").empty() != c.text("password").empty() ? "set both username and password, or neither" : "";
        });
        return s;
    }

    explicit DirectAdminReceiver(const InstanceContext& ctx) : Ingestion(ctx) {
        Settings config = settings().read(ctx);
        username_ = config.text("username");
        password_ = config.text("password");
        checkParent_ = config.flag("check_parent_domain");
        forceLargeChanges_ = config.flag("force_large_changes");
        // DirectAdmin checks credentials itself on every call, in its own reply format.
        routes().add("", "/CMD_API_LOGIN_TEST", [this](const Request& req, Response& resp) { loginTest(req, resp); },
                     DADNS_ROUTE_AUTH_PLUGIN);
        routes().add("", "/CMD_API_DNS_ADMIN", [this](const Request& req, Response& resp) { dnsAdmin(req, resp); },
                     DADNS_ROUTE_AUTH_PLUGIN);
    }

private:
    bool authorized(const Request& req, Response& resp) const {
        auto creds = parseBasicAuth(req.header("Authorization"));
        bool ok = false;
        if (creds) {
            if (username_.empty()) ok = host().checkCredentials(creds->user, creds->password);
            else ok = constantTimeEquals(creds->user, username_) & constantTimeEquals(creds->password, password_);
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

    void loginTest(const Request& req, Response& resp) {
        if (!authorized(req, resp)) return;
        count("login_test", "ok");
        resp.text(200, reply({{"error", "0"}, {"text", "Login OK"}}), kFormType);
    }

    void dnsAdmin(const Request& req, Response& resp) {
        if (!authorized(req, resp)) return;
        std::string action;
        try {
            Params query = requestParams(req.query, "", false);
            action = query["action"];
            Params p = requestParams(req.query, req.body, action != "rawsave");
            action = p["action"];
            // Who the change comes from, checked before anything is stored or logged.
            Sender from{checkHostname(p["hostname"]), checkUsername(p["username"]), forceLargeChanges_};
            if (action.empty()) {
                count("none", "ok"); // DirectAdmin's connectivity check
                resp.text(200, reply({{"error", "0"}, {"text", "OK"}}), kFormType);
            } else if (action == "exists") {
                exists(p, resp);
            } else if (action == "rawsave") {
                save(p, from, std::string(req.body), resp);
            } else if (action == "delete") {
                remove(p, from, resp);
            } else {
                count("unknown", "error");
                resp.text(200, errorReply("Unknown action '" + printable(action) + "': dadns accepts exists, rawsave and delete"), kFormType);
            }
        } catch (const Error& e) {
            // A store that cannot be read or written answers an error: never "exists=0" for a
            // zone that may well exist, so DirectAdmin does not act on a wrong answer.
            count(action == "exists" || action == "rawsave" || action == "delete" ? action : "invalid", "error");
            std::string what = e.what();
            if (e.code() != DADNS_ERR_PERMANENT)
                what = (action == "exists" ? "dadns could not look the domain up, try again: " : "dadns could not store the change, try again: ") + what;
            resp.text(200, errorReply(what), kFormType);
        }
    }

    // The DirectAdmin server a change comes from (hostname=, username=), validated. The zone's
    // owner is "directadmin:<hostname>": each DirectAdmin server owns the domains it pushed.
    struct Sender {
        std::string hostname, username;
        bool force = false; // force_large_changes
        Origin origin() const { return Origin{"directadmin", hostname, username, "", force}; }
    };

    // The name as the host stores it: the host has validated it (readZone or submit) by then.
    static std::string canonical(std::string name) {
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (name.size() > 1 && name.back() == '.') name.pop_back();
        return name;
    }

    void exists(Params& p, Response& resp) {
        std::string given = p["domain"];
        if (given.empty()) throw PermanentError("exists needs domain=");
        // readZone reads the name as submit stores it (EXAMPLE.COM. is example.com) and refuses
        // an invalid one with the reason.
        auto zone = host().readZone(given);
        std::string domain = canonical(given);
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
                if (parent->source != "directadmin" || parent->originHost.empty()) {
                    resp.text(200, reply({{"error", "0"}, {"exists", "2"}, {"details", detail(*parent)}}), kFormType);
                } else { // owned by a DirectAdmin server: name it, as DirectAdmin does
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
        std::string by;
        if (z.source == "directadmin" && !z.originHost.empty())
            by = "pushed by DirectAdmin server " + z.originHost + (z.originUser.empty() ? "" : " (" + z.originUser + ")");
        else if (z.source == "rest" || z.source == "rollback")
            by = "managed through the dadns API";
        else
            by = "managed by dadns (" + (z.source.empty() ? std::string("unknown source") : z.source) + ")";
        return "Domain " + z.name + " exists on dadns, " + by;
    }

    void save(Params& p, const Sender& from, const std::string& zoneText, Response& resp) {
        std::string given = p["domain"];
        if (given.empty()) throw PermanentError("rawsave needs domain=");
        if (zoneText.empty()) throw PermanentError("rawsave of " + printable(given) + " has an empty zone file");
        // The host normalises and validates the name, and refuses a zone another source or
        // DirectAdmin server owns (zones.ownership), naming the owner.
        SubmitResult r = host().submitZoneText(given, zoneText, from.origin());
        std::string domain = canonical(given);
        count("rawsave", "ok");
        host().info("rawsave " + domain + " v" + std::to_string(r.version) + " (" + std::to_string(r.recordCount) + " records) from " +
                    (from.hostname.empty() ? "an unnamed DirectAdmin server" : from.hostname) + "/" + from.username);
        resp.text(200, reply({{"error", "0"}}), kFormType);
    }

    // A delete names its domains as select0, select1, ... (or domain=). The store deletes one
    // zone at a time, so a request that cannot be done whole must be refused before the first
    // delete: every name is validated (by the host's normaliser, through readZone) first. The
    // ownership rule lives in the host and is checked at each delete; so that its refusal comes
    // before anything is deleted, zones this server does not visibly own (pushed by another
    // server or another source) are deleted first: in per_source mode the first of them is
    // refused and nothing has changed, in shared mode they all go. Only a change of owner
    // between the check and the delete (a race) could leave a request half done.
    void remove(Params& p, const Sender& from, Response& resp) {
        std::vector<std::string> domains;
        for (int i = 0;; ++i) {
            auto it = p.find("select" + std::to_string(i));
            if (it == p.end()) break;
            domains.push_back(it->second);
        }
        if (!p["domain"].empty()) domains.push_back(p["domain"]);
        if (domains.empty()) throw PermanentError("delete needs select0= (or domain=)");
        struct Target {
            std::string name;
            bool present, mine;
        };
        std::vector<Target> targets;
        for (size_t i = 0; i < domains.size(); ++i) {
            std::optional<ZoneInfo> z;
            try {
                z = host().readZone(domains[i]);
            } catch (const Error& e) {
                if (e.code() != DADNS_ERR_PERMANENT) throw;
                throw PermanentError("delete refused, nothing was deleted: '" + printable(domains[i]) + "' (" +
                                     (i < domains.size() - 1 || p["domain"].empty() ? "select" + std::to_string(i) : std::string("domain")) +
                                     "): " + e.what());
            }
            bool present = z && !z->deleted;
            // Visibly this server's: pushed by it, or nobody's (gone, or replicated by a dadns
            // that did not carry origins: source "swim").
            bool mine = !present || z->source.empty() || z->source == "swim" ||
                        (z->source == "directadmin" && canonical(z->originHost) == from.hostname);
            targets.push_back({canonical(domains[i]), present, mine});
        }
        std::stable_partition(targets.begin(), targets.end(), [](const Target& t) { return !t.mine; });
        size_t deleted = 0;
        for (const auto& t : targets) {
            if (!t.present) continue; // deleting what is not here is done already
            try {
                host().submitDelete(t.name, from.origin());
                ++deleted;
            } catch (const Error& e) {
                if (std::string(e.what()).find("no such zone") != std::string::npos) continue; // gone meanwhile
                if (deleted == 0) throw;
                throw Error(e.code(), std::string(e.what()) + " (" + std::to_string(deleted) + " of the domains were deleted before)");
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
    bool forceLargeChanges_ = false;
};

} // namespace
} // namespace dadns::directadmin

DADNS_INGESTION_PLUGIN(dadns::directadmin::DirectAdminReceiver, "directadmin", "1.0.0")
