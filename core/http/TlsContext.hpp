// The API's TLS server context (OpenSSL): certificate chain and key from PEM files, TLS 1.2
// and newer only. Sessions made from it are driven by the event loop on non-blocking sockets.
#pragma once

#include <string>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace dadns {

class TlsContext {
public:
    // Throws std::runtime_error naming the file and OpenSSL's reason.
    TlsContext(const std::string& certFile, const std::string& keyFile);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    // A server session on fd; nullptr when OpenSSL cannot make one (out of memory).
    SSL* newSession(int fd) const;

private:
    SSL_CTX* ctx_ = nullptr;
};

// OpenSSL's queued error reasons as one line (and the queue cleared).
std::string tlsErrors();

} // namespace dadns
