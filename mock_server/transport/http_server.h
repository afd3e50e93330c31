// The fake server's transport: an event-driven HTTP/1.1 server (Asio, OpenSSL, Beast's parser) that knows
// nothing of Kuscia's routes. Every parsed request goes to one RequestHandler together with a
// ResponseWriter that may be completed later, from any thread (watch streams, fault delays).
//
// Threading: `threads` event loops, one io_context each; a connection lives on one loop for its whole
// life. Handle() runs on that loop, so it must not block: hand slow work elsewhere and answer through
// the writer. Protocol modes follow the Kuscia reference §1.2 (mtls / tls / notls).
//
//   ServerOptions options;
//   options.port = 0;                           // any free port
//   options.tls = {ca_pem, cert_pem, key_pem};  // PEM text, read once by the caller
//   auto server = HttpServer::Start(std::move(options), my_handler);
//   if (!server.ok()) return server.status();
//   std::string url = "https://127.0.0.1:" + std::to_string((*server)->port());
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/status.h"

namespace kuscia::mock::transport {

enum class ProtocolMode {
  kMtls,   // TLS; a client certificate chaining to ca.crt is required (Kuscia's default)
  kTls,    // TLS; no client certificate asked for (the token check still applies, one layer up)
  kNoTls,  // plain HTTP (and, one layer up, no token check)
};

// "mtls" | "tls" | "notls", case-insensitive (Kuscia's kuscia.yaml spells them MTLS/TLS/NOTLS).
Result<ProtocolMode> ParseProtocolMode(std::string_view text);
std::string_view ProtocolModeName(ProtocolMode mode);  // "mtls" | "tls" | "notls"

// PEM text. ca_pem may hold several certificates (all trusted); cert_pem's first certificate is the
// leaf, and only the leaf is sent (Kuscia sends no chain). key_pem: PKCS#1, SEC1 or PKCS#8, unencrypted.
struct TlsMaterial {
  std::string ca_pem{}, cert_pem{}, key_pem{};
};

struct PeerCertificate {
  std::string subject{}, issuer{};      // RFC 2253 ("CN=client,O=kuscia")
  std::vector<std::string> sans{};      // "DNS:localhost", "IP:127.0.0.1"
  std::string sha256_fingerprint{};     // lower-case hex of the DER, no separators
};

struct ConnectionInfo {
  uint64_t id = 0;                      // unique per server, starting at 1
  std::string remote_address{};         // "127.0.0.1:5555", "[::1]:5555"
  std::string tls_version{};            // "TLSv1.3", "TLSv1.2"; "" for plain HTTP
  std::optional<PeerCertificate> client_certificate{};
};

// ASCII case-insensitive equality, as HTTP compares header names.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

struct HttpRequest {
  std::string method{}, target{}, path{}, query{};  // target = path[?query]
  std::vector<std::pair<std::string, std::string>> headers{};  // as received, in order
  std::string body{};
  std::shared_ptr<const ConnectionInfo> connection{};
  int http_minor_version = 1;               // 1 for HTTP/1.1, 0 for HTTP/1.0

