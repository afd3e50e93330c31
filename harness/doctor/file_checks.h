// The doctor's offline checks: the files of a Kuscia var/certs directory (present, readable, PEM, key
// matches certificate, PKCS#8, permissions, token) and what the certificates say (chain of the client
// certificate to ca.crt, validity and days left, clientAuth usage). No network.
//
//   LocalFiles files{.certs_dir = "/home/kuscia/var/certs", .endpoint_uses_tls = true};
//   Material material = CheckFiles(files, report);     // findings go to `report`
//   CheckClientCertificate(material, report);
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "harness/doctor/finding.h"

namespace kuscia::doctor {

struct LocalFiles {
  std::filesystem::path certs_dir{};
  // Empty: DIR/kusciaapi-client.crt/.key when present, else DIR/kusciaapi-server.crt/.key (as the docs do).
  std::filesystem::path client_cert{}, client_key{};
  // An http:// endpoint (NOTLS) needs no certificates and no token; their absence is then expected (C3).
  bool endpoint_uses_tls = true;
};

// What the file checks could load, for the checks that follow. A member is empty when its file is unusable.
struct Material {
  std::optional<std::string> ca_pem;
  std::optional<std::string> client_cert_pem, client_key_pem;  // both set only when they parse and match
  std::filesystem::path client_cert_path, client_key_path;
  // The token as a client sends it: what `$(cat token)` gives (trailing newlines stripped). Never printed.
  std::optional<std::string> token;
  bool token_file_clean = false;  // the file's bytes are exactly what a client sends
};

Material CheckFiles(const LocalFiles& files, Report& report);

// Chain to ca.crt, validity (warning under kExpiryWarningDays), clientAuth usage.
void CheckClientCertificate(const Material& material, Report& report);

inline constexpr long kExpiryWarningDays = 30;

// Validity finding for one certificate (file or presented by the endpoint); `id` is kCertValidity or
// kServerValidity. Returns false when the certificate is outside its validity period.
bool ReportValidity(FindingId id, const std::string& title, const std::string& cert_pem, const std::string& fix,
                    Report& report);

}  // namespace kuscia::doctor
