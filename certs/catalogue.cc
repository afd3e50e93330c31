#include "certs/catalogue.h"

#include <nlohmann/json.hpp>

#include "certs/inspect.h"
#include "certs/staging.h"
#include "sys/files.h"

namespace kuscia::certs {
namespace fs = std::filesystem;
using std::chrono::days;

namespace {

// What every builder may draw on: the base identity, parsed once, and a second CA created on first use.
class Workshop {
 public:
  static Result<Workshop> Open(const KusciaDirPaths& base) {
    Workshop w;
    KC_ASSIGN_OR_RETURN(w.base_, ReadKusciaMaterial(base));
    KC_ASSIGN_OR_RETURN(w.ca_cert_, ossl::ParseCertificatePem(w.base_.ca_cert));
    KC_ASSIGN_OR_RETURN(w.ca_key_, ossl::ParsePrivateKeyPem(w.base_.ca_key));
    KC_ASSIGN_OR_RETURN(w.client_key_, ossl::ParsePrivateKeyPem(w.base_.client_key));
    KC_ASSIGN_OR_RETURN(w.server_key_, ossl::ParsePrivateKeyPem(w.base_.server_key));
    KC_ASSIGN_OR_RETURN(CertificateInfo server, InspectCertificatePem(w.base_.server_cert));
    w.server_dns_ = server.dns_sans;
    w.server_ip_ = server.ip_sans;
    w.key_type_ = EVP_PKEY_get_base_id(w.ca_key_.get()) == EVP_PKEY_RSA ? KeyType::kRsa2048 : KeyType::kEcP256;
    KC_ASSIGN_OR_RETURN(KeyInfo client_key_info, InspectPrivateKeyPem(w.base_.client_key));
    w.key_format_ = client_key_info.format == "PKCS#8" ? KeyFormat::kPkcs8 : KeyFormat::kPkcs1;
    return w;
  }

  const KusciaMaterial& base() const { return base_; }
  KeyType key_type() const { return key_type_; }
  KeyFormat key_format() const { return key_format_; }
  EVP_PKEY* client_key() const { return client_key_.get(); }
  EVP_PKEY* server_key() const { return server_key_.get(); }

  // A certificate for `key`, signed by base's CA (or by the other CA).
  Result<std::string> Issue(const CertificateSpec& spec, EVP_PKEY* key, bool by_other_ca = false) {
    X509* issuer = ca_cert_.get();
    EVP_PKEY* issuer_key = ca_key_.get();
    if (by_other_ca) {
      KC_RETURN_IF_ERROR(EnsureOtherCa());
      issuer = other_ca_cert_.get();
      issuer_key = other_ca_key_.get();
    }
    KC_ASSIGN_OR_RETURN(ossl::X509Ptr cert, IssueCertificate(spec, key, issuer, issuer_key));
    return CertificatePem(cert.get());
  }

  CertificateSpec ClientSpec() const {
    return {.common_name = kClientCommonName, .role = CertificateRole::kClient, .eku = ExtendedKeyUsage::kClientAuth};
  }
  CertificateSpec ServerSpec() const {
    return {.common_name = kServerCommonName, .role = CertificateRole::kServer, .eku = ExtendedKeyUsage::kNone,
            .dns_sans = server_dns_, .ip_sans = server_ip_};
  }

 private:
  Status EnsureOtherCa() {
    if (other_ca_cert_) return OkStatus();
    KC_ASSIGN_OR_RETURN(other_ca_key_, GenerateKey(key_type_));
    CertificateSpec spec{.common_name = kOtherCaCommonName, .role = CertificateRole::kCa};
    KC_ASSIGN_OR_RETURN(other_ca_cert_, IssueCertificate(spec, other_ca_key_.get(), nullptr, other_ca_key_.get()));
    return OkStatus();
  }

