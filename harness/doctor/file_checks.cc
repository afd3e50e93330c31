#include "harness/doctor/file_checks.h"

#include <sys/stat.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include "certs/inspect.h"
#include "certs/kuscia_dir.h"

namespace kuscia::doctor {
namespace {

namespace fs = std::filesystem;

constexpr char kChainFix[] =
    "use a client certificate issued by this node's ca.crt (each Kuscia domain has its own CA): run "
    "scripts/deploy/init_kusciaapi_client_certs.sh on the node, or use its kusciaapi-server.crt/.key as the docs do";
constexpr char kPkcs8Note[] =
    "Java/Netty clients (SecretPad, Easy-PSI) only load PKCS#8 keys ('File does not contain valid private key')";

std::string Name(const fs::path& path) { return path.filename().string(); }

// Reads a file the way a client would; the finding names what went wrong and how to fix it.
std::optional<std::string> ReadRequired(const fs::path& path, const std::string& role, bool required,
                                        const std::string& missing_fix, Report& report) {
  std::error_code ec;
  std::string title = role + " " + path.string();
  if (!fs::exists(path, ec)) {
    if (required) {
      report.Error(FindingId::kFiles, title, "missing", missing_fix);
    } else {
      report.Ok(FindingId::kFiles, title, "absent, and not needed for an http:// (NOTLS) endpoint");
    }
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in.good() && !in.eof()) {
    report.Error(FindingId::kFiles, title, "present but not readable by this user",
                 "run the doctor as the user the client runs as, or fix the file's owner/permissions");
    return std::nullopt;
  }
  if (!in.is_open()) {
    report.Error(FindingId::kFiles, title, "present but cannot be opened (permissions?)",
                 "fix the file's owner/permissions so the client's user can read it");
    return std::nullopt;
  }
  report.Ok(FindingId::kFiles, title, "present and readable");
  return buffer.str();
}

bool CertParses(const std::string& pem, const std::string& title, Report& report) {
  Result<certs::CertificateInfo> info = certs::InspectCertificatePem(pem);
  if (!info.ok()) {
    report.Error(FindingId::kPem, title, "not a PEM certificate that parses",
                 "copy the file again from the node's var/certs (it must start with -----BEGIN CERTIFICATE-----)",
                 info.status().message());
    return false;
  }
  report.Ok(FindingId::kPem, title, "PEM certificate, subject " + info->subject);
  return true;
}

bool KeyParses(const std::string& pem, const fs::path& path, Report& report, bool check_format) {
  std::string title = "Private key " + path.string();
  Result<certs::KeyInfo> info = certs::InspectPrivateKeyPem(pem);
  if (!info.ok()) {
    report.Error(FindingId::kPem, title, "not an unencrypted PEM private key that parses",
                 "copy the key again from the node that issued the certificate (curl then fails with exit 58)",
                 info.status().message());
    return false;
  }
  report.Ok(FindingId::kPem, title, info->format + " " + info->key_type);
  if (check_format) {
    if (info->format == "PKCS#8") {
      report.Ok(FindingId::kKeyFormat, title, "PKCS#8, loadable by every client (" + std::string(kPkcs8Note) + ")");
    } else {
      report.Warn(FindingId::kKeyFormat, title,
                  info->format + ": curl, Go and Python accept it, but " + kPkcs8Note,
                  "convert it: openssl pkcs8 -topk8 -nocrypt -in " + path.string() + " -out " + path.string() +
                      ".pk8 (then use the .pk8 file)");
    }
  }
  return true;
}

void CheckKeyPermissions(const fs::path& path, Report& report) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;
  std::string title = "Private key " + path.string();
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    report.Warn(FindingId::kKeyPermissions, title, std::string("mode ") + mode + ": readable by group or others",
                "chmod 600 " + path.string());
  } else {
    report.Ok(FindingId::kKeyPermissions, title, "readable by its owner only");
  }
}

bool CheckKeyPair(const std::string& key_pem, const std::string& cert_pem, const fs::path& key,
                  const fs::path& cert, const std::string& fix, Report& report) {
  std::string title = Name(key) + " with " + Name(cert);
  Result<bool> match = certs::KeyMatchesCertificatePem(key_pem, cert_pem);
  if (!match.ok()) {
    report.Error(FindingId::kKeyPair, title, "cannot compare the key with the certificate", fix,
                 match.status().message());
    return false;
  }
  if (!*match) {
    report.Error(FindingId::kKeyPair, title,
                 "the key does not belong to the certificate (curl: exit 58 'unable to set private key file')", fix);
    return false;
  }
  report.Ok(FindingId::kKeyPair, title, "the key belongs to the certificate");
  return true;
}

