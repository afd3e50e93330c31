#include "certs/pki.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <cctype>

namespace kuscia::certs {
namespace {

using BignumPtr = std::unique_ptr<BIGNUM, ossl::Deleter<BN_free>>;

Status SetRandomSerial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return ossl::Error("drawing a serial number");
  bytes[0] &= 0x7f;  // positive, as RFC 5280 requires
  bytes[0] |= 0x01;  // never zero, and always 16 bytes long
  BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) return ossl::Error("setting the serial");
  return OkStatus();
}

Status SetTime(ASN1_TIME* field, std::chrono::seconds offset) {
  constexpr long kSecondsPerDay = 86400;
  long total = static_cast<long>(offset.count());
  // X509_time_adj_ex takes whole days and seconds separately; splitting keeps both inside their ranges.
  int days = static_cast<int>(total / kSecondsPerDay);
  long seconds = total % kSecondsPerDay;
  if (X509_time_adj_ex(field, days, seconds, nullptr) == nullptr) return ossl::Error("setting the validity");
  return OkStatus();
}

Status AddConfExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ossl::ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return ossl::Error(std::string("adding extension ") + OBJ_nid2sn(nid) + "=" + value);
  }
  return OkStatus();
}

Status AddSubjectAltNames(X509* cert, const CertificateSpec& spec) {
  if (spec.dns_sans.empty() && spec.ip_sans.empty()) return OkStatus();
  ossl::GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  for (const std::string& dns : spec.dns_sans) {
    GENERAL_NAME* name = GENERAL_NAME_new();
    ASN1_IA5STRING* text = ASN1_IA5STRING_new();
    ASN1_STRING_set(text, dns.data(), static_cast<int>(dns.size()));
    GENERAL_NAME_set0_value(name, GEN_DNS, text);
    sk_GENERAL_NAME_push(names.get(), name);
  }
  for (const std::string& ip : spec.ip_sans) {
    ASN1_OCTET_STRING* address = a2i_IPADDRESS(ip.c_str());
    if (address == nullptr) {
      ossl::DrainErrors();
      return InvalidArgument("'" + ip + "' is not an IP address");
    }
    GENERAL_NAME* name = GENERAL_NAME_new();
    GENERAL_NAME_set0_value(name, GEN_IPADD, address);
    sk_GENERAL_NAME_push(names.get(), name);
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return ossl::Error("adding subjectAltName");
  }
  return OkStatus();
}

