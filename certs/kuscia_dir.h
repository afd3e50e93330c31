// The Kuscia certificate layout (var/certs/ in a Kuscia container), generated the way Kuscia does it:
// a CA, a server certificate with no ExtKeyUsage (so it doubles as a client certificate, as the docs use
// it), a clientAuth client certificate, and a 32-character token with no trailing newline.
//
//   KusciaDirOptions options{.dir = "/tmp/certs", .extra_sans = {"10.0.0.5"}};
//   KC_ASSIGN_OR_RETURN(KusciaDirPaths paths, WriteKusciaDir(options));
//   // curl --cacert paths.ca_cert --cert paths.server_cert --key paths.server_key ...
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "api/status.h"
#include "certs/pki.h"

namespace kuscia::certs {

inline constexpr char kCaCertFile[] = "ca.crt";
inline constexpr char kCaKeyFile[] = "ca.key";
inline constexpr char kServerCertFile[] = "kusciaapi-server.crt";
inline constexpr char kServerKeyFile[] = "kusciaapi-server.key";
inline constexpr char kClientCertFile[] = "kusciaapi-client.crt";
inline constexpr char kClientKeyFile[] = "kusciaapi-client.key";
inline constexpr char kTokenFile[] = "token";

inline constexpr char kCaCommonName[] = "kuscia-conformance CA";
inline constexpr char kServerCommonName[] = "KusciaAPI";        // as Kuscia's module sets it
inline constexpr char kClientCommonName[] = "KusciaAPIClient";  // as init_kusciaapi_client_certs.sh sets it

struct KusciaDirOptions {
  std::filesystem::path dir{};                // created if missing
  std::vector<std::string> extra_sans{};      // DNS names or IP literals (validated; malformed -> InvalidArgument)
  KeyType key_type = KeyType::kEcP256;      // for every key in the directory
  KeyFormat key_format = KeyFormat::kPkcs8;  // for every key in the directory
  int days = 3650;                          // validity of server and client certs (1..36500)
  // Kuscia adds the host name (DNS) and the host's first non-loopback IPv4 address to the server SANs.
  // Tests switch this off to get certificates that do not depend on the machine.
  bool add_host_sans = true;
};

struct KusciaDirPaths {
  std::filesystem::path dir, ca_cert, ca_key, server_cert, server_key, client_cert, client_key, token;
};

// The seven file contents, generated in memory before anything touches the disk.
struct KusciaMaterial {
  std::string ca_cert, ca_key, server_cert, server_key, client_cert, client_key, token;
};

// The standard file names in `dir`.
KusciaDirPaths KusciaPathsIn(const std::filesystem::path& dir);

// The SANs the server certificate gets for `options`: kusciaapi, localhost, [host name], extras (DNS);
// 127.0.0.1, [host IP], extras (IP); duplicates removed. InvalidArgument for a malformed extra.
struct ServerSans {
  std::vector<std::string> dns, ip;
};
Result<ServerSans> ServerSansFor(const KusciaDirOptions& options);

// Checks options without generating anything; InvalidArgument naming the offending value.
Status ValidateKusciaDirOptions(const KusciaDirOptions& options);

Result<KusciaMaterial> GenerateKusciaMaterial(const KusciaDirOptions& options);

// Writes `material` into `dir` all-or-nothing: keys and token 0600, certificates 0644.
Result<KusciaDirPaths> WriteKusciaMaterial(const KusciaMaterial& material, const std::filesystem::path& dir);

// Generate + write. Existing files of the same names are replaced. Fast with EC keys (a few ms).
Result<KusciaDirPaths> WriteKusciaDir(const KusciaDirOptions& options);

// True when all seven files exist (kuscia-mock: "if DIR lacks the Kuscia files, generate them").
bool HasKusciaFiles(const std::filesystem::path& dir);

// Reads the seven files of `paths` (NotFound naming the first missing one).
Result<KusciaMaterial> ReadKusciaMaterial(const KusciaDirPaths& paths);

}  // namespace kuscia::certs
