// Authentication of everything nodes send each other: UDP packets carry a header (magic,
// version, timestamp, random nonce, sender id) and an HMAC-SHA256 over header and payload with
// the cluster key; HTTP calls between nodes carry the same proof in a header. Forged packets
// (bad MAC), stale ones (timestamp further than max_packet_age from our clock) and replays
// (a nonce seen within that window) are refused.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace dadns::swim {

std::string hmacSha256(std::string_view key, std::string_view data);

enum class Verdict { Ok, Malformed, Forged, Stale, Replayed };
const char* verdictName(Verdict v);

// A sealed packet: header (magic, version, timestamp, nonce, sender length), sender id,
// payload, MAC.
constexpr size_t kSealHeaderBytes = 2 + 1 + 8 + 8 + 1;
constexpr size_t kMacBytes = 32;
constexpr size_t kMaxSenderBytes = 64;
constexpr size_t kMaxSealOverhead = kSealHeaderBytes + kMaxSenderBytes + kMacBytes;
constexpr size_t kMaxPacketBytes = 1400;
// Room for the payload of a packet from sender that stays within kMaxPacketBytes.
constexpr size_t payloadBudget(size_t senderBytes) { return kMaxPacketBytes - kSealHeaderBytes - senderBytes - kMacBytes; }

class PacketAuth {
public:
    PacketAuth(std::string key, std::chrono::milliseconds maxAge) : key_(std::move(key)), maxAgeMs_(maxAge.count()) {}

    std::string seal(std::string_view sender, std::string_view payload, int64_t nowMs) const;

    struct Opened {
        Verdict verdict = Verdict::Malformed;
        std::string sender;
        std::string payload;
    };
    Opened open(std::string_view packet, int64_t nowMs);

    // The value of the X-Dadns-Cluster header for an HTTP call, and its check on the receiving side.
    std::string httpProof(std::string_view sender, std::string_view method, std::string_view path, std::string_view body,
                          int64_t nowMs) const;
    Verdict checkHttpProof(std::string_view proof, std::string_view method, std::string_view path, std::string_view body,
                           int64_t nowMs, std::string* sender);

private:
    // False when the nonce was seen within the window (a replay); remembers it otherwise.
    bool firstSight(uint64_t nonce, int64_t nowMs);
    bool fresh(int64_t stampMs, int64_t nowMs) const { return stampMs >= nowMs - maxAgeMs_ && stampMs <= nowMs + maxAgeMs_; }

    std::string key_;
    int64_t maxAgeMs_;
    std::mutex mutex_;
    std::unordered_map<uint64_t, int64_t> seen_; // nonce -> when it may be forgotten
    int64_t nextPruneMs_ = 0;
};

} // namespace dadns::swim
