#include "core/intake/SoaSerialPolicy.hpp"

#include "core/zone/ZoneParser.hpp"

#include <dadns/sdk/master_file.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <exception>

namespace dadns {
namespace {

constexpr size_t kSoaSerialField = 2; // SOA rdata: mname rname serial refresh retry expire minimum

std::optional<uint32_t> parseSerial(std::string_view text) {
    uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

sdk::Record* soaRecord(sdk::Zone& zone) {
    for (auto& r : zone.records)
        if (r.type == "SOA" && r.rdata.size() > kSoaSerialField) return &r;
    return nullptr;
}

// The whitespace-separated token number index of line, or an empty view.
std::string_view token(std::string_view line, size_t index) {
    size_t pos = 0;
    for (size_t i = 0;; ++i) {
        pos = line.find_first_not_of(" \t", pos);
        if (pos == std::string_view::npos) return {};
        size_t end = line.find_first_of(" \t", pos);
        if (end == std::string_view::npos) end = line.size();
        if (i == index) return line.substr(pos, end - pos);
        pos = end;
    }
}

} // namespace

std::optional<SoaSerialMode> parseSoaSerialMode(const std::string& text) {
    std::string t = text;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (t == "keep") return SoaSerialMode::Keep;
    if (t == "increase") return SoaSerialMode::Increase;
    return std::nullopt;
}

bool serialGreater(uint32_t a, uint32_t b) {
    uint32_t ahead = a - b; // mod 2^32
    return ahead != 0 && ahead < 0x80000000u;
}

uint32_t dateSerial(int64_t unixMs) {
    using namespace std::chrono;
    const year_month_day date{floor<days>(sys_time<milliseconds>(milliseconds(unixMs)))};
    const uint64_t form = static_cast<uint64_t>(static_cast<int>(date.year())) * 1000000u +
                          static_cast<unsigned>(date.month()) * 10000u + static_cast<unsigned>(date.day()) * 100u;
    return static_cast<uint32_t>(form); // exact until the year 4294
}

uint32_t nextSoaSerial(std::optional<uint32_t> previous, uint32_t source, uint32_t todayDateSerial) {
    if (!previous) return serialGreater(source, todayDateSerial) ? source : todayDateSerial;
    return serialGreater(todayDateSerial, *previous) ? todayDateSerial : *previous + 1u; // wraps mod 2^32
}

std::optional<uint32_t> soaSerial(const sdk::Zone& zone) {
    for (const auto& r : zone.records)
        if (r.type == "SOA" && r.rdata.size() > kSoaSerialField) return parseSerial(r.rdata[kSoaSerialField]);
    return std::nullopt;
}

bool setSoaSerial(sdk::Zone& zone, uint32_t serial) {
    sdk::Record* soa = soaRecord(zone);
    if (!soa || !parseSerial(soa->rdata[kSoaSerialField])) return false;
    soa->rdata[kSoaSerialField] = std::to_string(serial);
    return true;
}

std::optional<uint32_t> soaSerialOfText(std::string_view zoneText, const std::string& zoneName) {
    // Stored text is "<owner> <ttl> <class> SOA <mname> <rname> <serial> ..." on the first record
    // line (sdk::masterFileText); read that without parsing the whole zone.
    size_t start = 0;
    while (start < zoneText.size()) {
        size_t end = zoneText.find('\n', start);
        if (end == std::string_view::npos) end = zoneText.size();
        std::string_view line = zoneText.substr(start, end - start);
        start = end + 1;
        if (line.empty() || line[0] == '$') continue;
        if (token(line, 3) == "SOA") return parseSerial(token(line, 6));
        break;
    }
    // Anything else: the parser knows every form of master file text. Stored text was parsed
    // before it was stored; should it not parse now, the zone counts as having no serial.
    if (zoneText.empty()) return std::nullopt;
    try {
        return soaSerial(parseZoneText(zoneText, zoneName));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::optional<uint32_t> previousStoredSerial(ZoneStore& store, const std::string& zone) {
    auto current = store.current(zone, true);
    if (!current) return std::nullopt;
    if (!current->deleted) return soaSerialOfText(current->zoneText, zone);
    for (const auto& version : store.history(zone)) // newest first
        if (!version.deleted) return soaSerialOfText(version.zoneText, zone);
    return std::nullopt;
}

SoaSerialPolicy::SoaSerialPolicy(SoaSerialMode mode, Clock clock) : mode_(mode), clock_(std::move(clock)) {}

bool SoaSerialPolicy::apply(ZoneStore& store, ZoneSubmission& submission, sdk::Zone& parsed) const {
    if (mode_ != SoaSerialMode::Increase || !submission.stamp.empty() || submission.deleted) return false;
    auto source = soaSerial(parsed);
    if (!source) return false; // checkZoneRules saw an SOA; ldns gives its serial as a number
    uint32_t serial = nextSoaSerial(previousStoredSerial(store, submission.name), *source, dateSerial(clock_()));
    if (!setSoaSerial(parsed, serial)) return false;
    submission.zoneText = sdk::masterFileText(parsed);
    return true;
}

} // namespace dadns
