// The SDK's JSON reader (plugin configurations, REST bodies in the hosts plugin, swim digests,
// PowerDNS replies): any input is read or refused with PermanentError; what is read writes back
// (dump) to text that reads to the same value.
#include "FuzzCheck.hpp"

#include <dadns/sdk/json.hpp>

using namespace dadns;
using sdk::Json;

namespace {

// Every typed read either answers or refuses with PermanentError.
void readAll(const Json& v, int depth) {
    fuzz::check(depth <= static_cast<int>(Json::kMaxDepth) + 1, "nesting stays within the limit");
    for (const auto& item : v.items()) readAll(item, depth + 1);
    for (const auto& [key, member] : v.members()) {
        try { (void)v.getString(key); } catch (const sdk::PermanentError&) {}
        try { (void)v.getNumber(key, 0); } catch (const sdk::PermanentError&) {}
        try { (void)v.getInt(key, 0); } catch (const sdk::PermanentError&) {}
        try { (void)v.getBool(key, false); } catch (const sdk::PermanentError&) {}
        fuzz::check(v.has(key), "a member is there");
        readAll(member, depth + 1);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Json v;
    try {
        v = Json::parse(fuzz::text(data, size));
    } catch (const sdk::PermanentError&) {
        return 0;
    }
    readAll(v, 1);
    std::string dumped = v.dump();
    Json again;
    try {
        again = Json::parse(dumped);
    } catch (const sdk::PermanentError& e) {
        fuzz::violated(std::string("dump() wrote what parse() refuses: ") + e.what() + "\n" + dumped);
    }
    fuzz::check(again.dump() == dumped, "dump -> parse -> dump is stable:\n" + dumped + "\n" + again.dump());
    fuzz::check(again.type() == v.type(), "the type survives");
    return 0;
}
