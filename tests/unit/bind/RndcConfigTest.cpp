// Reading rndc.conf and rndc.key as rndc does: the key, server and port the control channel
// uses, and errors that say where the file is wrong without ever showing the secret.
#include "RndcConfig.hpp"

#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

using namespace dadns::bind;
using dadns::test::TempDir;
using dadns::test::writeFile;

namespace {

// base64 of "0123456789abcdef0123456789abcdef"
const std::string kSecret = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const std::string kDecoded = "0123456789abcdef0123456789abcdef";

// The error readRndcConfig throws for path ("" when it throws none).
std::string errorOf(const std::string& path) {
    try {
        readRndcConfig(path);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("rndc config: rndc.conf with an include and default-key", "[bind][rndc]") {
    TempDir dir("dadns-rndc");
    writeFile(dir.file("keys/rndc.key"), "key \"other\" { algorithm hmac-sha1; secret \"AAAA\"; };\n"
                                         "key \"dadns\" {\n  algorithm hmac-sha256;\n  secret \"" + kSecret + "\";\n};\n");
    writeFile(dir.file("rndc.conf"), "include \"keys/rndc.key\";\n"
                                     "options {\n  default-server 127.0.0.2;\n  default-port 9530;\n  default-key \"dadns\";\n"
                                     "  default-source-address 127.0.0.1;\n};\n");
    RndcEndpoint e = readRndcConfig(dir.file("rndc.conf"));
    CHECK(e.host == "127.0.0.2");
    CHECK(e.port == 9530);
    CHECK(e.key.name == "dadns");
    CHECK(e.key.algorithm == "hmac-sha256");
    CHECK(e.key.secret == kDecoded);
    CHECK(e.text() == "127.0.0.2:9530 (key dadns)");
}

TEST_CASE("rndc config: a bare rndc.key means 127.0.0.1 port 953", "[bind][rndc]") {
    TempDir dir("dadns-rndc");
    // As rndc-confgen -a writes it.
    writeFile(dir.file("rndc.key"), "key \"rndc-key\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + kSecret + "\";\n};\n");
    RndcEndpoint e = readRndcConfig(dir.file("rndc.key"));
    CHECK(e.host == "127.0.0.1");
    CHECK(e.port == 953);
    CHECK(e.key.name == "rndc-key");
    CHECK(e.key.secret == kDecoded);
}

TEST_CASE("rndc config: comments, unquoted names, escapes and white space in the secret", "[bind][rndc]") {
    TempDir dir("dadns-rndc");
    writeFile(dir.file("rndc.conf"), "# shell comment with a \" quote\n"
                                     "// C++ comment; key \"fake\" { };\n"
                                     "/* C comment\n   over lines { */ key rndc-key /* inline */ {\n"
                                     "  algorithm HMAC-SHA512; // upper case as rndc allows\n"
                                     "  secret \"" + kSecret.substr(0, 20) + " \\\n " + kSecret.substr(20) + "\";\n"
                                     "};\n"
                                     "server 127.0.0.1 { key \"rndc-key\"; port 10953; addresses { 127.0.0.1; }; };\n"
                                     "options { default-server 127.0.0.1; default-port 953; };;\n");
    RndcEndpoint e = readRndcConfig(dir.file("rndc.conf"));
    CHECK(e.key.name == "rndc-key");
    CHECK(e.key.algorithm == "hmac-sha512");
    CHECK(e.key.secret == kDecoded);
    CHECK(e.port == 10953); // the server block's port wins over default-port, as in rndc
}

TEST_CASE("rndc config: the chosen server takes its key, port and first address from its server block, as rndc -s and -p",
          "[bind][rndc]") {
    TempDir dir("dadns-rndc");
    writeFile(dir.file("rndc.conf"), "key \"local\" { algorithm hmac-sha256; secret \"" + kSecret + "\"; };\n"
                                     "key \"far\" { algorithm hmac-sha512; secret \"" + kSecret + "\"; };\n"
                                     "key \"v6\" { algorithm hmac-sha1; secret \"" + kSecret + "\"; };\n"
                                     "options { default-server localhost; default-key \"local\"; default-port 954; };\n"
                                     "server localhost { key \"local\"; addresses { 127.0.0.3; 127.0.0.4; }; };\n"
                                     "server ns2.example { key \"far\"; port 9953; addresses { 192.0.2.7 port 1953; }; };\n"
                                     "server NS3.example { key \"v6\"; addresses { ::1; }; };\n");
    RndcEndpoint byDefault = readRndcConfig(dir.file("rndc.conf"));
    CHECK(byDefault.host == "127.0.0.3"); // the first address, not the name
    CHECK(byDefault.port == 954);
    CHECK(byDefault.key.name == "local");

    RndcEndpoint chosen = readRndcConfig(dir.file("rndc.conf"), "ns2.example", 0);
    CHECK(chosen.key.name == "far");
    CHECK(chosen.key.algorithm == "hmac-sha512");
    CHECK(chosen.host == "192.0.2.7");
    CHECK(chosen.port == 1953); // the address's own port wins, as in rndc

    RndcEndpoint v6 = readRndcConfig(dir.file("rndc.conf"), "ns3.example", 8953);
    CHECK(v6.key.name == "v6");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 8953); // as rndc -p: over default-port
    CHECK(v6.text() == "[::1]:8953 (key v6)");

    RndcEndpoint unlisted = readRndcConfig(dir.file("rndc.conf"), "127.0.0.9", 953);
    CHECK(unlisted.host == "127.0.0.9");
    CHECK(unlisted.port == 953);
    CHECK(unlisted.key.name == "local"); // no server block: default-key

    writeFile(dir.file("bad.conf"), "key k { algorithm hmac-sha256; secret \"" + kSecret + "\"; };\n"
                                    "server 127.0.0.1 {\n addresses { };\n};\n");
    CHECK_THAT(errorOf(dir.file("bad.conf")), Catch::StartsWith(dir.file("bad.conf") + ":3: ") && Catch::Contains("no address"));
    writeFile(dir.file("bad.conf"), "key k { algorithm hmac-sha256; secret \"" + kSecret + "\"; };\n"
                                    "server 127.0.0.1 { addresses {\n 127.0.0.1 port; }; };\n");
    CHECK_THAT(errorOf(dir.file("bad.conf")), Catch::StartsWith(dir.file("bad.conf") + ":3: ") && Catch::Contains("ADDRESS [port N]"));
    writeFile(dir.file("bad.conf"), "key k { algorithm hmac-sha256; secret \"" + kSecret + "\"; };\n"
                                    "server 127.0.0.1 { addresses {\n 127.0.0.1 port 0; }; };\n");
    CHECK_THAT(errorOf(dir.file("bad.conf")), Catch::StartsWith(dir.file("bad.conf") + ":3: ") && Catch::Contains("1 to 65535"));
}

TEST_CASE("rndc config: two keys and no default-key is an error at the second key", "[bind][rndc]") {
    TempDir dir("dadns-rndc");
    writeFile(dir.file("rndc.conf"), "key \"a\" { algorithm hmac-sha256; secret \"" + kSecret + "\"; };\n\n"
                                     "key \"b\" { algorithm hmac-sha256; secret \"" + kSecret + "\"; };\n");
    std::string error = errorOf(dir.file("rndc.conf"));
    CHECK_THAT(error, Catch::StartsWith(dir.file("rndc.conf") + ":3: "));
    CHECK_THAT(error, Catch::Contains("default-key"));
    CHECK_THAT(error, !Catch::Contains(kSecret));
}

TEST_CASE("rndc config: errors name the file and line and never show the secret", "[bind][rndc]") {
    TempDir dir("dadns-rndc");
    std::string path = dir.file("rndc.conf");
    struct Case {
        std::string text, line, says;
    };
    std::string s = kSecret;
    std::vector<Case> cases = {
        {"key k {\n algorithm hmac-sha3;\n secret \"" + s + "\"; };", ":1: ", "unsupported algorithm"},
        {"key k { algorithm \"" + s + "\"; secret \"" + s + "\"; };", ":1: ", "unsupported algorithm"},
        {"key k { algorithm hmac-sha256; secret \"" + s + "!\"; };", ":1: ", "not base64"},
        {"key k { algorithm hmac-sha256; secret \"" + s.substr(1) + "\"; };", ":1: ", "not base64"},
        {"key k { algorithm hmac-sha256; secret \"\"; };", ":1: ", "empty"},
        {"key k { algorithm hmac-sha256; secret \"" + s + "\" \"" + s + "\"; };", ":1: ", "one value"},
        {"key k { algorithm hmac-sha256; secret \"" + s + "\"; " + s + "; };", ":1: ", "unknown clause"},
        {"key k { algorithm hmac-sha256; };", ":1: ", "needs both"},
        {"\n\nkey k { algorithm hmac-sha256; secret \"" + s + "\" }", ":3: ", "expected ';'"},
        {"key k { algorithm hmac-sha256; secret \"" + s + "; };", ":1: ", "not closed"},
        {"key k { algorithm hmac-sha256; secret \"" + s + "\"; };\n/* " + s, ":2: ", "not closed"},
        {"key k { algorithm hmac-sha256; secret \"" + s + "\"; };\n" + s + ";", ":2: ", "unknown statement"},
        {"key k { algorithm hmac-sha256; secret \"" + s + "\"; };\nzone \"x\" { };", ":2: ", "unknown statement 'zone'"},
        {"key k { algorithm hmac-sha256; secret \"" + s + "\"; };\n};", ":2: ", "'}'"},
        {"key k { algorithm hmac-sha256; secret \"" + s + "\"; };\noptions { default-key \"nope\"; };", ":2: ", "no key \"nope\""},
        {"key k { algorithm hmac-sha256; secret \"" + s + "\"; };\noptions { default-port 70000; };", ":2: ", "port"},
        {"options { default-server 127.0.0.1; };", "", "no key"},
        {"key k { algorithm hmac-sha256; secret \"" + s + "\"; };\nkey K { algorithm hmac-sha256; secret \"" + s + "\"; };", ":2: ", "twice"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        writeFile(path, c.text);
        std::string error = errorOf(path);
        CHECK_THAT(error, Catch::StartsWith(path + c.line));
        CHECK_THAT(error, Catch::Contains(c.says));
        CHECK_THAT(error, !Catch::Contains(s.substr(0, 12)));
        CHECK_THAT(error, !Catch::Contains(s.substr(12, 12)));
        CHECK_THAT(error, !Catch::Contains(kDecoded.substr(0, 8)));
    }
}

TEST_CASE("rndc config: a missing file, a missing include, an include loop, a huge file", "[bind][rndc]") {
    TempDir dir("dadns-rndc");
    CHECK_THAT(errorOf(dir.file("absent.conf")), Catch::StartsWith(dir.file("absent.conf") + ": cannot read"));

    writeFile(dir.file("a.conf"), "options { default-key \"k\"; };\n\ninclude \"gone.key\";\n");
    std::string missing = errorOf(dir.file("a.conf"));
    CHECK_THAT(missing, Catch::StartsWith(dir.file("a.conf") + ":3: "));
    CHECK_THAT(missing, Catch::Contains(dir.file("gone.key")));

    writeFile(dir.file("loop1.conf"), "include \"loop2.conf\";\n");
    writeFile(dir.file("loop2.conf"), "\ninclude \"./loop1.conf\";\n");
    std::string loop = errorOf(dir.file("loop1.conf"));
    CHECK_THAT(loop, Catch::StartsWith(dir.file("loop2.conf") + ":2: "));
    CHECK_THAT(loop, Catch::Contains("loop"));

    writeFile(dir.file("self.conf"), "include \"self.conf\";\n");
    CHECK_THAT(errorOf(dir.file("self.conf")), Catch::Contains("loop"));

    writeFile(dir.file("huge.conf"), "# " + std::string(2 * 1024 * 1024, 'x') + "\n");
    CHECK_THAT(errorOf(dir.file("huge.conf")), Catch::StartsWith(dir.file("huge.conf") + ": ") && Catch::Contains("longer than"));

    CHECK_THAT(errorOf(dir.path()), Catch::StartsWith(dir.path() + ": ")); // a directory
}
