// A stand-in for rndc in bind tests: a script that logs each call that succeeds, takes a set
// time, and fails while a flag file exists (and always for "reload bad.example").
#pragma once

#include "support/TestSupport.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace dadns::test {

struct FakeRndc {
    TempDir dir{"dadns-fake-rndc"};
    std::string script = dir.file("rndc");

    explicit FakeRndc(const std::string& seconds = "0") {
        dadns::test::writeFile(script, "#!/bin/sh\nsleep " + seconds + "\n"
                                       "if [ -e " + dir.file("fail") + " ]; then echo \"connection refused\"; exit 1; fi\n"
                                       "if [ \"$*\" = \"reload bad.example\" ]; then echo \"rndc: 'reload' failed: failure\"; exit 1; fi\n"
                                       "echo \"$*\" >> " + dir.file("calls") + "\n");
        ::chmod(script.c_str(), 0755);
    }
    void failing(bool on) {
        if (on) dadns::test::writeFile(dir.file("fail"), "");
        else std::remove(dir.file("fail").c_str());
    }
    // The calls that succeeded, in order.
    std::vector<std::string> calls() const {
        std::vector<std::string> out;
        if (!dadns::test::fileExists(dir.file("calls"))) return out;
        std::istringstream in(dadns::test::readFile(dir.file("calls")));
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }
    size_t count(const std::string& call) const {
        auto all = calls();
        return static_cast<size_t>(std::count(all.begin(), all.end(), call));
    }
};

} // namespace dadns::test
