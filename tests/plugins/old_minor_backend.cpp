// Loads: a backend built against an older minor whose tables end before `parallelism`
// (as if that member were added later). The host zero-extends it; parallelism reads NULL.
#include <dadns/abi.h>

#include <cstddef>

namespace {

void* create(void*, dadns_str, dadns_str, dadns_status*) {
    static int instance;
    return &instance;
}
void destroy(void*) {}
int32_t ok(dadns_status* st) {
    st->code = DADNS_OK;
    st->message_len = 0;
    return DADNS_OK;
}
int32_t apply(void*, const dadns_zone*, int64_t*, dadns_status* st) { return ok(st); }
int32_t removeZone(void*, dadns_str, dadns_status* st) { return ok(st); }
int32_t count(void*, dadns_str, int64_t* n, dadns_status* st) {
    *n = 0;
    return ok(st);
}

} // namespace

extern "C" __attribute__((visibility("default"))) const dadns_plugin_desc* dadns_plugin_init(const dadns_host_api*) {
    static dadns_backend_api api{};
    api.struct_size = static_cast<uint32_t>(offsetof(dadns_backend_api, parallelism));
    api.create = create;
    api.destroy = destroy;
    api.apply = apply;
    api.remove = removeZone;
    api.count = count;
    api.parallelism = reinterpret_cast<uint32_t (*)(void*)>(0x1); // beyond struct_size: must be ignored
    static dadns_plugin_desc desc{};
    desc.struct_size = static_cast<uint32_t>(offsetof(dadns_plugin_desc, service)); // no service member yet
    desc.abi_major = DADNS_ABI_MAJOR;
    desc.abi_minor = 0;
    desc.name = "old_minor_backend";
    desc.version = "0.9";
    desc.kind = DADNS_KIND_BACKEND;
    desc.backend = &api;
    return &desc;
}
