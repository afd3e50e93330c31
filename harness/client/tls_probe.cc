#include "harness/client/tls_probe.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>

#include <chrono>
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
  // A TLS 1.3 server that accepts our certificate sends a session ticket right after the handshake (Go's
  // crypto/tls and the fake send one), and a server that rejects it sends an alert instead. Seeing the
  // ticket ends the wait at once; without it the probe waits for `timeout` before concluding "accepted".
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx.get(), [](SSL* ssl, SSL_SESSION*) {
    SSL_set_app_data(ssl, reinterpret_cast<void*>(1));
    return 0;  // we keep no reference to the session
  });
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
  if (!ssl) return 0;
  SSL_set_tlsext_host_name(ssl, url.host.c_str());
  SSL_set_app_data(ssl, nullptr);
  if (BIO_do_connect(bio.get()) <= 0) return FirstSslReason();
  if (BIO_do_handshake(bio.get()) <= 0) return FirstSslReason();
  int fd = -1;
  BIO_get_fd(bio.get(), &fd);
  if (fd < 0) return FirstSslReason();
  // Read without blocking, so every record (ticket or alert) is looked at as it arrives.
  SSL_clear_mode(ssl, SSL_MODE_AUTO_RETRY);
  BIO_set_nbio(bio.get(), 1);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (SSL_get_app_data(ssl) == nullptr) {
    char byte;
    int n = SSL_read(ssl, &byte, 1);
    if (n > 0) return 0;  // the server spoke first: it accepted us
    int error = SSL_get_error(ssl, n);
    if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) return FirstSslReason();
    if (SSL_get_app_data(ssl) != nullptr) break;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd waiting{.fd = fd, .events = POLLIN, .revents = 0};
    if (poll(&waiting, 1, static_cast<int>(left.count())) <= 0) break;
  }
  ERR_clear_error();
  return 0;
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
