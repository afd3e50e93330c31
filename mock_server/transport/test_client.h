// TEST SUPPORT ONLY: what the transport's end-to-end tests share: a handler built from a lambda, a raw
// TCP client (bytes exactly as written, for malformed requests and stalled readers), and curl.
//
//   auto handler = std::make_shared<FunctionHandler>([](HttpRequest r, std::shared_ptr<ResponseWriter> w) {
//     w->Send({.body = r.path});
//   });
//   RawConnection c = RawConnection::Connect(server->port());
//   c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
//   std::string reply = c.ReadUntilClose(5s);
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mock_server/transport/http_server.h"
#include "sys/process.h"

namespace kuscia::mock::transport::testing {

class FunctionHandler final : public RequestHandler {
 public:
  using Fn = std::function<void(HttpRequest, std::shared_ptr<ResponseWriter>)>;
  explicit FunctionHandler(Fn fn) : fn_(std::move(fn)) {}
  void Handle(HttpRequest request, std::shared_ptr<ResponseWriter> writer) override {
    fn_(std::move(request), std::move(writer));
  }

 private:
  Fn fn_;
};

class RawConnection {
 public:
  // Plain TCP to 127.0.0.1:port; `receive_buffer` > 0 shrinks SO_RCVBUF (a reader that stalls sooner).
  static RawConnection Connect(uint16_t port, int receive_buffer = 0);
  RawConnection(RawConnection&& other) noexcept;
  RawConnection& operator=(RawConnection&&) = delete;
  ~RawConnection();

  bool connected() const { return fd_ >= 0; }
  bool Send(std::string_view bytes);
  // Reads until `done(received so far)` holds, the peer closes, or `timeout`; returns all bytes read.
  std::string ReadUntil(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds timeout);
  std::string ReadUntilClose(std::chrono::milliseconds timeout);
  bool peer_closed() const { return peer_closed_; }
  bool peer_reset() const { return peer_reset_; }
  void Close();
  int Release();  // hands the socket over (e.g. to OpenSSL); this object no longer closes it

 private:
  explicit RawConnection(int fd) : fd_(fd) {}
  int fd_ = -1;
  bool peer_closed_ = false;
  bool peer_reset_ = false;
};

// A blocking mutual-TLS client for what curl cannot shape: pipelined requests in one TLS write, or one
// connection left idle between two requests. Trusts `ca_pem`, presents `cert_pem`/`key_pem`.
class TlsConnection {
 public:
  struct Options {
    int max_version = 0;       // e.g. TLS1_2_VERSION; 0: OpenSSL's highest
    std::string ciphersuites{};  // TLS 1.3 suites, e.g. "TLS_CHACHA20_POLY1305_SHA256"; empty: OpenSSL's list
  };
  // nullptr (and `error` set) when the TCP connect or the handshake fails.
  static std::unique_ptr<TlsConnection> Connect(uint16_t port, const TlsMaterial& client, std::string& error,
                                                const Options& options);
  static std::unique_ptr<TlsConnection> Connect(uint16_t port, const TlsMaterial& client, std::string& error) {
    return Connect(port, client, error, Options{});
  }
  ~TlsConnection();
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  bool Send(std::string_view bytes);
  // Reads until `done(received so far)` holds, the peer closes, or `timeout`; returns what this call read.
  std::string ReadUntil(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds timeout);
  bool peer_closed() const { return peer_closed_; }
  // The peer ended with close_notify (not just a FIN or an error).
  bool peer_closed_cleanly() const { return peer_closed_cleanly_; }
  // Sends a KeyUpdate asking the peer to update its key too (RFC 8446 §4.6.3); false on failure.
  bool RequestKeyUpdate();
  // The negotiated TLS 1.3 suite's name, e.g. "TLS_AES_256_GCM_SHA384".
  std::string CipherName() const;
  // close_notify, then keeps reading (ReadUntil) for the peer's own.
  bool SendCloseNotify();

  struct Handles;

 private:
  explicit TlsConnection(std::unique_ptr<Handles> handles);
  std::unique_ptr<Handles> handles_;
  bool peer_closed_ = false;
  bool peer_closed_cleanly_ = false;
};

// Runs curl with a 20 s cap; fails the calling test (via the returned result's exit_code = -2) only
// when curl cannot be started at all.
sys::ProcessResult Curl(std::vector<std::string> args);

}  // namespace kuscia::mock::transport::testing
