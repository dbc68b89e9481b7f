// The control channel's connection handling against a stand-in named on 127.0.0.1 that speaks
// the protocol with the same key, and misbehaves on request: closes connections, stays silent,
// announces absurd lengths, signs with another key (real named:
// tests/integration/bind/RndcChannelTest.cpp).
#include "RndcChannel.hpp"
#include "RndcMessage.hpp"

#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

using namespace dadns::bind;
using namespace dadns::bind::rndc;
using namespace std::chrono_literals;
using Status = RndcChannel::Answer::Status;

namespace {

RndcKey testKey() { return {"test-key", "hmac-sha256", "0123456789abcdef0123456789abcdef"}; }

// How the stand-in treats the commands after the nonce exchange.
enum class Mode {
    Answer,     // answers; "fail ..." commands with result 23, err "not found"
    CloseOnce,  // closes the connection on the next command without answering, then answers
    CloseAll,   // closes every connection on a command without answering
    Silent,     // reads and never answers
    HugeLength, // announces an answer of almost 4 GiB
    OtherKey,   // answers signed with another key
    OtherSerial // answers with a serial the request did not have
};

class FakeNamed {
public:
    FakeNamed() {
        listener_ = dadns::test::listenOnLoopback(8, port_);
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeNamed() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }

    RndcEndpoint endpoint() const { return {"127.0.0.1", static_cast<uint16_t>(port_), testKey()}; }
    void setMode(Mode m) { mode_ = m; }
    // Closes the current connection from named's side at the next chance (an idle timeout).
    void dropConnection() { drop_ = true; }
    int accepted() const { return accepted_; }
    int closed() const { return closed_; }
    std::vector<std::string> commands() const {
        std::lock_guard lock(mutex_);
        return commands_;
    }

private:
    void serve() {
        while (!stop_) {
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) continue;
            ++accepted_;
            converse(fd);
            ::close(fd);
            ++closed_;
        }
    }

    // Whole message (length field first), or "" when the connection ended or we stop.
    std::string readMessage(int fd) {
        std::string in;
        while (!stop_ && !drop_) {
            if (in.size() >= 4) {
                size_t size = static_cast<size_t>(static_cast<unsigned char>(in[0])) << 24 | static_cast<unsigned char>(in[1]) << 16 |
                              static_cast<unsigned char>(in[2]) << 8 | static_cast<unsigned char>(in[3]);
                if (in.size() >= 4 + size) return in.substr(4, size);
            }
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            char buf[65536];
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) return "";
            in.append(buf, static_cast<size_t>(n));
        }
        drop_ = false;
        return "";
    }

    // One connection, as named's controlconf.c does: the first message fetches the nonce, every
    // later one must carry it.
    void converse(int fd) {
        uint32_t nonce = 0;
        for (;;) {
            std::string body = readMessage(fd);
            if (body.empty()) return;
            Decoded request = decodeMessage(body, testKey());
            const Value* ctrl = request.table.find("_ctrl");
            const Value* data = request.table.find("_data");
            if (!request.error.empty() || !ctrl || !data) return; // named: "bad auth", closes
            std::string serial = ctrl->text("_ser").value_or("");
            std::string type = data->text("type").value_or("");
            if (nonce == 0) {
                nonce = 4242;
                if (!answer(fd, serial, nonce, "", testKey())) return;
                continue;
            }
            if (ctrl->text("_nonce") != std::to_string(nonce)) return;
            {
                std::lock_guard lock(mutex_);
                commands_.push_back(type);
            }
            if (!misbehave(fd, serial, type, nonce)) return;
        }
    }

    // false: the connection is to end.
    bool misbehave(int fd, const std::string& serial, const std::string& type, uint32_t nonce) {
        switch (mode_.load()) {
        case Mode::Answer: return answer(fd, serial, nonce, type, testKey());
        case Mode::CloseOnce: mode_ = Mode::Answer; return false;
        case Mode::CloseAll: return false;
        case Mode::Silent: return !readMessage(fd).empty();
        case Mode::HugeLength: ::send(fd, "\xff\xff\xff\xf0\x00\x00\x00\x01", 8, MSG_NOSIGNAL); return true;
        case Mode::OtherKey: {
            RndcKey other = testKey();
            other.secret = "another secret";
            return answer(fd, serial, nonce, type, other);
        }
        case Mode::OtherSerial: return answer(fd, std::to_string(std::stoul(serial) + 1), nonce, type, testKey());
        }
        return false;
    }

    bool answer(int fd, const std::string& serial, uint32_t nonce, const std::string& type, const RndcKey& key) {
        bool fail = type.rfind("fail", 0) == 0;
        Value data = Value::table({{"type", Value::binary(type)}, {"result", Value::binary(fail ? "23" : "0")}});
        if (fail) data.entries.push_back({"err", Value::binary("not found")});
        if (!type.empty()) data.entries.push_back({"text", Value::binary("did " + type)});
        Value ctrl = Value::table({{"_ser", Value::binary(serial)}, {"_tim", Value::binary("1700000000")}, {"_rpl", Value::binary("1")},
                                   {"_nonce", Value::binary(std::to_string(nonce))}});
        auto frame = encodeMessage(Value::table({{"_ctrl", ctrl}, {"_data", data}}), key);
        return frame && ::send(fd, frame->data(), frame->size(), MSG_NOSIGNAL) == static_cast<ssize_t>(frame->size());
    }

    int listener_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::atomic<bool> stop_{false}, drop_{false};
    std::atomic<Mode> mode_{Mode::Answer};
    std::atomic<int> accepted_{0}, closed_{0};
    mutable std::mutex mutex_;
    std::vector<std::string> commands_;
};

} // namespace

