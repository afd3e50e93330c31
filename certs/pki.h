// The building blocks of every identity: keys, certificates issued from a declarative spec, PEM text,
// tokens and subject-alternative-name validation. Higher layers (kuscia_dir, catalogue) only combine these.
//
//   KC_ASSIGN_OR_RETURN(ossl::PkeyPtr key, GenerateKey(KeyType::kEcP256));
//   CertificateSpec spec{.common_name = "KusciaAPI", .role = CertificateRole::kServer,
//                        .dns_sans = {"localhost"}, .ip_sans = {"127.0.0.1"}};
//   KC_ASSIGN_OR_RETURN(ossl::X509Ptr cert, IssueCertificate(spec, key.get(), ca_cert, ca_key));
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"
#include "certs/openssl_util.h"

namespace kuscia::certs {

enum class KeyType {
  kEcP256,   // the default: fast to generate (well under a millisecond)
  kRsa2048,  // what Kuscia itself generates for kusciaapi-server.key
};

enum class KeyFormat {
  kPkcs8,  // "BEGIN PRIVATE KEY": what Java/Netty clients (SecretPad) require
  kPkcs1,  // the traditional form: "BEGIN RSA PRIVATE KEY" for RSA, SEC1 "BEGIN EC PRIVATE KEY" for EC
};

std::string_view KeyTypeName(KeyType type);  // "EC P-256", "RSA 2048"

// Decides KeyUsage and basicConstraints; ExtendedKeyUsage is chosen separately, because Kuscia's server
// certificate deliberately has none.
enum class CertificateRole {
  kCa,      // CA:TRUE, keyCertSign|cRLSign|digitalSignature (digitalSignature so ca.crt/ca.key also work as a
            // client identity, as Kuscia's own deploy script uses them)
  kServer,  // CA:FALSE, digitalSignature|keyEncipherment, exactly like Kuscia's generated server cert
  kClient,  // CA:FALSE, digitalSignature
};

enum class ExtendedKeyUsage {
  kNone,        // no EKU extension: valid for any purpose (Kuscia's server cert)
  kClientAuth,  // what Kuscia's client-cert script sets
  kServerAuth,  // only for the "client without clientAuth" broken identity
};

struct CertificateSpec {
  std::string common_name{};
  CertificateRole role = CertificateRole::kClient;
  ExtendedKeyUsage eku = ExtendedKeyUsage::kNone;
  std::vector<std::string> dns_sans{};
  std::vector<std::string> ip_sans{};
  // Validity relative to now. The small back-dating absorbs clock skew between the writer and a peer.
  std::chrono::seconds not_before_offset = std::chrono::minutes(-5);
  std::chrono::seconds not_after_offset = std::chrono::days(3650);
};

Result<ossl::PkeyPtr> GenerateKey(KeyType type);

// Signs with `issuer_key`; a null `issuer_cert` makes the certificate self-signed (then issuer_key must be
// `subject_key`). Serial numbers are 127 random bits.
Result<ossl::X509Ptr> IssueCertificate(const CertificateSpec& spec, EVP_PKEY* subject_key, X509* issuer_cert,
                                       EVP_PKEY* issuer_key);

Result<std::string> CertificatePem(X509* cert);
Result<std::string> PrivateKeyPem(EVP_PKEY* key, KeyFormat format);

// 32 characters of the standard base64 alphabet from 24 random bytes, no newline: the shape of the token
// Kuscia writes to var/certs/token.
Result<std::string> NewToken();

// True for an IPv4 or IPv6 literal.
bool IsIpLiteral(std::string_view text);
// OK for an IP literal or a DNS name (labels of letters, digits and '-', an optional leading "*.");
// InvalidArgument naming the problem otherwise.
Status ValidateSubjectAltName(std::string_view san);

}  // namespace kuscia::certs
