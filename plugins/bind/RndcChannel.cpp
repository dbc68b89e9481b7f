#include "RndcChannel.hpp"

#include "RndcMessage.hpp"
#include "TcpConnect.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <poll.h>
#include <random>
#include <sys/socket.h>
#include <unistd.h>

namespace dadns::bind {

namespace {

using Clock = std::chrono::steady_clock;
using Answer = RndcChannel::Answer;

// How a wait on the socket ended. Closed: named closed or reset the connection before any
// byte of the answer (it refused the message, restarted, or dropped an idle connection).
enum class Io { Ok, Closed, TimedOut, Failed };

struct IoResult {
    Io io = Io::Ok;
    std::string why;
};

bool closedByPeer(int err) { return err == EPIPE || err == ECONNRESET; }

IoResult sendAll(int fd, std::string_view data, Clock::time_point deadline) {
    for (size_t done = 0; done < data.size();) {
        ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n > 0) done += static_cast<size_t>(n);
        else if (n < 0 && errno == EINTR) continue;
        else if (n < 0 && errno == EAGAIN && waitFor(fd, POLLOUT, deadline) > 0) continue;
        else if (n < 0 && closedByPeer(errno)) return {Io::Closed, std::strerror(errno)};
        else if (n < 0 && errno == EAGAIN) return {Io::TimedOut, "cannot send"};
        else return {Io::Failed, std::strerror(n < 0 ? errno : EIO)};
    }
    return {};
}

// Exactly n bytes; *any tells whether at least one arrived.
IoResult readExact(int fd, char* out, size_t n, Clock::time_point deadline, bool& any) {
    for (size_t done = 0; done < n;) {
        if (waitFor(fd, POLLIN, deadline) <= 0) return {Io::TimedOut, "no answer"};
        ssize_t got = ::recv(fd, out + done, n - done, 0);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if ((got == 0 || (got < 0 && closedByPeer(errno))) && !any) return {Io::Closed, "closed"};
        if (got == 0) return {Io::Failed, "named closed the connection in the middle of its answer"};
        if (got < 0) return {Io::Failed, std::strerror(errno)};
        done += static_cast<size_t>(got);
        any = true;
    }
    return {};
}

// One message: its length field, then what follows (into body).
IoResult readFrame(int fd, Clock::time_point deadline, std::string& body) {
    char length[4];
    bool any = false;
    IoResult r = readExact(fd, length, 4, deadline, any);
    if (r.io != Io::Ok) return r;
    uint32_t size = 0;
    for (char c : length) size = (size << 8) | static_cast<unsigned char>(c);
    if (size < 4) return {Io::Failed, "named's answer is " + std::to_string(size) + " bytes long: too short to be a message"};
    if (size > rndc::kMaxAnswerBytes)
        return {Io::Failed,
                "named's answer would be " + std::to_string(size) + " bytes long (more than " + std::to_string(rndc::kMaxAnswerBytes) + ")"};
    body.assign(size, '\0');
    return readExact(fd, body.data(), size, deadline, any);
}

// A random first serial: named refuses a (_ser, _tim) it saw in the last 15 minutes, from any
// client, so two channels (or a restarted dadns) must not count from the same place.
uint32_t randomSerial() {
    uint64_t seed = static_cast<uint64_t>(Clock::now().time_since_epoch().count()) ^ static_cast<uint64_t>(::getpid()) << 32;
    try {
        seed ^= std::random_device{}();
    } catch (...) { // no entropy source: the clock and pid alone
    }
    return static_cast<uint32_t>(std::mt19937_64(seed)()) & 0x7fffffff; // room to count up
}

enum class Outcome { Answered, NotSent, DeadBeforeAnswer, Broken };

struct Exchange {
    Outcome outcome = Outcome::Broken;
    rndc::Reply reply;
    std::string error;
};

Answer notSent(const std::string& why) {
    Answer a;
    a.status = Answer::Status::Failed;
    a.error = "not sent: " + why;
    return a;
}

Answer unreachable(const std::string& why) {
    Answer a;
    a.error = why;
    return a;
}

Answer answerOf(const Exchange& ex, const std::string& where) {
    if (ex.outcome == Outcome::NotSent) return notSent(ex.error);
    if (ex.outcome != Outcome::Answered) return unreachable(where + ex.error);
    Answer a;
    a.status = ex.reply.failed ? Answer::Status::Failed : Answer::Status::Ok;
    a.result = ex.reply.result;
    a.text = ex.reply.text;
    a.error = ex.reply.err;
    return a;
}

} // namespace

