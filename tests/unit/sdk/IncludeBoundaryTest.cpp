// Plugins see the SDK only: nothing under plugins/ or examples/ may include a core header.
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <dirent.h>
#include <sstream>
#include <sys/stat.h>

namespace {

void sources(const std::string& dir, std::vector<std::string>& out) {
    DIR* d = opendir(dir.c_str());
    if (!d) return;
    while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        std::string path = dir + "/" + name;
        struct stat st {};
        if (stat(path.c_str(), &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) sources(path, out);
        else if (name.find(".cpp") != std::string::npos || name.find(".hpp") != std::string::npos || name.find(".h") != std::string::npos ||
                 name.find(".cc") != std::string::npos)
            out.push_back(path);
    }
    closedir(d);
}

} // namespace

TEST_CASE("no plugin or example includes a core header", "[sdk]") {
    std::vector<std::string> files;
    for (const char* dir : {"/plugins", "/examples"}) sources(dadns::test::sourceDir() + dir, files);
    REQUIRE(files.size() >= 5);
    for (const auto& file : files) {
        std::istringstream in(dadns::test::readFile(file));
        int n = 0;
        for (std::string line; std::getline(in, line);) {
            ++n;
            if (line.find("#include") == std::string::npos) continue;
            INFO(file << ":" << n << ": " << line);
            CHECK(line.find("core/") == std::string::npos);
            CHECK(line.find("../") == std::string::npos);
        }
    }
}
