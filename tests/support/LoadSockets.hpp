// Plain sockets for load benchmarks that hold many connections open: from a chosen loopback
// source address (so a server's per-client limits count them apart from the measured client),
// and the open-files limit that so many connections need.
#pragma once

#include <string>

namespace dadns::test {

// Raises this process's soft RLIMIT_NOFILE towards wanted (at most the hard limit); children
// started afterwards inherit it. Returns the soft limit now in force.
long raiseOpenFilesLimit(long wanted);

// A blocking TCP connection from sourceIp (e.g. 127.0.0.2) to 127.0.0.1:port; -1 on failure.
int connectFrom(const std::string& sourceIp, int port);

// Writes all of data; false when the connection failed.
bool sendAll(int fd, const std::string& data);

// Whether the peer has closed the connection (or it failed), without blocking.
bool peerClosed(int fd);

} // namespace dadns::test
