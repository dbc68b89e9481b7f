// The messages nodes exchange over UDP and their binary encoding. A packet's payload is a
// sequence of messages, each [type u8][length u16][body], so a probe carries piggybacked
// membership and zone updates. Integers are big-endian; strings are [length u8][bytes].
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace dadns::swim {

enum class MemberState : uint8_t { Alive = 0, Suspect = 1, Dead = 2, Left = 3 };
const char* stateName(MemberState s); // "alive", "suspect", "failed", "left"

// Ask the target to acknowledge; target names the node meant (a restarted node at the same
// address with another id must not answer for it).
struct Ping {
    uint32_t seq = 0;
    std::string target;
};
struct Ack {
    uint32_t seq = 0;
};
// Ask the receiver to ping target on our behalf and forward its ack.
struct PingReq {
    uint32_t seq = 0;
    std::string target;
    std::string ip;
    uint16_t port = 0;
};
// What one node claims about a member; `from` is who raised a suspicion or failure.
struct MemberUpdate {
    MemberState state = MemberState::Alive;
    uint32_t incarnation = 0;
    std::string id;
    std::string ip;
    uint16_t port = 0;
    std::string apiUrl;
    std::string from;
};
// The sender holds this zone at this stamp (and can serve it over HTTP).
struct ZoneUpdate {
    std::string zone;
    std::string stamp;
};
// Push-pull of membership: the member updates in the same packet are the sender's full view;
// wantReply asks the receiver to send its own.
struct SyncMarker {
    bool wantReply = false;
};

using Message = std::variant<Ping, Ack, PingReq, MemberUpdate, ZoneUpdate, SyncMarker>;

struct WireError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string encode(const Message& m);
// Throws WireError on anything malformed; unknown message types are skipped (newer peers).
std::vector<Message> decode(const std::string& payload);

} // namespace dadns::swim
