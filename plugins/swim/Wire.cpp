#include "Wire.hpp"

#include <Poco/Net/IPAddress.h>

namespace dadns::swim {
namespace {

enum class Type : uint8_t { Ping = 1, Ack = 2, PingReq = 3, Member = 4, Zone = 5, Sync = 6 };

class Writer {
public:
    void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void u16(uint16_t v) {
        u8(static_cast<uint8_t>(v >> 8));
        u8(static_cast<uint8_t>(v));
    }
    void u32(uint32_t v) {
        u16(static_cast<uint16_t>(v >> 16));
        u16(static_cast<uint16_t>(v));
    }
    void str(const std::string& s) {
        if (s.size() > 255) throw WireError("string longer than 255 bytes: " + s.substr(0, 40) + "...");
        u8(static_cast<uint8_t>(s.size()));
        out_ += s;
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

class Reader {
public:
    Reader(const std::string& in, size_t begin, size_t end) : in_(in), pos_(begin), end_(end) {}
    uint8_t u8() {
        need(1);
        return static_cast<uint8_t>(in_[pos_++]);
    }
    uint16_t u16() {
        uint16_t hi = u8();
        return static_cast<uint16_t>((hi << 8) | u8());
    }
    uint32_t u32() {
        uint32_t hi = u16();
        return (hi << 16) | u16();
    }
    std::string str() {
        size_t n = u8();
        need(n);
        std::string s = in_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    void finish() const {
        if (pos_ != end_) throw WireError("trailing bytes in a message");
    }

private:
    void need(size_t n) const {
        if (pos_ + n > end_) throw WireError("truncated message");
    }
    const std::string& in_;
    size_t pos_, end_;
};

// Addresses are sent to, so a claim must carry a usable one.
void checkAddress(const std::string& ip, uint16_t port) {
    Poco::Net::IPAddress parsed;
    if (!Poco::Net::IPAddress::tryParse(ip, parsed) || parsed.family() != Poco::Net::AddressFamily::IPv4 || port == 0)
        throw WireError("not an IPv4 address and port: '" + ip + "':" + std::to_string(port));
}

void frame(std::string& out, Type type, const std::string& body) {
    if (body.size() > 0xffff) throw WireError("message too large");
    out.push_back(static_cast<char>(type));
    out.push_back(static_cast<char>(body.size() >> 8));
    out.push_back(static_cast<char>(body.size() & 0xff));
    out += body;
}

} // namespace

const char* stateName(MemberState s) {
    switch (s) {
    case MemberState::Alive: return "alive";
    case MemberState::Suspect: return "suspect";
    case MemberState::Dead: return "failed";
    case MemberState::Left: return "left";
    }
    return "unknown";
}

std::string encode(const Message& m) {
    Writer w;
    std::string out;
    if (auto* p = std::get_if<Ping>(&m)) {
        w.u32(p->seq);
        w.str(p->target);
        frame(out, Type::Ping, w.take());
    } else if (auto* a = std::get_if<Ack>(&m)) {
        w.u32(a->seq);
        frame(out, Type::Ack, w.take());
    } else if (auto* r = std::get_if<PingReq>(&m)) {
        w.u32(r->seq);
        w.str(r->target);
        w.str(r->ip);
        w.u16(r->port);
        frame(out, Type::PingReq, w.take());
    } else if (auto* u = std::get_if<MemberUpdate>(&m)) {
        w.u8(static_cast<uint8_t>(u->state));
        w.u32(u->incarnation);
        w.str(u->id);
        w.str(u->ip);
        w.u16(u->port);
        w.str(u->apiUrl);
        w.str(u->from);
        frame(out, Type::Member, w.take());
    } else if (auto* z = std::get_if<ZoneUpdate>(&m)) {
        w.str(z->zone);
        w.str(z->stamp);
        frame(out, Type::Zone, w.take());
    } else if (auto* s = std::get_if<SyncMarker>(&m)) {
        w.u8(s->wantReply ? 1 : 0);
        frame(out, Type::Sync, w.take());
    }
    return out;
}

std::vector<Message> decode(const std::string& payload) {
    std::vector<Message> out;
    size_t pos = 0;
    while (pos < payload.size()) {
        if (pos + 3 > payload.size()) throw WireError("truncated message header");
        auto type = static_cast<Type>(static_cast<uint8_t>(payload[pos]));
        size_t len = (static_cast<size_t>(static_cast<uint8_t>(payload[pos + 1])) << 8) | static_cast<uint8_t>(payload[pos + 2]);
        size_t begin = pos + 3, end = begin + len;
        if (end > payload.size()) throw WireError("message longer than its packet");
        Reader r(payload, begin, end);
        switch (type) {
        case Type::Ping: {
            Ping p;
            p.seq = r.u32();
            p.target = r.str();
            out.emplace_back(std::move(p));
            break;
        }
        case Type::Ack: out.emplace_back(Ack{r.u32()}); break;
        case Type::PingReq: {
            PingReq p;
            p.seq = r.u32();
            p.target = r.str();
            p.ip = r.str();
            p.port = r.u16();
            checkAddress(p.ip, p.port);
            out.emplace_back(std::move(p));
            break;
        }
        case Type::Member: {
            MemberUpdate u;
            uint8_t state = r.u8();
            if (state > static_cast<uint8_t>(MemberState::Left)) throw WireError("unknown member state");
            u.state = static_cast<MemberState>(state);
            u.incarnation = r.u32();
            u.id = r.str();
            u.ip = r.str();
            u.port = r.u16();
            u.apiUrl = r.str();
            u.from = r.str();
            if (u.id.empty() || u.id.size() > 64) throw WireError("member update without a valid id");
            checkAddress(u.ip, u.port);
            out.emplace_back(std::move(u));
            break;
        }
        case Type::Zone: {
            ZoneUpdate z;
            z.zone = r.str();
            z.stamp = r.str();
            out.emplace_back(std::move(z));
            break;
        }
        case Type::Sync: out.emplace_back(SyncMarker{r.u8() != 0}); break;
        default: pos = end; continue; // a message type from a newer version: skip it
        }
        r.finish();
        pos = end;
    }
    return out;
}

} // namespace dadns::swim