struct RndcChannel::Connection {
    Connection(int f, const RndcEndpoint& e, std::chrono::milliseconds t) : fd(f), endpoint(e), timeout(t) {}
    ~Connection() { ::close(fd); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Whether the connection still looks usable: nothing to read (named sends only answers),
    // so neither a close nor stray bytes are waiting.
    bool idle() const {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, 0) == 0;
    }

    // Sends one command and reads its answer.
    Exchange ask(const std::string& command, uint32_t serial) {
        auto frame = rndc::encodeRequest({serial, static_cast<uint32_t>(std::time(nullptr)), nonce, command}, endpoint.key);
        if (!frame) return {Outcome::NotSent, {}, "cannot sign with the key's algorithm " + endpoint.key.algorithm};
        if (frame->size() - 4 > rndc::kMaxRequestBytes)
            return {Outcome::NotSent, {},
                    "the command would make a " + std::to_string(frame->size() - 4) + "-byte message; named accepts at most " +
                        std::to_string(rndc::kMaxRequestBytes)};
        auto deadline = Clock::now() + timeout;
        IoResult sent = sendAll(fd, *frame, deadline);
        std::string body;
        IoResult got = sent.io == Io::Ok ? readFrame(fd, deadline, body) : sent;
        if (got.io == Io::Closed)
            return {Outcome::DeadBeforeAnswer, {}, "named closed the connection without answering (wrong key? named's log says why)"};
        if (got.io == Io::TimedOut) return {Outcome::Broken, {}, got.why + " within " + std::to_string(timeout.count()) + " ms"};
        if (got.io == Io::Failed) return {Outcome::Broken, {}, got.why};
        rndc::Reply reply = rndc::decodeReply(body, endpoint.key);
        if (!reply.error.empty()) return {Outcome::Broken, {}, "refused named's answer: " + reply.error};
        if (reply.serial != serial)
            return {Outcome::Broken, {}, "named answered message " + std::to_string(reply.serial) + ", not " + std::to_string(serial)};
        return {Outcome::Answered, std::move(reply), ""};
    }

    int fd;
    uint32_t nonce = 0;
    const RndcEndpoint& endpoint;
    std::chrono::milliseconds timeout;
};

std::string RndcChannel::Answer::describe() const {
    switch (status) {
    case Status::Ok: return "ok";
    case Status::Failed: {
        std::string out = error.empty() ? "failed" : error;
        if (!text.empty()) out += ": " + text;
        if (result != 0) out += " (result " + std::to_string(result) + ")";
        return out;
    }
    case Status::Unreachable: return error.empty() ? "named did not answer" : error;
    }
    return error;
}

RndcChannel::RndcChannel(RndcEndpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout), serial_(randomSerial()) {}

RndcChannel::~RndcChannel() = default;

void RndcChannel::close() {
    std::lock_guard lock(mutex_);
    connection_.reset();
}

// A new connection that has been through the nonce exchange (rndc's "null" command).
std::unique_ptr<RndcChannel::Connection> RndcChannel::open(std::string& error) {
    std::string where = "named's control channel at " + endpoint_.text() + ": ";
    int fd = -1;
    if (std::string why = connectWithin(endpoint_.host, endpoint_.port, timeout_, fd); !why.empty()) {
        error = where + "cannot connect: " + why;
        return nullptr;
    }
    auto c = std::make_unique<Connection>(fd, endpoint_, timeout_);
    Exchange ex = c->ask("null", serial_++);
    if (ex.outcome != Outcome::Answered) {
        error = where + ex.error;
        return nullptr;
    }
    c->nonce = ex.reply.nonce;
    ++connectionsOpened_;
    return c;
}

RndcChannel::Answer RndcChannel::command(const std::string& text) {
    if (text.find('\0') != std::string::npos) return notSent("the command contains a NUL byte");
    if (text.size() > rndc::kMaxRequestBytes)
        return notSent("the command is " + std::to_string(text.size()) + " bytes long; named accepts messages up to " +
                       std::to_string(rndc::kMaxRequestBytes) + " bytes");
    std::string where = "named's control channel at " + endpoint_.text() + ": ";
    std::lock_guard lock(mutex_);
    bool reused = connection_ && connection_->idle();
    if (!reused) connection_.reset();
    std::string error;
    if (!connection_ && !(connection_ = open(error))) return unreachable(error);
    Exchange ex = connection_->ask(text, serial_++);
    if (ex.outcome == Outcome::DeadBeforeAnswer && reused) {
        // named dropped the connection since the last command: once more on a new one.
        connection_.reset();
        if (!(connection_ = open(error))) return unreachable(error);
        ex = connection_->ask(text, serial_++);
    }
    if (ex.outcome == Outcome::DeadBeforeAnswer || ex.outcome == Outcome::Broken) connection_.reset();
    return answerOf(ex, where);
}

} // namespace dadns::bind
