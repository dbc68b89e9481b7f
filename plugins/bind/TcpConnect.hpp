// Non-blocking TCP to named, for its zone transfers (NamedAxfr) and its control channel
// (RndcChannel): connecting and waiting on the socket, each bounded by a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace dadns::bind {

using Deadline = std::chrono::steady_clock::time_point;

// poll() for events until deadline, EINTR retried: >0 ready, 0 the deadline passed, <0 an
// error (errno says which).
int waitFor(int fd, short events, Deadline deadline);

// A connected non-blocking socket (TCP_NODELAY, close-on-exec) to host:port in fd, trying each
// address of host in turn within timeout; "" then, else why not (and fd is -1).
std::string connectWithin(const std::string& host, uint16_t port, std::chrono::milliseconds timeout, int& fd);

} // namespace dadns::bind
