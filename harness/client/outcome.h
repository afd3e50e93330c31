// The normalised outcome of one API call: the same shape whichever client (builtin, curl, exec) made it,
// so a scenario's expectations never depend on the client. Each client maps its own failures (httplib
// errors + OpenSSL verify results, curl exit codes, an adapter's report) onto TransportClass.
//
//   Outcome o = *client.Send(request);
//   if (o.transport == TransportClass::kOk && o.api_code == 0) ...
//   std::cout << TransportClassName(o.transport);   // "tls_client_rejected"
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/status.h"

namespace kuscia::harness {

// What happened on the wire, before any HTTP semantics. One line each; the names are the scenario vocabulary.
enum class TransportClass {
  kOk,                    // an HTTP response arrived (any status code)
  kTlsClientRejected,     // the server refused our client certificate (missing, untrusted, expired, wrong EKU)
  kTlsServerUntrusted,    // we could not verify the server's chain against our CA (unknown CA, self-signed)
  kTlsHostnameMismatch,   // the server's certificate does not name the host we dialled
  kTlsServerExpired,      // the server's certificate is expired or not yet valid
  kTlsProtocolMismatch,   // no common TLS ground: plain HTTP on a TLS port, version or cipher mismatch
  kClientConfigError,     // our own identity could not be loaded (missing file, key does not match cert)
  kConnectRefused,        // nothing listens there (or the host cannot be reached)
  kConnectionReset,       // the connection was cut without a TLS alert and without a response
  kTimeout,               // no complete response within the step's timeout
};

std::string_view TransportClassName(TransportClass transport);
// Accepts the names above ("tls_client_rejected"); InvalidArgument listing the valid names otherwise.
Result<TransportClass> ParseTransportClass(std::string_view name);
const std::vector<TransportClass>& AllTransportClasses();

// How a stream read (ClientRequest::stream) ended.
enum class StreamEnd {
  kServerClosed,  // the server ended the body properly (the final chunk)
  kMaxEvents,     // max_events objects arrived; the client stopped reading (what came after is not observed)
  kMaxTime,       // max_time passed after the response head arrived; the client stopped reading
  kError,         // the stream never started or was cut: `transport` says how
};
std::string_view StreamEndName(StreamEnd end);  // "server_closed", "max_events", "max_time", "error"
// Accepts the names above; InvalidArgument listing them otherwise.
Result<StreamEnd> ParseStreamEnd(std::string_view name);

// What a stream read saw, besides the raw body.
struct StreamOutcome {
  StreamEnd end = StreamEnd::kServerClosed;
  // The complete top-level JSON objects of the body in arrival order, heartbeats ({"type":4}) included;
  // an unfinished object at the end is not an event.
  std::vector<nlohmann::json> events{};
  // Set when the body stopped being a sequence of JSON objects (a text error page, say), or a stream the
  // server closed ended inside an object; `events` then holds the objects before that point.
  std::string parse_error{};
};

struct Outcome {
  TransportClass transport = TransportClass::kOk;
  int http_status = 0;                 // 0 when no response arrived
  std::optional<int> api_code{};       // the body's status.code when the body is a Kuscia envelope
  std::string body{};
  std::vector<std::pair<std::string, std::string>> headers{};  // names lower-cased, in arrival order
  std::chrono::milliseconds elapsed{0};
  std::string detail{};                // the client's own words (curl stderr, httplib error), for reports
  // Set exactly when the request asked for a stream read. In stream mode `http_status` and `headers` are
  // those of the response head whenever one arrived, even if the stream was cut afterwards.
  std::optional<StreamOutcome> stream{};

  // First header with this (case-insensitive) name.
  std::optional<std::string> Header(std::string_view name) const;
};

// status.code of a Kuscia envelope body ({"status":{"code":N,...}}), or nullopt for anything else.
std::optional<int> ExtractApiCode(std::string_view body);

}  // namespace kuscia::harness