  // The first header with this name (case-insensitive).
  std::optional<std::string_view> Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  // Sent in this order. Content-Length and Transfer-Encoding are the transport's (any given here are
  // dropped); Date is added unless present; Connection: close is added when the connection will close.
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string body{};
  // When set, sent instead of `body` without a copy (cached encodings shared by many responses).
  std::shared_ptr<const std::string> shared_body{};
  bool close_connection = false;
};

// One per request. Thread-safe: every call may come from any thread; the work runs on the connection's
// loop (inline when already on it). Exactly one of Send or StartStream per request; later calls of the
// wrong kind are ignored. Holding a writer keeps its connection object (not the socket) alive.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  virtual void Send(HttpResponse response) = 0;
  // Starts a chunked response (HTTP/1.0 peers get an unframed body and a close at the end).
  virtual void StartStream(int status, std::vector<std::pair<std::string, std::string>> headers) = 0;
  // Queued, never blocks; an empty chunk is skipped (it would end the stream). When a consumer stops
  // reading and the queue passes ServerOptions::max_stream_queue_bytes, the transport CLOSES the
  // connection (never drops data silently) and the OnClose callbacks run.
  virtual void WriteChunk(std::string data) = 0;
  virtual void EndStream() = 0;
  // Ends the connection without completing the response. reset=false: output already queued (e.g. by
  // WriteRaw) still goes out, then a FIN. reset=true: a TCP RST now (SO_LINGER 0), queued output dropped.
  virtual void Abort(bool reset) = 0;
  // True once this response can take no more output: it ended, was aborted, or the connection is gone.
  virtual bool IsClosed() const = 0;
  // Runs once, on the connection's loop, when the connection goes away before or right after this
  // response (peer left, Abort, queue overflow, Stop, close after the response). A response that
  // completes on a kept-alive connection releases its callbacks without running them. Registering on
  // an already closed connection runs the callback soon, on the loop.
  virtual void OnClose(std::function<void()> callback) = 0;
  // Runs `callback` on this connection's loop after `delay` (heartbeats, fault delays: no threads).
  // Dropped without running when the connection closes first.
  virtual void RunAfter(std::chrono::milliseconds delay, std::function<void()> callback) = 0;
  // Fault hook: writes bytes exactly as given (no framing), in order with other output. Use it before
  // or instead of Send to fake truncated bodies, headers-then-close, slow dribbles; finish with Abort.
  // Not pure so test doubles need not care; a writer that cannot write raw bytes closes instead.
  virtual void WriteRaw(std::string /*bytes*/) { Abort(false); }
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual void Handle(HttpRequest request, std::shared_ptr<ResponseWriter> writer) = 0;
};

struct HandshakeFailure {
  std::string remote_address{};
  // no_client_certificate | unknown_ca | certificate_expired | not_tls | protocol_version | other
  std::string cause{};
  std::string detail{};  // OpenSSL's words, or what the peer sent instead of a ClientHello
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8082;  // 0 = pick a free one (see HttpServer::port())
  ProtocolMode mode = ProtocolMode::kMtls;
  TlsMaterial tls;
  int threads = 2;  // one io_context per thread
  std::chrono::seconds read_timeout{20};    // handshake + whole request; cleared while the handler runs
  std::chrono::seconds idle_timeout{300};   // between requests on a kept-alive connection
  size_t max_header_bytes = (1 << 20) + 4096;  // Go: MaxHeaderBytes 1 MiB + 4 KiB slack -> 431
  size_t max_body_bytes = 256u << 20;          // -> 413 naming the limit, then close
  size_t max_stream_queue_bytes = 8u << 20;    // per connection; past it a stalled stream is closed
  int backlog = 1024;
  // How often each loop frees the TLS record buffers (2 x 17 KB) of connections that did no I/O for a
  // whole period: idle keep-alive connections and quiet streams then cost ~25 KB instead of ~60 KB.
  std::chrono::milliseconds idle_buffer_sweep{250};
  bool tls13_only = false;  // default: TLS 1.2-1.3 negotiated, 1.3 preferred (Go's defaults)
  // After a TLS 1.3 handshake the transport protects records itself (AES-GCM, ChaCha20-Poly1305) and
  // frees OpenSSL's ~19 KB of connection state; an idle connection then holds ~3 KB. False keeps every
  // connection on OpenSSL throughout, as TLS 1.2 connections always are.
  bool own_tls13_record_layer = true;
  std::function<void(const HandshakeFailure&)> on_handshake_failure;  // optional; runs on a loop thread
};

class HttpServer {
 public:
  // Binds, listens and starts the loops. Errors: InvalidArgument (options, PEM), Unavailable (bind).
  // Sets SIGPIPE to ignored if it still has its default action (OpenSSL writes without MSG_NOSIGNAL).
  static Result<std::unique_ptr<HttpServer>> Start(ServerOptions options, std::shared_ptr<RequestHandler> handler);
  ~HttpServer();  // stops and joins
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;
  std::string host() const;
  // Stops accepting, closes every connection (OnClose callbacks run), joins the loops. Idempotent.
  // Never call it from a handler or callback: it joins the loop threads they run on.
  void Stop();
  // New connections use the new mode and material; open ones keep theirs. Bad PEM: error, old kept.
  Status UpdateTls(ProtocolMode mode, TlsMaterial tls);
  size_t open_connections() const;
  // How many times an idle TLS connection has given its record buffers back (see idle_buffer_sweep).
  uint64_t idle_buffer_releases() const;
  // How many TLS 1.3 connections left OpenSSL after their handshake (see own_tls13_record_layer).
  uint64_t tls13_record_layer_takeovers() const;

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kuscia::mock::transport
