// Refused by the loader: built against a newer minor than the host knows.
#include <dadns/abi.h>

extern "C" __attribute__((visibility("default"))) const dadns_plugin_desc* dadns_plugin_init(const dadns_host_api*) {
    static dadns_plugin_desc desc{sizeof(dadns_plugin_desc), DADNS_ABI_MAJOR, DADNS_ABI_MINOR + 1, "abi_newer_minor", "1.0", DADNS_KIND_BACKEND, nullptr, nullptr};
    return &desc;
}
