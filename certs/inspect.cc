#include "certs/inspect.h"

#include <arpa/inet.h>
#include <openssl/pem.h>

#include <cmath>
#include <ctime>

#include "certs/openssl_util.h"
#include "certs/pki.h"
#include "sys/files.h"

namespace kuscia::certs {
namespace {

std::string NameText(const X509_NAME* name) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  return ossl::BioContents(bio.get());
}

std::string Rfc3339(const ASN1_TIME* time) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return "invalid time";
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

long DaysLeft(const ASN1_TIME* not_after) {
  int days = 0;
  int seconds = 0;
  if (ASN1_TIME_diff(&days, &seconds, nullptr, not_after) != 1) return 0;
  double total = static_cast<double>(days) * 86400.0 + seconds;
  return static_cast<long>(std::floor(total / 86400.0));
}

std::string Fingerprint(const X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) return "";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string text;
  for (unsigned int i = 0; i < length; ++i) {
    if (i > 0) text += ':';
    text += kHex[digest[i] >> 4];
    text += kHex[digest[i] & 0xf];
  }
  return text;
}

std::string KeyTypeOf(EVP_PKEY* key) {
  if (key == nullptr) return "unknown";
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t length = 0;
      if (EVP_PKEY_get_group_name(key, group, sizeof group, &length) != 1) return "EC";
      std::string name(group, length);
      if (name == "prime256v1" || name == "P-256") return "EC P-256";
      if (name == "secp384r1" || name == "P-384") return "EC P-384";
      return "EC " + name;
    }
    case EVP_PKEY_ED25519: return "Ed25519";
    default: return "unknown";
  }
}

void ReadSans(X509* cert, CertificateInfo& info) {
  ossl::GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      info.dns_sans.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                 static_cast<size_t>(ASN1_STRING_length(dns)));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {};
      int family = ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6;
      if (inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text) != nullptr) info.ip_sans.push_back(text);
    }
  }
}

void ReadExtendedKeyUsages(X509* cert, CertificateInfo& info) {
  ossl::EkuPtr usages(static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)));
  if (!usages) return;
  for (int i = 0; i < sk_ASN1_OBJECT_num(usages.get()); ++i) {
    const ASN1_OBJECT* usage = sk_ASN1_OBJECT_value(usages.get(), i);
    int nid = OBJ_obj2nid(usage);
    if (nid != NID_undef) {
      info.ext_key_usages.emplace_back(OBJ_nid2sn(nid));
    } else {
      char oid[80];
      OBJ_obj2txt(oid, sizeof oid, usage, 1);
      info.ext_key_usages.emplace_back(oid);
    }
  }
}

Status NotAFile(const std::filesystem::path& path, const Status& read) {
  return read.WithContext(path.string());
}

}  // namespace

Result<CertificateInfo> InspectCertificatePem(std::string_view pem) {
  KC_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ossl::ParseCertificatePem(pem));
  CertificateInfo info;
  info.subject = NameText(X509_get_subject_name(cert.get()));
  info.issuer = NameText(X509_get_issuer_name(cert.get()));
  ReadSans(cert.get(), info);
  ReadExtendedKeyUsages(cert.get(), info);
  info.not_before = Rfc3339(X509_get0_notBefore(cert.get()));
  info.not_after = Rfc3339(X509_get0_notAfter(cert.get()));
  info.days_left = DaysLeft(X509_get0_notAfter(cert.get()));
  info.sha256_fingerprint = Fingerprint(cert.get());
  info.is_ca = (X509_get_extension_flags(cert.get()) & EXFLAG_CA) != 0;
  info.key_type = KeyTypeOf(X509_get0_pubkey(cert.get()));
  ossl::DrainErrors();
  return info;
}

Result<CertificateInfo> InspectCertificateFile(const std::filesystem::path& path) {
  KC_ASSIGN_OR_RETURN(std::string pem, sys::ReadFile(path));
  Result<CertificateInfo> info = InspectCertificatePem(pem);
  if (!info.ok()) return NotAFile(path, info.status());
  return info;
}

Result<KeyInfo> InspectPrivateKeyPem(std::string_view pem) {
  KeyInfo info;
  if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos) {
    return InvalidArgument("the private key is encrypted; Kuscia and its clients expect an unencrypted key");
  } else if (pem.find("-----BEGIN PRIVATE KEY-----") != std::string_view::npos) {
    info.format = "PKCS#8";
  } else if (pem.find("-----BEGIN RSA PRIVATE KEY-----") != std::string_view::npos) {
    info.format = "PKCS#1 (RSA)";
  } else if (pem.find("-----BEGIN EC PRIVATE KEY-----") != std::string_view::npos) {
    info.format = "SEC1 (EC)";
  } else {
    return InvalidArgument("no PEM private key found (expected a 'BEGIN PRIVATE KEY' block)");
  }
  KC_ASSIGN_OR_RETURN(ossl::PkeyPtr key, ossl::ParsePrivateKeyPem(pem));
  info.key_type = KeyTypeOf(key.get());
  return info;
}

