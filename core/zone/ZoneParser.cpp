#include "core/zone/ZoneParser.hpp"

#include "core/util/Errors.hpp"
#include "core/util/Utf8.hpp"
#include "core/zone/ZoneName.hpp"

#include <dadns/sdk/ldns_text.hpp>

#include <ldns/ldns.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_set>

namespace dadns {
namespace {

// One logical entry of a master file: a directive or a record, with comments removed and
// parenthesised continuation lines joined.
struct Entry {
    int line = 0;           // line the entry starts on
    bool inheritsOwner = false;
    std::string text;
};

// Splits text into entries. Quotes and backslash escapes protect ';', '(' and ')'.
std::vector<Entry> splitEntries(std::string_view text) {
    if (size_t bad = invalidUtf8At(text); bad != std::string_view::npos) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
        throw ZoneParseError(static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n')) + 1,
                             std::string("byte ") + hex + " is not UTF-8 text; write other bytes as \\DDD escapes");
    }
    std::vector<Entry> entries;
    Entry cur;
    int line = 1;
    int depth = 0;
    int depthLine = 0;
    bool inQuote = false;
    bool atLineStart = true;
    auto finish = [&] {
        bool blank = std::all_of(cur.text.begin(), cur.text.end(), [](char c) { return c == ' ' || c == '\t'; });
        if (!blank) entries.push_back(std::move(cur));
        cur = Entry{};
    };
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\0') throw ZoneParseError(line, "NUL byte in zone text");
        if (atLineStart) { // the first character of a line starts an entry unless inside ( )
            if (depth == 0) {
                cur.line = line;
                cur.inheritsOwner = c == ' ' || c == '\t';
            }
            atLineStart = false;
        }
        if (c == '\r') continue; // CRLF line ends
        if (c == '\n') {
            if (inQuote) throw ZoneParseError(line, "unterminated quoted string");
            ++line;
            atLineStart = true;
            if (depth > 0) cur.text += ' ';
            else finish();
            continue;
        }
        if (inQuote) {
            cur.text += c;
            if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') cur.text += text[++i];
            else if (c == '"') inQuote = false;
            continue;
        }
        switch (c) {
        case '"': inQuote = true; cur.text += c; break;
        case '\\':
            cur.text += c;
            if (i + 1 < text.size() && text[i + 1] != '\n') cur.text += text[++i];
            break;
        case ';':
            while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
            break;
        case '(':
            if (depth == 0) depthLine = line;
            ++depth;
            cur.text += ' ';
            break;
        case ')':
            if (depth == 0) throw ZoneParseError(line, "')' without '('");
            --depth;
            cur.text += ' ';
            break;
        default: cur.text += c;
        }
    }
    if (inQuote) throw ZoneParseError(line, "unterminated quoted string");
    if (depth > 0) throw ZoneParseError(depthLine, "unbalanced parentheses: '(' is never closed");
    finish();
    return entries;
}

constexpr size_t kMaxRdataText = 65535;

// "TYPE \# length hex": the data of a record in RFC 3597's generic form.
bool isGenericData(const std::string& typeAndData) {
    size_t type = typeAndData.find_first_not_of(" \t");
    size_t data = type == std::string::npos ? type : typeAndData.find_first_of(" \t", type);
    data = data == std::string::npos ? data : typeAndData.find_first_not_of(" \t", data);
    return data != std::string::npos && typeAndData.compare(data, 2, "\\#") == 0;
}

std::vector<std::string> tokens(const std::string& s, size_t max) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size() && out.size() < max) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        if (i >= s.size()) break;
        size_t start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
        out.push_back(s.substr(start, i - start));
    }
    return out;
}

// The text after the first n whitespace-separated tokens.
std::string afterTokens(const std::string& s, size_t n) {
    size_t i = 0;
    for (size_t t = 0; t < n; ++t) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    }
    return s.substr(i);
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

bool isTtl(const std::string& t) {
    if (t.empty() || !std::isdigit(static_cast<unsigned char>(t[0]))) return false;
    return std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c) || std::strchr("smhdwSMHDW", c); });
}

bool isClass(const std::string& t) {
    std::string u = upper(t);
    return u == "IN" || u == "CH" || u == "CS" || u == "HS" || u == "ANY" || u.rfind("CLASS", 0) == 0;
}

