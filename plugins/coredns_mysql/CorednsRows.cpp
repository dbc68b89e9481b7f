#include "CorednsRows.hpp"

#include <dadns/sdk/json.hpp>
#include <dadns/sdk/json_writer.hpp>
#include <dadns/sdk/record_views.hpp>
#include <dadns/sdk/utf8.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

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

// The lengths of a text's strings when it is split every 255 bytes, as CoreDNS serves it
// ("" is one empty string).
std::vector<size_t> lengthsEvery255(size_t total) {
    std::vector<size_t> out(total / 255, 255);
    if (total % 255 || total == 0) out.push_back(total % 255);
    return out;
}

// A character-string in presentation form, as the daemon's zone parser (ldns) writes it:
// quoted; '"' and '\' escaped with a backslash; printable ASCII and tab as they are; every
// other byte as \DDD.
std::string presentation(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + 2);
    out.push_back('"');
    for (unsigned char c : bytes) {
        if ((c >= 0x20 && c < 0x7f) || c == '\t') {
            if (c == '"' || c == '\\') out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else {
            char digits[5];
            std::snprintf(digits, sizeof digits, "\\%03u", static_cast<unsigned>(c));
            out += digits;
        }
    }
    out.push_back('"');
    return out;
}

// Members of a row's JSON content as the CoreDNS plugin (Go's encoding/json) takes them: a
// string, or a whole number within the field's range; anything else fails its query.
std::optional<std::string> text(const Json& content, const char* key) {
    const Json& v = content[key];
    if (v.type() != Json::Type::String) return std::nullopt;
    return v.asString();
}

std::optional<std::string> number(const Json& content, const char* key, double max) {
    const Json& v = content[key];
    if (v.type() != Json::Type::Number) return std::nullopt;
    double d = v.asNumber();
    if (!(d >= 0 && d <= max) || std::floor(d) != d) return std::nullopt;
    return std::to_string(static_cast<uint64_t>(d));
}

constexpr double kU8 = 255, kU16 = 65535, kU32 = 4294967295.0;

// The strings of a TXT row: its text cut at "lengths" when they add up to it, else every 255
// bytes.
std::vector<std::string> txtRdata(const std::string& text, const Json& lengths) {
    std::vector<size_t> cut;
    size_t total = 0;
    for (const Json& n : lengths.items()) {
        double d = n.type() == Json::Type::Number ? n.asNumber() : -1;
        if (!(d >= 0 && d <= 255) || std::floor(d) != d) {
            cut.clear();
            break;
        }
        cut.push_back(static_cast<size_t>(d));
        total += cut.back();
    }
    if (cut.empty() || total != text.size()) cut = lengthsEvery255(text.size());
    std::vector<std::string> out;
    out.reserve(cut.size());
    size_t at = 0;
    for (size_t n : cut) {
        out.push_back(presentation(std::string_view(text).substr(at, n)));
        at += n;
    }
    return out;
}

// The rdata fields of a row's content; empty when CoreDNS would not answer with it.
std::vector<std::string> rdataOf(const std::string& type, const Json& c) {
    auto all = [](std::initializer_list<std::optional<std::string>> fields) {
        std::vector<std::string> out;
        for (const auto& f : fields) {
            if (!f || f->empty()) return std::vector<std::string>();
            out.push_back(*f);
        }
        return out;
    };
    if (type == "A" || type == "AAAA") return all({text(c, "ip")});
    if (type == "CNAME" || type == "NS") return all({text(c, "host")});
    if (type == "MX") return all({number(c, "preference", kU16), text(c, "host")});
    if (type == "SRV") return all({number(c, "priority", kU16), number(c, "weight", kU16), number(c, "port", kU16), text(c, "target")});
    if (type == "SOA") {
        // Rows written before the serial was kept read as serial 0: a difference, and the
        // next apply writes it.
        auto serial = c.has("serial") ? number(c, "serial", kU32) : std::optional<std::string>("0");
        return all({text(c, "ns"), text(c, "MBox"), serial, number(c, "refresh", kU32), number(c, "retry", kU32),
                    number(c, "expire", kU32), number(c, "minttl", kU32)});
    }
    if (type == "CAA") {
        auto tag = text(c, "tag");
        auto value = text(c, "value");
        if (!value) return {};
        return all({number(c, "flag", kU8), tag, presentation(*value)});
    }
    if (type == "TXT") {
        auto t = text(c, "text");
        if (!t) return {};
        return txtRdata(*t, c["lengths"]);
    }
    return {};
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
        // The plugin serves one string and splits it every 255 bytes itself; another split is
        // kept in "lengths".
        std::string text;
        std::vector<size_t> lengths;
        for (const auto& s : txtStrings(r)) {
            text += s;
            lengths.push_back(s.size());
        }
        std::string out = "{\"text\":" + quote(text);
        if (lengths != lengthsEvery255(text.size())) {
            out += ",\"lengths\":[";
            for (size_t i = 0; i < lengths.size(); ++i) out += (i ? "," : "") + std::to_string(lengths[i]);
            out += "]";
        }
        return out + "}";
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
        return "{\"ns\":" + quote(soa.mname) + ",\"MBox\":" + quote(soa.rname) + ",\"serial\":" + std::to_string(soa.serial) +
               ",\"refresh\":" + std::to_string(soa.refresh) +
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

namespace dadns::coredns {

std::optional<sdk::Record> toRecord(const Row& row, const std::string& zoneName) {
    if (!servedType(row.type) || row.ttl < 0 || row.ttl > std::numeric_limits<uint32_t>::max()) return std::nullopt;
    sdk::Json content;
    try {
        content = sdk::Json::parse(row.content);
    } catch (const sdk::Error&) {
        return std::nullopt;
    }
    if (!content.isObject()) return std::nullopt;
    sdk::Record r;
    r.rdata = rdataOf(row.type, content);
    if (r.rdata.empty()) return std::nullopt;
    r.owner = row.name.empty() ? zoneName + "." : row.name.back() == '.' ? row.name : row.name + "." + zoneName + ".";
    std::transform(r.owner.begin(), r.owner.end(), r.owner.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.type = row.type;
    r.rrClass = 1;
    r.ttl = static_cast<uint32_t>(row.ttl);
    return r;
}

std::vector<sdk::Record> toRecords(const std::vector<Row>& rows, const std::string& zoneName) {
    std::vector<sdk::Record> out;
    out.reserve(rows.size());
    for (const auto& row : rows)
        if (auto r = toRecord(row, zoneName)) out.push_back(std::move(*r));
    return out;
}

} // namespace dadns::coredns
