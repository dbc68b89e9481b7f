#include "NamedAxfr.hpp"

#include "LdnsRecords.hpp"
#include "TcpConnect.hpp"

#include <ldns/ldns.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <poll.h>
#include <random>
#include <set>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace dadns::bind {

namespace {

using sdk::RetryableError;

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

struct PktDeleter {
    void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using Packet = std::unique_ptr<ldns_pkt, PktDeleter>;

struct RdfDeleter {
    void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
using Rdf = std::unique_ptr<ldns_rdf, RdfDeleter>;

// A DNS message as received (TSIG signs the wire form) and as read.
struct Message {
    std::vector<uint8_t> wire;
    Packet packet;
};

// A connected socket to named, or RetryableError.
int connectTo(const ServerAddress& server, std::chrono::milliseconds timeout, const std::string& what) {
    int fd = -1;
    std::string why = connectWithin(server.host, server.port, timeout, fd);
    if (!why.empty()) throw RetryableError(what + ": cannot connect to named at " + server.text() + ": " + why);
    return fd;
}

void writeAll(int fd, const std::vector<uint8_t>& data, std::chrono::milliseconds timeout, const std::string& what) {
    for (size_t done = 0; done < data.size();) {
        ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n > 0) done += static_cast<size_t>(n);
        else if (n < 0 && errno == EINTR) continue;
        else if (n < 0 && errno == EAGAIN && waitFor(fd, POLLOUT, std::chrono::steady_clock::now() + timeout) > 0) continue;
        else throw RetryableError(what + ": cannot send the query: " + (n < 0 ? std::strerror(errno) : "timed out"));
    }
}

// Exactly n bytes; false when the connection ended before the first of them.
bool readExact(int fd, uint8_t* out, size_t n, std::chrono::milliseconds timeout, const std::string& what) {
    for (size_t done = 0; done < n;) {
        if (waitFor(fd, POLLIN, std::chrono::steady_clock::now() + timeout) == 0)
            throw RetryableError(what + ": named sent nothing for " + std::to_string(timeout.count()) + " ms");
        ssize_t got = ::recv(fd, out + done, n - done, 0);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (got < 0) throw RetryableError(what + ": " + std::strerror(errno));
        if (got == 0 && done == 0) return false;
        if (got == 0) throw RetryableError(what + ": named closed the connection in the middle of a message");
        done += static_cast<size_t>(got);
    }
    return true;
}

// One DNS message over TCP (two-octet length, then the message).
Message readMessage(int fd, std::chrono::milliseconds timeout, const std::string& what) {
    uint8_t length[2];
    if (!readExact(fd, length, 2, timeout, what)) throw RetryableError(what + ": named closed the connection before the transfer ended");
    Message m;
    m.wire.resize(static_cast<size_t>(length[0]) << 8 | length[1]);
    readExact(fd, m.wire.data(), m.wire.size(), timeout, what);
    ldns_pkt* raw = nullptr;
    ldns_status status = ldns_wire2pkt(&raw, m.wire.data(), m.wire.size());
    if (status != LDNS_STATUS_OK) throw RetryableError(what + ": unreadable answer: " + ldns_get_errorstr_by_id(status));
    m.packet.reset(raw);
    return m;
}

// A TSIG record's MAC (RFC 8945 4.2: its fourth field), which signs the next message in turn.
Rdf macOf(const ldns_pkt* packet) {
    const ldns_rr* tsig = ldns_pkt_tsig(packet);
    const ldns_rdf* mac = tsig && ldns_rr_rd_count(tsig) > 3 ? ldns_rr_rdf(tsig, 3) : nullptr;
    return Rdf(mac ? ldns_rdf_clone(mac) : nullptr);
}

// The AXFR query on the wire for TCP, and its TSIG MAC when signed.
struct Query {
    std::vector<uint8_t> wire;
    Rdf mac;
};

Query axfrQuery(const std::string& zone, uint16_t id, const std::string& keyName, const std::string& algorithm,
                const std::string& secret) {
    ldns_rdf* name = ldns_dname_new_frm_str((zone + ".").c_str());
    if (!name) throw sdk::PermanentError("cannot transfer '" + zone + "': not a domain name");
    Packet query(ldns_pkt_query_new(name, LDNS_RR_TYPE_AXFR, LDNS_RR_CLASS_IN, 0)); // takes name
    ldns_pkt_set_id(query.get(), id);
    if (!keyName.empty()) {
        ldns_status signed_ = ldns_pkt_tsig_sign(query.get(), keyName.c_str(), secret.c_str(), 300, algorithm.c_str(), nullptr);
        if (signed_ != LDNS_STATUS_OK)
            throw sdk::PermanentError("cannot sign the AXFR query for " + zone + " with key " + keyName + ": " + ldns_get_errorstr_by_id(signed_));
    }
    uint8_t* wire = nullptr;
    size_t size = 0;
    if (ldns_pkt2wire(&wire, query.get(), &size) != LDNS_STATUS_OK) throw sdk::PermanentError("cannot write the AXFR query for " + zone);
    Query out{std::vector<uint8_t>(size + 2), macOf(query.get())}; // TCP: a two-octet length, then the message
    out.wire[0] = static_cast<uint8_t>(size >> 8);
    out.wire[1] = static_cast<uint8_t>(size & 0xff);
    std::memcpy(out.wire.data() + 2, wire, size);
    free(wire);
    return out;
}

// TSIG's error field (RFC 8945 4.2: the sixth) as a word, for an answer that refuses the key.
std::string tsigErrorOf(const ldns_pkt* packet) {
    const ldns_rr* tsig = ldns_pkt_tsig(packet);
    if (!tsig || ldns_rr_rd_count(tsig) <= 5) return "";
    switch (ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5))) {
    case 0: return "";
    case 16: return " (TSIG BADSIG: the key's secret differs from named's)";
    case 17: return " (TSIG BADKEY: named does not know the key)";
    case 18: return " (TSIG BADTIME: the clocks differ)";
    default: return " (TSIG error " + std::to_string(ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5))) + ")";
    }
}

