// `kuscia-conform certs inspect DIR` (declared in certs_command.h).
#include <algorithm>
#include <ctime>
#include <set>

#include "certs/certs_command.h"
#include "certs/inspect.h"
#include "certs/kuscia_dir.h"
#include "sys/files.h"

namespace kuscia::certs {
namespace fs = std::filesystem;

namespace {

constexpr long kExpiryWarningDays = 30;

std::string JoinList(const std::vector<std::string>& items, const std::string& prefix) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + prefix + item;
  return text;
}

// The standard Kuscia names first (in layout order), then any other PEM-looking file.
std::vector<fs::path> FilesToInspect(const fs::path& dir) {
  std::vector<fs::path> files;
  std::set<std::string> seen;
  for (const char* name : {kCaCertFile, kCaKeyFile, kServerCertFile, kServerKeyFile, kClientCertFile, kClientKeyFile,
                           kTokenFile}) {
    std::error_code ec;
    if (fs::is_regular_file(dir / name, ec)) files.push_back(dir / name);
    seen.insert(name);
  }
  std::vector<fs::path> others;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string ext = entry.path().extension().string();
    if (!entry.is_regular_file(ec) || seen.count(entry.path().filename().string())) continue;
    if (ext == ".crt" || ext == ".pem" || ext == ".key" || ext == ".cer") others.push_back(entry.path());
  }
  std::sort(others.begin(), others.end());
  files.insert(files.end(), others.begin(), others.end());
  return files;
}

std::string NowRfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string Validity(const CertificateInfo& info) {
  std::string text = info.not_before + " to " + info.not_after;
  // Same fixed-width UTC format on both sides, so comparing the strings compares the instants.
  if (info.not_before > NowRfc3339()) return text + " (NOT YET VALID)";
  if (info.days_left < 0) return text + " (EXPIRED on " + info.not_after + ")";
  text += " (" + std::to_string(info.days_left) + " days left)";
  if (info.days_left < kExpiryWarningDays) text += " WARNING: expires soon";
  return text;
}

// The certificate a key belongs to: same stem, ".crt".
fs::path CertificateFor(const fs::path& key) { return fs::path(key).replace_extension(".crt"); }

void InspectCertificate(const fs::path& path, const std::optional<std::string>& ca_pem, std::ostream& out) {
  Result<std::string> pem = sys::ReadFile(path);
  Result<CertificateInfo> info = pem.ok() ? InspectCertificatePem(*pem) : Result<CertificateInfo>(pem.status());
  out << path.filename().string() << ": certificate\n";
  if (!info.ok()) {
    out << "  error:        " << info.status().message() << "\n";
    return;
  }
  out << "  subject:      " << info->subject << "\n"
      << "  issuer:       " << info->issuer << "\n"
      << "  SANs:         "
      << (info->dns_sans.empty() && info->ip_sans.empty()
              ? std::string("none")
              : JoinList(info->dns_sans, "DNS:") + (info->dns_sans.empty() || info->ip_sans.empty() ? "" : ", ") +
                    JoinList(info->ip_sans, "IP:"))
      << "\n"
      << "  EKU:          "
      << (info->ext_key_usages.empty() ? std::string("none (any purpose)") : JoinList(info->ext_key_usages, ""))
      << "\n"
      << "  CA:           " << (info->is_ca ? "yes" : "no") << "\n"
      << "  public key:   " << info->key_type << "\n"
      << "  validity:     " << Validity(*info) << "\n"
      << "  sha256:       " << info->sha256_fingerprint << "\n";
  if (ca_pem && path.filename() != kCaCertFile) {
    // The client certificate is checked as the mTLS server checks it; anything else for chain and time only.
    const bool as_client = path.filename() == kClientCertFile;
    Status verified = VerifyCertificate(*pem, *ca_pem, std::nullopt, as_client);
    out << "  trusted by ca.crt" << (as_client ? " as a TLS client" : "") << ": "
        << (verified.ok() ? std::string("yes") : "NO, " + verified.message()) << "\n";
    if (path.filename() == kServerCertFile) {
      Status named = VerifyCertificate(*pem, *ca_pem, "127.0.0.1", false);
      out << "  valid for https://127.0.0.1: " << (named.ok() ? std::string("yes") : "NO, " + named.message())
          << "\n";
    }
  }
}

void InspectKey(const fs::path& path, std::ostream& out) {
  out << path.filename().string() << ": private key\n";
  Result<KeyInfo> info = InspectPrivateKeyFile(path);
  if (!info.ok()) {
    out << "  error:        " << info.status().message() << "\n";
    return;
  }
  out << "  format:       " << info->format << (info->format == "PKCS#8" ? "" : " (Java/Netty clients need PKCS#8)")
      << "\n"
      << "  key type:     " << info->key_type << "\n";
  std::error_code ec;
  const fs::path cert = CertificateFor(path);
  if (!fs::is_regular_file(cert, ec)) return;
  Result<bool> matches = KeyMatchesCertificate(path, cert);
  out << "  matches " << cert.filename().string() << ": "
      << (!matches.ok() ? "unknown, " + matches.status().message()
                        : *matches ? std::string("yes")
                                   : std::string("NO, this key does not belong to the certificate"))
      << "\n";
}

void InspectToken(const fs::path& path, std::ostream& out) {
  out << path.filename().string() << ": token (value not shown)\n";
  Result<std::string> token = sys::ReadFile(path);
  if (!token.ok()) {
    out << "  error:        " << token.status().message() << "\n";
    return;
  }
  const std::string& value = *token;
  out << "  length:       " << value.size() << " bytes\n";
  if (value.empty()) {
    out << "  WARNING: empty; Kuscia then accepts requests without a token and rejects every real token\n";
    return;
  }
  if (value.back() == '\n' || value.back() == '\r') {
    out << "  WARNING: ends with a newline; Kuscia compares the raw bytes, so `$(cat token)` gets HTTP 401\n";
  }
  const bool base64 = std::all_of(value.begin(), value.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '+' || c == '/' || c == '=';
  });
  if (!base64) out << "  note:         contains characters outside the base64 alphabet Kuscia uses\n";
  else if (value.size() == 32) out << "  shape:        32 base64 characters, as Kuscia writes it\n";
}

}  // namespace

int RunCertsInspect(const fs::path& dir, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    err << "error: " << dir.string() << " is not a directory; pass the folder holding ca.crt, "
        << "kusciaapi-server.crt, ... (e.g. /home/kuscia/var/certs)\n";
    return kExitBadInput;
  }
  const std::vector<fs::path> files = FilesToInspect(dir);
  if (files.empty()) {
    err << "error: no certificates, keys or token found in " << dir.string()
        << "; pass the folder holding ca.crt, kusciaapi-server.crt, ... or create one with `certs --out DIR`\n";
    return kExitBadInput;
  }
  std::optional<std::string> ca_pem;
  if (Result<std::string> ca = sys::ReadFile(dir / kCaCertFile); ca.ok()) ca_pem = *ca;

  out << "Inspecting " << dir.string() << "\n";
  for (const fs::path& file : files) {
    out << "\n";
    const std::string ext = file.extension().string();
    if (file.filename() == kTokenFile) {
      InspectToken(file, out);
    } else if (ext == ".key") {
      InspectKey(file, out);
    } else if (Result<std::string> text = sys::ReadFile(file);
               text.ok() && text->find("PRIVATE KEY-----") != std::string::npos) {
      InspectKey(file, out);
    } else {
      InspectCertificate(file, ca_pem, out);
    }
  }
  return kExitOk;
}

}  // namespace kuscia::certs