Result<KeyInfo> InspectPrivateKeyFile(const std::filesystem::path& path) {
  KC_ASSIGN_OR_RETURN(std::string pem, sys::ReadFile(path));
  Result<KeyInfo> info = InspectPrivateKeyPem(pem);
  if (!info.ok()) return NotAFile(path, info.status());
  return info;
}

Result<bool> KeyMatchesCertificatePem(std::string_view key_pem, std::string_view cert_pem) {
  KC_ASSIGN_OR_RETURN(ossl::PkeyPtr key, ossl::ParsePrivateKeyPem(key_pem));
  KC_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ossl::ParseCertificatePem(cert_pem));
  bool matches = EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key.get()) == 1;
  ossl::DrainErrors();  // comparing keys of different types leaves an entry behind
  return matches;
}

Result<bool> KeyMatchesCertificate(const std::filesystem::path& key, const std::filesystem::path& cert) {
  KC_ASSIGN_OR_RETURN(std::string key_pem, sys::ReadFile(key));
  KC_ASSIGN_OR_RETURN(std::string cert_pem, sys::ReadFile(cert));
  Result<bool> matches = KeyMatchesCertificatePem(key_pem, cert_pem);
  if (!matches.ok()) return matches.status().WithContext(key.string() + " / " + cert.string());
  return matches;
}

Status VerifyCertificate(std::string_view leaf_pem, std::string_view ca_pem, std::optional<std::string> host,
                         bool require_client_auth) {
  Result<ossl::X509Ptr> leaf = ossl::ParseCertificatePem(leaf_pem);
  if (!leaf.ok()) return leaf.status().WithContext("leaf certificate");
  Result<ossl::X509Ptr> ca = ossl::ParseCertificatePem(ca_pem);
  if (!ca.ok()) return ca.status().WithContext("CA certificate");

  ossl::StorePtr store(X509_STORE_new());
  ossl::StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_add_cert(store.get(), ca->get()) != 1 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), leaf->get(), nullptr) != 1) {
    return ossl::Error("setting up certificate verification");
  }
  // "ssl_client" is the profile libssl applies on the server side of a handshake to the client's chain.
  if (require_client_auth && X509_STORE_CTX_set_default(ctx.get(), "ssl_client") != 1) {
    return ossl::Error("selecting the TLS client purpose");
  }
  if (host) {
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    int set = IsIpLiteral(*host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host->c_str())
                                          : X509_VERIFY_PARAM_set1_host(param, host->c_str(), host->size());
    if (set != 1) return InvalidArgument("'" + *host + "' is neither a host name nor an IP address");
  }
  if (X509_verify_cert(ctx.get()) == 1) return OkStatus();

  int error = X509_STORE_CTX_get_error(ctx.get());
  X509* failing = X509_STORE_CTX_get_current_cert(ctx.get());
  std::string subject = NameText(X509_get_subject_name(failing ? failing : leaf->get()));
  ossl::DrainErrors();
  std::string message = "certificate verification failed: " + std::string(X509_verify_cert_error_string(error)) +
                        " [" + VerifyErrorName(error) + "] (subject " + subject + ")";
  if (host && (error == X509_V_ERR_HOSTNAME_MISMATCH || error == X509_V_ERR_IP_ADDRESS_MISMATCH)) {
    message += "; the certificate does not name '" + *host + "'";
  }
  return FailedPrecondition(message);
}

std::string VerifyErrorName(int x509_error) {
  switch (x509_error) {
    case X509_V_OK: return "X509_V_OK";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT: return "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: return "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY";
    case X509_V_ERR_CERT_SIGNATURE_FAILURE: return "X509_V_ERR_CERT_SIGNATURE_FAILURE";
    case X509_V_ERR_CERT_NOT_YET_VALID: return "X509_V_ERR_CERT_NOT_YET_VALID";
    case X509_V_ERR_CERT_HAS_EXPIRED: return "X509_V_ERR_CERT_HAS_EXPIRED";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT";
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN";
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return "X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE";
    case X509_V_ERR_INVALID_CA: return "X509_V_ERR_INVALID_CA";
    case X509_V_ERR_INVALID_PURPOSE: return "X509_V_ERR_INVALID_PURPOSE";
    case X509_V_ERR_CERT_UNTRUSTED: return "X509_V_ERR_CERT_UNTRUSTED";
    case X509_V_ERR_CERT_REJECTED: return "X509_V_ERR_CERT_REJECTED";
    case X509_V_ERR_AKID_SKID_MISMATCH: return "X509_V_ERR_AKID_SKID_MISMATCH";
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN: return "X509_V_ERR_KEYUSAGE_NO_CERTSIGN";
    case X509_V_ERR_HOSTNAME_MISMATCH: return "X509_V_ERR_HOSTNAME_MISMATCH";
    case X509_V_ERR_IP_ADDRESS_MISMATCH: return "X509_V_ERR_IP_ADDRESS_MISMATCH";
    default: return "X509_V_ERR_" + std::to_string(x509_error);
  }
}

}  // namespace kuscia::certs
