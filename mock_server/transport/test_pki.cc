// TEST SUPPORT ONLY (see test_pki.h).
#include "mock_server/transport/test_pki.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

namespace kuscia::mock::transport::testing {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "test_pki: %s failed\n", what);
  std::abort();
}

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertDeleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using CertPtr = std::unique_ptr<X509, CertDeleter>;

struct Issued {
  CertPtr cert;
  KeyPtr key;
};

std::string ToPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(size));
  BIO_free(bio);
  return out;
}

std::string ToPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(size));
  BIO_free(bio);
  return out;
}

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) Die("X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

struct CertSpec {
  std::string common_name;
  bool is_ca = false;
  const char* sans = nullptr;  // "IP:127.0.0.1,DNS:localhost"
  const char* eku = nullptr;   // "serverAuth"
  long not_before_seconds = -3600;
  long not_after_seconds = 3650L * 24 * 3600;
};

// Issues a certificate for a fresh P-256 key; self-signed when issuer is null.
Issued Issue(const CertSpec& spec, const Issued* issuer) {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) Die("EVP_EC_gen");
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial_bytes[16];
  RAND_bytes(serial_bytes, sizeof serial_bytes);
  serial_bytes[0] &= 0x7f;
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.not_before_seconds);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.not_after_seconds);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("kuscia-conformance"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  X509* issuer_cert = issuer ? issuer->cert.get() : cert.get();
  EVP_PKEY* issuer_key = issuer ? issuer->key.get() : key.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert));
  X509_set_pubkey(cert.get(), key.get());
  if (spec.is_ca) {
    AddExtension(cert.get(), issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert.get(), issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExtension(cert.get(), issuer_cert, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  }
  AddExtension(cert.get(), issuer_cert, NID_subject_key_identifier, "hash");
  if (issuer) AddExtension(cert.get(), issuer_cert, NID_authority_key_identifier, "keyid");
  if (spec.sans) AddExtension(cert.get(), issuer_cert, NID_subject_alt_name, spec.sans);
  if (spec.eku) AddExtension(cert.get(), issuer_cert, NID_ext_key_usage, spec.eku);
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) Die("X509_sign");
  return {std::move(cert), std::move(key)};
}

TestIdentity Pem(const Issued& issued) { return {ToPem(issued.cert.get()), ToPem(issued.key.get())}; }

}  // namespace

TestPki MakeTestPki(std::string_view ca_name) {
  Issued ca = Issue({.common_name = std::string(ca_name), .is_ca = true}, nullptr);
  Issued other_ca = Issue({.common_name = "Unrelated CA", .is_ca = true}, nullptr);
  TestPki pki;
  pki.ca = Pem(ca);
  pki.server = Pem(Issue({.common_name = "KusciaAPI", .sans = "IP:127.0.0.1,DNS:localhost,DNS:kusciaapi"}, &ca));
  pki.client = Pem(Issue({.common_name = "client", .sans = "DNS:client.test"}, &ca));
  pki.client_server_auth_only = Pem(Issue({.common_name = "server-only", .eku = "serverAuth"}, &ca));
  pki.client_expired = Pem(Issue({.common_name = "expired", .not_before_seconds = -10L * 24 * 3600,
                                  .not_after_seconds = -24L * 3600},
                                 &ca));
  pki.client_unknown_ca = Pem(Issue({.common_name = "stranger"}, &other_ca));
  return pki;
}

std::string WritePem(const std::filesystem::path& dir, std::string_view name, std::string_view pem) {
  std::filesystem::path path = dir / std::string(name);
  std::ofstream(path, std::ios::binary) << pem;
  return path.string();
}

}  // namespace kuscia::mock::transport::testing
