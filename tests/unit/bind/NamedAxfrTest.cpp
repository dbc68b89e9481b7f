// The bind plugin's AXFR client, compiled in, against a stand-in server on 127.0.0.1 that
// answers with set messages (real named: tests/integration/bind).
#include "NamedAxfr.hpp"

#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <ldns/ldns.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace dadns::bind;
using dadns::sdk::Record;
using dadns::sdk::RetryableError;
using namespace std::chrono_literals;

namespace {

struct Message {
    ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
    std::vector<std::string> records; // master file lines
};

// Listens on an ephemeral port; answers the first connection's query with the messages, then
// closes it (answer: false: reads the query and stays silent until destroyed).
class FakeNamed {
public:
    explicit FakeNamed(std::vector<Message> messages, bool answer = true) : messages_(std::move(messages)), answer_(answer) {
        listener_ = dadns::test::listenOnLoopback(4, port_);
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeNamed() {
        ::shutdown(listener_, SHUT_RDWR); // ends an accept still waiting
        thread_.join();
        ::close(listener_);
        if (client_ >= 0) ::close(client_);
    }
    NamedAxfr client(std::chrono::milliseconds timeout = 2s) const { return NamedAxfr({"127.0.0.1", static_cast<uint16_t>(port_)}, timeout); }

private:
    void serve() {
        client_ = ::accept(listener_, nullptr, nullptr);
        if (client_ < 0) return;
        uint8_t length[2];
        if (::recv(client_, length, 2, MSG_WAITALL) != 2) return;
        std::vector<uint8_t> query(static_cast<size_t>(length[0] << 8 | length[1]));
        if (::recv(client_, query.data(), query.size(), MSG_WAITALL) != static_cast<ssize_t>(query.size()) || !answer_) return;
        ldns_pkt* q = nullptr;
        if (ldns_wire2pkt(&q, query.data(), query.size()) != LDNS_STATUS_OK) return;
        for (const auto& m : messages_) send(m, ldns_pkt_id(q));
        ldns_pkt_free(q);
        ::shutdown(client_, SHUT_RDWR);
    }
    void send(const Message& m, uint16_t id) {
        ldns_pkt* p = ldns_pkt_new();
        ldns_pkt_set_id(p, id);
        ldns_pkt_set_qr(p, true);
        ldns_pkt_set_rcode(p, static_cast<uint8_t>(m.rcode));
        for (const auto& text : m.records) {
            ldns_rr* rr = nullptr;
            REQUIRE(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) == LDNS_STATUS_OK);
            ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
        }
        uint8_t* wire = nullptr;
        size_t size = 0;
        ldns_pkt2wire(&wire, p, &size);
        std::vector<uint8_t> out{static_cast<uint8_t>(size >> 8), static_cast<uint8_t>(size & 0xff)};
        out.insert(out.end(), wire, wire + size);
        ::send(client_, out.data(), out.size(), MSG_NOSIGNAL);
        free(wire);
        ldns_pkt_free(p);
    }

    std::vector<Message> messages_;
    bool answer_;
    int listener_ = -1, client_ = -1;
    int port_ = 0;
    std::thread thread_;
};

// What the RetryableError f throws says; a note when it throws none.
template <class F>
std::string retryableError(F f) {
    try {
        f();
    } catch (const RetryableError& e) {
        return e.what();
    }
    return "(no RetryableError)";
}

const std::string kSoa = "t.example. 300 IN SOA ns.t.example. h.t.example. 7 3600 600 86400 300";

} // namespace

TEST_CASE("bind AXFR client: a transfer over several messages, without its closing SOA", "[bind]") {
    FakeNamed named({{LDNS_RCODE_NOERROR, {kSoa, "WWW.t.example. 60 IN A 192.0.2.1"}},
                     {LDNS_RCODE_NOERROR, {"t.example. 300 IN TXT \"two words\" more", kSoa}}});
    auto records = named.client().transfer("t.example");
    REQUIRE(records);
    REQUIRE(records->size() == 3);
    CHECK((*records)[0] == Record{"t.example.", "SOA", 1, 300, {"ns.t.example.", "h.t.example.", "7", "3600", "600", "86400", "300"}});
    CHECK((*records)[1] == Record{"www.t.example.", "A", 1, 60, {"192.0.2.1"}});
    CHECK((*records)[2] == Record{"t.example.", "TXT", 1, 300, {"\"two words\"", "\"more\""}});
}

TEST_CASE("bind AXFR client: a zone named does not serve is no zone, with why", "[bind]") {
    for (auto rcode : {LDNS_RCODE_REFUSED, LDNS_RCODE_NOTAUTH, LDNS_RCODE_NOTIMPL, LDNS_RCODE_SERVFAIL}) {
        FakeNamed named(std::vector<Message>{Message{rcode, {}}});
        std::string why;
        CHECK_FALSE(named.client().transfer("t.example", &why));
        CHECK_THAT(why, Catch::StartsWith("named answered "));
    }
    FakeNamed noSoa({{LDNS_RCODE_NOERROR, {"t.example. 300 IN A 192.0.2.1"}}});
    std::string why;
    CHECK_FALSE(noSoa.client().transfer("t.example", &why));
    CHECK(why == "named's answer holds no SOA");
}

TEST_CASE("bind AXFR client: named unreachable, silent, or cut short is a retryable error", "[bind]") {
    NamedAxfr nobody({"127.0.0.1", static_cast<uint16_t>(dadns::test::freePort())}, 2s);
    CHECK_THAT(retryableError([&] { nobody.transfer("t.example"); }), Catch::Contains("Connection refused"));

    FakeNamed silent({}, false);
    auto t0 = std::chrono::steady_clock::now();
    CHECK_THAT(retryableError([&] { silent.client(300ms).transfer("t.example"); }), Catch::Contains("sent nothing for 300 ms"));
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);

    FakeNamed cut({{LDNS_RCODE_NOERROR, {kSoa, "t.example. 300 IN A 192.0.2.1"}}});
    CHECK_THAT(retryableError([&] { cut.client().transfer("t.example"); }), Catch::Contains("before the transfer ended"));

    FakeNamed failedLater({{LDNS_RCODE_NOERROR, {kSoa}}, {LDNS_RCODE_SERVFAIL, {}}});
    CHECK_THAT(retryableError([&] { failedLater.client().transfer("t.example"); }), Catch::Contains("SERVFAIL"));
    FakeNamed formerr(std::vector<Message>{Message{LDNS_RCODE_FORMERR, {}}});
    CHECK_THAT(retryableError([&] { formerr.client().transfer("t.example"); }), Catch::Contains("FORMERR"));
}
