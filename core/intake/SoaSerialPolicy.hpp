// The SOA serial dadns stores for a zone (zones.soa_serial), so that secondaries fed by a
// backend's server (named's NOTIFY and zone transfers) follow every change.
//
// keep (the default): the serial is stored as the source sent it. DirectAdmin manages its own
// serials; a source that changes a zone without raising the serial leaves secondaries behind.
//
// increase: dadns chooses the serial of every local change it stores (whole zones, record-level
// edits, rollbacks), date-based YYYYMMDDnn on the UTC date, in RFC 1982 serial arithmetic
// ("greater" below; a > b when (a - b) mod 2^32 lies in 1 .. 2^31 - 1):
//
//   previous stored serial P exists:  today's YYYYMMDD00 when it is greater than P, else P + 1
//                                     (mod 2^32). The source's serial is ignored.
//   no previous serial (a new zone):  the source's serial S when it is greater than today's
//                                     YYYYMMDD00, else today's YYYYMMDD00.
//
// P is the serial of the zone's current stored version, or, when that version is a delete, of
// the newest version before it that history still keeps: a zone deleted and created again
// continues above its old serial, so secondaries that kept the old copy follow. A zone whose
// history no longer holds one starts as a new zone.
//
// So the stored serial always moves forward, also when the source's serial goes backwards or
// stays the same: several changes a day count nn up (..00, ..01, ...); past ..99 it simply
// counts on (2025013199 + 1 = 2025013200, which is no date) and the date catches up on a later
// day; a serial from the future (or a source's serial above the date form) is counted up by one
// until today's date form is greater again.
//
// Near 2^32: serial arithmetic looks at most 2^31 ahead. A serial more than 2^31 above today's
// date form counts as before it (e.g. 2025010100 is greater than 4200000000: going forward
// from 4200000000 wraps past 4294967295 to 0 and reaches 2025010100 in fewer than 2^31 steps),
// so the next change stores today's date form: numerically smaller, greater to a secondary,
// which follows. A serial counted up to 4294967295 goes on at 0. Every step is less than 2^31,
// never ambiguous. The date form holds until the year 4294.
//
// Replicated changes (a non-empty replication stamp: from swim peers) are stored as received:
// the node where the change was made chose the serial, and every node stores the same text.
// The policy is global, one for every zone and backend: the serial is part of the stored zone,
// which every backend serves.
#pragma once

#include "core/store/ZoneStore.hpp"
#include "core/util/WallClock.hpp"

#include <dadns/sdk/types.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace dadns {

enum class SoaSerialMode { Keep, Increase };

// "keep" or "increase" (any case); std::nullopt for anything else.
std::optional<SoaSerialMode> parseSoaSerialMode(const std::string& text);

// RFC 1982: whether serial a is greater than serial b.
bool serialGreater(uint32_t a, uint32_t b);

// YYYYMMDD00 of the UTC date of a wall-clock time (ms since the epoch).
uint32_t dateSerial(int64_t unixMs);

// The serial to store, by the rules above. todayDateSerial is dateSerial(now).
uint32_t nextSoaSerial(std::optional<uint32_t> previous, uint32_t source, uint32_t todayDateSerial);

// The serial of the zone's SOA record; std::nullopt when it has none or it is not a number.
std::optional<uint32_t> soaSerial(const sdk::Zone& zone);
// Sets it; returns false (and changes nothing) when the zone has no SOA record with a serial.
bool setSoaSerial(sdk::Zone& zone, uint32_t serial);
// The SOA serial in stored zone text (canonical master file text, SOA line first), for the
// zone named zoneName; std::nullopt when there is none.
std::optional<uint32_t> soaSerialOfText(std::string_view zoneText, const std::string& zoneName);

// The serial of the zone's previous stored version, as the rules above define it.
std::optional<uint32_t> previousStoredSerial(ZoneStore& store, const std::string& zone);

class SoaSerialPolicy {
public:
    using Clock = std::function<int64_t()>; // ms since the epoch
    explicit SoaSerialPolicy(SoaSerialMode mode = SoaSerialMode::Keep, Clock clock = nowMs);

    SoaSerialMode mode() const { return mode_; }

    // For a change about to be stored: with increase and a local change (empty stamp), sets the
    // serial of parsed (a zone that passed checkZoneRules) and rewrites submission.zoneText from
    // it. Returns whether it did. Call with the zone's changes serialised (ChangeIntake's lock).
    bool apply(ZoneStore& store, ZoneSubmission& submission, sdk::Zone& parsed) const;

private:
    SoaSerialMode mode_;
    Clock clock_;
};

} // namespace dadns
