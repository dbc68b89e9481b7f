// The zone parser against a corpus of real-world and hostile zone files (tests/data/zones):
// valid files give the expected record count, survive a render/parse round trip and meet the
// zone rules unless their "expect-rule" header names the rule they break; invalid ones fail on
// the expected line with the expected reason.
#include "core/util/Errors.hpp"
#include "core/zone/ZoneParser.hpp"
#include "core/zone/ZoneRules.hpp"
#include "support/TestSupport.hpp"

#include <dadns/sdk/master_file.hpp>

#include <catch2/catch.hpp>

#include <dirent.h>

#include <algorithm>
#include <cctype>

using namespace dadns;

namespace {

std::vector<std::string> corpus(const std::string& kind) {
    std::string dir = test::sourceDir() + "/tests/data/zones/" + kind;
    std::vector<std::string> files;
    if (DIR* d = opendir(dir.c_str())) {
        while (dirent* e = readdir(d))
            if (std::string(e->d_name).size() > 5 && std::string(e->d_name).find(".zone") != std::string::npos) files.push_back(dir + "/" + e->d_name);
        closedir(d);
    }
    std::sort(files.begin(), files.end());
    return files;
}

// The value of a "; key: value" header line.
std::string header(const std::string& text, const std::string& key) {
    auto pos = text.find("; " + key + ": ");
    if (pos == std::string::npos) return "";
    auto start = pos + key.size() + 4;
    return text.substr(start, text.find('\n', start) - start);
}

} // namespace

TEST_CASE("the corpus holds at least 30 zone files", "[zone]") {
    CHECK(corpus("valid").size() + corpus("invalid").size() >= 30);
}

TEST_CASE("valid corpus files parse to the expected record count and round-trip", "[zone]") {
    auto files = corpus("valid");
    REQUIRE(files.size() >= 20);
    for (const auto& file : files) {
        INFO(file);
        std::string text = test::readFile(file);
        std::string zoneName = header(text, "zone");
        REQUIRE_FALSE(zoneName.empty());
        Zone z = parseZoneText(text, zoneName);
        CHECK(recordCount(z) == std::stoul(header(text, "expect-records")));
        for (const auto& r : z.records) {
            CHECK(r.owner.back() == '.');
            CHECK(std::none_of(r.owner.begin(), r.owner.end(), [](unsigned char c) { return std::isupper(c); }));
            CHECK(r.owner.size() >= zoneName.size() + 1);
        }
        bool hasSoa = std::any_of(z.records.begin(), z.records.end(), [](const Record& r) { return r.type == "SOA"; });
        if (hasSoa) CHECK(z.records.front().type == "SOA");
        Zone again = parseZoneText(sdk::masterFileText(z), zoneName);
        CHECK(again.records == z.records);
        std::string rule = header(text, "expect-rule");
        if (rule.empty()) {
            CHECK_NOTHROW(checkZoneRules(z));
        } else {
            try {
                checkZoneRules(z);
                FAIL("met the zone rules; expected: " << rule);
            } catch (const InvalidInput& e) {
                CHECK_THAT(e.what(), Catch::Contains(rule));
            }
        }
    }
}

TEST_CASE("invalid corpus files fail with the line and reason", "[zone]") {
    auto files = corpus("invalid");
    REQUIRE(files.size() >= 15);
    for (const auto& file : files) {
        INFO(file);
        std::string text = test::readFile(file);
        int line = std::stoi(header(text, "expect-error-line"));
        std::string reason = header(text, "expect-error");
        try {
            parseZoneText(text, "example.com");
            FAIL("parsed without error");
        } catch (const ZoneParseError& e) {
            CHECK(e.line == line);
            CHECK(std::string(e.what()).find(reason) != std::string::npos);
            if (line > 0) CHECK(std::string(e.what()).rfind("line " + std::to_string(line) + ": ", 0) == 0);
        }
    }
}

