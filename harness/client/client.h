// The Client interface: send one HTTP request with a given identity and get back the normalised Outcome.
// Implementations: BuiltinClient (cpp-httplib, in-process), CurlClient (the real curl, as the Kuscia docs
// call it), ExecClient (a user's program, contract in docs/clients.md).
//
//   ClientRequest req{.base_url = "https://127.0.0.1:8082", .method = "POST", .path = "/healthZ", .body = "{}"};
//   req.identity = ClientIdentity::FromKusciaDir("/home/kuscia/var/certs");
//   Result<Outcome> o = client->Send(req);   // error only when the client itself broke (curl missing, ...)
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/status.h"
#include "harness/client/outcome.h"

namespace kuscia::harness {

// Who the client claims to be and whom it trusts. Every part can be switched off on its own, which is
// how scenarios reproduce the mistakes users make.
struct ClientIdentity {
  std::optional<std::filesystem::path> ca_cert;      // --cacert; nullopt: the system trust store
  std::optional<std::filesystem::path> client_cert;  // --cert; nullopt: present no client certificate
  std::optional<std::filesystem::path> client_key;   // --key
  // Where the token comes from: its file (shown as $(cat FILE) in commands, never by value), a literal
  // (a deliberately wrong token, shown as is), or no Token header at all.
  enum class TokenSource { kNone, kFile, kLiteral };
  TokenSource token_source = TokenSource::kNone;
  std::filesystem::path token_file;
  std::string token_literal;
  bool verify_server = true;                         // false is curl's -k

  // The documented identity: ca.crt, kusciaapi-server.crt/.key as the client certificate, token file.
  static ClientIdentity FromKusciaDir(const std::filesystem::path& dir);

  // The value to send, as `$(cat token)` yields it (trailing newlines stripped); nullopt for kNone.
  // NotFound naming the file when it cannot be read.
  Result<std::optional<std::string>> TokenValue() const;
};

// Reading a streaming response (WatchJob's chunked stream of concatenated JSON objects, reference §5.1.10)
// for a bounded time or number of events, instead of waiting for the body to end. The read ends at the first
// of: the server ends the body (StreamEnd::kServerClosed), `max_events` complete top-level objects arrived
// (kMaxEvents), `max_time` passed since the call began (kMaxTime). The last two are normal ends: transport
// `ok`, the status and headers of the response head. Every object counts, heartbeats included.
//
// The body reported is every byte received, except that a max_events end cuts it right after the
// max_events-th object: whatever arrived in the same read after it depends on each client's buffering, so
// no client reports it. A stream cut without its final chunk gets the class a truncated unary body gets
// (connection_reset) and StreamEnd::kError, keeping the events that arrived before the cut.
//
// `max_time` bounds the whole call, connecting included (curl's --max-time), in place of
// ClientRequest::timeout: with no response head by then the outcome is `timeout`.
struct StreamRead {
  int max_events = 0;                         // 0: no limit
  std::chrono::milliseconds max_time{10000};  // must be positive
};

struct ClientRequest {
  std::string base_url{};                                    // "https://127.0.0.1:8082"
  std::string method = "POST";
  std::string path{};                                        // "/api/v1/job/create"
  std::vector<std::pair<std::string, std::string>> headers{};  // sent as given (Content-Type included)
  std::optional<std::string> body{};                         // nullopt: no body at all
  ClientIdentity identity{};
  std::chrono::milliseconds timeout{10000};
  std::optional<StreamRead> stream{};                        // nullopt: an ordinary call, the whole body
};

class Client {
 public:
  virtual ~Client() = default;
  // "builtin", "curl", "exec:CMD".
  virtual std::string name() const = 0;
  // An error Status only when the client itself could not run (a missing program, an adapter that broke
  // its contract); every network or TLS failure is an Outcome with its TransportClass.
  virtual Result<Outcome> Send(const ClientRequest& request) = 0;
};

// "builtin" | "curl" | "exec:COMMAND ARGS..." (split on spaces). InvalidArgument naming the choices.
Result<std::unique_ptr<Client>> MakeClient(const std::string& spec);

// A peer that closes first (a TLS rejection) makes the next write raise SIGPIPE, which would kill the whole
// run; clients that write to sockets call this once so the write fails with EPIPE instead.
void IgnoreSigpipe();

// InvalidArgument unless max_events >= 0 and max_time > 0.
Status ValidateStreamRead(const StreamRead& read);

// The common end of every client's stream read, so the rules above are applied in one place: splits
// outcome.body into outcome.stream->events; when max_events objects are there, keeps exactly that many, cuts
// the body after the last and makes the end kMaxEvents with transport ok (a cut after them was not
// observed); any transport failure otherwise makes the end kError. Sets api_code from the (cut) body.
// `end` is how the client saw the read end.
void FinishStreamOutcome(const StreamRead& read, StreamEnd end, Outcome& outcome);

// Splits "https://host:port" into its parts; InvalidArgument for anything else.
struct BaseUrl {
  std::string scheme;  // "https" or "http"
  std::string host;
  int port = 0;
};
Result<BaseUrl> ParseBaseUrl(const std::string& url);

}  // namespace kuscia::harness
