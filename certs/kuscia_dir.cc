#include "certs/kuscia_dir.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include "certs/staging.h"
#include "sys/files.h"

namespace kuscia::certs {
namespace fs = std::filesystem;

namespace {

constexpr int kMaxDays = 36500;

void AddUnique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

std::optional<std::string> HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return std::nullopt;
  if (!ValidateSubjectAltName(name).ok() || IsIpLiteral(name)) return std::nullopt;
  return std::string(name);
}

// Kuscia's "host IP" is the first non-loopback IPv4 address of an interface that is up.
std::optional<std::string> HostIpv4() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return std::nullopt;
  std::optional<std::string> found;
  for (ifaddrs* it = list; it != nullptr && !found; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET) continue;
    if ((it->ifa_flags & IFF_UP) == 0 || (it->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET_ADDRSTRLEN];
    const auto* address = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
    if (inet_ntop(AF_INET, &address->sin_addr, text, sizeof text) != nullptr) found = text;
  }
  ::freeifaddrs(list);
  return found;
}

}  // namespace

KusciaDirPaths KusciaPathsIn(const fs::path& dir) {
  return KusciaDirPaths{
      .dir = dir,
      .ca_cert = dir / kCaCertFile,
      .ca_key = dir / kCaKeyFile,
      .server_cert = dir / kServerCertFile,
      .server_key = dir / kServerKeyFile,
      .client_cert = dir / kClientCertFile,
      .client_key = dir / kClientKeyFile,
      .token = dir / kTokenFile,
  };
}

Status ValidateKusciaDirOptions(const KusciaDirOptions& options) {
  if (options.dir.empty()) return InvalidArgument("no output directory given");
  if (options.days < 1 || options.days > kMaxDays) {
    return InvalidArgument("validity of " + std::to_string(options.days) + " days is out of range (1.." +
                           std::to_string(kMaxDays) + ")");
  }
  for (const std::string& san : options.extra_sans) KC_RETURN_IF_ERROR(ValidateSubjectAltName(san));
  return OkStatus();
}

Result<ServerSans> ServerSansFor(const KusciaDirOptions& options) {
  ServerSans sans;
  sans.dns = {"kusciaapi", "localhost"};
  sans.ip = {"127.0.0.1"};
  if (options.add_host_sans) {
    if (auto host = HostName()) AddUnique(sans.dns, *host);
    if (auto ip = HostIpv4()) AddUnique(sans.ip, *ip);
  }
  for (const std::string& san : options.extra_sans) {
    KC_RETURN_IF_ERROR(ValidateSubjectAltName(san));
    AddUnique(IsIpLiteral(san) ? sans.ip : sans.dns, san);
  }
  return sans;
}

Result<KusciaMaterial> GenerateKusciaMaterial(const KusciaDirOptions& options) {
  KC_RETURN_IF_ERROR(ValidateKusciaDirOptions(options));
  KC_ASSIGN_OR_RETURN(ServerSans sans, ServerSansFor(options));
  const auto leaf_validity = std::chrono::days(options.days);
  // The CA outlives every certificate it signs, so a long --days never produces a leaf beyond its root.
  const auto ca_validity = std::chrono::days(std::max(3650, options.days + 1));

  KC_ASSIGN_OR_RETURN(ossl::PkeyPtr ca_key, GenerateKey(options.key_type));
  CertificateSpec ca_spec{.common_name = kCaCommonName, .role = CertificateRole::kCa,
                          .not_after_offset = ca_validity};
  KC_ASSIGN_OR_RETURN(ossl::X509Ptr ca, IssueCertificate(ca_spec, ca_key.get(), nullptr, ca_key.get()));

  KC_ASSIGN_OR_RETURN(ossl::PkeyPtr server_key, GenerateKey(options.key_type));
  CertificateSpec server_spec{.common_name = kServerCommonName, .role = CertificateRole::kServer,
                              .eku = ExtendedKeyUsage::kNone, .dns_sans = sans.dns, .ip_sans = sans.ip,
                              .not_after_offset = leaf_validity};
  KC_ASSIGN_OR_RETURN(ossl::X509Ptr server, IssueCertificate(server_spec, server_key.get(), ca.get(), ca_key.get()));

  KC_ASSIGN_OR_RETURN(ossl::PkeyPtr client_key, GenerateKey(options.key_type));
  CertificateSpec client_spec{.common_name = kClientCommonName, .role = CertificateRole::kClient,
                              .eku = ExtendedKeyUsage::kClientAuth, .not_after_offset = leaf_validity};
  KC_ASSIGN_OR_RETURN(ossl::X509Ptr client, IssueCertificate(client_spec, client_key.get(), ca.get(), ca_key.get()));

  KusciaMaterial material;
  KC_ASSIGN_OR_RETURN(material.ca_cert, CertificatePem(ca.get()));
  KC_ASSIGN_OR_RETURN(material.ca_key, PrivateKeyPem(ca_key.get(), options.key_format));
  KC_ASSIGN_OR_RETURN(material.server_cert, CertificatePem(server.get()));
  KC_ASSIGN_OR_RETURN(material.server_key, PrivateKeyPem(server_key.get(), options.key_format));
  KC_ASSIGN_OR_RETURN(material.client_cert, CertificatePem(client.get()));
  KC_ASSIGN_OR_RETURN(material.client_key, PrivateKeyPem(client_key.get(), options.key_format));
  KC_ASSIGN_OR_RETURN(material.token, NewToken());
  return material;
}

