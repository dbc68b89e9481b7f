#include "soak/SoakOptions.hpp"

#include <functional>
#include <map>
#include <stdexcept>

namespace dadns::soak {

Seconds parseDuration(const std::string& text) {
    size_t used = 0;
    double value = std::stod(text, &used);
    std::string unit = text.substr(used);
    if (unit.empty() || unit == "s") return Seconds(value);
    if (unit == "ms") return Seconds(value / 1000);
    if (unit == "m") return Seconds(value * 60);
    if (unit == "h") return Seconds(value * 3600);
    throw std::invalid_argument("bad duration: " + text);
}

SoakOptions parseOptions(int argc, char** argv) {
    SoakOptions o;
    auto integer = [](int& field) { return [&field](const std::string& v) { field = std::stoi(v); }; };
    auto duration = [](Seconds& field) { return [&field](const std::string& v) { field = parseDuration(v); }; };
    std::map<std::string, std::function<void(const std::string&)>> setters = {
        {"duration", duration(o.duration)},
        {"warmup", duration(o.warmup)},
        {"fault-interval", duration(o.faultInterval)},
        {"downtime", duration(o.downtime)},
        {"converge-timeout", duration(o.convergeTimeout)},
        {"probe-timeout", duration(o.probeTimeout)},
        {"readers", integer(o.readers)},
        {"writers", integer(o.writers)},
        {"zones-per-writer", integer(o.zonesPerWriter)},
        {"da-zones", integer(o.daZones)},
        {"hosts", integer(o.hosts)},
        {"think-ms", integer(o.thinkMs)},
        {"rss-tolerance", [&o](const std::string& v) { o.rssTolerance = std::stod(v); }},
        {"seed", [&o](const std::string& v) { o.seed = static_cast<unsigned>(std::stoul(v)); }},
    };
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto eq = arg.find('=');
        if (arg.rfind("--", 0) != 0 || eq == std::string::npos) throw std::invalid_argument("expected --name=value, got " + arg);
        auto it = setters.find(arg.substr(2, eq - 2));
        if (it == setters.end()) throw std::invalid_argument("unknown option " + arg);
        it->second(arg.substr(eq + 1));
    }
    return o;
}

} // namespace dadns::soak
