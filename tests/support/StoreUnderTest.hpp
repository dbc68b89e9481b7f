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

} // namespace dadns::test
