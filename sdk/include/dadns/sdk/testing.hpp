// Unit-testing a plugin in-process, without a daemon: a fake host. Include it from tests only
// (it is not part of dadns/sdk.hpp); it needs C++17 and dlopen (link ${CMAKE_DL_LIBS}).
//
// FakeHost builds a real dadns_host_api table whose functions record what the plugin does:
//   submissions()        every submit_change (kind, zone, text or records, origin, result);
//                        read_zone/list_zones answer from what was submitted (or putZone)
//   counter/gauge/observations(name, {{"label", "value"}})   metrics, by name and labels
//   routes(), call(HttpCall)   registered routes, and one called as a request would be
//   logs(), logged(text)        log lines
// and answers as configured: setNodeId, setApiUrl, setCredentials, setZoneBackends, and
// failNext(HostCall::SubmitChange, DADNS_ERR_RETRYABLE, "store busy") to make calls fail.
// Recording is thread-safe; waitUntil(predicate) waits for calls from the plugin's threads.
//
// A plugin class you can see is constructed directly:
//
//   dadns::sdk::testing::FakeHost host;
//   MyIngestion plugin(host.context("mine", R"({"zone":"example.com"})"));
//   auto reply = host.call(HttpCall::make("POST", "/api/v1/mine?x=1", body).basicAuth("admin", "secret"));
//   CHECK(host.submissions().size() == 1);
//
// A built plugin is tested as shipped, through its C tables:
//
//   PluginLibrary plugin(host, "build/my_backend.so");
//   LoadedBackend backend = plugin.createBackend("mine", R"({"dir":"/tmp/x"})");
//   backend.apply(zone);                       // throws RetryableError / PermanentError
//   CHECK(backend.count("example.com") == 3);
//   LoadedService service = plugin.createService("in", "{}");   // ingestion or discovery
//   service.start(); service.zoneChanged("example.com", 2, ""); service.describe();
//
// The fake does not parse zone text (a text submission's record count is 0) and does not
// apply the daemon's Basic auth or zone ownership rules: HttpCall::authUser says what the
// daemon's auth would have let through, failNext what its rules would have refused.
// The host must outlive the plugin's instances. A plugin keeps the table of its latest
// dadns_plugin_init, so when two FakeHosts load one .so, the later one must outlive both.
#pragma once

#include <dadns/sdk/testing/fake_host.hpp>
#include <dadns/sdk/testing/fake_zone_store.hpp>
#include <dadns/sdk/testing/http_exchange.hpp>
#include <dadns/sdk/testing/plugin_library.hpp>
#include <dadns/sdk/testing/recorded_calls.hpp>
