// Runs an external command (rndc, named-checkzone) without a shell and collects its output.
#pragma once

#include <string>
#include <vector>

namespace dadns::bind {

struct CommandResult {
    int status = -1;     // exit status; -1 when it could not be started
    std::string output;  // stdout and stderr
    bool ok() const { return status == 0; }
};

CommandResult runCommand(const std::vector<std::string>& argv);

// "rndc -c /etc/bind/rndc.conf" -> {"rndc", "-c", "/etc/bind/rndc.conf"}; no quoting rules.
std::vector<std::string> splitCommand(const std::string& command);

// The full path of a program found in PATH, /usr/sbin or /usr/bin; "" when absent.
std::string findProgram(const std::string& name);

} // namespace dadns::bind
