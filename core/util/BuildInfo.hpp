// What this build of dadns is: its version and the ABI it offers plugins.
#pragma once

#include <string>

namespace dadns {

std::string versionString(); // "dadns 0.1.0 (plugin ABI 1.0)"

} // namespace dadns
