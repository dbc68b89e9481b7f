#include "ZoneFileReader.hpp"

#include "LdnsRecords.hpp"

#include <dadns/sdk/master_file.hpp>

#include <ldns/ldns.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace dadns::bind {

namespace {

sdk::Record recordFromFields(const std::vector<std::string>& f) {
    sdk::Record record;
    if (!f.empty()) record.owner = f[0];
    for (char& c : record.owner)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (f.size() > 1) record.ttl = static_cast<uint32_t>(std::strtoul(f[1].c_str(), nullptr, 10));
    if (f.size() > 2) record.rrClass = static_cast<uint16_t>(ldns_get_rr_class_by_name(f[2].c_str()));
    if (f.size() > 3) record.type = f[3];
    for (char& c : record.type)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (f.size() > 4) record.rdata.assign(f.begin() + 4, f.end());
    return record;
}

} // namespace

sdk::Record parseZoneFileLine(const std::string& line) {
    ldns_rr* rr = nullptr;
    if (ldns_rr_new_frm_str(&rr, line.c_str(), 0, nullptr, nullptr) == LDNS_STATUS_OK && rr) {
        sdk::Record record = recordFromLdns(rr);
        ldns_rr_free(rr);
        return record;
    }
    if (rr) ldns_rr_free(rr);
    return recordFromFields(sdk::presentationFields(line));
}

std::optional<std::vector<sdk::Record>> readZoneFile(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "re");
    if (!f && errno == ENOENT) return std::nullopt;
    if (!f) throw sdk::RetryableError("cannot read " + path + ": " + std::strerror(errno));
    std::string text;
    char buf[65536];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    bool failed = std::ferror(f);
    std::fclose(f);
    if (failed) throw sdk::RetryableError("cannot read " + path);
    std::vector<sdk::Record> records;
    for (size_t start = 0; start < text.size();) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos || line[0] == ';' || line[0] == '$') continue;
        records.push_back(parseZoneFileLine(line));
    }
    return records;
}

} // namespace dadns::bind
