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

struct Outcome {
  TransportClass transport = TransportClass::kOk;
  int http_status = 0;                 // 0 when no response arrived
  std::optional<int> api_code{};       // the body's status.code when the body is a Kuscia envelope
  std::string body{};
  std::vector<std::pair<std::string, std::string>> headers{};  // names lower-cased, in arrival order
  std::chrono::milliseconds elapsed{0};
  std::string detail{};                // the client's own words (curl stderr, httplib error), for reports

  // First header with this (case-insensitive) name.
  std::optional<std::string> Header(std::string_view name) const;
};

// status.code of a Kuscia envelope body ({"status":{"code":N,...}}), or nullopt for anything else.
std::optional<int> ExtractApiCode(std::string_view body);

}  // namespace kuscia::harness
