#include "HostsZone.hpp"

#include <dadns/sdk/master_file.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace dadns::hosts {
namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool isAddress(const std::string& type) { return type == "A" || type == "AAAA"; }

std::string ownerRecordName(const std::string& fqdn) { return "_dadns-owner." + fqdn; }

// A TXT string's presentation: quoted, with '"' and '\\' escaped.
std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

// The text of a one-string TXT rdata as the zone writes it ("..." with \\-escapes).
std::string unquoted(const std::string& rdata) {
    std::string inner = rdata.substr(1, rdata.size() - 2), out;
    for (size_t i = 0; i < inner.size(); ++i) {
        if (inner[i] == '\\' && i + 1 < inner.size()) ++i;
        out += inner[i];
    }
    return out;
}

} // namespace

ZoneLines::ZoneLines(std::string origin, const std::string& canonicalText) : origin_(std::move(origin)) {
    std::istringstream in(canonicalText);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '$' || line[0] == ';') continue;
        std::istringstream words(line);
        ZoneLine l;
        std::string ttl, cls;
        if (!(words >> l.owner >> ttl >> cls >> l.type)) continue;
        l.ttl = static_cast<uint32_t>(std::stoul(ttl));
        std::getline(words >> std::ws, l.rdata);
        lines_.push_back(std::move(l));
    }
}

ZoneLines ZoneLines::fresh(const std::string& origin, const std::vector<std::string>& nameservers, uint32_t ttl, const std::string& today) {
    ZoneLines z(origin, "");
    std::string apex = origin + ".";
    z.lines_.push_back({apex, ttl, "SOA", nameservers.front() + " hostmaster." + apex + " " + today + "01 3600 600 1209600 " + std::to_string(std::min<uint32_t>(ttl, 3600))});
    for (const auto& ns : nameservers) z.lines_.push_back({apex, ttl, "NS", ns});
    return z;
}

bool ZoneLines::setAddresses(const std::string& fqdn, const std::string& type, const std::vector<std::string>& ips, uint32_t ttl) {
    std::vector<std::string> had;
    std::vector<ZoneLine> kept;
    bool sameTtl = true;
    for (auto& l : lines_) {
        if (l.owner == fqdn && l.type == type) {
            had.push_back(l.rdata);
            sameTtl = sameTtl && l.ttl == ttl;
            continue;
        }
        kept.push_back(l);
    }
    std::vector<std::string> want = ips;
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    std::sort(had.begin(), had.end());
    for (const auto& ip : want) kept.push_back({fqdn, ttl, type, ip});
    lines_ = std::move(kept);
    return had != want || !sameTtl;
}

std::vector<std::string> ZoneLines::removeAddresses(const std::string& fqdn) {
    std::vector<std::string> removed;
    auto gone = [&](const ZoneLine& l) {
        if (l.owner != fqdn || !isAddress(l.type)) return false;
        removed.push_back(l.rdata);
        return true;
    };
    lines_.erase(std::remove_if(lines_.begin(), lines_.end(), gone), lines_.end());
    std::sort(removed.begin(), removed.end());
    return removed;
}

bool ZoneLines::setPtr(const std::string& owner, const std::string& target, uint32_t ttl) {
    bool present = false, changed = false;
    std::vector<ZoneLine> kept;
    for (auto& l : lines_) {
        if (l.owner == owner && l.type == "PTR") {
            if (!present && lower(l.rdata) == target && l.ttl == ttl) {
                present = true;
                kept.push_back(l);
            } else {
                changed = true;
            }
            continue;
        }
        kept.push_back(l);
    }
    if (!present) {
        kept.push_back({owner, ttl, "PTR", target});
        changed = true;
    }
    lines_ = std::move(kept);
    return changed;
}

bool ZoneLines::removePtr(const std::string& owner, const std::string& target) {
    size_t before = lines_.size();
    lines_.erase(std::remove_if(lines_.begin(), lines_.end(),
                                [&](const ZoneLine& l) { return l.owner == owner && l.type == "PTR" && lower(l.rdata) == target; }),
                 lines_.end());
    return lines_.size() != before;
}

bool ZoneLines::has(const std::string& owner, const std::string& type) const {
    return std::any_of(lines_.begin(), lines_.end(), [&](const ZoneLine& l) { return l.owner == owner && l.type == type; });
}

bool ZoneLines::hasAny(const std::string& owner) const {
    return std::any_of(lines_.begin(), lines_.end(), [&](const ZoneLine& l) { return l.owner == owner; });
}

std::optional<std::string> ZoneLines::owner(const std::string& fqdn) const {
    std::string name = ownerRecordName(fqdn);
    for (const auto& l : lines_)
        if (l.owner == name && l.type == "TXT" && l.rdata.size() >= 2 && l.rdata.front() == '"') return unquoted(l.rdata);
    return std::nullopt;
}

bool ZoneLines::setOwner(const std::string& fqdn, const std::string& owner, uint32_t ttl) {
    ZoneLine wanted{ownerRecordName(fqdn), ttl, "TXT", quoted(owner)};
    auto mine = [&](const ZoneLine& l) { return l.owner == wanted.owner && l.type == "TXT"; };
    auto it = std::find_if(lines_.begin(), lines_.end(), mine);
    bool alone = it != lines_.end() && std::count_if(lines_.begin(), lines_.end(), mine) == 1;
    if (alone && it->rdata == wanted.rdata && it->ttl == ttl) return false;
    removeOwner(fqdn);
    lines_.push_back(std::move(wanted));
    return true;
}

