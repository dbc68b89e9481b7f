// Refused by the loader: a name that could not be a config key or a file name.
#include <dadns/abi.h>

extern "C" __attribute__((visibility("default"))) const dadns_plugin_desc* dadns_plugin_init(const dadns_host_api*) {
    static dadns_plugin_desc desc{sizeof(dadns_plugin_desc), DADNS_ABI_MAJOR, 0, "../Bad Name", "1.0", DADNS_KIND_BACKEND, nullptr, nullptr, nullptr};
    return &desc;
}