uint32_t parseTtl(const std::string& t, int line) {
    const char* end = nullptr;
    uint32_t v = ldns_str2period(t.c_str(), &end);
    if (!end || *end != '\0') throw ZoneParseError(line, "bad TTL '" + t + "'");
    if (v > 2147483647u) throw ZoneParseError(line, "TTL out of range: " + t);
    return v;
}

// ldns (1.8.3) leaks the field when it refuses a CERT certificate type of 0: refuse it first.
bool isCertWithTypeZero(const std::string& rdataText) {
    auto t = tokens(rdataText, 2); // type, certificate type
    if (t.size() < 2 || upper(t[0]) != "CERT") return false;
    char* end = nullptr;
    long v = std::strtol(t[1].c_str(), &end, 10); // as ldns reads it, into 16 bits
    return end && *end == '\0' && static_cast<uint16_t>(v) == 0;
}

struct RdfDeleter {
    void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct RrDeleter {
    void operator()(ldns_rr* r) const { ldns_rr_free(r); }
};

// "$ORIGIN sub" is relative to the current origin; the result is absolute without the dot.
std::string resolveOrigin(const std::string& name, const std::string& current, int line) {
    std::string n = name;
    std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
    if (n == "@") return current;
    std::string absolute = n.back() == '.' ? n.substr(0, n.size() - 1) : n + "." + current;
    try {
        return normalizeZoneName(absolute);
    } catch (const InvalidInput& e) {
        throw ZoneParseError(line, std::string("bad $ORIGIN: ") + e.what());
    }
}

} // namespace

