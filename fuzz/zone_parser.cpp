// Zone master files: every input is parsed or refused with ZoneParseError (any other exception,
// crash or leak is a finding), and what parses renders to text that parses to the same records.
//
// Inputs starting with "; zone: <name>" (as the files in tests/data/zones do) are parsed for
// that zone; others for example.com.
#include "FuzzCheck.hpp"

#include "core/util/Errors.hpp"
#include "core/zone/ZoneName.hpp"
#include "core/zone/ZoneParser.hpp"

#include <dadns/sdk/master_file.hpp>

using namespace dadns;

namespace {

std::string zoneNameOf(std::string_view text) {
    constexpr std::string_view marker = "; zone: ";
    if (text.substr(0, marker.size()) != marker) return "example.com";
    std::string_view rest = text.substr(marker.size());
    std::string name(rest.substr(0, rest.find_first_of("\r\n")));
    try {
        return normalizeZoneName(name);
    } catch (const InvalidInput&) {
        return "example.com";
    }
}

std::string describe(const Record& r) { return sdk::masterFileLine(r); }

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = fuzz::text(data, size);
    std::string name = zoneNameOf(text);
    Zone first;
    try {
        first = parseZoneText(text, name);
    } catch (const ZoneParseError&) {
        return 0;
    }
    fuzz::check(!first.records.empty(), "a parsed zone has records");
    std::string rendered = sdk::masterFileText(first);
    Zone second;
    try {
        second = parseZoneText(rendered, name);
    } catch (const ZoneParseError& e) {
        fuzz::violated(std::string("rendered zone does not parse: ") + e.what() + "\n" + rendered);
    }
    if (second.records != first.records) {
        std::string diff = "parse -> render -> parse changed the records\n";
        for (size_t i = 0; i < std::max(first.records.size(), second.records.size()); ++i) {
            std::string a = i < first.records.size() ? describe(first.records[i]) : "(none)";
            std::string b = i < second.records.size() ? describe(second.records[i]) : "(none)";
            bool differ = i >= first.records.size() || i >= second.records.size() || first.records[i] != second.records[i];
            if (differ) diff += "  first:  " + a + "\n  second: " + b + "\n";
        }
        fuzz::violated(diff);
    }
    fuzz::check(sdk::masterFileText(second) == rendered, "rendering is stable");
    return 0;
}
