#include "core/util/BuildInfo.hpp"

#include <dadns/abi.h>

namespace dadns {

std::string versionString() {
    return std::string("dadns ") + DADNS_VERSION + " (plugin ABI " + std::to_string(DADNS_ABI_MAJOR) + "." +
           std::to_string(DADNS_ABI_MINOR) + ")";
}

} // namespace dadns
