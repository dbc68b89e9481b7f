// Where and how to reach named's control channel, read from the files rndc itself reads: an
// rndc.conf (`options { default-server; default-port; default-key; }`, `key` blocks, `include`)
// or a bare rndc.key (one `key` block; server 127.0.0.1, port 953), so dadns needs no
// configuration of its own beyond the file's path.
#pragma once

#include <cstdint>
#include <string>

namespace dadns::bind {

struct RndcKey {
    std::string name;
    std::string algorithm; // "hmac-sha256", ...
    std::string secret;    // the decoded secret bytes
};

struct RndcEndpoint {
    std::string host = "127.0.0.1";
    uint16_t port = 953;
    RndcKey key;

    std::string text() const; // "127.0.0.1:953 (key rndc-key)"
};

// Reads path (an rndc.conf or an rndc.key) as rndc does. The server is serverName when given
// (as `rndc -s`), else default-server, else 127.0.0.1; a `server` block of that name gives its
// key (else default-key, else the file's only key), its port and the first of its `addresses`,
// where dadns connects in place of the name. The port is port when not 0 (as `rndc -p`), else
// the block's, else default-port, else 953; an address's own `port` wins, as in rndc.
// Throws std::runtime_error saying which file and line and what is wrong (no key, two keys and
// no default-key, an unsupported algorithm, a secret that is not base64, a file that cannot be
// read). The secret never appears in a message.
RndcEndpoint readRndcConfig(const std::string& path, const std::string& serverName = "", uint16_t port = 0);

} // namespace dadns::bind
