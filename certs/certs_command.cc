#include "certs/certs_command.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "certs/catalogue.h"
#include "certs/inspect.h"
#include "certs/kuscia_dir.h"
#include "certs/staging.h"
#include "sys/files.h"

namespace kuscia::certs {
namespace fs = std::filesystem;

namespace {

constexpr int kMaxDays = 36500;

int BadInput(std::ostream& err, const std::string& problem, const std::string& fix) {
  err << "error: " << problem << "; " << fix << "\n";
  return kExitBadInput;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Quotes a path for a POSIX shell only when it needs it, so the common case stays readable.
std::string ShellQuote(const std::string& text) {
  bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-' || c == '+' || c == ':' || c == '@';
  });
  if (plain) return text;
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string Join(const std::vector<std::string>& items, const std::string& prefix) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + prefix + item;
  return text.empty() ? "none" : text;
}

// Everything a user can get wrong is checked here, before anything is generated or written.
std::optional<int> ValidateGenerateOptions(const CertsCommandOptions& options, KusciaDirOptions& dir_options,
                                           std::ostream& err) {
  if (options.out.empty()) return BadInput(err, "no output directory given", "pass --out DIR");
  dir_options.dir = options.out;
  const std::string key = Lower(options.key);
  if (key == "ec") {
    dir_options.key_type = KeyType::kEcP256;
  } else if (key == "rsa") {
    dir_options.key_type = KeyType::kRsa2048;
  } else {
    return BadInput(err, "unknown key type --key '" + options.key + "'", "use --key ec (P-256) or --key rsa (2048)");
  }
  const std::string format = Lower(options.key_format);
  if (format == "pkcs8") {
    dir_options.key_format = KeyFormat::kPkcs8;
  } else if (format == "pkcs1") {
    dir_options.key_format = KeyFormat::kPkcs1;
  } else {
    return BadInput(err, "unknown key format --key-format '" + options.key_format + "'",
                    "use --key-format pkcs8 or --key-format pkcs1");
  }
  if (options.days < 1 || options.days > kMaxDays) {
    return BadInput(err, "--days " + std::to_string(options.days) + " is out of range",
                    "pass a validity between 1 and " + std::to_string(kMaxDays) + " days");
  }
  for (const std::string& san : options.sans) {
    Status valid = ValidateSubjectAltName(san);
    if (!valid.ok()) {
      return BadInput(err, "malformed --san: " + valid.message(),
                      "pass a DNS name (api.example.com) or an IP address (10.0.0.5)");
    }
  }
  dir_options.days = options.days;
  dir_options.extra_sans = options.sans;
  return std::nullopt;
}

int ReportWriteError(const Status& status, std::ostream& err) {
  if (status.code() == StatusCode::kPermissionDenied || status.code() == StatusCode::kInvalidArgument) {
    return BadInput(err, status.message(), "choose a writable --out directory");
  }
  err << "error: " << status.message() << "; this is a bug or a broken OpenSSL installation, please report it\n";
  return kExitFailure;
}

void PrintSummary(const KusciaDirPaths& paths, const ServerSans& sans, const KusciaDirOptions& options,
                  bool catalogue, std::ostream& out) {
  Result<CertificateInfo> server = InspectCertificateFile(paths.server_cert);
  const std::string until = server.ok() ? " (until " + server->not_after + ")" : "";
  out << "Wrote a Kuscia certificate directory: " << paths.dir.string() << "\n"
      << "  ca.crt                CA certificate, CN=" << kCaCommonName << " (0644)\n"
      << "  ca.key                CA private key (0600)\n"
      << "  kusciaapi-server.crt  server certificate, CN=" << kServerCommonName
      << ", no ExtKeyUsage: also usable as a client certificate (0644)\n"
      << "  kusciaapi-server.key  server private key (0600)\n"
      << "  kusciaapi-client.crt  client certificate, CN=" << kClientCommonName << ", EKU clientAuth (0644)\n"
      << "  kusciaapi-client.key  client private key (0600)\n"
      << "  token                 32-character API token, no trailing newline (0600)\n"
      << "Server SANs: DNS " << Join(sans.dns, "") << "; IP " << Join(sans.ip, "") << "\n"
      << "Keys: " << KeyTypeName(options.key_type) << ", "
      << (options.key_format == KeyFormat::kPkcs8       ? "PKCS#8"
          : options.key_type == KeyType::kRsa2048 ? "PKCS#1"
                                                  : "SEC1 (the EC counterpart of PKCS#1)") << ". Validity: " << options.days
      << " days" << until << "\n";
  std::error_code ec;
  if (!catalogue && fs::exists(paths.dir / kCatalogueDirName, ec)) {
    out << "Note: " << (paths.dir / kCatalogueDirName).string()
        << " was made for the previous CA; rerun with --catalogue to refresh it\n";
  }
  if (catalogue) {
    out << "Catalogue: " << Catalogue().size() << " broken identities in "
        << (paths.dir / kCatalogueDirName).string() << " (described in " << kCatalogueManifestName << ")\n";
  }
  out << "Try it against a server using this directory (the token is read from the file, never printed):\n"
      << "  curl --cacert " << ShellQuote(paths.ca_cert.string()) << " --cert "
      << ShellQuote(paths.server_cert.string()) << " --key " << ShellQuote(paths.server_key.string())
      << " -H \"Token: $(cat " << ShellQuote(paths.token.string())
      << ")\" -X POST https://127.0.0.1:8082/healthZ -d '{}'\n";
}

}  // namespace

int RunCertsGenerate(const CertsCommandOptions& options, std::ostream& out, std::ostream& err) {
  KusciaDirOptions dir_options;
  if (std::optional<int> bad = ValidateGenerateOptions(options, dir_options, err)) return *bad;

  Result<ServerSans> sans = ServerSansFor(dir_options);
  Result<KusciaMaterial> material = GenerateKusciaMaterial(dir_options);
  if (!sans.ok() || !material.ok()) return ReportWriteError(sans.ok() ? material.status() : sans.status(), err);

  // One staging folder for the directory and its catalogue: either everything lands or nothing does.
  Result<StagedOutput> staged = StagedOutput::Begin(options.out);
  if (!staged.ok()) return ReportWriteError(staged.status(), err);
  Result<KusciaDirPaths> written = WriteKusciaMaterial(*material, staged->staging());
  if (!written.ok()) return ReportWriteError(written.status(), err);
  if (options.catalogue) {
    Result<std::vector<fs::path>> catalogue = WriteCatalogue(*written, staged->staging());
    if (!catalogue.ok()) return ReportWriteError(catalogue.status(), err);
  }
  const fs::path target = staged->target();
  Status committed = staged->Commit();
  if (!committed.ok()) return ReportWriteError(committed, err);

  PrintSummary(KusciaPathsIn(target), *sans, dir_options, options.catalogue, out);
  return kExitOk;
}

}  // namespace kuscia::certs
