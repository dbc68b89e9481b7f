// Declared plugin settings (sdk/settings.hpp) on any instance configuration: check() answers
// with problems and never throws; read() accepts exactly what check() finds no problem in, and
// then every declared key reads without error. For powerdns, a configuration that passes makes
// targets whose configurations pass too, and each reads as a target (one server).
#include "FuzzCheck.hpp"

#include "PdnsSettings.hpp"
#include "SwimSettings.hpp"

#include <dadns/sdk/settings.hpp>

using namespace dadns;
using sdk::Setting;
using sdk::Settings;
using sdk::SettingsSpec;

namespace {

// Every kind, with limits, a nested list and a rule.
SettingsSpec everyKind() {
    SettingsSpec s;
    s.text("text", "t").oneOf({"one", "Two"});
    s.integer("integer", "i").range(-5, 1000000);
    s.flag("flag", "f");
    s.duration("duration", "d").range(std::chrono::milliseconds(0), std::chrono::hours(48));
    s.size("size", "s").range(0, 1LL << 40);
    s.mode("mode", "m").range(0, 0777);
    s.list("list", "l");
    s.command("command", "c");
    s.mapping("mapping", "m");
    SettingsSpec item;
    item.text("name", "n").required();
    item.integer("weight", "w").range(0, 100);
    s.objects("items", item, "o");
    s.rule("integer", [](const Settings& c) { return c.integer("integer") == 7 && c.flag("flag") ? "not seven" : ""; });
    return s;
}

// Reads every declared key of a checked configuration; none may fail.
void readEvery(const SettingsSpec& spec, const Settings& s) {
    for (const Setting& d : spec.declared()) {
        const std::string& k = d.key();
        switch (d.kind()) {
        case Setting::Kind::Text: (void)s.text(k); break;
        case Setting::Kind::Integer: (void)s.integer(k); break;
        case Setting::Kind::Flag: (void)s.flag(k); break;
        case Setting::Kind::Duration: (void)s.duration(k); break;
        case Setting::Kind::Size: (void)s.size(k); break;
        case Setting::Kind::Mode: (void)s.mode(k); break;
        case Setting::Kind::List:
        case Setting::Kind::Command: (void)s.list(k); break;
        case Setting::Kind::Objects: (void)s.objects(k); break;
        case Setting::Kind::Mapping: break;
        }
    }
}

// check() and read() agree; returns whether the configuration is valid.
bool agree(const SettingsSpec& spec, const std::string& json) {
    auto problems = spec.check(json);
    try {
        Settings s = spec.read("fuzz", json);
        if (!problems.empty()) fuzz::violated("read() accepted what check() refused: " + problems.front().key + ": " + problems.front().problem);
        readEvery(spec, s);
        return true;
    } catch (const sdk::PermanentError& e) {
        if (problems.empty()) fuzz::violated(std::string("read() refused what check() accepted: ") + e.what());
        return false;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string json(fuzz::text(data, size));
    agree(everyKind(), json);
    agree(swim::swimSettingsSpec(), json);
    if (agree(powerdns::pdnsSettingsSpec(), json)) {
        for (const auto& target : powerdns::serverTargets("fuzz", json)) {
            fuzz::check(agree(powerdns::pdnsSettingsSpec(), target.configJson), "a target's configuration passes the check:\n" + target.configJson);
            (void)powerdns::readSettings("fuzz." + target.name, target.configJson);
        }
    }
    return 0;
}
