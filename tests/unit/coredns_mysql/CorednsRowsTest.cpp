// The coredns_mysql plugin's rows both ways: records -> rows (what CoreDNS reads) -> records
// (what verification compares) gives back the records the daemon's zone parser made, for
// every type the plugin stores; rows written by others read as what CoreDNS answers with.
#include "CorednsRows.hpp"

#include "core/zone/ZoneParser.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <set>

using namespace dadns::coredns;
using dadns::sdk::Record;
using dadns::sdk::Zone;

namespace Catch {
template <>
struct StringMaker<Record> {
    static std::string convert(const Record& r) {
        std::string out = r.owner + " " + std::to_string(r.ttl) + " " + r.type;
        for (const auto& f : r.rdata) out += " " + f;
        return out;
    }
};
} // namespace Catch

namespace {

std::vector<Record> sorted(std::vector<Record> records) {
    auto key = [](const Record& r) {
        std::string k = r.owner + '\x01' + r.type + '\x01' + std::to_string(r.ttl);
        for (const auto& f : r.rdata) k += '\x01' + f;
        return k;
    };
    std::sort(records.begin(), records.end(), [&](const Record& a, const Record& b) { return key(a) < key(b); });
    return records;
}

std::vector<Record> roundTrip(const Zone& zone) { return toRecords(toRows(zone).rows, zone.name); }

std::optional<Record> readRow(const std::string& name, const std::string& type, int64_t ttl, const std::string& content) {
    return toRecord(Row{name, type, ttl, content}, "example.org");
}

const Row& rowOf(const ZoneRows& rows, const std::string& name, const std::string& type) {
    auto it = std::find_if(rows.rows.begin(), rows.rows.end(), [&](const Row& r) { return r.name == name && r.type == type; });
    REQUIRE(it != rows.rows.end());
    return *it;
}

const std::string k300(300, 'k');

std::string zoneText() {
    return "$TTL 300\n"
           "@ IN SOA ns1.example.org. hostmaster.example.org. 2024010101 3600 600 86400 120\n"
           "@ IN NS ns1.example.org.\n"
           "@ IN NS ns2.other.example.\n"
           "ns1 IN A 192.0.2.53\n"
           "WWW 60 IN A 192.0.2.10\n"
           "www IN AAAA 2001:DB8:0::10\n"
           "@ IN MX 10 mail.example.org.\n"
           "@ IN MX 20 Mail2.Example.ORG.\n"
           "@ IN TXT \"v=spf1 a mx -all\"\n"
           "two IN TXT \"v=spf1 a mx\" \" -all\"\n"
           "long IN TXT \"" + k300.substr(0, 255) + "\" \"" + k300.substr(255) + "\"\n"
           "dkim IN TXT \"v=DKIM1; k=rsa; p=" + k300.substr(0, 200) + "\" \"" + k300.substr(0, 250) + "\"\n"
           "exact IN TXT \"" + k300.substr(0, 255) + "\"\n"
           "esc IN TXT \"it's \\\"quoted\\\" \\\\ back\tslash\" \"caf\xc3\xa9 \\007 \\127\"\n"
           "empty IN TXT \"\"\n"
           "_sip._tcp IN SRV 10 5 5060 sip.example.org.\n"
           "@ IN CAA 0 issue \"letsencrypt.org\"\n"
           "@ IN CAA 128 iodef \"mailto:sec\\\"urity@example.org\"\n"
           "ftp IN CNAME www\n"
           "* IN A 192.0.2.99\n"
           "*.dev IN TXT \"wild dev\"\n";
}

} // namespace