TEST_CASE("rndc channel: a command after the nonce exchange, and named's failure answered", "[bind][rndc]") {
    FakeNamed named;
    RndcChannel channel(named.endpoint(), 5s);
    auto a = channel.command("status");
    CHECK(a.status == Status::Ok);
    CHECK(a.text == "did status");
    CHECK(a.describe() == "ok");
    auto f = channel.command("fail reload example.com");
    CHECK(f.status == Status::Failed);
    CHECK(f.result == 23);
    CHECK(f.error == "not found");
    CHECK(f.describe() == "not found: did fail reload example.com (result 23)");
    CHECK(named.commands() == std::vector<std::string>{"status", "fail reload example.com"}); // the "null" went first, unrecorded
    CHECK(channel.connectionsOpened() == 1);
}

TEST_CASE("rndc channel: commands from several threads share one connection", "[bind][rndc]") {
    FakeNamed named;
    RndcChannel channel(named.endpoint(), 5s);
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i)
                if (channel.command("reload zone" + std::to_string(t) + "-" + std::to_string(i)).ok()) ++ok;
        });
    for (auto& t : threads) t.join();
    CHECK(ok == 100);
    CHECK(named.commands().size() == 100);
    CHECK(named.accepted() == 1);
    CHECK(channel.connectionsOpened() == 1);
}

TEST_CASE("rndc channel: a connection named closed while idle is replaced before sending", "[bind][rndc]") {
    FakeNamed named;
    RndcChannel channel(named.endpoint(), 5s);
    REQUIRE(channel.command("status").ok());
    named.dropConnection();
    REQUIRE(dadns::test::eventually([&] { return named.closed() == 1; }));
    auto a = channel.command("reload example.com");
    CHECK(a.status == Status::Ok);
    CHECK(named.commands() == std::vector<std::string>{"status", "reload example.com"});
    CHECK(channel.connectionsOpened() == 2);
}

