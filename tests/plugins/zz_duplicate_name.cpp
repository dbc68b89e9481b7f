// Refused by the loader: claims the name of test_backend, which loads first (files load in name order).
#include <dadns/sdk.hpp>

namespace {
class Dup final : public dadns::sdk::Backend {
public:
    explicit Dup(const dadns::sdk::InstanceContext& ctx) : Backend(ctx) {}
    dadns::sdk::ApplyResult apply(const dadns::sdk::Zone&) override { return {}; }
    void remove(const std::string&) override {}
    int64_t count(const std::string&) override { return 0; }
    std::vector<std::string> listZones() override { return {}; }
};
} // namespace

DADNS_BACKEND_PLUGIN(Dup, "test_backend", "9.9.9")
