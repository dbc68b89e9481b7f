// Refused by the loader: init returns NULL.
#include <dadns/abi.h>

extern "C" __attribute__((visibility("default"))) const dadns_plugin_desc* dadns_plugin_init(const dadns_host_api*) { return nullptr; }