TEST_CASE("rndc channel: a command whose connection dies unanswered is sent once more", "[bind][rndc]") {
    FakeNamed named;
    RndcChannel channel(named.endpoint(), 5s);
    REQUIRE(channel.command("status").ok());
    SECTION("the second try is answered") {
        named.setMode(Mode::CloseOnce);
        auto a = channel.command("reload example.com");
        CHECK(a.status == Status::Ok);
        CHECK(named.commands() == std::vector<std::string>{"status", "reload example.com", "reload example.com"});
        CHECK(channel.connectionsOpened() == 2);
    }
    SECTION("only once") {
        named.setMode(Mode::CloseAll);
        auto a = channel.command("reload example.com");
        CHECK(a.status == Status::Unreachable);
        CHECK_THAT(a.error, Catch::Contains("closed the connection") && Catch::Contains("wrong key?"));
        CHECK(named.commands().size() == 3);
        named.setMode(Mode::Answer);
        CHECK(channel.command("status").ok());
    }
}

TEST_CASE("rndc channel: answers that cannot be trusted are Unreachable and drop the connection", "[bind][rndc]") {
    FakeNamed named;
    RndcChannel channel(named.endpoint(), 5s);
    REQUIRE(channel.command("status").ok());
    struct Case {
        Mode mode;
        const char* says;
    };
    for (Case c : {Case{Mode::HugeLength, "bytes long (more than"}, Case{Mode::OtherKey, "another key"},
                   Case{Mode::OtherSerial, "answered message"}}) {
        named.setMode(c.mode);
        auto a = channel.command("status");
        CHECK(a.status == Status::Unreachable);
        CHECK_THAT(a.error, Catch::Contains(c.says));
        CHECK_THAT(a.error, Catch::Contains(named.endpoint().text()));
        named.setMode(Mode::Answer);
        CHECK(channel.command("status").ok()); // on a new connection
    }
    CHECK(channel.connectionsOpened() == 4);
    CHECK(named.commands().size() == 7); // each bad answer was for one command: not sent again
}

TEST_CASE("rndc channel: a named that does not answer, or is not there, is Unreachable", "[bind][rndc]") {
    SECTION("silent") {
        FakeNamed named;
        RndcChannel channel(named.endpoint(), 300ms);
        REQUIRE(channel.command("status").ok());
        named.setMode(Mode::Silent);
        auto a = channel.command("status");
        CHECK(a.status == Status::Unreachable);
        CHECK_THAT(a.error, Catch::Contains("no answer within 300 ms"));
    }
    SECTION("nothing listening") {
        RndcChannel channel({"127.0.0.1", static_cast<uint16_t>(dadns::test::freePort()), testKey()}, 2s);
        auto a = channel.command("status");
        CHECK(a.status == Status::Unreachable);
        CHECK_THAT(a.error, Catch::Contains("cannot connect") && Catch::Contains("refused"));
        CHECK(channel.connectionsOpened() == 0);
    }
}

TEST_CASE("rndc channel: a command named would refuse or misread is not sent", "[bind][rndc]") {
    FakeNamed named;
    RndcChannel channel(named.endpoint(), 5s);
    REQUIRE(channel.command("status").ok());
    for (const std::string& text : {std::string(40 * 1024, 'x'), std::string(kMaxRequestBytes - 100, 'x'), std::string("status\0reload", 13)}) {
        auto a = channel.command(text);
        CHECK(a.status == Status::Failed);
        CHECK(a.result == 0);
        CHECK_THAT(a.error, Catch::StartsWith("not sent: "));
    }
    CHECK(channel.command("status").ok());
    CHECK(named.commands() == std::vector<std::string>{"status", "status"});
    CHECK(channel.connectionsOpened() == 1);
}

TEST_CASE("rndc channel: close() ends the connection and the next command opens another", "[bind][rndc]") {
    FakeNamed named;
    RndcChannel channel(named.endpoint(), 5s);
    REQUIRE(channel.command("status").ok());
    channel.close();
    REQUIRE(channel.command("status").ok());
    CHECK(channel.connectionsOpened() == 2);
    CHECK(named.accepted() == 2);
}
