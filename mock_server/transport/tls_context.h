// OpenSSL side of the transport, kept apart from the Beast code: building the server SSL_CTX for a
// protocol mode (once per configuration, never per handshake), describing a peer certificate, and
// naming why a handshake failed. Internal to mock_server/transport.
//
//   KC_ASSIGN_OR_RETURN(SslCtxPtr ctx, BuildServerSslContext(ProtocolMode::kMtls, material, false));
//   SSL* ssl = SSL_new(ctx.get());
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/status.h"
#include "mock_server/transport/http_server.h"

struct ssl_ctx_st;
struct ssl_st;
struct x509_st;

namespace kuscia::mock::transport::internal {

struct SslCtxDeleter {
  void operator()(ssl_ctx_st* ctx) const;
};
using SslCtxPtr = std::unique_ptr<ssl_ctx_st, SslCtxDeleter>;

// mtls: client certificate required and verified against tls.ca_pem (clientAuth EKU enforced when an
// EKU is present, as Go does); tls: no client certificate asked for. Only the leaf is sent, no ALPN is
// offered (we speak HTTP/1.1 only), TLS 1.2-1.3 (or 1.3 only). kNoTls is an InvalidArgument here.
Result<SslCtxPtr> BuildServerSslContext(ProtocolMode mode, const TlsMaterial& tls, bool tls13_only);

PeerCertificate DescribeCertificate(x509_st* cert);

// "TLSv1.3" / "TLSv1.2" for an established connection.
std::string NegotiatedTlsVersion(ssl_st* ssl);

// The peer certificate of an established connection, if it sent one.
std::optional<PeerCertificate> PeerCertificateOf(ssl_st* ssl);

// Names the cause of a failed server handshake from the verify result and the OpenSSL error code that
// ended it (`openssl_error` as packed by ERR_get_error; 0 when the socket simply closed).
HandshakeFailure ClassifyHandshakeFailure(ssl_st* ssl, unsigned long openssl_error, std::string remote_address,
                                          std::string error_text);

// Go answers plain HTTP on a TLS port only when the first 5 bytes look like an HTTP method
// (net/http tlsRecordHeaderLooksLikeHTTP); otherwise it just closes.
bool LooksLikeHttp(std::string_view first_bytes);

}  // namespace kuscia::mock::transport::internal
