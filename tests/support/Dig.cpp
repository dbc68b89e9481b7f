#include "support/Dig.hpp"

#include "support/TestSupport.hpp"

#include <algorithm>
#include <sstream>

namespace dadns::test {

std::vector<std::string> digShort(int port, const std::string& name, const std::string& type) {
    auto r = runCommand({"dig", "@127.0.0.1", "-p", std::to_string(port), "+short", "+time=2", "+tries=1", name, type});
    std::vector<std::string> out;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != ';') out.push_back(line);
    std::sort(out.begin(), out.end());
    return out;
}

std::set<std::string> digTransfer(int port, const std::string& zone, const std::string& tsig) {
    std::vector<std::string> argv{"dig", "@127.0.0.1", "-p", std::to_string(port), "+nocmd", "+nostats", "+nocomments", "+time=5"};
    if (!tsig.empty()) argv.insert(argv.end(), {"-y", tsig});
    argv.insert(argv.end(), {"AXFR", zone});
    auto r = runCommand(argv);
    std::set<std::string> out;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == ';') continue;
        std::istringstream words(line);
        std::vector<std::string> fields;
        for (std::string w; words >> w;) fields.push_back(w);
        if (fields.size() >= 4 && fields[3] == "TSIG") continue;
        std::string joined;
        for (const auto& w : fields) joined += (joined.empty() ? "" : " ") + w;
        out.insert(joined);
    }
    return out;
}

} // namespace dadns::test