void CheckToken(const fs::path& path, bool required, Material& material, Report& report) {
  std::string title = "Token " + path.string();
  std::optional<std::string> bytes =
      ReadRequired(path, "Token file", required,
                   "copy var/certs/token from the node you call; a node installed with NOTLS has no token (C3): "
                   "then use http:// and no token",
                   report);
  if (!bytes) return;
  const std::string& token = *bytes;
  std::string sendable = token;
  while (!sendable.empty() && (sendable.back() == '\n' || sendable.back() == '\r')) sendable.pop_back();
  material.token = sendable;
  std::string length = std::to_string(token.size()) + " bytes";
  if (token.empty()) {
    report.Error(FindingId::kToken, title,
                 "empty: Kuscia compares the Token header with \"\", so requests without a token are let in and "
                 "every client sending a real token gets 401 (SecretPad refuses to start)",
                 "delete the empty file and restart Kuscia so it regenerates the token (32 characters, no newline)");
    return;
  }
  if (token.back() == '\n' || token.back() == '\r') {
    report.Error(FindingId::kToken, title,
                 "ends in a newline: Kuscia compares the raw file bytes, so `Token: $(cat token)` (newline "
                 "stripped) gets HTTP 401, and Kuscia's own health probe fails with 'invalid header field value "
                 "for \"Token\"' and the container restarts",
                 "rewrite it without the newline: printf %s \"$(cat " + path.string() + ")\" > " + path.string() +
                     ".new && mv " + path.string() + ".new " + path.string() +
                     " (or delete it so Kuscia regenerates it)",
                 length);
    return;
  }
  if (token.front() == ' ' || token.front() == '\t' || token.back() == ' ' || token.back() == '\t') {
    report.Error(FindingId::kToken, title,
                 "starts or ends with whitespace: HTTP strips it from the header value, so the header can never "
                 "equal the file and every request gets 401",
                 "remove the whitespace from the file (or delete it so Kuscia regenerates it)", length);
    return;
  }
  for (unsigned char c : token) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      report.Error(FindingId::kToken, title,
                   "contains a control character that cannot go into an HTTP header (Go: 'invalid header field "
                   "value for \"Token\"')",
                   "delete the file and restart Kuscia so it regenerates the token from the domain key", length);
      return;
    }
  }
  for (unsigned char c : token) {
    if (c >= 0x80) {
      material.token_file_clean = true;
      report.Warn(FindingId::kToken, title,
                  "contains non-ASCII bytes: Go accepts them in a header, many clients do not",
                  "use Kuscia's generated token (32 base64 characters)", length);
      return;
    }
  }
  material.token_file_clean = true;
  report.Ok(FindingId::kToken, title, "non-empty, no newline or whitespace, header-safe (" + length + ")");
}

}  // namespace

bool ReportValidity(FindingId id, const std::string& title, const std::string& cert_pem, const std::string& fix,
                    Report& report) {
  Result<certs::CertificateInfo> info = certs::InspectCertificatePem(cert_pem);
  if (!info.ok()) return false;
  std::tm not_before{};
  bool not_yet_valid = false;
  if (strptime(info->not_before.c_str(), "%Y-%m-%dT%H:%M:%SZ", &not_before) != nullptr) {
    not_yet_valid = timegm(&not_before) > std::time(nullptr);
  }
  std::string range = info->not_before + " .. " + info->not_after;
  if (not_yet_valid) {
    report.Error(id, title, "not valid before " + info->not_before + " (the issuer's clock was ahead, or this one is behind)",
                 fix + "; or correct the clock", range);
    return false;
  }
  if (info->days_left < 0) {
    report.Error(id, title, "expired on " + info->not_after + " (" + std::to_string(-info->days_left) + " days ago)",
                 fix, range);
    return false;
  }
  if (info->days_left < kExpiryWarningDays) {
    report.Warn(id, title, "expires on " + info->not_after + ": " + std::to_string(info->days_left) + " days left",
                fix + " before it expires", range);
    return true;
  }
  report.Ok(id, title, "valid until " + info->not_after + " (" + std::to_string(info->days_left) + " days left)");
  return true;
}

