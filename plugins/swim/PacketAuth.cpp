#include "PacketAuth.hpp"

#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

#include <cstring>
#include <random>

namespace dadns::swim {
namespace {

// HMACEngine wants the block and digest sizes as constants.
class Sha256Engine : public Poco::SHA2Engine {
public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256Engine() : Poco::SHA2Engine(SHA_256) {}
};

constexpr char kMagic[2] = {'D', 'S'};
constexpr uint8_t kVersion = 1;

uint64_t randomNonce() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return rng();
}

void putU64(std::string& out, uint64_t v) {
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t getU64(std::string_view in, size_t at) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
    return v;
}

bool sameBytes(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::string hex(std::string_view bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

std::string httpMessage(std::string_view sender, std::string_view method, std::string_view path, std::string_view body,
                        int64_t stampMs, uint64_t nonce) {
    std::string m = "dadns-cluster-http\n";
    m.append(sender).append("\n").append(method).append("\n").append(path).append("\n");
    m += std::to_string(stampMs) + "\n" + std::to_string(nonce) + "\n";
    m.append(body);
    return m;
}

} // namespace

std::string hmacSha256(std::string_view key, std::string_view data) {
    Poco::HMACEngine<Sha256Engine> engine{std::string(key)};
    engine.update(data.data(), data.size());
    const auto& digest = engine.digest();
    return std::string(digest.begin(), digest.end());
}

const char* verdictName(Verdict v) {
    switch (v) {
    case Verdict::Ok: return "ok";
    case Verdict::Malformed: return "malformed";
    case Verdict::Forged: return "forged";
    case Verdict::Stale: return "stale";
    case Verdict::Replayed: return "replayed";
    }
    return "unknown";
}

std::string PacketAuth::seal(std::string_view sender, std::string_view payload, int64_t nowMs) const {
    std::string out(kMagic, 2);
    out.push_back(static_cast<char>(kVersion));
    putU64(out, static_cast<uint64_t>(nowMs));
    putU64(out, randomNonce());
    out.push_back(static_cast<char>(sender.size()));
    out.append(sender);
    out.append(payload);
    out += hmacSha256(key_, out);
    return out;
}

PacketAuth::Opened PacketAuth::open(std::string_view packet, int64_t nowMs) {
    Opened r;
    if (packet.size() < kSealHeaderBytes + kMacBytes || packet[0] != kMagic[0] || packet[1] != kMagic[1] ||
        static_cast<uint8_t>(packet[2]) != kVersion)
        return r;
    size_t senderLen = static_cast<unsigned char>(packet[kSealHeaderBytes - 1]);
    if (packet.size() < kSealHeaderBytes + senderLen + kMacBytes) return r;
    std::string_view signedPart = packet.substr(0, packet.size() - kMacBytes);
    if (!sameBytes(hmacSha256(key_, signedPart), packet.substr(packet.size() - kMacBytes))) {
        r.verdict = Verdict::Forged;
        return r;
    }
    if (!fresh(static_cast<int64_t>(getU64(packet, 3)), nowMs)) {
        r.verdict = Verdict::Stale;
        return r;
    }
    if (!firstSight(getU64(packet, 11), nowMs)) {
        r.verdict = Verdict::Replayed;
        return r;
    }
    r.sender = std::string(packet.substr(kSealHeaderBytes, senderLen));
    r.payload = std::string(signedPart.substr(kSealHeaderBytes + senderLen));
    r.verdict = Verdict::Ok;
    return r;
}

std::string PacketAuth::httpProof(std::string_view sender, std::string_view method, std::string_view path, std::string_view body,
                                  int64_t nowMs) const {
    uint64_t nonce = randomNonce();
    std::string mac = hmacSha256(key_, httpMessage(sender, method, path, body, nowMs, nonce));
    return std::string(sender) + " " + std::to_string(nowMs) + " " + std::to_string(nonce) + " " + hex(mac);
}

Verdict PacketAuth::checkHttpProof(std::string_view proof, std::string_view method, std::string_view path, std::string_view body,
                                   int64_t nowMs, std::string* sender) {
    // "<sender> <ms> <nonce> <hex mac>"
    std::string_view parts[4];
    size_t pos = 0;
    for (int i = 0; i < 4; ++i) {
        size_t space = i < 3 ? proof.find(' ', pos) : proof.size();
        if (space == std::string_view::npos) return Verdict::Malformed;
        parts[i] = proof.substr(pos, space - pos);
        pos = space + 1;
    }
    int64_t stampMs = 0;
    uint64_t nonce = 0;
    try {
        stampMs = std::stoll(std::string(parts[1]));
        nonce = std::stoull(std::string(parts[2]));
    } catch (const std::logic_error&) {
        return Verdict::Malformed;
    }
    if (parts[0].empty() || parts[0].size() > 64) return Verdict::Malformed;
    if (!sameBytes(hex(hmacSha256(key_, httpMessage(parts[0], method, path, body, stampMs, nonce))), parts[3])) return Verdict::Forged;
    if (!fresh(stampMs, nowMs)) return Verdict::Stale;
    if (!firstSight(nonce, nowMs)) return Verdict::Replayed;
    if (sender) *sender = std::string(parts[0]);
    return Verdict::Ok;
}

bool PacketAuth::firstSight(uint64_t nonce, int64_t nowMs) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (nowMs >= nextPruneMs_) {
        for (auto it = seen_.begin(); it != seen_.end();) it = it->second < nowMs ? seen_.erase(it) : std::next(it);
        nextPruneMs_ = nowMs + 1000;
    }
    // Kept for twice the age window: a packet stamped maxAge in the future stays acceptable that long.
    return seen_.emplace(nonce, nowMs + 2 * maxAgeMs_).second;
}

} // namespace dadns::swim