TEST_CASE("records -> rows -> records gives back what the zone parser made, for every stored type", "[coredns_mysql]") {
    Zone zone = dadns::parseZoneText(zoneText() + "4 IN PTR host.example.org.\n", "example.org");
    std::vector<Record> stored;
    for (const auto& r : zone.records)
        if (r.type != "PTR") stored.push_back(r);
    REQUIRE(stored.size() == zone.records.size() - 1);

    std::vector<Record> back = roundTrip(zone);
    CHECK(sorted(back) == sorted(stored));
    std::set<std::string> types;
    for (const auto& r : back) types.insert(r.type);
    CHECK(types == std::set<std::string>{"SOA", "NS", "A", "AAAA", "MX", "TXT", "SRV", "CAA", "CNAME"});

    SECTION("fields come back in the form the parser gives") {
        auto find = [&](const std::string& owner, const std::string& type) {
            auto it = std::find_if(back.begin(), back.end(), [&](const Record& r) { return r.owner == owner && r.type == type; });
            REQUIRE(it != back.end());
            return *it;
        };
        CHECK(find("example.org.", "SOA").rdata ==
              std::vector<std::string>{"ns1.example.org.", "hostmaster.example.org.", "2024010101", "3600", "600", "86400", "120"});
        CHECK(find("www.example.org.", "A").ttl == 60);
        CHECK(find("www.example.org.", "AAAA").rdata == std::vector<std::string>{"2001:db8::10"});
        CHECK(find("two.example.org.", "TXT").rdata == std::vector<std::string>{"\"v=spf1 a mx\"", "\" -all\""});
        CHECK(find("esc.example.org.", "TXT").rdata ==
              std::vector<std::string>{"\"it's \\\"quoted\\\" \\\\ back\tslash\"", "\"caf\\195\\169 \\007 \\127\""});
        CHECK(find("empty.example.org.", "TXT").rdata == std::vector<std::string>{"\"\""});
        CHECK(find("ftp.example.org.", "CNAME").rdata == std::vector<std::string>{"www.example.org."});
        CHECK(find("*.example.org.", "A").rdata == std::vector<std::string>{"192.0.2.99"});
    }
}

TEST_CASE("the rows keep the SOA serial and a TXT split CoreDNS does not make", "[coredns_mysql]") {
    ZoneRows rows = toRows(dadns::parseZoneText(zoneText(), "example.org"));
    CHECK(rowOf(rows, "", "SOA").content ==
          R"({"ns":"ns1.example.org.","MBox":"hostmaster.example.org.","serial":2024010101,"refresh":3600,"retry":600,"expire":86400,"minttl":120})");
    CHECK(rowOf(rows, "", "TXT").content == R"({"text":"v=spf1 a mx -all"})");
    CHECK(rowOf(rows, "two", "TXT").content == R"({"text":"v=spf1 a mx -all","lengths":[11,5]})");
    // Split every 255 bytes, as CoreDNS splits: nothing to keep.
    CHECK(rowOf(rows, "long", "TXT").content == "{\"text\":\"" + k300 + "\"}");
    CHECK(rowOf(rows, "exact", "TXT").content == "{\"text\":\"" + k300.substr(0, 255) + "\"}");
    CHECK(rowOf(rows, "dkim", "TXT").content.find(",\"lengths\":[218,250]}") != std::string::npos);
    CHECK(rowOf(rows, "empty", "TXT").content == R"({"text":""})");
}

