// Where named's tools are installed (named-checkconf is optional: checkzone defaults to it).
#pragma once

#include <string>

namespace dadns::bind {

// The full path of a program found in PATH, /usr/sbin or /usr/bin; "" when absent.
std::string findProgram(const std::string& name);

} // namespace dadns::bind
