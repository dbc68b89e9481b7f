// The web console's files (core/console/assets), compiled into the binary by
// cmake/DadnsEmbedAssets.cmake: the daemon serves its console with no file to install.
#pragma once

#include <string_view>
#include <vector>

namespace dadns {

struct EmbeddedAsset {
    std::string_view path;  // relative to core/console/assets, '/'-separated: "js/app.js"
    std::string_view bytes;
};

// Every asset, sorted by path.
const std::vector<EmbeddedAsset>& consoleAssets();

} // namespace dadns
