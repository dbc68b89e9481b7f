// What the dispatcher's end-to-end tests share: a daemon on the test plugins (tests/plugins)
// and readers of its API's answers.
#pragma once

#include "support/TestSupport.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <string>
#include <vector>

namespace dadns::test::dispatch {

inline Poco::JSON::Object::Ptr json(const std::string& body) {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

inline std::string zoneText(const std::string& zone, int serial, const std::string& extra = "") {
    return "$TTL 300\n@ IN SOA ns1." + zone + ". hostmaster." + zone + ". " + std::to_string(serial) +
           " 3600 600 86400 300\n@ IN NS ns1." + zone + ".\nwww IN A 192.0.2." + std::to_string(serial % 250 + 1) + "\n" + extra;
}

// A daemon whose plugins are the test plugins, with the given backends section.
inline std::string config(const std::string& backends, const std::string& dispatch = "") {
    std::string cfg = baseConfig("dns:\n  backends:\n" + backends + "dispatch:\n  retry_backoff: 50ms\n  retry_backoff_max: 200ms\n" + dispatch);
    cfg.replace(cfg.find("{plugins}"), 9, "{test_plugins}");
    return cfg;
}

inline std::string backend(const std::string& name, const std::string& extra = "") {
    return "    " + name + ":\n      type: test_backend\n      dir: {dir}/" + name + "\n" + extra;
}

inline int appliedVersion(Daemon& d, const std::string& zone, const std::string& backendName) {
    auto r = d.get("/api/v1/zones/" + zone);
    if (r.status != 200) return -1;
    auto arr = json(r.body)->getArray("backends");
    for (size_t i = 0; i < arr->size(); ++i) {
        auto b = arr->getObject(static_cast<unsigned>(i));
        if (b->getValue<std::string>("backend") == backendName) return b->getValue<int>("applied_version");
    }
    return 0;
}

inline std::vector<std::string> lines(const std::string& path) {
    std::vector<std::string> out;
    std::ifstream in(path);
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) out.push_back(l);
    return out;
}

inline Poco::JSON::Object::Ptr lane(Daemon& d, const std::string& name) {
    auto arr = json(d.get("/api/v1/backends").body)->getArray("backends");
    for (size_t i = 0; i < arr->size(); ++i) {
        auto b = arr->getObject(static_cast<unsigned>(i));
        if (b->getValue<std::string>("name") == name) return b;
    }
    return nullptr;
}


inline std::string servedBackend(const std::string& name, const std::string& extra = "") {
    return "    " + name + ":\n      type: served_test_backend\n      dir: {dir}/" + name + "\n" + extra;
}


} // namespace dadns::test::dispatch
