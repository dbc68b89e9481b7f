// A plugin exports exactly one symbol, dadns_plugin_init: nothing it links (template
// instantiations of the standard library included) can clash with the daemon or another plugin.
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <dirent.h>
#include <sstream>

using namespace dadns::test;

TEST_CASE("every in-tree plugin exports only dadns_plugin_init", "[sdk]") {
    std::vector<std::string> plugins;
    if (DIR* d = opendir(pluginDir().c_str())) {
        while (dirent* e = readdir(d)) {
            std::string name = e->d_name;
            if (name.size() > 3 && name.compare(name.size() - 3, 3, ".so") == 0) plugins.push_back(pluginDir() + "/" + name);
        }
        closedir(d);
    }
    REQUIRE(plugins.size() >= 2);
    for (const auto& plugin : plugins) {
        INFO(plugin);
        auto r = runCommand({"nm", "-D", "--defined-only", plugin});
        REQUIRE(r.status == 0);
        std::vector<std::string> exported;
        std::istringstream in(r.output);
        for (std::string line; std::getline(in, line);) {
            std::istringstream words(line);
            std::string address, type, name;
            if (words >> address >> type >> name && type != "A") exported.push_back(name);
        }
        CHECK(exported == std::vector<std::string>{"dadns_plugin_init"});
    }
}
