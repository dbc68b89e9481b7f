// Loads: what the SDK of ABI 1.1 produced. The descriptor ends before check_settings (added in
// 1.2) and says minor 1, so the host reads no settings hook and creates the instance as 1.1
// hosts did; a bad setting is found by create, not before it.
#include <dadns/sdk.hpp>

#include <cstddef>

using namespace dadns::sdk;

class Minor1Backend final : public Backend {
public:
    static SettingsSpec settings() {
        SettingsSpec s;
        s.integer("zones", "zones the backend reports").byDefault(0).range(0, 100);
        return s;
    }
    explicit Minor1Backend(const InstanceContext& ctx) : Backend(ctx), zones_(settings().read(ctx).integer("zones")) {}
    ApplyResult apply(const Zone&) override { return {}; }
    void remove(const std::string&) override {}
    int64_t count(const std::string&) override { return zones_; }
    std::vector<std::string> listZones() override { return {}; }

private:
    int64_t zones_;
};

extern "C" __attribute__((visibility("default"))) const dadns_plugin_desc* dadns_plugin_init(const dadns_host_api* host) {
    static dadns_plugin_desc desc = *dadns::sdk::detail::descriptor<Minor1Backend>(host, "sdk_minor1_backend", "1.1.0", DADNS_KIND_BACKEND);
    desc.struct_size = static_cast<uint32_t>(offsetof(dadns_plugin_desc, check_settings));
    desc.abi_minor = 1;
    desc.check_settings = reinterpret_cast<decltype(desc.check_settings)>(0x1); // beyond struct_size: must be ignored
    return &desc;
}