// ldns names HMAC-MD5 by its old domain name, the others by theirs (RFC 8945 6).
std::string tsigAlgorithmName(const std::string& algorithm) {
    return algorithm == "hmac-md5" ? "hmac-md5.sig-alg.reg.int." : algorithm + ".";
}

std::string base64(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

// A transfer as a whole, however steadily named sends: bounds a lane worker's wait and the
// memory a misbehaving server can make it hold.
constexpr std::chrono::seconds kTransferLimit(120);
constexpr size_t kMaxRecords = 2000000;

bool insideZone(const std::string& owner, const std::string& zone) {
    std::string apex = zone + ".";
    return owner == apex || (owner.size() > apex.size() && owner.compare(owner.size() - apex.size() - 1, apex.size() + 1, "." + apex) == 0);
}

bool meansNotServed(ldns_pkt_rcode rcode) {
    return rcode == LDNS_RCODE_REFUSED || rcode == LDNS_RCODE_NOTAUTH || rcode == LDNS_RCODE_NOTIMPL || rcode == LDNS_RCODE_SERVFAIL;
}

} // namespace

NamedAxfr::NamedAxfr(ServerAddress server, std::chrono::milliseconds timeout, std::optional<RndcKey> key)
    : server_(std::move(server)), timeout_(timeout) {
    if (!key) return;
    // ldns signs with these only (1.8 has no hmac-sha224, and misspells hmac-sha384).
    const std::set<std::string> signable = {"hmac-md5", "hmac-sha1", "hmac-sha256", "hmac-sha512"};
    if (!signable.count(key->algorithm))
        throw std::invalid_argument("key \"" + key->name + "\": " + key->algorithm +
                                    " cannot sign transfers here; use hmac-sha256, hmac-sha512, hmac-sha1 or hmac-md5");
    keyName_ = key->name;
    keyAlgorithm_ = tsigAlgorithmName(key->algorithm);
    keySecret_ = base64(key->secret);
}

std::optional<std::vector<sdk::Record>> NamedAxfr::transfer(const std::string& zone, std::string* why) const {
    std::string what = "transfer of " + zone + " from named at " + server_.text();
    uint16_t id = static_cast<uint16_t>(std::random_device{}()); // an unguessable id: answers are matched to it
    Fd socket(connectTo(server_, timeout_, what));
    Query query = axfrQuery(zone, id, keyName_, keyAlgorithm_, keySecret_);
    writeAll(socket.fd, query.wire, timeout_, what);
    Rdf previousMac = std::move(query.mac); // each answer's TSIG covers the MAC before it
    std::vector<sdk::Record> records;
    auto deadline = std::chrono::steady_clock::now() + kTransferLimit;
    while (true) {
        if (std::chrono::steady_clock::now() > deadline)
            throw RetryableError(what + ": not finished within " + std::to_string(kTransferLimit.count()) + " s");
        Message message = readMessage(socket.fd, timeout_, what);
        ldns_pkt* answer = message.packet.get();
        if (ldns_pkt_id(answer) != id) throw RetryableError(what + ": an answer to another query");
        ldns_pkt_rcode rcode = ldns_pkt_get_rcode(answer);
        if (rcode != LDNS_RCODE_NOERROR) {
            // Not verified: named does not sign a refusal of the key, and a forged refusal
            // costs only a retry. A refused key says nothing of the zone: not "not served".
            std::string tsigError = tsigErrorOf(answer);
            std::string answered = "named answered " + rcodeName(rcode) + tsigError;
            if (!tsigError.empty()) throw RetryableError(what + ": " + answered);
            if (records.empty() && meansNotServed(rcode)) {
                if (why) *why = answered;
                return std::nullopt;
            }
            throw RetryableError(what + ": " + answered);
        }
        if (previousMac) {
            // RFC 8945 5.3.1: the first answer is signed over everything, the later ones over
            // the message and the timers; every message named sends is signed.
            bool first = records.empty();
            if (!ldns_pkt_tsig_verify_next(answer, message.wire.data(), message.wire.size(), keyName_.c_str(), keySecret_.c_str(),
                                           previousMac.get(), first ? 0 : 1))
                throw RetryableError(what + ": " + (ldns_pkt_tsig(answer) ? "an answer's TSIG signature does not verify with key "
                                                                           : "an answer is not signed with key ") + keyName_);
            previousMac = macOf(answer);
        }
        const ldns_rr_list* rrs = ldns_pkt_answer(answer);
        size_t count = rrs ? ldns_rr_list_rr_count(rrs) : 0;
        for (size_t i = 0; i < count; ++i) {
            const ldns_rr* rr = ldns_rr_list_rr(rrs, i);
            bool soa = ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA;
            if (!records.empty() && soa) return records; // the closing SOA ends the transfer
            if (records.empty() && !soa) break;
            records.push_back(recordFromLdns(rr));
            if (!insideZone(records.back().owner, zone)) throw RetryableError(what + ": named sent a record outside the zone");
            if (records.size() > kMaxRecords) throw RetryableError(what + ": more than " + std::to_string(kMaxRecords) + " records");
        }
        if (records.empty()) { // a transfer starts with the zone's SOA
            if (why) *why = "named's answer holds no SOA";
            return std::nullopt;
        }
    }
}

} // namespace dadns::bind
