// named's control channel messages (plugins/bind/RndcMessage). The input is read twice: as a
// message from the wire (the signature fails, so only the reader is exercised), and as table
// entries signed with the key, so that the answer reading behind the signature check is reached.
// Properties: nothing is read outside the input; a signed message that parses verifies; what
// was read encodes to a message that decodes and encodes to the same bytes; an answer read has
// failed exactly when its result is not 0 or it has an err.
#include "FuzzCheck.hpp"

#include "RndcMessage.hpp"

using namespace dadns;
using namespace dadns::bind;
using namespace dadns::bind::rndc;

namespace {

const RndcKey kKey{"fuzz-key", "hmac-sha256", "0123456789abcdef0123456789abcdef"};

void checkRoundTrip(const Value& table) {
    auto again = encodeMessage(table, kKey);
    fuzz::check(again.has_value(), "a table read from the wire encodes");
    Decoded back = decodeMessage(again->substr(4), kKey);
    fuzz::check(back.error.empty(), "an encoded table decodes and verifies: " + back.error);
    fuzz::check(encodeMessage(back.table, kKey) == again, "encode -> decode -> encode is stable");
}

void checkReply(std::string_view body) {
    Reply r = decodeReply(body, kKey);
    if (!r.error.empty()) return;
    fuzz::check(r.failed || (r.result == 0 && r.err.empty()), "an answer without failure has result 0 and no err");
    fuzz::check(r.result == 0 || r.failed, "a non-zero result is a failure");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(fuzz::text(data, size));

    Decoded raw = decodeMessage(input, kKey);
    checkReply(input);
    if (raw.error.empty()) checkRoundTrip(raw.table); // only if the input forged a signature

    auto body = signEntries(input, kKey);
    fuzz::check(body.has_value(), "any bytes can be signed");
    Decoded d = decodeMessage(*body, kKey);
    bool parseError = !d.error.empty() && d.error.find("signature") == std::string::npos && d.error.find("not signed") == std::string::npos;
    fuzz::check(d.error.empty() || parseError, "a signed message that parses verifies: " + d.error);
    if (d.error.empty()) checkRoundTrip(d.table);
    checkReply(*body);
    return 0;
}