Material CheckFiles(const LocalFiles& files, Report& report) {
  Material material;
  const bool tls = files.endpoint_uses_tls;
  std::error_code ec;
  if (!fs::is_directory(files.certs_dir, ec)) {
    report.Error(FindingId::kCertsDir, "Certificates directory " + files.certs_dir.string(),
                 "does not exist or is not a directory",
                 "pass --certs with Kuscia's var/certs directory (e.g. copied out of the container with "
                 "docker cp CONTAINER:/home/kuscia/var/certs .)");
    return material;
  }
  report.Ok(FindingId::kCertsDir, "Certificates directory " + files.certs_dir.string(), "exists");

  const fs::path ca = files.certs_dir / certs::kCaCertFile;
  material.ca_pem = ReadRequired(ca, "CA certificate", tls,
                                 "copy ca.crt from the var/certs directory of the node you call", report);
  if (material.ca_pem && !CertParses(*material.ca_pem, "CA certificate " + ca.string(), report)) {
    material.ca_pem.reset();
  }
  if (material.ca_pem) {
    ReportValidity(FindingId::kCertValidity, "CA certificate " + ca.string(), *material.ca_pem,
                   "the domain CA must be renewed (redeploy the node with a new CA)", report);
  }

  fs::path cert = files.client_cert, key = files.client_key;
  std::string pair_fix = "use a certificate and key generated together on the same node";
  if (cert.empty()) {
    bool has_client = fs::exists(files.certs_dir / certs::kClientCertFile, ec);
    cert = files.certs_dir / (has_client ? certs::kClientCertFile : certs::kServerCertFile);
  }
  if (key.empty()) {
    key = cert;
    key.replace_extension(".key");
  }
  material.client_cert_path = cert;
  material.client_key_path = key;
  std::string missing_identity =
      "pass --client-cert/--client-key, or generate kusciaapi-client.crt/.key with "
      "scripts/deploy/init_kusciaapi_client_certs.sh (C4); a NOTLS node has none (C3): then use http://";
  std::optional<std::string> cert_pem = ReadRequired(cert, "Client certificate", tls, missing_identity, report);
  std::optional<std::string> key_pem = ReadRequired(key, "Client key", tls, missing_identity, report);
  bool cert_ok = cert_pem && CertParses(*cert_pem, "Client certificate " + cert.string(), report);
  bool key_ok = key_pem && KeyParses(*key_pem, key, report, /*check_format=*/true);
  if (key_pem) CheckKeyPermissions(key, report);
  if (cert_ok && key_ok && CheckKeyPair(*key_pem, *cert_pem, key, cert, pair_fix, report)) {
    material.client_cert_pem = cert_pem;
    material.client_key_pem = key_pem;
  }

  // The server's own pair, when it is in the directory and is not the identity already checked.
  const fs::path server_cert = files.certs_dir / certs::kServerCertFile;
  const fs::path server_key = files.certs_dir / certs::kServerKeyFile;
  if (server_cert != cert && fs::exists(server_cert, ec) && fs::exists(server_key, ec)) {
    auto scert = ReadRequired(server_cert, "Server certificate", false, "", report);
    auto skey = ReadRequired(server_key, "Server key", false, "", report);
    bool scert_ok = scert && CertParses(*scert, "Server certificate " + server_cert.string(), report);
    bool skey_ok = skey && KeyParses(*skey, server_key, report, /*check_format=*/false);
    if (skey) CheckKeyPermissions(server_key, report);
    if (scert_ok && skey_ok) {
      CheckKeyPair(*skey, *scert, server_key, server_cert,
                   "delete kusciaapi-server.crt and kusciaapi-server.key together and restart Kuscia so it "
                   "regenerates them",
                   report);
    }
  }
  const fs::path ca_key = files.certs_dir / certs::kCaKeyFile;
  if (fs::exists(ca_key, ec)) CheckKeyPermissions(ca_key, report);

  CheckToken(files.certs_dir / certs::kTokenFile, tls, material, report);
  return material;
}

void CheckClientCertificate(const Material& material, Report& report) {
  std::string title = "Client certificate " + material.client_cert_path.string();
  if (!material.client_cert_pem) {
    report.Skip(FindingId::kClientChain, title, "no usable client certificate and key (see above)");
    return;
  }
  const std::string& pem = *material.client_cert_pem;
  ReportValidity(FindingId::kCertValidity, title, pem,
                 "re-issue it (init_kusciaapi_client_certs.sh gives 1000 days, SecretPad's script 360) and "
                 "redistribute it to every client",
                 report);
  if (!material.ca_pem) {
    report.Skip(FindingId::kClientChain, title, "no usable ca.crt to check the chain against");
  } else {
    Status chain = certs::VerifyCertificate(pem, *material.ca_pem, std::nullopt, /*require_client_auth=*/false);
    const std::string& why = chain.message();
    bool only_time = why.find("X509_V_ERR_CERT_HAS_EXPIRED") != std::string::npos ||
                     why.find("X509_V_ERR_CERT_NOT_YET_VALID") != std::string::npos;
    if (chain.ok() || only_time) {
      report.Ok(FindingId::kClientChain, title, "issued by ca.crt");
    } else {
      report.Error(FindingId::kClientChain, title,
                   "does not chain to ca.crt: an MTLS server rejects it (curl 35/56 'alert unknown ca' or 'bad "
                   "certificate')",
                   kChainFix, why);
    }
  }
  Result<certs::CertificateInfo> info = certs::InspectCertificatePem(pem);
  if (!info.ok()) return;
  bool client_auth = info->ext_key_usages.empty();
  std::string ekus;
  for (const std::string& eku : info->ext_key_usages) {
    client_auth = client_auth || eku == "clientAuth";
    ekus += (ekus.empty() ? "" : ", ") + eku;
  }
  if (client_auth) {
    report.Ok(FindingId::kClientUsage, title,
              info->ext_key_usages.empty() ? "no extended key usage, so usable as a client certificate"
                                           : "extended key usage includes clientAuth");
  } else {
    report.Error(FindingId::kClientUsage, title,
                 "extended key usage (" + ekus + ") lacks clientAuth: an MTLS server rejects it ('unsupported "
                 "certificate purpose')",
                 "issue the client certificate with extendedKeyUsage=clientAuth (init_kusciaapi_client_certs.sh "
                 "does), or use kusciaapi-server.crt/.key, which has no EKU");
  }
}

}  // namespace kuscia::doctor