Status AddExtensions(X509* cert, X509* issuer, const CertificateSpec& spec) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  switch (spec.role) {
    case CertificateRole::kCa:
      KC_RETURN_IF_ERROR(AddConfExtension(cert, &ctx, NID_basic_constraints, "critical,CA:TRUE"));
      KC_RETURN_IF_ERROR(
          AddConfExtension(cert, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"));
      break;
    case CertificateRole::kServer:
      KC_RETURN_IF_ERROR(AddConfExtension(cert, &ctx, NID_basic_constraints, "critical,CA:FALSE"));
      KC_RETURN_IF_ERROR(AddConfExtension(cert, &ctx, NID_key_usage, "critical,digitalSignature,keyEncipherment"));
      break;
    case CertificateRole::kClient:
      KC_RETURN_IF_ERROR(AddConfExtension(cert, &ctx, NID_basic_constraints, "critical,CA:FALSE"));
      KC_RETURN_IF_ERROR(AddConfExtension(cert, &ctx, NID_key_usage, "critical,digitalSignature"));
      break;
  }
  switch (spec.eku) {
    case ExtendedKeyUsage::kNone: break;
    case ExtendedKeyUsage::kClientAuth:
      KC_RETURN_IF_ERROR(AddConfExtension(cert, &ctx, NID_ext_key_usage, "clientAuth"));
      break;
    case ExtendedKeyUsage::kServerAuth:
      KC_RETURN_IF_ERROR(AddConfExtension(cert, &ctx, NID_ext_key_usage, "serverAuth"));
      break;
  }
  KC_RETURN_IF_ERROR(AddConfExtension(cert, &ctx, NID_subject_key_identifier, "hash"));
  // A root has no authority to point at; every issued certificate names its CA's key.
  if (issuer != nullptr) KC_RETURN_IF_ERROR(AddConfExtension(cert, &ctx, NID_authority_key_identifier, "keyid:always"));
  return AddSubjectAltNames(cert, spec);
}

bool IsDnsLabel(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  return type == KeyType::kEcP256 ? "EC P-256" : "RSA 2048";
}

Result<ossl::PkeyPtr> GenerateKey(KeyType type) {
  EVP_PKEY* raw = type == KeyType::kEcP256 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                                            : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
  if (raw == nullptr) return ossl::Error(std::string("generating a ") + std::string(KeyTypeName(type)) + " key");
  return ossl::PkeyPtr(raw);
}

Result<ossl::X509Ptr> IssueCertificate(const CertificateSpec& spec, EVP_PKEY* subject_key, X509* issuer_cert,
                                       EVP_PKEY* issuer_key) {
  ossl::X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return ossl::Error("creating a certificate");
  KC_RETURN_IF_ERROR(SetRandomSerial(cert.get()));
  KC_RETURN_IF_ERROR(SetTime(X509_getm_notBefore(cert.get()), spec.not_before_offset));
  KC_RETURN_IF_ERROR(SetTime(X509_getm_notAfter(cert.get()), spec.not_after_offset));

  X509_NAME* subject = X509_get_subject_name(cert.get());
  const auto* cn = reinterpret_cast<const unsigned char*>(spec.common_name.c_str());
  if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, cn, -1, -1, 0) != 1) {
    return ossl::Error("setting the subject CN");
  }
  X509_NAME* issuer_name = issuer_cert ? X509_get_subject_name(issuer_cert) : subject;
  if (X509_set_issuer_name(cert.get(), issuer_name) != 1 || X509_set_pubkey(cert.get(), subject_key) != 1) {
    return ossl::Error("setting the issuer and public key");
  }
  KC_RETURN_IF_ERROR(AddExtensions(cert.get(), issuer_cert, spec));
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) return ossl::Error("signing the certificate");
  return cert;
}

Result<std::string> CertificatePem(X509* cert) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return ossl::Error("encoding a certificate as PEM");
  return ossl::BioContents(bio.get());
}

Result<std::string> PrivateKeyPem(EVP_PKEY* key, KeyFormat format) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  int ok = format == KeyFormat::kPkcs8
               ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
               : PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  if (!bio || ok != 1) return ossl::Error("encoding a private key as PEM");
  return ossl::BioContents(bio.get());
}

Result<std::string> NewToken() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return ossl::Error("drawing random bytes for the token");
  unsigned char encoded[33];  // 24 bytes encode to exactly 32 characters, no padding, plus the NUL
  int length = EVP_EncodeBlock(encoded, bytes, sizeof bytes);
  return std::string(reinterpret_cast<const char*>(encoded), static_cast<size_t>(length));
}

bool IsIpLiteral(std::string_view text) {
  std::string copy(text);
  unsigned char buf[16];
  return inet_pton(AF_INET, copy.c_str(), buf) == 1 || inet_pton(AF_INET6, copy.c_str(), buf) == 1;
}

Status ValidateSubjectAltName(std::string_view san) {
  const std::string quoted = "'" + std::string(san) + "'";
  if (san.empty()) return InvalidArgument("empty subject alternative name");
  if (IsIpLiteral(san)) return OkStatus();
  if (san.size() > 253) return InvalidArgument("subject alternative name " + quoted + " is longer than 253 characters");
  std::string_view rest = san;
  if (rest.starts_with("*.")) rest.remove_prefix(2);
  bool all_numeric = true;
  size_t start = 0;
  while (true) {
    size_t dot = rest.find('.', start);
    std::string_view label = rest.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!IsDnsLabel(label)) {
      return InvalidArgument("subject alternative name " + quoted +
                             " is neither an IP address nor a DNS name (bad label '" + std::string(label) + "')");
    }
    for (char c : label) all_numeric = all_numeric && std::isdigit(static_cast<unsigned char>(c));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  // "10.0.0.300" passes the label rules but is a typo'd address, not a host name.
  if (all_numeric) return InvalidArgument("subject alternative name " + quoted + " is not a valid IP address");
  return OkStatus();
}

}  // namespace kuscia::certs
