// The doctor's eyes on the wire: name resolution, TCP connect, a TLS handshake driven through OpenSSL
// directly (so the peer certificate, the negotiated ALPN, whether a CertificateRequest arrived and which
// alert the server sent are all visible), and one HTTP/1.1 request over TLS or plain TCP. Every step has a
// deadline; nothing here can hang, and nothing raises SIGPIPE (the socket I/O is ours, OpenSSL works on
// memory BIOs).
//
//   KC_ASSIGN_OR_RETURN(Endpoint ep, ParseEndpoint("https://127.0.0.1:8082"));
//   KC_ASSIGN_OR_RETURN(auto addrs, Resolve(ep));
//   TlsProbe probe = ProbeTls(addrs, {.alpn = {"http/1.1"}, .request = HealthRequest(ep, token)});
//   if (probe.cert_requested && probe.reply && probe.reply->status == 200) ...
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/status.h"

namespace kuscia::doctor {

struct Endpoint {
  std::string scheme;  // "https" | "http"
  std::string host;    // without brackets for IPv6
  uint16_t port = 0;
  bool tls() const { return scheme == "https"; }
  bool host_is_ip() const;
  std::string HostHeader() const;  // "host:port", brackets around IPv6
  std::string Url() const;
};

// "https://HOST:PORT" or "http://HOST:PORT" (a trailing "/" is tolerated); InvalidArgument naming the problem.
Result<Endpoint> ParseEndpoint(std::string_view url);

struct ResolvedAddress {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string text;  // "127.0.0.1:8082"
};

// NotFound when the name does not resolve (with getaddrinfo's words).
Result<std::vector<ResolvedAddress>> Resolve(const Endpoint& endpoint);

// Opens a TCP connection to the first address that accepts. Unavailable ("connection refused") or
// DeadlineExceeded. The descriptor is non-blocking and owned by the caller (close it).
Result<int> ConnectTcp(const std::vector<ResolvedAddress>& addresses, std::chrono::milliseconds timeout);

struct HttpReply {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::optional<std::string> Header(std::string_view name) const;
};

// Parses a complete HTTP/1.x response (Content-Length, chunked, or up to EOF); nullopt when `raw` is not one.
std::optional<HttpReply> ParseHttpReply(std::string_view raw, bool at_eof);

// POST /healthZ with body {} and, when given, the Token header. The token is only ever placed here.
std::string HealthRequest(const Endpoint& endpoint, std::optional<std::string_view> token);

struct TlsProbeOptions {
  std::string cert_pem, key_pem;    // the client identity; both empty = none
  std::vector<std::string> alpn;    // protocols offered, in order; empty = no ALPN extension
  std::string sni;                  // empty = no SNI (as for IP literals)
  std::optional<std::string> request;  // sent after the handshake; nullopt = only listen for an alert
  std::chrono::milliseconds timeout{5000};
};

struct TlsProbe {
  std::string connect_error;    // non-empty: TCP failed and nothing else happened
  bool handshake_done = false;  // our side of the handshake completed
  bool cert_requested = false;  // the server sent a CertificateRequest
  int alert = -1;               // description of the alert the server sent, -1 = none
  std::string alert_text;       // "certificate required"
  std::string alpn;             // negotiated protocol, "" = none
  std::string peer_cert_pem;    // the leaf the server presented
  std::string error;            // OpenSSL's or the socket's words for a failure
  bool timed_out = false;
  bool identity_rejected_locally = false;  // our own cert/key could not be loaded (error says why)
  std::optional<HttpReply> reply;
  std::string raw_reply;        // bytes received after the handshake (capped), for the report
};

// The alert's name as the TLS RFCs spell it ("certificate required"), also for TLS 1.3 alerts OpenSSL 3.0
// itself calls "unknown".
std::string AlertName(int alert);

TlsProbe ProbeTls(const std::vector<ResolvedAddress>& addresses, const TlsProbeOptions& options);

struct PlainProbe {
  std::string connect_error;
  std::string error;
  bool timed_out = false;
  std::optional<HttpReply> reply;
  std::string raw_reply;  // capped
};

// Sends `request` in the clear and reads the answer.
PlainProbe ProbeHttp(const std::vector<ResolvedAddress>& addresses, const std::string& request,
                     std::chrono::milliseconds timeout);

}  // namespace kuscia::doctor
