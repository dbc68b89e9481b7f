#include "soak/Checker.hpp"

#include "support/Dig.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace dadns::soak {
namespace {

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// A row's JSON content as presentation rdata (the SOA gets a placeholder serial).
std::string rdataOfRow(const std::string& type, const std::string& content) {
    auto o = parseObject(content);
    auto s = [&](const char* key) { return o->optValue<std::string>(key, ""); };
    if (type == "A" || type == "AAAA") return s("ip");
    if (type == "NS" || type == "CNAME") return s("host");
    if (type == "TXT") return "\"" + s("text") + "\"";
    if (type == "MX") return s("preference") + " " + s("host");
    if (type == "SOA")
        return s("ns") + " " + s("MBox") + " 0 " + s("refresh") + " " + s("retry") + " " + s("expire") + " " + s("minttl");
    return content;
}

std::string withoutDot(const std::string& name) { return !name.empty() && name.back() == '.' ? name.substr(0, name.size() - 1) : name; }

// The first few items, one a line, and how many more there are.
std::string join(const std::set<std::string>& items) {
    constexpr size_t kShown = 6;
    std::string out;
    size_t n = 0;
    for (const auto& i : items)
        if (n++ < kShown) out += "\n      " + i;
    if (items.size() > kShown) out += "\n      ... " + std::to_string(items.size() - kShown) + " more";
    return out;
}

std::set<std::string> filtered(const std::set<std::string>& records, const std::set<std::string>& types) {
    if (types.empty()) return records;
    std::set<std::string> out;
    for (const auto& r : records) {
        std::istringstream words(r);
        std::string owner, ttl, type;
        words >> owner >> ttl >> type;
        if (types.count(type)) out.insert(r);
    }
    return out;
}

} // namespace

ServedRecords namedServes(const test::NamedServer& named, const std::vector<std::string>& zones) {
    ServedRecords out;
    for (const auto& zone : zones) {
        auto& records = out[zone];
        for (const auto& line : test::digTransfer(named.port(), zone)) {
            std::istringstream words(line);
            std::string owner, ttl, cls, type, rest;
            if (!(words >> owner >> ttl >> cls >> type)) continue;
            std::getline(words >> std::ws, rest);
            records.insert(canonical(owner, ttl, type, rest));
        }
    }
    return out;
}

ServedRecords mariadbServes(const test::MariaDbServer& db, const std::string& database) {
    ServedRecords out;
    for (const auto& row : db.query("SELECT zone, name, ttl, record_type, content FROM coredns_records", database)) {
        std::string zone = withoutDot(row.at(0));
        std::string owner = row.at(1).empty() ? zone + "." : row.at(1) + "." + zone + ".";
        out[zone].insert(canonical(owner, row.at(2), row.at(3), rdataOfRow(row.at(3), row.at(4))));
    }
    return out;
}

ServedRecords pdnsServes(const test::PdnsServer& pdns, const std::vector<std::string>& zones) {
    ServedRecords out;
    for (const auto& zone : zones) {
        auto& records = out[zone];
        auto r = pdns.api("GET", "/zones/" + zone + ".");
        if (r.status == 404 || r.status == 422) continue;
        if (r.status != 200) throw std::runtime_error("PowerDNS API answered " + std::to_string(r.status) + " for " + zone);
        auto rrsets = parseObject(r.body)->getArray("rrsets");
        for (size_t i = 0; rrsets && i < rrsets->size(); ++i) {
            auto set = rrsets->getObject(static_cast<unsigned>(i));
            auto recs = set->getArray("records");
            for (size_t j = 0; recs && j < recs->size(); ++j)
                records.insert(canonical(set->getValue<std::string>("name"), std::to_string(set->getValue<long>("ttl")),
                                         set->getValue<std::string>("type"), recs->getObject(static_cast<unsigned>(j))->getValue<std::string>("content")));
        }
    }
    return out;
}

std::vector<std::string> compareBackends(SoakCluster& cluster, const std::map<std::string, ZoneExpect>& expected) {
    std::vector<std::string> zones;
    for (const auto& [zone, e] : expected) zones.push_back(zone);
    std::vector<std::string> diffs;
    auto compare = [&](const std::string& backend, ServedRecords served) {
        for (const auto& [zone, e] : expected) {
            auto got = filtered(served[zone], e.types);
            if (got == e.records) continue;
            std::set<std::string> missing, extra;
            for (const auto& r : e.records) if (!got.count(r)) missing.insert(r);
            for (const auto& r : got) if (!e.records.count(r)) extra.insert(r);
            diffs.push_back(backend + " " + zone + (e.present ? "" : " (deleted)") + ": missing" + join(missing) + "\n    unexpected" + join(extra));
        }
    };
    try {
        compare("named", namedServes(cluster.named(), zones));
        compare("mariadb", mariadbServes(cluster.mariadb(), SoakCluster::kDatabase));
        compare("powerdns", pdnsServes(cluster.pdns(), zones));
    } catch (const std::exception& e) {
        diffs.push_back(std::string("a backend could not be read: ") + e.what());
    }
    return diffs;
}

} // namespace dadns::soak
