// What a backend serves against what it should serve, compared as sets of resource records in
// DNS canonical form (RFC 4034 section 6.2: wire format, names in lower case), so that two
// spellings of one record ("10 MAIL.example.com." and "10 mail.example.com.", "2001:db8::1" and
// "2001:0db8:0:0:0:0:0:1") compare equal and a changed record never does.
//
// The verification rule (docs/abi.md, "served records"): a served zone is verified when every
// record served is a desired one, none is served twice, and there are as many as the backend's
// apply said it stores. A backend may leave out types it cannot store (expectedCount excludes
// them), so "desired but not served" alone is not a failure; with the count rule, a desired
// record the backend should hold and lacks still is.
#pragma once

#include <dadns/sdk/types.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace dadns {

struct ServedComparison {
    std::vector<sdk::Record> missing;     // desired, not served
    std::vector<sdk::Record> unexpected;  // served, not desired (a changed record is one of each)
    size_t duplicates = 0;                // served records that repeat another served one
    size_t served = 0;                    // records served, duplicates included
    std::string desiredDigest;            // SHA-256 (hex) of the sorted, distinct canonical RRs
    std::string servedDigest;

    // The verification rule above, against what apply reported the backend stores.
    bool verifies(int64_t expectedCount) const {
        return unexpected.empty() && duplicates == 0 && static_cast<int64_t>(served) == expectedCount;
    }
    // One line for logs and errors: what differs, with an example of each kind.
    std::string describe(int64_t expectedCount) const;
};

ServedComparison compareServed(const std::vector<sdk::Record>& desired, const std::vector<sdk::Record>& served);

// The canonical form of one record: its RFC 4034 canonical wire form, or, for a record ldns
// cannot read, its presentation text in lower case (so such a record still compares with itself).
std::string canonicalRecord(const sdk::Record& record);

// "owner ttl class type rdata..." as one line.
std::string recordLine(const sdk::Record& record);
// The same for logs and error messages: control bytes (a served record is hostile input) are
// written as \DDD, so they can neither forge a log line nor hide in one.
std::string printableRecordLine(const sdk::Record& record);

} // namespace dadns
