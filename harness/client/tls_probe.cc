#include "harness/client/tls_probe.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <memory>

#include "harness/client/transport_mapping.h"

namespace kuscia::harness {
namespace {

int FirstSslReason() {
  int reason = 0;
  while (unsigned long e = ERR_get_error()) {
    if (reason == 0 && ERR_GET_LIB(e) == ERR_LIB_SSL) reason = ERR_GET_REASON(e);
  }
  return reason;
}

}  // namespace

int ProbeHandshakeAlert(const BaseUrl& url, const ClientIdentity& identity, std::chrono::milliseconds timeout) {
  IgnoreSigpipe();
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (!ctx) return 0;
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // only the server's verdict on us matters here
  if (identity.client_cert && identity.client_key &&
      (SSL_CTX_use_certificate_chain_file(ctx.get(), identity.client_cert->c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(ctx.get(), identity.client_key->c_str(), SSL_FILETYPE_PEM) != 1)) {
    ERR_clear_error();
    return 0;
  }
  std::unique_ptr<BIO, decltype(&BIO_free_all)> bio(BIO_new_ssl_connect(ctx.get()), BIO_free_all);
  if (!bio) return 0;
  std::string target = url.host + ":" + std::to_string(url.port);
  BIO_set_conn_hostname(bio.get(), target.c_str());
  SSL* ssl = nullptr;
  BIO_get_ssl(bio.get(), &ssl);
  if (ssl) SSL_set_tlsext_host_name(ssl, url.host.c_str());
  if (BIO_do_connect(bio.get()) <= 0) return FirstSslReason();
  int fd = -1;
  BIO_get_fd(bio.get(), &fd);
  if (fd >= 0) {
    timeval tv{.tv_sec = static_cast<time_t>(timeout.count() / 1000),
               .tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  if (BIO_do_handshake(bio.get()) <= 0) return FirstSslReason();
  char byte;
  SSL_read(ssl, &byte, 1);
  return FirstSslReason();
}

void RefineCutWithProbe(const ClientRequest& request, Outcome& outcome) {
  if (outcome.transport != TransportClass::kConnectionReset) return;
  // A response head arrived (a stream cut later): the handshake was accepted, there is nothing to probe.
  if (outcome.http_status != 0) return;
  Result<BaseUrl> url = ParseBaseUrl(request.base_url);
  if (!url.ok() || url->scheme != "https") return;
  auto wait = std::min<std::chrono::milliseconds>(request.timeout, std::chrono::milliseconds(2000));
  int reason = ProbeHandshakeAlert(*url, request.identity, wait);
  if (!IsClientRejectionAlert(reason)) return;
  outcome.transport = TransportClass::kTlsClientRejected;
  const char* text = ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, reason));
  outcome.detail += std::string(outcome.detail.empty() ? "" : "; ") +
                    "a handshake-only probe with the same identity got the alert: " + (text ? text : "?");
}

}  // namespace kuscia::harness