TEST_CASE("rows written by others read as the records CoreDNS answers with", "[coredns_mysql]") {
    auto a = readRow("Foo", "A", 30, R"({"ip": "1.1.1.1"})");
    REQUIRE(a);
    CHECK(*a == Record{"foo.example.org.", "A", 1, 30, {"1.1.1.1"}});
    CHECK(readRow("", "NS", 300, R"({"host":"ns1.example.org."})")->owner == "example.org.");
    CHECK(readRow("x", "MX", 300, R"({"host":"mail.example.org.","preference":10})")->rdata == std::vector<std::string>{"10", "mail.example.org."});
    CHECK(readRow("_s._udp", "SRV", 300, R"({"priority":1,"weight":2,"port":53,"target":"t.example.org."})")->rdata ==
          std::vector<std::string>{"1", "2", "53", "t.example.org."});
    CHECK(readRow("", "CAA", 300, R"({"flag":0,"tag":"issue","value":"ca.example"})")->rdata ==
          std::vector<std::string>{"0", "issue", "\"ca.example\""});

    SECTION("a TXT text is cut every 255 bytes unless lengths add up to it") {
        CHECK(readRow("t", "TXT", 300, "{\"text\":\"" + k300 + "\"}")->rdata ==
              std::vector<std::string>{"\"" + k300.substr(0, 255) + "\"", "\"" + k300.substr(255) + "\""});
        CHECK(readRow("t", "TXT", 300, R"({"text":"abcdef","lengths":[2,4]})")->rdata == std::vector<std::string>{"\"ab\"", "\"cdef\""});
        // Changed behind the plugin's back: the lengths no longer add up.
        CHECK(readRow("t", "TXT", 300, R"({"text":"abcdefg","lengths":[2,4]})")->rdata == std::vector<std::string>{"\"abcdefg\""});
        CHECK(readRow("t", "TXT", 300, R"({"text":"abcdef","lengths":[2,"4"]})")->rdata == std::vector<std::string>{"\"abcdef\""});
        CHECK(readRow("t", "TXT", 300, R"({"text":"abcdef","lengths":[-2,8]})")->rdata == std::vector<std::string>{"\"abcdef\""});
    }

    SECTION("an SOA without the serial dadns keeps reads as serial 0") {
        CHECK(readRow("", "SOA", 300, R"({"ns":"ns1.example.org.","MBox":"h.example.org.","refresh":1,"retry":2,"expire":3,"minttl":4})")->rdata ==
              std::vector<std::string>{"ns1.example.org.", "h.example.org.", "0", "1", "2", "3", "4"});
    }

    SECTION("a byte the table could not hold as it is reads as the UTF-8 CoreDNS serves") {
        Zone zone = dadns::parseZoneText("@ 300 IN SOA a. b. 1 2 3 4 5\n@ 300 IN NS a.\n@ 300 IN TXT \"caf\\233\"\n", "example.org");
        std::vector<Record> back = roundTrip(zone);
        auto txt = std::find_if(back.begin(), back.end(), [](const Record& r) { return r.type == "TXT"; });
        REQUIRE(txt != back.end());
        CHECK(txt->rdata == std::vector<std::string>{"\"caf\\195\\169\""});
    }

    SECTION("rows CoreDNS cannot answer with are left out") {
        CHECK_FALSE(readRow("x", "PTR", 300, R"({"host":"h.example.org."})"));
        CHECK_FALSE(readRow("x", "A", 300, "not json"));
        CHECK_FALSE(readRow("x", "A", 300, R"(["1.1.1.1"])"));
        CHECK_FALSE(readRow("x", "A", 300, R"({"address":"1.1.1.1"})"));
        CHECK_FALSE(readRow("x", "A", 300, R"({"ip":""})"));
        CHECK_FALSE(readRow("x", "A", 300, R"({"ip":1})"));
        CHECK_FALSE(readRow("x", "A", -1, R"({"ip":"1.1.1.1"})")); // a NULL TTL
        CHECK_FALSE(readRow("x", "MX", 300, R"({"host":"m.example.org.","preference":70000})"));
        CHECK_FALSE(readRow("x", "MX", 300, R"({"host":"m.example.org.","preference":1.5})"));
        CHECK_FALSE(readRow("x", "MX", 300, R"({"host":"m.example.org."})"));
        CHECK_FALSE(readRow("x", "CAA", 300, R"({"flag":0,"tag":"","value":"ca.example"})"));
        CHECK_FALSE(readRow("", "SOA", 300, R"({"ns":"a.","MBox":"b.","serial":-1,"refresh":1,"retry":2,"expire":3,"minttl":4})"));
        std::vector<Row> rows = {Row{"a", "A", 300, R"({"ip":"192.0.2.1"})"}, Row{"b", "A", 300, "{"}, Row{"c", "PTR", 300, "{}"},
                                 Row{"d", "A", 300, R"({"ip":"192.0.2.4"})"}};
        auto records = toRecords(rows, "example.org");
        REQUIRE(records.size() == 2);
        CHECK(records[0].owner == "a.example.org.");
        CHECK(records[1].owner == "d.example.org.");
    }
}
