#include "support/CatalogSecondary.hpp"

#include <sstream>
#include <utility>

namespace dadns::test {

namespace {

std::string primariesList(int port, const TsigKey& key) {
    return "{ 127.0.0.1 port " + std::to_string(port) + " key \"" + key.name + "\"; }";
}

std::string withoutDot(std::string name) {
    if (!name.empty() && name.back() == '.') name.pop_back();
    return name;
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

std::string catalogPrimaryOptions(int secondaryPort, const TsigKey& key) {
    return "notify explicit; also-notify " + primariesList(secondaryPort, key) + "; notify-delay 0; allow-transfer { key \"" + key.name +
           "\"; }; allow-new-zones yes;";
}

void configureCatalogPrimary(NamedServer& primary, const NamedServer& secondary, const TsigKey& key) {
    primary.setOptions(catalogPrimaryOptions(secondary.port(), key));
    primary.addKey(key);
}

CatalogSecondary::CatalogSecondary(std::vector<std::string> catalogs, int primaryPort, TsigKey key)
    : catalogs_(std::move(catalogs)), primaryPort_(primaryPort), key_(std::move(key)) {}

std::string CatalogSecondary::options() const {
    std::string out = "notify no; catalog-zones {";
    for (const auto& catalog : catalogs_)
        out += " zone \"" + catalog + "\" default-primaries " + primariesList(primaryPort_, key_) + " in-memory no min-update-interval " +
               std::to_string(minUpdateInterval_) + ";";
    return out + " };";
}

std::string CatalogSecondary::zones() const {
    std::string out;
    for (const auto& catalog : catalogs_)
        out += "zone \"" + catalog + "\" { type secondary; primaries " + primariesList(primaryPort_, key_) + "; file \"" + catalog +
               ".sec\"; };\n";
    return out;
}

void CatalogSecondary::configure(NamedServer& secondary) const {
    secondary.setOptions(options());
    secondary.addKey(key_);
    secondary.setExtraConfig(zones());
}

std::string catalogZoneText(uint32_t serial, const std::vector<CatalogMember>& members) {
    std::string out = "$TTL 0\n@ SOA invalid. invalid. " + std::to_string(serial) + " 60 60 3600 0\n@ NS invalid.\nversion TXT \"2\"\n";
    for (const auto& m : members) {
        out += m.id + ".zones PTR " + m.zone + ".\n";
        if (!m.coo.empty()) out += "coo." + m.id + ".zones PTR " + m.coo + ".\n";
    }
    return out;
}

CatalogContent readCatalog(const std::set<std::string>& transfer, const std::string& catalog) {
    CatalogContent out;
    const std::string apex = withoutDot(catalog) + ".";
    for (const auto& line : transfer) {
        std::istringstream in(line);
        std::vector<std::string> f;
        for (std::string w; in >> w;) f.push_back(w);
        if (f.size() < 5) {
            out.unexpected.push_back(line);
            continue;
        }
        const std::string& owner = f[0];
        const std::string& type = f[3];
        std::string rdata;
        for (size_t i = 4; i < f.size(); ++i) rdata += (i > 4 ? " " : "") + f[i];
        std::string relative;
        if (owner != apex) {
            if (!endsWith(owner, "." + apex)) {
                out.unexpected.push_back(line);
                continue;
            }
            relative = owner.substr(0, owner.size() - apex.size() - 1);
        }
        if (relative.empty() && type == "SOA" && f.size() >= 7) {
            out.serial = static_cast<uint32_t>(std::stoul(f[6]));
        } else if (relative.empty() && type == "NS") {
            out.ns.push_back(rdata);
        } else if (relative == "version" && type == "TXT") {
            out.versions.push_back(rdata);
        } else if (type == "PTR" && endsWith(relative, ".zones") && relative.find('.') == relative.size() - 6) {
            std::string member = withoutDot(rdata);
            out.members[member] = relative.substr(0, relative.size() - 6);
            ++out.ptrsPerMember[member];
        } else if (type == "PTR" && relative.rfind("coo.", 0) == 0 && endsWith(relative, ".zones") &&
                   relative.find('.', 4) == relative.size() - 6) {
            out.coo[relative.substr(4, relative.size() - 10)] = withoutDot(rdata);
        } else {
            out.unexpected.push_back(line);
        }
    }
    return out;
}

bool catalogApplied(const std::string& namedLog, const std::string& catalog, uint32_t serial) {
    std::string name = withoutDot(catalog);
    auto updating = namedLog.find("catz: updating catalog zone '" + name + "' with serial " + std::to_string(serial) + "\n");
    return updating != std::string::npos && namedLog.find("catz: " + name + ": reload done", updating) != std::string::npos;
}

} // namespace dadns::test
