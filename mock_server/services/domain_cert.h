// The certificate rules of the Domain service (reference §5.3): `cert` is a base64-encoded PEM certificate,
// and Kuscia tries a few repairs of what users paste before it gives up (getValidCert).
//
//   Result<std::string> cert = NormalizeDomainCert(request_cert);   // stored form: base64 of the PEM
//   std::string master = EncodeCaCert(ca_pem);                     // QueryDomain("master").cert
#pragma once

#include <string>
#include <string_view>

#include "api/status.h"

namespace kuscia::mock::services {

// tls.VerifyEncodeCert: "cert must be encoded with base64" or "cert format is invalid, must be an x509
// certificate" (InvalidArgument with exactly that message).
Status VerifyEncodedCert(std::string_view base64_cert);

// getValidCert: the cert as given, raw PEM, a PEM body without its armour, a body without line breaks,
// base64 applied twice, or Windows line ends; the first form that verifies, encoded as Kuscia stores it.
// The error is the one the unrepaired input gave.
Result<std::string> NormalizeDomainCert(std::string_view input);

// base64 of the certificate re-encoded as Go's pem.EncodeToMemory writes it; "" when `pem` holds none.
std::string EncodeCaCert(std::string_view pem);

std::string Base64Encode(std::string_view bytes);
// Go's base64.StdEncoding.DecodeString: padding required, '\r' and '\n' skipped, anything else fails.
bool Base64Decode(std::string_view text, std::string* out);

}  // namespace kuscia::mock::services
