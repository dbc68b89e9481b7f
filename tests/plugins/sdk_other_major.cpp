// Refused as "other ABI major": a plugin built with the SDK of a later major (simulated by
// redefining the major before the SDK's export code is compiled). The SDK hands its descriptor
// to any host, so the host can name it and say why.
#include <dadns/abi.h>
#undef DADNS_ABI_MAJOR
#define DADNS_ABI_MAJOR 2
#include <dadns/sdk.hpp>

using namespace dadns::sdk;

class OtherMajorBackend final : public Backend {
public:
    explicit OtherMajorBackend(const InstanceContext& ctx) : Backend(ctx) {}
    ApplyResult apply(const Zone&) override { return {}; }
    void remove(const std::string&) override {}
    int64_t count(const std::string&) override { return 0; }
    std::vector<std::string> listZones() override { return {}; }
};

DADNS_BACKEND_PLUGIN(OtherMajorBackend, "sdk_other_major", "2.0.0")
