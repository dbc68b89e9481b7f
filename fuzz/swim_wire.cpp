// The swim plugin's UDP wire format and its authentication. Properties: decode() reads a
// payload or refuses it with WireError; what it reads encodes to bytes that decode to the
// same encoding; open() classifies any packet without reading outside it; a sealed payload
// opens to itself once and is a replay the second time; an HTTP proof of any text is checked
// without an exception.
#include "FuzzCheck.hpp"

#include "PacketAuth.hpp"
#include "Wire.hpp"

#include <chrono>

using namespace dadns;
using namespace dadns::swim;

namespace {

constexpr int64_t kNowMs = 1'800'000'000'000;

std::string encodeAll(const std::vector<Message>& messages) {
    std::string out;
    for (const auto& m : messages) out += encode(m);
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string payload(fuzz::text(data, size));

    std::vector<Message> messages;
    bool decoded = true;
    try {
        messages = decode(payload);
    } catch (const WireError&) {
        decoded = false;
    }
    if (decoded) {
        std::string encoded = encodeAll(messages);
        fuzz::check(encoded.size() <= payload.size(), "known messages encode to no more than they came in");
        std::vector<Message> again;
        try {
            again = decode(encoded);
        } catch (const WireError& e) {
            fuzz::violated(std::string("encode() wrote what decode() refuses: ") + e.what());
        }
        fuzz::check(again.size() == messages.size(), "as many messages after a round trip");
        fuzz::check(encodeAll(again) == encoded, "encode -> decode -> encode is stable");
    }

    PacketAuth auth("cluster key", std::chrono::milliseconds(30000));
    auto opened = auth.open(payload, kNowMs);
    fuzz::check(opened.verdict != Verdict::Ok || opened.payload.size() < payload.size(), "an opened packet is smaller");

    std::string sender = payload.substr(0, std::min<size_t>(payload.size() % (kMaxSenderBytes + 1), payload.size()));
    std::string sealed = auth.seal(sender, payload, kNowMs);
    auto first = auth.open(sealed, kNowMs + 1);
    fuzz::check(first.verdict == Verdict::Ok, std::string("a sealed packet opens: ") + verdictName(first.verdict));
    fuzz::check(first.sender == sender && first.payload == payload, "a sealed packet opens to what was sealed");
    fuzz::check(auth.open(sealed, kNowMs + 2).verdict == Verdict::Replayed, "a second sight is a replay");
    fuzz::check(auth.open(sealed, kNowMs + 60001).verdict == Verdict::Stale, "an old packet is stale");

    std::string who;
    Verdict proof = auth.checkHttpProof(payload, "POST", "/api/v1/cluster/digest", payload, kNowMs, &who);
    fuzz::check(proof != Verdict::Ok, "a proof of unsigned text is not accepted");
    std::string made = auth.httpProof("node-a", "POST", "/api/v1/cluster/digest", payload, kNowMs);
    fuzz::check(auth.checkHttpProof(made, "POST", "/api/v1/cluster/digest", payload, kNowMs, &who) == Verdict::Ok && who == "node-a",
                "a proof made for a body checks");
    return 0;
}
