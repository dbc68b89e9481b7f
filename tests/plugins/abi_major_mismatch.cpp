// Refused by the loader: built for ABI major 2.
#include <dadns/abi.h>

extern "C" __attribute__((visibility("default"))) const dadns_plugin_desc* dadns_plugin_init(const dadns_host_api*) {
    static dadns_plugin_desc desc{sizeof(dadns_plugin_desc), DADNS_ABI_MAJOR + 1, 0, "abi_major_mismatch", "1.0", DADNS_KIND_BACKEND, nullptr, nullptr, nullptr};
    return &desc;
}