Zone parseZoneText(std::string_view text, const std::string& zoneName) {
    Zone zone;
    zone.name = zoneName;
    std::string origin = zoneName;
    std::unique_ptr<ldns_rdf, RdfDeleter> originRdf(ldns_dname_new_frm_str((origin + ".").c_str()));
    if (!originRdf) throw ZoneParseError(0, "bad zone name " + zoneName);
    bool haveDefaultTtl = false;
    uint32_t defaultTtl = 3600; // $TTL, else the last explicit TTL, else one hour
    std::string lastOwner;
    std::unordered_set<std::string> seen;

    for (const Entry& e : splitEntries(text)) {
        auto head = tokens(e.text, 3);
        if (head.empty()) continue;
        if (!e.inheritsOwner && head[0][0] == '$') {
            std::string directive = upper(head[0]);
            if (directive == "$INCLUDE") throw ZoneParseError(e.line, "$INCLUDE is not allowed (it would read files on the daemon's host)");
            if (head.size() < 2) throw ZoneParseError(e.line, directive + " needs a value");
            if (directive == "$ORIGIN") {
                origin = resolveOrigin(head[1], origin, e.line);
                originRdf.reset(ldns_dname_new_frm_str((origin + ".").c_str()));
                if (!originRdf) throw ZoneParseError(e.line, "bad $ORIGIN " + head[1]);
            } else if (directive == "$TTL") {
                defaultTtl = parseTtl(head[1], e.line);
                haveDefaultTtl = true;
            } else {
                throw ZoneParseError(e.line, "unsupported directive " + head[0]);
            }
            continue;
        }

        // Owner: explicit, or the previous record's.
        std::string owner;
        std::string rest;
        if (e.inheritsOwner) {
            if (lastOwner.empty()) throw ZoneParseError(e.line, "record without an owner name and no previous owner");
            owner = lastOwner;
            rest = e.text;
        } else {
            std::string given = head[0];
            try {
                std::string absolute = given == "@" ? origin + "." : given.back() == '.' ? given : given + "." + origin + ".";
                owner = normalizeOwnerName(absolute, zoneName);
            } catch (const InvalidInput& err) {
                throw ZoneParseError(e.line, err.what());
            }
            rest = afterTokens(e.text, 1);
        }
        lastOwner = owner;

        // Optional TTL and class, in either order (RFC 1035). Without $TTL, a record with no
        // TTL takes the last explicit one. ldns gets the canonical "owner ttl IN type rdata".
        auto fields = tokens(rest, 3);
        uint32_t ttl = defaultTtl;
        size_t consumed = 0;
        for (; consumed < fields.size() && consumed < 2; ++consumed) {
            if (isTtl(fields[consumed])) {
                ttl = parseTtl(fields[consumed], e.line);
                if (!haveDefaultTtl) defaultTtl = ttl;
            } else if (isClass(fields[consumed])) {
                if (upper(fields[consumed]) != "IN") throw ZoneParseError(e.line, "class " + fields[consumed] + " is not supported (only IN)");
            } else {
                break;
            }
        }
        std::string typeAndData = afterTokens(rest, consumed);
        // ldns reads at most 65,535 characters of record data and silently drops the rest.
        if (afterTokens(typeAndData, 1).size() > kMaxRdataText)
            throw ZoneParseError(e.line, "record data longer than 65,535 characters (the most a record can hold)");
        if (isCertWithTypeZero(typeAndData)) throw ZoneParseError(e.line, "CERT certificate type 0 is reserved");
        std::string line = owner + " " + std::to_string(ttl) + " IN " + typeAndData;
        ldns_rr* raw = nullptr;
        ldns_status status = ldns_rr_new_frm_str(&raw, line.c_str(), ttl, originRdf.get(), nullptr);
        std::unique_ptr<ldns_rr, RrDeleter> rr(raw);
        if (status != LDNS_STATUS_OK || !rr) {
            std::string type = fields.size() > consumed ? fields[consumed] : "";
            if (!type.empty() && ldns_get_rr_type_by_name(type.c_str()) == 0)
                throw ZoneParseError(e.line, "unknown record type '" + type + "'");
            throw ZoneParseError(e.line, std::string(ldns_get_errorstr_by_id(status)));
        }

        Record rec;
        rec.owner = owner;
        rec.type = sdk::ldnsOwned(ldns_rr_type2str(ldns_rr_get_type(rr.get())));
        // RFC 3597's generic form is for types without a presentation form: ldns reads it for
        // known types into fields it cannot always write back (an NSEC without its next name,
        // an RT short of a field, HTTPS bytes that form no parameter: the stored text lost
        // them), and BIND writes known types in their own form anyway.
        if (isGenericData(typeAndData) && rec.type.rfind("TYPE", 0) != 0)
            throw ZoneParseError(e.line, "write " + rec.type + " data in its presentation form; \\# data is for types without one");
        rec.rrClass = 1;
        rec.ttl = ldns_rr_ttl(rr.get());
        size_t n = ldns_rr_rd_count(rr.get());
        rec.rdata.reserve(n);
        for (size_t i = 0; i < n; ++i) {
            const ldns_rdf* rdf = ldns_rr_rdf(rr.get(), i);
            rec.rdata.push_back(sdk::ldnsFieldText(rdf));
            // A relative name too long for the origin stays relative in ldns, and prints empty.
            if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME && (rec.rdata.back().empty() || rec.rdata.back().back() != '.'))
                throw ZoneParseError(e.line, "a name in the record data is longer than 255 octets");
        }
        if (n == 0) throw ZoneParseError(e.line, "record has no data");
        // ldns stops at data it cannot read and keeps the fields before it ("SOA a b 0 \\# ..."
        // is an SOA of three fields): the text written back would not parse again.
        const ldns_rr_descriptor* descriptor = ldns_rr_descript(ldns_rr_get_type(rr.get()));
        if (descriptor && n < ldns_rr_descriptor_minimum(descriptor))
            throw ZoneParseError(e.line, "record data incomplete: " + rec.type + " needs at least " +
                                             std::to_string(ldns_rr_descriptor_minimum(descriptor)) + " fields");

        // Exact duplicates (same owner, TTL, type and data) are kept once; the same data with
        // another TTL stays, for the zone rules to refuse the mixed-TTL RRset.
        std::string key = rec.owner + '\x01' + std::to_string(rec.ttl) + '\x01' + rec.type;
        for (const auto& f : rec.rdata) key += '\x01' + f;
        if (!seen.insert(std::move(key)).second) continue;
        zone.records.push_back(std::move(rec));
    }
    if (zone.records.empty()) throw ZoneParseError(0, "the zone has no records");
    // Canonical order: SOA first, the rest as given.
    std::stable_partition(zone.records.begin(), zone.records.end(), [](const Record& r) { return r.type == "SOA"; });
    return zone;
}

} // namespace dadns
