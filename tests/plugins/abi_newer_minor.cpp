// Loads: a backend built against a newer minor than the host knows (docs/abi.md, "Minor
// versions"). Its descriptor and backend table carry a member the host has never heard of;
// the host reads only what it knows, and the plugin uses no host member beyond the host's
// struct_size.
#include <dadns/abi.h>

#include <cstddef>

namespace {

int64_t applied = 0;

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
int32_t apply(void*, const dadns_zone* zone, int64_t* expected, dadns_status* st) {
    applied = static_cast<int64_t>(zone->record_count);
    *expected = applied;
    return ok(st);
}
int32_t removeZone(void*, dadns_str, dadns_status* st) { return ok(st); }
int32_t count(void*, dadns_str, int64_t* n, dadns_status* st) {
    *n = applied;
    return ok(st);
}
uint32_t parallelism(void*) { return 2; }

// The tables as the newer minor lays them out: the current ones plus a member appended.
struct NewerBackendApi {
    dadns_backend_api known;
    int32_t (*future_call)(void* instance);
};
struct NewerDesc {
    dadns_plugin_desc known;
    const void* future_table;
};

int32_t futureCall(void*) { return -1; }

} // namespace

extern "C" __attribute__((visibility("default"))) const dadns_plugin_desc* dadns_plugin_init(const dadns_host_api*) {
    static NewerBackendApi api{};
    api.known.struct_size = sizeof(NewerBackendApi);
    api.known.create = create;
    api.known.destroy = destroy;
    api.known.apply = apply;
    api.known.remove = removeZone;
    api.known.count = count;
    api.known.parallelism = parallelism;
    api.future_call = futureCall;
    static NewerDesc desc{};
    desc.known.struct_size = sizeof(NewerDesc);
    desc.known.abi_major = DADNS_ABI_MAJOR;
    desc.known.abi_minor = DADNS_ABI_MINOR + 1;
    desc.known.name = "abi_newer_minor";
    desc.known.version = "1.0";
    desc.known.kind = DADNS_KIND_BACKEND;
    desc.known.backend = &api.known;
    desc.future_table = &api;
    return &desc.known;
}