TEST_CASE("rdata fields come out in presentation form, one per field", "[zone]") {
    Zone z = parseZoneText(test::readFile(test::sourceDir() + "/tests/data/zones/valid/srv_caa_mx.zone"), "svc.example");
    auto find = [&](const std::string& owner, const std::string& type) -> const Record& {
        for (const auto& r : z.records)
            if (r.owner == owner && r.type == type) return r;
        throw std::runtime_error("no " + owner + " " + type);
    };
    CHECK(find("svc.example.", "SOA").rdata ==
          std::vector<std::string>{"ns1.svc.example.", "h.svc.example.", "1", "2", "3", "4", "5"});
    CHECK(find("_xmpp-server._tcp.svc.example.", "SRV").rdata == std::vector<std::string>{"5", "0", "5269", "xmpp.svc.example."});
    CHECK(find("svc.example.", "MX").rdata == std::vector<std::string>{"20", "mx2.other.example."});
    std::vector<std::vector<std::string>> caa;
    for (const auto& r : z.records)
        if (r.type == "CAA") caa.push_back(r.rdata);
    REQUIRE(caa.size() == 3);
    CHECK(caa[0] == std::vector<std::string>{"0", "issue", "\"letsencrypt.org\""});
    CHECK(caa[2] == std::vector<std::string>{"128", "issuewild", "\";\""});

    Zone multi = parseZoneText(test::readFile(test::sourceDir() + "/tests/data/zones/valid/many_txt_strings.zone"), "multi.example");
    CHECK(multi.records.back().rdata == std::vector<std::string>{"\"one\"", "\"two\"", "\"three\"", "\"four with spaces\"", "\"\""});

    Zone esc = parseZoneText(test::readFile(test::sourceDir() + "/tests/data/zones/valid/escaped_chars.zone"), "esc.example");
    REQUIRE(esc.records.size() == 4);
    CHECK(esc.records[2].rdata.size() == 1);
    CHECK(esc.records[2].rdata[0].find("\\\"") != std::string::npos);
    CHECK(esc.records[2].rdata[0].find(';') != std::string::npos);
}

TEST_CASE("TTL rules: $TTL, else the last explicit TTL", "[zone]") {
    Zone z = parseZoneText(test::readFile(test::sourceDir() + "/tests/data/zones/valid/no_ttl_uses_dollar_ttl.zone"), "ttl.example");
    for (const auto& r : z.records) CHECK(r.ttl == 3600);
    Zone last = parseZoneText(test::readFile(test::sourceDir() + "/tests/data/zones/valid/no_dollar_ttl.zone"), "lastttl.example");
    CHECK(last.records[0].ttl == 900);
    CHECK(last.records[1].ttl == 900);
    CHECK(last.records[2].ttl == 60);
}

TEST_CASE("a 10,000-record zone parses and round-trips", "[zone]") {
    std::string text = "$TTL 300\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\n";
    for (int i = 0; i < 9998; ++i) text += "host" + std::to_string(i) + " A 10." + std::to_string(i / 65536 % 256) + "." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256) + "\n";
    auto t0 = std::chrono::steady_clock::now();
    Zone z = parseZoneText(text, "big.example");
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    WARN("parsed 10,000 records in " << ms << " ms");
    CHECK(recordCount(z) == 10000);
    CHECK(parseZoneText(sdk::masterFileText(z), "big.example").records == z.records);
}

TEST_CASE("record data up to 65,535 characters is kept whole; longer is refused, never cut", "[zone]") {
    const std::string head = "$TTL 300\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nbig TXT";
    std::string data;
    for (int i = 0; i < 254; ++i) data += " \"" + std::string(255, 'a' + i % 26) + "\"";
    REQUIRE(data.size() == 65532);
    Zone full = parseZoneText(head + data + " xy\n", "txt.example");
    REQUIRE(full.records.back().rdata.size() == 255);
    CHECK(full.records.back().rdata.back() == "\"xy\"");
    try {
        parseZoneText(head + data + " xyz\n", "txt.example");
        FAIL("65,536 characters of record data parsed");
    } catch (const ZoneParseError& e) {
        CHECK(e.line == 4);
        CHECK_THAT(e.what(), Catch::Contains("longer than 65,535"));
    }
}
