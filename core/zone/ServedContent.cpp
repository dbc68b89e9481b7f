#include "core/zone/ServedContent.hpp"

#include <dadns/sdk/master_file.hpp>

#include <ldns/ldns.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

namespace dadns {
namespace {

std::string lowerCase(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string hex(const unsigned char* bytes, size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 0xf];
    }
    return out;
}

std::string digestOf(const std::set<std::string>& canonical) {
    std::string all;
    for (const auto& c : canonical) {
        uint32_t n = static_cast<uint32_t>(c.size()); // length-prefixed: no two sets join alike
        all.append(reinterpret_cast<const char*>(&n), sizeof n);
        all += c;
    }
    unsigned char digest[LDNS_SHA256_DIGEST_LENGTH];
    ldns_sha256(reinterpret_cast<unsigned char*>(all.data()), static_cast<unsigned int>(all.size()), digest);
    return hex(digest, sizeof digest);
}

struct RrFree {
    void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
struct BufferFree {
    void operator()(ldns_buffer* b) const { ldns_buffer_free(b); }
};

} // namespace

std::string recordLine(const sdk::Record& r) {
    std::string line = r.owner + " " + std::to_string(r.ttl) + " " + sdk::rrClassMnemonic(r.rrClass) + " " + r.type;
    for (const auto& f : r.rdata) line += " " + f;
    return line;
}

std::string printableRecordLine(const sdk::Record& r) {
    std::string out;
    for (unsigned char c : recordLine(r)) {
        if (c >= 0x20 && c != 0x7f) {
            out += static_cast<char>(c);
            continue;
        }
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\%03u", c); // as a master file writes it
        out += escaped;
    }
    return out;
}

std::string canonicalRecord(const sdk::Record& record) {
    std::string line = recordLine(record);
    ldns_rr* raw = nullptr;
    ldns_status parsed = ldns_rr_new_frm_str(&raw, line.c_str(), record.ttl, nullptr, nullptr);
    std::unique_ptr<ldns_rr, RrFree> rr(raw); // owns it whatever happens below
    if (parsed == LDNS_STATUS_OK && rr) {
        std::unique_ptr<ldns_buffer, BufferFree> buffer(ldns_buffer_new(512));
        if (buffer && ldns_rr2buffer_wire_canonical(buffer.get(), rr.get(), LDNS_SECTION_ANSWER) == LDNS_STATUS_OK)
            return "w" + std::string(reinterpret_cast<const char*>(ldns_buffer_begin(buffer.get())), ldns_buffer_position(buffer.get()));
    }
    return "t" + lowerCase(line);
}

ServedComparison compareServed(const std::vector<sdk::Record>& desired, const std::vector<sdk::Record>& served) {
    ServedComparison out;
    out.served = served.size();
    std::map<std::string, const sdk::Record*> want;
    for (const auto& r : desired) want.emplace(canonicalRecord(r), &r);
    std::set<std::string> have, wantKeys;
    for (const auto& [key, record] : want) wantKeys.insert(key);
    for (const auto& r : served) {
        std::string key = canonicalRecord(r);
        if (!have.insert(key).second) ++out.duplicates;
        else if (!want.count(key)) out.unexpected.push_back(r);
    }
    for (const auto& [key, record] : want)
        if (!have.count(key)) out.missing.push_back(*record);
    out.desiredDigest = digestOf(wantKeys);
    out.servedDigest = digestOf(have);
    return out;
}

std::string ServedComparison::describe(int64_t expectedCount) const {
    std::string text = "serves " + std::to_string(served) + " record(s), expected " + std::to_string(expectedCount);
    if (!unexpected.empty())
        text += "; " + std::to_string(unexpected.size()) + " not desired (e.g. '" + printableRecordLine(unexpected.front()) + "')";
    if (!missing.empty()) text += "; " + std::to_string(missing.size()) + " desired not served (e.g. '" + printableRecordLine(missing.front()) + "')";
    if (duplicates) text += "; " + std::to_string(duplicates) + " served twice";
    return text;
}

} // namespace dadns
