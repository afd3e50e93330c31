// Reading identities back: what a certificate says, what kind of key a file holds, whether they belong
// together, and whether a peer would accept a certificate (OpenSSL's own verifier, as a TLS stack runs it).
// Used by `kuscia-conform certs inspect`, by the doctor, and by the tests of every generated identity.
//
//   KC_ASSIGN_OR_RETURN(CertificateInfo info, InspectCertificateFile(dir / "kusciaapi-server.crt"));
//   Status trusted = VerifyCertificate(leaf_pem, ca_pem, "127.0.0.1", /*require_client_auth=*/false);
//   // trusted.message(): "certificate verification failed: certificate has expired
//   //                     [X509_V_ERR_CERT_HAS_EXPIRED] (subject CN=KusciaAPI)"
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"

namespace kuscia::certs {

struct CertificateInfo {
  std::string subject, issuer;            // RFC 2253, e.g. "CN=KusciaAPI"
  std::vector<std::string> dns_sans, ip_sans;
  std::vector<std::string> ext_key_usages;  // short names ("clientAuth"); empty when there is no EKU
  std::string not_before, not_after;      // RFC 3339, UTC ("2035-01-01T00:00:00Z")
  long days_left = 0;                     // whole days until not_after; negative once expired
  std::string sha256_fingerprint;         // "AA:BB:..."
  bool is_ca = false;
  std::string key_type;                   // "EC P-256", "RSA 2048"
};

Result<CertificateInfo> InspectCertificatePem(std::string_view pem);
Result<CertificateInfo> InspectCertificateFile(const std::filesystem::path& path);

struct KeyInfo {
  std::string format;    // "PKCS#8", "PKCS#1 (RSA)", "SEC1 (EC)"
  std::string key_type;  // "EC P-256", "RSA 2048"
};
Result<KeyInfo> InspectPrivateKeyPem(std::string_view pem);
Result<KeyInfo> InspectPrivateKeyFile(const std::filesystem::path& path);

Result<bool> KeyMatchesCertificatePem(std::string_view key_pem, std::string_view cert_pem);
Result<bool> KeyMatchesCertificate(const std::filesystem::path& key, const std::filesystem::path& cert);

// Verifies `leaf` against `ca` like a TLS peer would: chain, validity, optional host (DNS name or IP
// literal), and, when `require_client_auth`, the TLS-client purpose (EKU clientAuth or no EKU, and a
// KeyUsage allowing signatures). FailedPrecondition whose message names OpenSSL's reason and its
// X509_V_ERR_* constant in brackets; InvalidArgument when either PEM cannot be parsed.
Status VerifyCertificate(std::string_view leaf_pem, std::string_view ca_pem, std::optional<std::string> host,
                         bool require_client_auth);

// The X509_V_ERR_* name of a verification result code ("X509_V_ERR_CERT_HAS_EXPIRED"), or "X509_V_ERR_<n>".
std::string VerifyErrorName(int x509_error);

}  // namespace kuscia::certs
