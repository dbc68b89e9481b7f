// The host's side of the ABI rules (docs/abi.md): which plugin descriptors a host accepts and
// how it copies a plugin's tables. The daemon's loader and the SDK's fake host
// (dadns/sdk/testing.hpp) both use this, so a plugin tested on the fake host is refused or
// accepted exactly as the daemon will.
//
// Every function returns the refusal reason, "" when accepted; none throws but std::bad_alloc.
#pragma once

#include <dadns/abi.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

namespace dadns::sdk::tables {

// Plugin names use a-z, 0-9 and '_' (they appear in config keys and metrics), at most 64.
inline bool validPluginName(const char* name) {
    if (!name || !*name || std::strlen(name) > 64) return false;
    for (const char* p = name; *p; ++p)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return false;
    return true;
}

// Copies a plugin's table into a zeroed host-sized one: an older minor's smaller table reads
// as NULL beyond its end; a newer minor's larger table is read only as far as the host knows
// it. A larger table from a plugin that claims no newer minor is a layout not to be trusted.
template <class Table>
std::string copyTable(const Table* from, Table& to, const char* what, bool newerMinor) {
    if (!from) return std::string("missing function table: ") + what;
    uint32_t size = from->struct_size;
    if (size < sizeof(uint32_t)) return std::string("invalid struct_size of ") + what + ": " + std::to_string(size);
    if (size > sizeof(Table) && !newerMinor)
        return std::string("oversized struct: ") + what + " is " + std::to_string(size) + " bytes, host knows " + std::to_string(sizeof(Table)) +
               " and the plugin claims no newer minor";
    std::memset(&to, 0, sizeof(Table));
    std::memcpy(&to, from, std::min<size_t>(size, sizeof(Table)));
    return "";
}

// The members every major keeps in place (abi.h): enough to name a plugin and check its major.
inline constexpr size_t kStableDescPrefix = offsetof(dadns_plugin_desc, name) + sizeof(const char*);

// What a descriptor says about itself before it is accepted; name is "" until it is valid.
struct DescriptorFacts {
    std::string name;
    std::string abi; // "1.2" as the plugin declares it; "" when not read
};

// Checks desc (what dadns_plugin_init returned) and copies it into d. facts gets the name and
// ABI version as soon as they can be read, so a refusal can name the plugin.
inline std::string readDescriptor(const dadns_plugin_desc* desc, dadns_plugin_desc& d, DescriptorFacts& facts) {
    if (!desc) return "null descriptor";
    if (desc->struct_size < kStableDescPrefix) return "invalid descriptor struct_size " + std::to_string(desc->struct_size);
    if (validPluginName(desc->name)) facts.name = desc->name;
    facts.abi = std::to_string(desc->abi_major) + "." + std::to_string(desc->abi_minor);
    if (desc->abi_major != DADNS_ABI_MAJOR)
        return "other ABI major: plugin " + std::to_string(desc->abi_major) + ", host " + std::to_string(DADNS_ABI_MAJOR);
    if (desc->struct_size < offsetof(dadns_plugin_desc, kind) + sizeof(int32_t))
        return "invalid descriptor struct_size " + std::to_string(desc->struct_size);
    if (std::string reason = copyTable(desc, d, "plugin descriptor", desc->abi_minor > DADNS_ABI_MINOR); !reason.empty()) return reason;
    if (!validPluginName(d.name)) return "invalid name: plugin names use a-z, 0-9 and '_' (at most 64)";
    if (d.kind != DADNS_KIND_BACKEND && d.kind != DADNS_KIND_INGESTION && d.kind != DADNS_KIND_DISCOVERY)
        return "unknown kind " + std::to_string(d.kind);
    return "";
}

// The JSON object an instance's describe member (a service's; a backend's from ABI 1.4) sends;
// "{}" when the member is NULL, fails or sends nothing.
inline std::string describeInstance(int32_t (*describe)(void*, void*, dadns_str_sink), void* instance) {
    if (!describe) return "{}";
    std::string out;
    auto sink = [](void* ctx, dadns_str value) { static_cast<std::string*>(ctx)->append(value.ptr ? value.ptr : "", value.len); };
    if (describe(instance, &out, sink) != DADNS_OK || out.empty()) return "{}";
    return out;
}

// Copies the function table of d's kind (an accepted descriptor) and checks its required members.
inline std::string readFunctions(const dadns_plugin_desc& d, dadns_backend_api& backend, dadns_service_api& service) {
    bool newerMinor = d.abi_minor > DADNS_ABI_MINOR;
    if (d.kind == DADNS_KIND_BACKEND) {
        if (std::string reason = copyTable(d.backend, backend, "backend table", newerMinor); !reason.empty()) return reason;
        const char* missing = !backend.create ? "create" : !backend.destroy ? "destroy" : !backend.apply ? "apply"
                              : !backend.remove ? "remove" : !backend.count ? "count" : nullptr;
        return missing ? std::string("missing required function ") + missing : "";
    }
    if (std::string reason = copyTable(d.service, service, "service table", newerMinor); !reason.empty()) return reason;
    if (!service.create) return "missing required function create";
    if (!service.destroy) return "missing required function destroy";
    return "";
}

} // namespace dadns::sdk::tables
