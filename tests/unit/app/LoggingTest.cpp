// The log: client-supplied text (zone names, DirectAdmin host names, plugin messages) cannot
// forge a log line or put raw control characters on the reader's terminal, in either format.
#include "core/log/Logging.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

using namespace dadns;

namespace {

// What the real loggers write to stderr while fn runs (stderr pointed at a file meanwhile).
template <typename Fn>
std::string capturedStderr(Fn fn) {
    test::TempDir dir;
    std::string path = dir.file("stderr");
    std::fflush(stderr);
    int saved = ::dup(2);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    ::dup2(fd, 2);
    ::close(fd);
    fn();
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    return test::readFile(path);
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
        out.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    if (start < text.size()) out.push_back(text.substr(start));
    return out;
}

// A DirectAdmin host name as sent (%0A decoded), with a terminal escape, DEL, a byte that is
// not UTF-8, a C1 CSI (U+009B) and a line separator (U+2028); then valid UTF-8 that stays.
const std::string kHostile = "da1\n2026-11-28 10:00:00.000 error [app] FAKE LOG LINE\r\x1b[31mred\x7f\xff\xc2\x9b\xe2\x80\xa8 caf\xc3\xa9";

} // namespace

TEST_CASE("log messages are escaped: one line per message, no raw control characters", "[log]") {
    std::string text = capturedStderr([] {
        setupLogging("info", "text");
        auto log = logger("plugin.directadmin");
        log->warn("rawsave from {}", kHostile);
        log->flush();
    });
    auto all = lines(text);
    REQUIRE(all.size() == 1);
    const std::string& line = all[0];
    // The level may be coloured on a terminal; the message part never holds a control byte.
    auto message = line.substr(line.find("[plugin.directadmin] "));
    CHECK(message == "[plugin.directadmin] rawsave from da1\\n2026-11-28 10:00:00.000 error [app] FAKE LOG LINE\\r\\x1b[31mred\\x7f\\xff"
                     "\\u009b\\u2028 caf\xc3\xa9");
    for (unsigned char c : message) CHECK((c >= 0x20 && c != 0x7f));
    CHECK(escapeLogText("plain text, tabs\tand backslashes \\ stay readable") == "plain text, tabs\\tand backslashes \\ stay readable");
}

TEST_CASE("JSON log lines escape the message too and stay valid JSON", "[log]") {
    std::string text = capturedStderr([] {
        setupLogging("info", "json");
        auto log = logger("plugin.directadmin");
        log->warn("rawsave from {}", kHostile);
        log->flush();
        setupLogging("info", "text");
    });
    auto all = lines(text);
    REQUIRE(all.size() == 1);
    for (unsigned char c : all[0]) CHECK((c >= 0x20 && c != 0x7f));
    CHECK(all[0].find("\\u001b[31mred\\u007f\\\\xff\\u009b\\u2028") != std::string::npos);
    auto object = Poco::JSON::Parser().parse(all[0]).extract<Poco::JSON::Object::Ptr>();
    std::string msg = object->getValue<std::string>("msg");
    CHECK(msg.find("rawsave from da1\n2026-11-28 10:00:00.000 error [app] FAKE LOG LINE\r\x1b[31mred\x7f\\xff") == 0);
    CHECK(object->getValue<std::string>("logger") == "plugin.directadmin");
}
