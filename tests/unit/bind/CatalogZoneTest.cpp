// The catalog zone's text, read back by ldns as a secondary would read it.
#include "CatalogZone.hpp"
#include "support/TestSupport.hpp"

#include <ldns/ldns.h>

#include <catch2/catch.hpp>

#include <cstdio>

using namespace dadns::bind;

namespace {

// "owner TYPE rdata" of every record ldns reads from text.
std::set<std::string> parsed(const std::string& text) {
    dadns::test::TempDir dir;
    std::string path = dir.file("catalog.db");
    dadns::test::writeFile(path, text);
    FILE* f = std::fopen(path.c_str(), "r");
    REQUIRE(f);
    ldns_zone* zone = nullptr;
    int line = 0;
    ldns_status status = ldns_zone_new_frm_fp_l(&zone, f, nullptr, 3600, LDNS_RR_CLASS_IN, &line);
    std::fclose(f);
    INFO("line " << line);
    REQUIRE(status == LDNS_STATUS_OK);
    std::set<std::string> out;
    auto add = [&](ldns_rr* rr) {
        char* owner = ldns_rdf2str(ldns_rr_owner(rr));
        char* type = ldns_rr_type2str(ldns_rr_get_type(rr));
        char* rdata = ldns_rdf2str(ldns_rr_rdf(rr, 0));
        out.insert(std::string(owner) + " " + type + " " + rdata);
        CHECK(ldns_rr_ttl(rr) == 0);
        std::free(owner);
        std::free(type);
        std::free(rdata);
    };
    add(ldns_zone_soa(zone));
    for (size_t i = 0; i < ldns_zone_rr_count(zone); ++i) add(ldns_rr_list_rr(ldns_zone_rrs(zone), i));
    ldns_zone_deep_free(zone);
    return out;
}

} // namespace

TEST_CASE("bind catalog: version 2, one PTR per member under a stable id, and coo for a previous catalog", "[bind]") {
    std::string id = catalogMemberId("example.com");
    CHECK(id.size() == 40);
    CHECK(id == catalogMemberId("example.com"));
    CHECK(id != catalogMemberId("example.net"));

    auto records = parsed(renderCatalog("catalog.dadns", 7, {"example.com", "example.net"}));
    CHECK(records == std::set<std::string>{
                         "catalog.dadns. SOA invalid.",
                         "catalog.dadns. NS invalid.",
                         "version.catalog.dadns. TXT \"2\"",
                         id + ".zones.catalog.dadns. PTR example.com.",
                         catalogMemberId("example.net") + ".zones.catalog.dadns. PTR example.net.",
                     });

    auto moved = parsed(renderCatalog("old.catalog", 8, {"example.com"}, "catalog.dadns"));
    CHECK(moved.count("coo." + id + ".zones.old.catalog. PTR catalog.dadns.") == 1);
    CHECK(moved.count(id + ".zones.old.catalog. PTR example.com.") == 1);
}

TEST_CASE("bind catalog: the serial reads back and always grows", "[bind]") {
    dadns::test::TempDir dir;
    CHECK(readCatalogSerial(dir.file("none.db")) == 0);
    dadns::test::writeFile(dir.file("c.db"), renderCatalog("c.example", 1764400000, {}));
    CHECK(readCatalogSerial(dir.file("c.db")) == 1764400000u);
    CHECK(nextCatalogSerial(0, 1764400000) == 1764400000u);           // the time
    CHECK(nextCatalogSerial(1764400000, 1764400000) == 1764400001u);  // twice in a second
    CHECK(nextCatalogSerial(1764400005, 1764400000) == 1764400006u);  // the clock went back
    CHECK(nextCatalogSerial(4294967295u, 1764400000) == 1764400000u); // past the wrap: serial arithmetic
}