Result<KusciaDirPaths> WriteKusciaMaterial(const KusciaMaterial& material, const fs::path& dir) {
  KC_ASSIGN_OR_RETURN(StagedOutput out, StagedOutput::Begin(dir));
  const KusciaDirPaths staged = KusciaPathsIn(out.staging());
  const struct {
    const fs::path& path;
    const std::string& content;
    unsigned mode;
  } files[] = {
      {staged.ca_cert, material.ca_cert, 0644},         {staged.ca_key, material.ca_key, 0600},
      {staged.server_cert, material.server_cert, 0644}, {staged.server_key, material.server_key, 0600},
      {staged.client_cert, material.client_cert, 0644}, {staged.client_key, material.client_key, 0600},
      {staged.token, material.token, 0600},
  };
  for (const auto& file : files) {
    Status written = sys::WriteFileAtomic(file.path, file.content, file.mode);
    if (!written.ok()) return PermissionDenied("cannot write to " + out.target().string() + ": " + written.message());
  }
  KC_RETURN_IF_ERROR(out.Commit());
  return KusciaPathsIn(out.target());
}

Result<KusciaDirPaths> WriteKusciaDir(const KusciaDirOptions& options) {
  KC_ASSIGN_OR_RETURN(KusciaMaterial material, GenerateKusciaMaterial(options));
  return WriteKusciaMaterial(material, options.dir);
}

bool HasKusciaFiles(const fs::path& dir) {
  const KusciaDirPaths paths = KusciaPathsIn(dir);
  std::error_code ec;
  for (const fs::path* p : {&paths.ca_cert, &paths.ca_key, &paths.server_cert, &paths.server_key,
                            &paths.client_cert, &paths.client_key, &paths.token}) {
    if (!fs::is_regular_file(*p, ec)) return false;
  }
  return true;
}

Result<KusciaMaterial> ReadKusciaMaterial(const KusciaDirPaths& paths) {
  KusciaMaterial material;
  KC_ASSIGN_OR_RETURN(material.ca_cert, sys::ReadFile(paths.ca_cert));
  KC_ASSIGN_OR_RETURN(material.ca_key, sys::ReadFile(paths.ca_key));
  KC_ASSIGN_OR_RETURN(material.server_cert, sys::ReadFile(paths.server_cert));
  KC_ASSIGN_OR_RETURN(material.server_key, sys::ReadFile(paths.server_key));
  KC_ASSIGN_OR_RETURN(material.client_cert, sys::ReadFile(paths.client_cert));
  KC_ASSIGN_OR_RETURN(material.client_key, sys::ReadFile(paths.client_key));
  KC_ASSIGN_OR_RETURN(material.token, sys::ReadFile(paths.token));
  return material;
}

}  // namespace kuscia::certs