  KusciaMaterial base_;
  ossl::X509Ptr ca_cert_;
  ossl::PkeyPtr ca_key_, client_key_, server_key_;
  ossl::X509Ptr other_ca_cert_;
  ossl::PkeyPtr other_ca_key_;
  std::vector<std::string> server_dns_, server_ip_;
  KeyType key_type_ = KeyType::kEcP256;
  KeyFormat key_format_ = KeyFormat::kPkcs8;
};

using Builder = Status (*)(Workshop&, KusciaMaterial&);

struct Row {
  BrokenIdentity doc;
  Builder build;
};

// The one declaration of the catalogue: documentation, expected outcome and recipe side by side.
const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = {
      {{.name = "client-unknown-ca",
        .purpose = "A client certificate issued by a CA the server does not trust (a cert/key pair copied from "
                   "another node or deployment).",
        .what_fails = "An mTLS server rejects the handshake (Kuscia/Go: alert bad_certificate or unknown_ca; curl "
                      "35 under TLS 1.2; 56 at the first read, or 55, under TLS 1.3). Verifying the client cert "
                      "against ca.crt fails with 'unable to get local issuer certificate'.",
        .fix = "Use a client certificate signed by this node's ca.crt (kusciaapi-client.crt/.key or "
               "kusciaapi-server.crt/.key from the same var/certs).",
        .broken_file = kClientCertFile,
        .reference = "C1",
        .verify_error = "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        .curl_exit = kCurlRejectedInHandshake,
        .curl_exit_insecure = kCurlRejectedInHandshake},
       [](Workshop& w, KusciaMaterial& m) -> Status {
         KC_ASSIGN_OR_RETURN(m.client_cert, w.Issue(w.ClientSpec(), w.client_key(), /*by_other_ca=*/true));
         return OkStatus();
       }},
      {{.name = "client-expired",
        .purpose = "A client certificate past its notAfter: the time bomb of script-made client certs (Kuscia's "
                   "script: 1000 days, SecretPad's: 360 days).",
        .what_fails = "An mTLS server rejects the handshake (curl 35 under TLS 1.2, 56/55 under TLS 1.3; servers "
                      "that send the specific alert certificate_expired, as newer Go and OpenSSL do, make curl "
                      "report 60 as if the server were untrusted). Verification fails with 'certificate has "
                      "expired'.",
        .fix = "Re-issue the client certificate (scripts/deploy/init_kusciaapi_client_certs.sh, or "
               "`kuscia-conform certs`) and redistribute it to every client.",
        .broken_file = kClientCertFile,
        .reference = "C6, S5",
        .verify_error = "X509_V_ERR_CERT_HAS_EXPIRED",
        .curl_exit = kCurlRejectedInHandshake,
        .curl_exit_insecure = kCurlRejectedInHandshake},
       [](Workshop& w, KusciaMaterial& m) -> Status {
         CertificateSpec spec = w.ClientSpec();
         spec.not_before_offset = -days(60);
         spec.not_after_offset = -days(30);
         KC_ASSIGN_OR_RETURN(m.client_cert, w.Issue(spec, w.client_key()));
         return OkStatus();
       }},
      {{.name = "client-not-yet-valid",
        .purpose = "A client certificate whose notBefore lies in the future (issued on a machine whose clock runs "
                   "ahead).",
        .what_fails = "An mTLS server rejects the handshake (curl 35 under TLS 1.2, 56/55 under TLS 1.3). "
                      "Verification fails with 'certificate is not yet valid'.",
        .fix = "Synchronise the clocks (NTP) of the issuing machine and the server, then re-issue the certificate.",
        .broken_file = kClientCertFile,
        .reference = "S5 (variant)",
        .verify_error = "X509_V_ERR_CERT_NOT_YET_VALID",
        .curl_exit = kCurlRejectedInHandshake,
        .curl_exit_insecure = kCurlRejectedInHandshake},
       [](Workshop& w, KusciaMaterial& m) -> Status {
         CertificateSpec spec = w.ClientSpec();
         spec.not_before_offset = days(30);
         spec.not_after_offset = days(3650);
         KC_ASSIGN_OR_RETURN(m.client_cert, w.Issue(spec, w.client_key()));
         return OkStatus();
       }},
      {{.name = "client-no-client-auth",
        .purpose = "A client certificate whose ExtKeyUsage lists serverAuth only. Kuscia's own server cert has no "
                   "EKU at all, which is why it works as a client cert; adding serverAuth breaks that.",
        .what_fails = "An mTLS server rejects the handshake (Go requires clientAuth or no EKU; OpenSSL servers "
                      "report 'unsuitable certificate purpose'; curl 35 under TLS 1.2, 56/55 under TLS 1.3). "
                      "Verification with the TLS-client purpose fails with 'unsuitable certificate purpose'.",
        .fix = "Issue client certificates with extendedKeyUsage=clientAuth (or with no EKU extension at all).",
        .broken_file = kClientCertFile,
        .reference = "C1 (variant)",
        .verify_error = "X509_V_ERR_INVALID_PURPOSE",
        .curl_exit = kCurlRejectedInHandshake,
        .curl_exit_insecure = kCurlRejectedInHandshake},
       [](Workshop& w, KusciaMaterial& m) -> Status {
         CertificateSpec spec = w.ClientSpec();
         spec.eku = ExtendedKeyUsage::kServerAuth;
         KC_ASSIGN_OR_RETURN(m.client_cert, w.Issue(spec, w.client_key()));
         return OkStatus();
       }},
      {{.name = "client-key-mismatch",
        .purpose = "A client key that does not belong to the client certificate (crt and key copied from "
                   "different nodes).",
        .what_fails = "The client cannot even load its identity: curl exits 58 ('unable to set private key "
                      "file'), Go fails with 'private key does not match public key'. The certificate itself "
                      "verifies.",
        .fix = "Copy the .crt and .key of the same pair from the same node (compare with `kuscia-conform certs "
               "inspect DIR`: 'key matches certificate').",
        .broken_file = kClientKeyFile,
        .reference = "C2",
        .verify_error = "",
        .curl_exit = 58,
        .curl_exit_insecure = 58},
       [](Workshop& w, KusciaMaterial& m) -> Status {
         KC_ASSIGN_OR_RETURN(ossl::PkeyPtr stranger, GenerateKey(w.key_type()));
         KC_ASSIGN_OR_RETURN(m.client_key, PrivateKeyPem(stranger.get(), w.key_format()));
         return OkStatus();
       }},
      {{.name = "client-key-pkcs1",
        .purpose = "An RSA client key in PKCS#1 form ('BEGIN RSA PRIVATE KEY', what `openssl genrsa` and Kuscia's "
                   "Go code write) where PKCS#8 is expected.",
        .what_fails = "Java/Netty clients (SecretPad, Easy-PSI) refuse the key: 'File does not contain valid "
                      "private key'. curl, Go, Python and OpenSSL accept it, so the handshake succeeds (curl 0).",
        .fix = "Convert the key: `openssl pkcs8 -topk8 -nocrypt -in kusciaapi-client.key -out client.pem`, or "
               "generate keys with `openssl genpkey` (PKCS#8) as Kuscia's client-cert script does.",
        .broken_file = kClientKeyFile,
        .reference = "C5",
        .verify_error = "",
        .curl_exit = 0,
        .curl_exit_insecure = 0},
       [](Workshop& w, KusciaMaterial& m) -> Status {
         // PKCS#1 exists for RSA only: an EC base gets a fresh RSA client pair signed by the same CA.
         if (EVP_PKEY_get_base_id(w.client_key()) == EVP_PKEY_RSA) {
           KC_ASSIGN_OR_RETURN(m.client_key, PrivateKeyPem(w.client_key(), KeyFormat::kPkcs1));
           return OkStatus();
         }
         KC_ASSIGN_OR_RETURN(ossl::PkeyPtr rsa, GenerateKey(KeyType::kRsa2048));
         KC_ASSIGN_OR_RETURN(m.client_cert, w.Issue(w.ClientSpec(), rsa.get()));
         KC_ASSIGN_OR_RETURN(m.client_key, PrivateKeyPem(rsa.get(), KeyFormat::kPkcs1));
         return OkStatus();
       }},
      {{.name = "server-expired",
        .purpose = "A server certificate past its notAfter.",
        .what_fails = "Every client that verifies the server fails: curl 60 'certificate has expired' (0 with -k, "
                      "as the tutorials pass it). Used as a client certificate (as the docs do) it is rejected "
                      "by the mTLS server too.",
        .fix = "Delete kusciaapi-server.crt/.key and restart Kuscia so it regenerates them (10 years), or "
               "re-issue with `kuscia-conform certs`.",
        .broken_file = kServerCertFile,
        .reference = "S5",
        .verify_error = "X509_V_ERR_CERT_HAS_EXPIRED",
        .curl_exit = 60,
        .curl_exit_insecure = 0},
       [](Workshop& w, KusciaMaterial& m) -> Status {
         CertificateSpec spec = w.ServerSpec();
         spec.not_before_offset = -days(60);
         spec.not_after_offset = -days(30);
         KC_ASSIGN_OR_RETURN(m.server_cert, w.Issue(spec, w.server_key()));
         return OkStatus();
       }},
      {{.name = "server-wrong-san",
        .purpose = "A server certificate that does not name the host the client dials: its SANs are DNS "
                   "'kusciaapi' and IP 203.0.113.10 only (the 'works via container IP, fails via host IP' report).",
        .what_fails = "Clients that verify the host name fail for https://127.0.0.1 and https://localhost: curl 60 "
                      "'no alternative certificate subject name matches' (0 with -k; SecretPad never checks).",
        .fix = "Add the address to kusciaAPISans in kuscia.yaml and delete kusciaapi-server.crt/.key so Kuscia "
               "regenerates them, or re-issue with `kuscia-conform certs --san ADDRESS`; or dial a name that "
               "is listed.",
        .broken_file = kServerCertFile,
        .reference = "S1, S2",
        .verify_error = "X509_V_ERR_IP_ADDRESS_MISMATCH",
        .curl_exit = 60,
        .curl_exit_insecure = 0},
       [](Workshop& w, KusciaMaterial& m) -> Status {
         CertificateSpec spec = w.ServerSpec();
         spec.dns_sans = {"kusciaapi"};
         spec.ip_sans = {"203.0.113.10"};  // TEST-NET-3, standing for another machine's address
         KC_ASSIGN_OR_RETURN(m.server_cert, w.Issue(spec, w.server_key()));
         return OkStatus();
       }},
      {{.name = "server-other-ca",
        .purpose = "A server certificate issued by a CA other than the ca.crt the client trusts (the client's "
                   "ca.crt comes from another node; every Kuscia domain has its own CA).",
        .what_fails = "Clients that verify the server fail: curl 60 'unable to get local issuer certificate', "
                      "Go 'x509: certificate signed by unknown authority' (0 with -k).",
        .fix = "Use the ca.crt of the node you are calling (or -k, accepting an unverified server).",
        .broken_file = kServerCertFile,
        .reference = "S4",
        .verify_error = "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        .curl_exit = 60,
        .curl_exit_insecure = 0},
       [](Workshop& w, KusciaMaterial& m) -> Status {
         KC_ASSIGN_OR_RETURN(m.server_cert, w.Issue(w.ServerSpec(), w.server_key(), /*by_other_ca=*/true));
         return OkStatus();
       }},
      {{.name = "server-key-mismatch",
        .purpose = "A server key that does not belong to the server certificate.",
        .what_fails = "The server cannot start: Go's tls.LoadX509KeyPair fails with 'private key does not match "
                      "public key', OpenSSL with 'key values mismatch'. A fake server must refuse to start with a "
                      "message naming both files.",
        .fix = "Delete kusciaapi-server.crt and kusciaapi-server.key together and let Kuscia regenerate them.",
        .broken_file = kServerKeyFile,
        .reference = "C2 (server side)",
        .verify_error = "",
        .curl_exit = kNoServer,
        .curl_exit_insecure = kNoServer},
       [](Workshop& w, KusciaMaterial& m) -> Status {
         KC_ASSIGN_OR_RETURN(ossl::PkeyPtr stranger, GenerateKey(w.key_type()));
         KC_ASSIGN_OR_RETURN(m.server_key, PrivateKeyPem(stranger.get(), w.key_format()));
         return OkStatus();
       }},
      {{.name = "token-trailing-newline",
        .purpose = "A token file ending in a newline (edited by hand, or written with `echo`).",
        .what_fails = "Kuscia compares the raw file bytes: `-H \"Token: $(cat token)\"` (the shell strips the "
                      "newline) gets HTTP 401 with an empty body (curl --fail: 22). Kuscia's own probe fails with "
                      "'invalid header field value for \"Token\"' and the container restarts.",
        .fix = "Rewrite the token without the newline (`printf %s \"$(cat token)\" > token`), or delete it so "
               "Kuscia regenerates it.",
        .broken_file = kTokenFile,
        .reference = "T1, T3",
        .verify_error = "",
        .curl_exit = 22,
        .curl_exit_insecure = 22},
       [](Workshop&, KusciaMaterial& m) -> Status {
         m.token += "\n";
         return OkStatus();
       }},
      {{.name = "token-empty",
        .purpose = "An empty token file.",
        .what_fails = "Kuscia compares the Token header with \"\": requests carrying no token (or an empty one) "
                      "are accepted (curl 0), while every client sending a real token gets HTTP 401; SecretPad "
                      "refuses to start ('token cannot be null'). Checks expecting 401 without a token fail.",
        .fix = "Delete the empty token file and restart Kuscia so it regenerates one (or write a 32-character "
               "token without a newline).",
        .broken_file = kTokenFile,
        .reference = "T1, T5 (variant)",
        .verify_error = "",
        .curl_exit = 0,
        .curl_exit_insecure = 0},
       [](Workshop&, KusciaMaterial& m) -> Status {
         m.token.clear();
         return OkStatus();
       }},
  };
  return rows;
}

// Paths in the manifest are relative to the manifest itself, so a moved or copied directory stays valid.
nlohmann::ordered_json ManifestEntry(const BrokenIdentity& id) {
  return {{"name", id.name},
          {"dir", id.name},
          {"purpose", id.purpose},
          {"what_fails", id.what_fails},
          {"fix", id.fix},
          {"broken_file", id.broken_file},
          {"reference", id.reference},
          {"verify_error", id.verify_error},
          {"curl_exit", id.curl_exit},
          {"curl_exit_insecure", id.curl_exit_insecure}};
}

}  // namespace

