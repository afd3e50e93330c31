// The one place where each client's failure vocabulary becomes a TransportClass. Pure functions of the
// facts a client collected, so every mapping is unit-tested without a network.
//
//   TransportClass t = ClassifyCurl({.exit_code = 60, .ssl_verify_result = 10});  // kTlsServerExpired
//   TransportClass b = ClassifyBuiltin({.failure = BuiltinFailure::kConnection});  // kConnectRefused
#pragma once

#include <string>

#include "harness/client/outcome.h"

namespace kuscia::harness {

// What curl told us: its exit code, -w '%{ssl_verify_result}' and its stderr (the exit code decides; the
// text only separates cases one code covers, such as 35 for a rejected client and for plain HTTP).
struct CurlFacts {
  int exit_code = 0;
  long ssl_verify_result = 0;  // X509_V_* from the server-certificate check
  std::string stderr_text{};
  bool killed_by_timeout = false;  // our own process timeout fired (curl's --max-time did not)
};
TransportClass ClassifyCurl(const CurlFacts& facts);

// httplib's error kinds, without the httplib header.
enum class BuiltinFailure {
  kNone,                 // a response arrived
  kConnection,           // connect() failed
  kConnectionTimeout,    // connect() did not finish in time
  kRead,                 // reading the response failed
  kWrite,                // sending the request failed
  kSslConnection,        // the TLS handshake failed
  kSslLoadingCerts,      // the CA file could not be loaded
  kSslServerVerification,// the server certificate or host name did not verify
  kClientIdentityInvalid,// the client certificate/key could not be loaded (httplib: client not valid)
  kOther,
};

struct BuiltinFacts {
  BuiltinFailure failure = BuiltinFailure::kNone;
  long verify_result = 0;    // SSL_get_verify_result of the connection (0 = X509_V_OK)
  int ssl_reason = 0;        // ERR_GET_REASON of the last OpenSSL error on this thread (0 = none)
  bool deadline_passed = false;  // the step's timeout elapsed during the call
};
TransportClass ClassifyBuiltin(const BuiltinFacts& facts);

// True for the alerts a server sends when it refuses the client's certificate (or its absence).
bool IsClientRejectionAlert(int ssl_reason);

// Shared by both: an X509_V_* result from the server-certificate check -> the class.
TransportClass ClassifyServerVerifyResult(long verify_result);

}  // namespace kuscia::harness
