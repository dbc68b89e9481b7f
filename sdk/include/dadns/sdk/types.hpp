// Owning C++ types for what crosses the ABI, and the errors plugins throw.
#pragma once

#include <dadns/abi.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dadns::sdk {

inline std::string_view view(dadns_str s) { return s.len ? std::string_view(s.ptr, s.len) : std::string_view(); }
inline dadns_str str(std::string_view s) { return dadns_str{s.data(), s.size()}; }

struct Record {
    std::string owner; // absolute, lower case, trailing dot
    std::string type;  // mnemonic, upper case
    uint16_t rrClass = 1;
    uint32_t ttl = 0;
    std::vector<std::string> rdata; // presentation-form fields

    bool operator==(const Record& o) const {
        return owner == o.owner && type == o.type && rrClass == o.rrClass && ttl == o.ttl && rdata == o.rdata;
    }
    bool operator!=(const Record& o) const { return !(*this == o); }
};

struct Zone {
    std::string name; // lower case, no trailing dot
    uint64_t version = 0;
    std::vector<Record> records;

    std::string fqdn() const { return name + "."; }
};

// Thrown by plugin code; the trampolines turn it into a dadns_status.
class Error : public std::runtime_error {
public:
    Error(dadns_status_code code, const std::string& what) : std::runtime_error(what), code_(code) {}
    dadns_status_code code() const { return code_; }

private:
    dadns_status_code code_;
};

// The same input may succeed later (connection refused, timeout, server restarting).
struct RetryableError : Error {
    explicit RetryableError(const std::string& what) : Error(DADNS_ERR_RETRYABLE, what) {}
};

// Retrying the same input cannot help (bad credentials, zone rejected by the server).
struct PermanentError : Error {
    explicit PermanentError(const std::string& what) : Error(DADNS_ERR_PERMANENT, what) {}
};

inline void setStatus(dadns_status* status, dadns_status_code code, std::string_view message) {
    if (!status) return;
    status->code = code;
    size_t n = message.size() < DADNS_STATUS_MESSAGE_MAX ? message.size() : DADNS_STATUS_MESSAGE_MAX;
    for (size_t i = 0; i < n; ++i) status->message[i] = message[i];
    status->message_len = static_cast<uint32_t>(n);
}

inline std::string_view statusMessage(const dadns_status& status) {
    return std::string_view(status.message, status.message_len);
}

inline Zone toZone(const dadns_zone& z) {
    Zone zone;
    zone.name = std::string(view(z.name));
    zone.version = z.version;
    zone.records.reserve(z.record_count);
    for (size_t i = 0; i < z.record_count; ++i) {
        const dadns_record& r = z.records[i];
        Record rec;
        rec.owner = std::string(view(r.owner));
        rec.type = std::string(view(r.type));
        rec.rrClass = r.rr_class;
        rec.ttl = r.ttl;
        rec.rdata.reserve(r.rdata_count);
        for (size_t j = 0; j < r.rdata_count; ++j) rec.rdata.emplace_back(view(r.rdata[j]));
        zone.records.push_back(std::move(rec));
    }
    return zone;
}

// Borrowed ABI view of records; the records must outlive it.
class AbiRecords {
public:
    explicit AbiRecords(const std::vector<Record>& records) {
        size_t fields = 0;
        for (const auto& r : records) fields += r.rdata.size();
        rdata_.reserve(fields);
        records_.reserve(records.size());
        for (const auto& r : records) {
            size_t first = rdata_.size();
            for (const auto& f : r.rdata) rdata_.push_back(str(f));
            dadns_record rec{};
            rec.owner = str(r.owner);
            rec.type = str(r.type);
            rec.rr_class = r.rrClass;
            rec.ttl = r.ttl;
            rec.rdata = rdata_.data() + first;
            rec.rdata_count = r.rdata.size();
            records_.push_back(rec);
        }
    }
    const dadns_record* data() const { return records_.data(); }
    size_t size() const { return records_.size(); }

private:
    std::vector<dadns_str> rdata_;
    std::vector<dadns_record> records_;
};

// Borrowed ABI view of a zone; the zone must outlive it.
class AbiZone {
public:
    explicit AbiZone(const Zone& zone) : records_(zone.records) {
        zone_.name = str(zone.name);
        zone_.version = zone.version;
        zone_.records = records_.data();
        zone_.record_count = records_.size();
    }
    const dadns_zone* get() const { return &zone_; }

private:
    AbiRecords records_;
    dadns_zone zone_{};
};

} // namespace dadns::sdk
