#include "CorednsRows.hpp"

#include <dadns/sdk/json_writer.hpp>
#include <dadns/sdk/record_views.hpp>
#include <dadns/sdk/utf8.hpp>

#include <algorithm>

namespace dadns::coredns {
namespace {

using namespace dadns::sdk;

// Bytes that are not well-formed UTF-8 (sdk::utf8SequenceAt) are taken as Latin-1, so the
// content is valid JSON text that MariaDB's utf8mb4 columns accept, and the JSON writer has
// nothing to replace.
std::string utf8(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    uint32_t codePoint = 0;
    for (size_t i = 0; i < s.size();) {
        size_t len = utf8SequenceAt(s, i, codePoint);
        if (len > 0) {
            out.append(s, i, len);
            i += len;
        } else {
            auto c = static_cast<unsigned char>(s[i]);
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
            i += 1;
        }
    }
    return out;
}

std::string quote(const std::string& s) { return jsonQuote(utf8(s)); }

const Record& expect(const Record& r, size_t fields) {
    if (r.rdata.size() != fields)
        throw PermanentError("record " + r.owner + " " + r.type + " has " + std::to_string(r.rdata.size()) + " rdata fields, expected " +
                             std::to_string(fields));
    return r;
}

} // namespace

bool servedType(const std::string& type) {
    static const std::set<std::string> served = {"A", "AAAA", "CNAME", "NS", "MX", "TXT", "SRV", "SOA", "CAA"};
    return served.count(type) != 0;
}

std::string contentJson(const Record& r) {
    const std::string& t = r.type;
    if (t == "A" || t == "AAAA") return "{\"ip\":" + quote(expect(r, 1).rdata[0]) + "}";
    if (t == "CNAME" || t == "NS") return "{\"host\":" + quote(expect(r, 1).rdata[0]) + "}";
    if (t == "TXT") {
        // The plugin serves one string and splits it at 255 bytes itself.
        std::string text;
        for (const auto& s : txtStrings(r)) text += s;
        return "{\"text\":" + quote(text) + "}";
    }
    if (t == "MX") {
        MxView mx(expect(r, 2));
        return "{\"host\":" + quote(mx.host) + ",\"preference\":" + std::to_string(mx.preference) + "}";
    }
    if (t == "SRV") {
        SrvView srv(expect(r, 4));
        return "{\"priority\":" + std::to_string(srv.priority) + ",\"weight\":" + std::to_string(srv.weight) +
               ",\"port\":" + std::to_string(srv.port) + ",\"target\":" + quote(srv.target) + "}";
    }
    if (t == "SOA") {
        SoaView soa(expect(r, 7));
        return "{\"ns\":" + quote(soa.mname) + ",\"MBox\":" + quote(soa.rname) + ",\"refresh\":" + std::to_string(soa.refresh) +
               ",\"retry\":" + std::to_string(soa.retry) + ",\"expire\":" + std::to_string(soa.expire) +
               ",\"minttl\":" + std::to_string(soa.minimum) + "}";
    }
    if (t == "CAA") {
        CaaView caa(expect(r, 3));
        return "{\"flag\":" + std::to_string(caa.flag) + ",\"tag\":" + quote(caa.tag) + ",\"value\":" + quote(caa.value) + "}";
    }
    throw PermanentError("the CoreDNS mysql plugin cannot serve " + t + " records");
}

ZoneRows toRows(const Zone& zone) {
    ZoneRows out;
    out.rows.reserve(zone.records.size());
    for (const auto& r : zone.records) {
        if (!servedType(r.type)) {
            out.skipped.insert(r.type);
            ++out.skippedRecords;
            continue;
        }
        out.rows.push_back(Row{relativeOwner(r, zone.name), r.type, r.ttl, contentJson(r)});
    }
    std::sort(out.rows.begin(), out.rows.end());
    out.rows.erase(std::unique(out.rows.begin(), out.rows.end()), out.rows.end());
    return out;
}

} // namespace dadns::coredns
