#include "core/http/TlsContext.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace dadns {

std::string tlsErrors() {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out.empty() ? "unknown TLS error" : out;
}

TlsContext::TlsContext(const std::string& certFile, const std::string& keyFile) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    if (!ctx_) throw std::runtime_error("cannot create a TLS context: " + tlsErrors());
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    // Writes are retried from the loop with a buffer that may have moved, and may be partial.
    SSL_CTX_set_mode(ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_options(ctx_, SSL_OP_NO_RENEGOTIATION);
    auto fail = [&](const std::string& what) {
        std::string reason = tlsErrors();
        SSL_CTX_free(ctx_);
        ctx_ = nullptr;
        throw std::runtime_error("cannot use the TLS certificate " + certFile + " and key " + keyFile + ": " + what + ": " + reason);
    };
    if (SSL_CTX_use_certificate_chain_file(ctx_, certFile.c_str()) != 1) fail("reading the certificate");
    if (SSL_CTX_use_PrivateKey_file(ctx_, keyFile.c_str(), SSL_FILETYPE_PEM) != 1) fail("reading the key");
    if (SSL_CTX_check_private_key(ctx_) != 1) fail("the key does not match the certificate");
}

TlsContext::~TlsContext() {
    if (ctx_) SSL_CTX_free(ctx_);
}

SSL* TlsContext::newSession(int fd) const {
    SSL* ssl = SSL_new(ctx_);
    if (!ssl) return nullptr;
    if (SSL_set_fd(ssl, fd) != 1) {
        SSL_free(ssl);
        return nullptr;
    }
    SSL_set_accept_state(ssl);
    return ssl;
}

} // namespace dadns