bool ZoneLines::removeOwner(const std::string& fqdn) {
    std::string name = ownerRecordName(fqdn);
    size_t before = lines_.size();
    lines_.erase(std::remove_if(lines_.begin(), lines_.end(), [&](const ZoneLine& l) { return l.owner == name && l.type == "TXT"; }),
                 lines_.end());
    return lines_.size() != before;
}

std::vector<std::string> ZoneLines::namesOwnedBy(const std::string& owner) const {
    const std::string prefix = ownerRecordName("");
    std::vector<std::string> names;
    for (const auto& l : lines_)
        if (l.type == "TXT" && l.owner.rfind(prefix, 0) == 0 && l.rdata == quoted(owner)) names.push_back(l.owner.substr(prefix.size()));
    return names;
}

std::map<std::string, HostRecord> ZoneLines::hosts() const {
    std::string apex = origin_ + ".";
    std::set<std::string> nameservers;
    for (const auto& l : lines_)
        if (l.owner == apex && l.type == "NS") nameservers.insert(lower(l.rdata));
    std::map<std::string, HostRecord> out;
    for (const auto& l : lines_) {
        if (!isAddress(l.type) || l.owner == apex || nameservers.count(l.owner)) continue;
        HostRecord& h = out[l.owner];
        h.ips.push_back(l.rdata);
        h.ttl = h.ttl == 0 ? l.ttl : std::min(h.ttl, l.ttl);
    }
    for (auto& [name, h] : out) std::sort(h.ips.begin(), h.ips.end());
    return out;
}

uint64_t ZoneLines::serial() const {
    for (const auto& l : lines_) {
        if (l.type != "SOA") continue;
        std::istringstream words(l.rdata);
        std::string mname, rname, serial;
        if (words >> mname >> rname >> serial) return std::stoull(serial);
    }
    return 0;
}

void ZoneLines::bumpSerial(const std::string& today) {
    for (auto& l : lines_) {
        if (l.type != "SOA") continue;
        std::istringstream words(l.rdata);
        std::string mname, rname, serial, rest;
        if (!(words >> mname >> rname >> serial)) return;
        std::getline(words, rest);
        uint64_t next = std::max<uint64_t>(std::stoull(today) * 100 + 1, std::stoull(serial) + 1);
        next %= 4294967296ULL; // serial arithmetic (RFC 1982) wraps at 2^32
        l.rdata = mname + " " + rname + " " + std::to_string(next) + rest;
        return;
    }
}

std::string ZoneLines::text() const {
    sdk::Zone zone; // each line's rdata as one field: it is written as it was read
    zone.name = origin_;
    zone.records.reserve(lines_.size());
    for (const auto& l : lines_) zone.records.push_back(sdk::Record{l.owner, l.type, 1, l.ttl, {l.rdata}});
    return sdk::masterFileText(zone);
}

std::optional<std::string> hostFqdn(const std::string& name, const std::string& origin, std::string& why) {
    std::string n = lower(name);
    if (!n.empty() && n.back() == '.') n.pop_back();
    std::string suffix = "." + origin;
    if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0) n.resize(n.size() - suffix.size());
    if (n.empty()) {
        why = "hostname is empty";
        return std::nullopt;
    }
    if (n.size() + suffix.size() + 1 > 254) {
        why = "hostname is too long: the name in " + origin + " would exceed 253 characters";
        return std::nullopt;
    }
    size_t start = 0;
    while (true) {
        size_t dot = n.find('.', start);
        std::string label = n.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (label.empty() || label.size() > 63) {
            why = "hostname labels must be 1 to 63 characters";
            return std::nullopt;
        }
        for (char c : label)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) {
                why = "hostname may only use letters, digits, '-' and '_' in dot-separated labels";
                return std::nullopt;
            }
        if (label.front() == '-' || label.back() == '-') {
            why = "hostname labels must not start or end with '-'";
            return std::nullopt;
        }
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return n + suffix + ".";
}

std::string addressType(const std::string& ip, std::string& canonical) {
    char buf[INET6_ADDRSTRLEN];
    unsigned char bytes[16];
    if (ip.find('\0') != std::string::npos) return "";
    if (inet_pton(AF_INET, ip.c_str(), bytes) == 1 && inet_ntop(AF_INET, bytes, buf, sizeof buf)) {
        canonical = buf;
        return "A";
    }
    if (inet_pton(AF_INET6, ip.c_str(), bytes) == 1 && inet_ntop(AF_INET6, bytes, buf, sizeof buf)) {
        canonical = buf;
        return "AAAA";
    }
    return "";
}

std::string reverseOwner(const std::string& ip) {
    unsigned char bytes[16];
    if (inet_pton(AF_INET, ip.c_str(), bytes) == 1)
        return std::to_string(bytes[3]) + "." + std::to_string(bytes[2]) + "." + std::to_string(bytes[1]) + "." + std::to_string(bytes[0]) +
               ".in-addr.arpa.";
    if (inet_pton(AF_INET6, ip.c_str(), bytes) != 1) return "";
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (int i = 15; i >= 0; --i) {
        out += hex[bytes[i] & 0xF];
        out += '.';
        out += hex[bytes[i] >> 4];
        out += '.';
    }
    return out + "ip6.arpa.";
}

} // namespace dadns::hosts
