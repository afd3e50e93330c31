#include "harness/client/transport_mapping.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace kuscia::harness {
namespace {

bool Contains(const std::string& text, const char* needle) { return text.find(needle) != std::string::npos; }

// OpenSSL's words for "the peer has no common protocol with us" (plain HTTP answering a ClientHello,
// version floors that do not overlap).
bool MentionsProtocolMismatch(const std::string& text) {
  return Contains(text, "wrong version number") || Contains(text, "packet length too long") ||
         Contains(text, "unsupported protocol") || Contains(text, "protocol version") ||
         Contains(text, "no protocols available") || Contains(text, "record layer failure") ||
         Contains(text, "http request");
}

bool IsProtocolMismatchReason(int reason) {
  switch (reason) {
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
    case SSL_R_NO_PROTOCOLS_AVAILABLE:
    case SSL_R_HTTP_REQUEST:
      return true;
    default:
      return false;
  }
}

// Alerts a server sends when it refuses the client's certificate (or its absence). Go sends
// certificate_required under TLS 1.3 and bad_certificate under TLS 1.2 (reference §1.3).
bool IsClientRejectedReason(int reason) {
  switch (reason) {
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
    case SSL_R_TLSV1_ALERT_ACCESS_DENIED:
    case SSL_R_TLSV1_ALERT_DECRYPT_ERROR:
    case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool IsClientRejectionAlert(int ssl_reason) { return IsClientRejectedReason(ssl_reason); }

TransportClass ClassifyServerVerifyResult(long verify_result) {
  switch (verify_result) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return TransportClass::kTlsServerExpired;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
    case X509_V_ERR_EMAIL_MISMATCH:
    case X509_V_OK:  // the chain verified, so what failed was the host-name check done after it
      return TransportClass::kTlsHostnameMismatch;
    default:
      return TransportClass::kTlsServerUntrusted;
  }
}

// curl exit codes: https://curl.se/libcurl/c/libcurl-errors.html; the Kuscia docs name 56 and 58.
TransportClass ClassifyCurl(const CurlFacts& f) {
  if (f.killed_by_timeout) return TransportClass::kTimeout;
  const std::string& err = f.stderr_text;
  switch (f.exit_code) {
    case 0:
    case 22:  // --fail and an HTTP error status: a response did arrive
      return TransportClass::kOk;
    case 7:   // couldn't connect
    case 6:   // couldn't resolve host
      return TransportClass::kConnectRefused;
    case 28:
      return TransportClass::kTimeout;
    case 58:  // problem with the local client certificate or key
    case 77:  // problem reading the CA cert
    case 66:  // SSL engine init failed
      return TransportClass::kClientConfigError;
    case 60:  // peer certificate cannot be authenticated with the known CA certificates
    case 51:  // older curl: peer's certificate or fingerprint was not OK
      // curl checks the host name itself after OpenSSL accepted the chain, and says so only in words.
      if (Contains(err, "subject name") || Contains(err, "does not match target host")) {
        return TransportClass::kTlsHostnameMismatch;
      }
      return ClassifyServerVerifyResult(f.ssl_verify_result);
    case 35:  // SSL connect error: an alert from the server, or not TLS at all
      return MentionsProtocolMismatch(err) ? TransportClass::kTlsProtocolMismatch
                                           : TransportClass::kTlsClientRejected;
    case 55:  // failure sending: under TLS 1.3 the server's rejection can beat our request
    case 56:  // failure receiving: TLS 1.3 rejection at the first read, or a reset connection
      if (Contains(err, "alert")) return TransportClass::kTlsClientRejected;
      if (MentionsProtocolMismatch(err)) return TransportClass::kTlsProtocolMismatch;
      return TransportClass::kConnectionReset;
    case 52:  // empty reply from server
    case 18:  // partial file
    case 8:   // weird server reply
    case 1:   // unsupported protocol (e.g. HTTP/0.9 answer)
      return TransportClass::kConnectionReset;
    default:
      return TransportClass::kConnectionReset;
  }
}

TransportClass ClassifyBuiltin(const BuiltinFacts& f) {
  switch (f.failure) {
    case BuiltinFailure::kNone:
      return TransportClass::kOk;
    case BuiltinFailure::kConnection:
      return f.deadline_passed ? TransportClass::kTimeout : TransportClass::kConnectRefused;
    case BuiltinFailure::kConnectionTimeout:
      return TransportClass::kTimeout;
    case BuiltinFailure::kClientIdentityInvalid:
    case BuiltinFailure::kSslLoadingCerts:
      return TransportClass::kClientConfigError;
    case BuiltinFailure::kSslServerVerification:
      return ClassifyServerVerifyResult(f.verify_result);
    case BuiltinFailure::kSslConnection:
      if (f.verify_result != X509_V_OK) return ClassifyServerVerifyResult(f.verify_result);
      if (IsProtocolMismatchReason(f.ssl_reason)) return TransportClass::kTlsProtocolMismatch;
      if (IsClientRejectedReason(f.ssl_reason)) return TransportClass::kTlsClientRejected;
      if (f.deadline_passed) return TransportClass::kTimeout;
      return TransportClass::kConnectionReset;
    case BuiltinFailure::kRead:
    case BuiltinFailure::kWrite:
      // Under TLS 1.3 the server's verdict on our certificate arrives after our handshake finished.
      if (IsClientRejectedReason(f.ssl_reason)) return TransportClass::kTlsClientRejected;
      if (IsProtocolMismatchReason(f.ssl_reason)) return TransportClass::kTlsProtocolMismatch;
      if (f.deadline_passed) return TransportClass::kTimeout;
      return TransportClass::kConnectionReset;
    case BuiltinFailure::kOther:
      return f.deadline_passed ? TransportClass::kTimeout : TransportClass::kConnectionReset;
  }
  return TransportClass::kConnectionReset;
}

}  // namespace kuscia::harness
