// The rndc command line from the configuration, and where named's tools are installed. The
// commands themselves run through sdk::runProcess.
#pragma once

#include <string>
#include <vector>

namespace dadns::bind {

// "rndc -c /etc/bind/rndc.conf" -> {"rndc", "-c", "/etc/bind/rndc.conf"}; no quoting rules.
std::vector<std::string> splitCommand(const std::string& command);

// The full path of a program found in PATH, /usr/sbin or /usr/bin; "" when absent.
std::string findProgram(const std::string& name);

} // namespace dadns::bind
