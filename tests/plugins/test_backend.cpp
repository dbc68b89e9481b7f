// The test backend verified by record count (TestBackend.hpp).
#include "TestBackend.hpp"

DADNS_BACKEND_PLUGIN(dadns::test_plugins::TestBackend, "test_backend", "1.0.0")
