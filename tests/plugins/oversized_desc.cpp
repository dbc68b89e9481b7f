// Refused by the loader: a descriptor larger than the host's (a future layout it cannot read).
#include <dadns/abi.h>

namespace {
struct Bigger {
    dadns_plugin_desc desc;
    char future[64];
};
} // namespace

extern "C" __attribute__((visibility("default"))) const dadns_plugin_desc* dadns_plugin_init(const dadns_host_api*) {
    static Bigger big{{sizeof(Bigger), DADNS_ABI_MAJOR, 0, "oversized_desc", "1.0", DADNS_KIND_BACKEND, nullptr, nullptr, nullptr}, {}};
    return &big.desc;
}
