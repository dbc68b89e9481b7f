// The zone store engine the shared store test suite (tests/unit/store/ZoneStoreSuite.cpp)
// runs against: every test binary that compiles the suite in defines storeUnderTest().
#pragma once

#include "core/store/ZoneStore.hpp"

#include <memory>
#include <string>

namespace dadns::test {

class StoreUnderTest {
public:
    virtual ~StoreUnderTest() = default;
    virtual std::string engine() const = 0;
    // Forgets everything: the next open() starts from an empty store.
    virtual void reset() = 0;
    // Opens the store; again after the previous one is destroyed: the same data (a restart).
    virtual std::unique_ptr<ZoneStore> open(size_t historyPerZone = 3, const std::string& nodeId = "node-a") = 0;
};

StoreUnderTest& storeUnderTest();

// A zone change as the REST API would submit it, and a delete.
inline ZoneSubmission zoneChange(const std::string& name, const std::string& text = "x. 1 IN A 192.0.2.1\n", int64_t count = 1) {
    ZoneSubmission s;
    s.name = name;
    s.zoneText = text;
    s.recordCount = count;
    s.origin = {"rest", "host", "user"};
    return s;
}

inline ZoneSubmission zoneDeletion(const std::string& name) {
    ZoneSubmission s;
    s.name = name;
    s.deleted = true;
    s.origin = {"rest", "", ""};
    return s;
}

} // namespace dadns::test