const std::vector<BrokenIdentity>& Catalogue() {
  static const std::vector<BrokenIdentity> catalogue = [] {
    std::vector<BrokenIdentity> docs;
    for (const Row& row : Rows()) docs.push_back(row.doc);
    return docs;
  }();
  return catalogue;
}

Result<std::vector<fs::path>> WriteCatalogue(const KusciaDirPaths& base, const fs::path& out_dir) {
  Result<Workshop> opened = Workshop::Open(base);
  if (!opened.ok()) return opened.status().WithContext("reading the base identity in " + base.dir.string());
  Workshop& workshop = *opened;

  // Everything is generated before the first write, so a failure leaves the disk untouched.
  std::vector<KusciaMaterial> materials;
  for (const Row& row : Rows()) {
    KusciaMaterial material = workshop.base();
    Status built = row.build(workshop, material);
    if (!built.ok()) return built.WithContext("building catalogue identity " + row.doc.name);
    materials.push_back(std::move(material));
  }

  KC_ASSIGN_OR_RETURN(StagedOutput out, StagedOutput::Begin(out_dir));
  const fs::path final_root = out.target() / kCatalogueDirName;
  const fs::path base_from_manifest =
      fs::absolute(base.dir).lexically_normal().lexically_relative(fs::absolute(out_dir).lexically_normal() /
                                                                   kCatalogueDirName);
  nlohmann::ordered_json manifest = {{"base", base_from_manifest.string()},
                                     {"identities", nlohmann::ordered_json::array()}};
  std::vector<fs::path> dirs;
  for (size_t i = 0; i < materials.size(); ++i) {
    const BrokenIdentity& id = Rows()[i].doc;
    Result<KusciaDirPaths> written = WriteKusciaMaterial(materials[i], out.staging() / kCatalogueDirName / id.name);
    if (!written.ok()) return written.status();
    dirs.push_back(final_root / id.name);
    manifest["identities"].push_back(ManifestEntry(id));
  }
  KC_RETURN_IF_ERROR(sys::WriteFileAtomic(out.staging() / kCatalogueDirName / kCatalogueManifestName,
                                          manifest.dump(2) + "\n", 0644));
  KC_RETURN_IF_ERROR(out.Commit());
  return dirs;
}

}  // namespace kuscia::certs
