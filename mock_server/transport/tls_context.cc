#include "mock_server/transport/tls_context.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <vector>
#include <string_view>

namespace kuscia::mock::transport::internal {
namespace {

// Where a rejected client certificate's own verify error is kept (the handshake log reports it).
int RejectedClientCertErrorIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// Go's crypto/tls (up to 1.24, what Kuscia is built with) answers every client certificate that fails
// verification with the bad_certificate alert, whatever the reason; OpenSSL would pick unknown_ca,
// certificate_expired or unsupported_certificate from the verify error. CERT_REJECTED maps to
// bad_certificate, so the reason is kept aside for the handshake log and the error replaced.
int VerifyClientLikeGo(int preverify_ok, X509_STORE_CTX* store_ctx) {
  if (preverify_ok == 1) return 1;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl != nullptr && SSL_get_ex_data(ssl, RejectedClientCertErrorIndex()) == nullptr) {
    intptr_t error = X509_STORE_CTX_get_error(store_ctx);
    SSL_set_ex_data(ssl, RejectedClientCertErrorIndex(), reinterpret_cast<void*>(error));
  }
  X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_CERT_REJECTED);
  return 0;
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Drains OpenSSL's thread-local error queue into one line, so a later operation starts clean.
std::string TakeOpenSslErrors() {
  std::string text;
  while (unsigned long err = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "no OpenSSL detail" : text;
}

BioPtr MemoryBio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Result<std::vector<X509Ptr>> ReadCertificates(const std::string& pem, std::string_view what) {
  std::vector<X509Ptr> certs;
  BioPtr bio = MemoryBio(pem);
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) certs.emplace_back(cert);
  // The loop ends on "no more PEM blocks", which leaves an expected error on the queue.
  ERR_clear_error();
  if (certs.empty()) {
    return InvalidArgument(std::string(what) +
                           " holds no PEM certificate (expected a '-----BEGIN CERTIFICATE-----' block); "
                           "check that the right file was given");
  }
  return certs;
}

std::string NameToString(X509_NAME* name) {
  if (name == nullptr) return "";
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string Hex(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

std::string IpToString(const ASN1_OCTET_STRING* ip) {
  const unsigned char* b = ASN1_STRING_get0_data(ip);
  int len = ASN1_STRING_length(ip);
  if (len == 4) {
    return std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." +
           std::to_string(b[3]);
  }
  std::string out;
  for (int i = 0; i + 1 < len; i += 2) {
    if (i != 0) out += ':';
    char group[8];
    std::snprintf(group, sizeof group, "%x", (b[i] << 8) | b[i + 1]);
    out += group;
  }
  return out;
}

}  // namespace

void SslCtxDeleter::operator()(ssl_ctx_st* ctx) const { SSL_CTX_free(ctx); }

Result<SslCtxPtr> BuildServerSslContext(ProtocolMode mode, const TlsMaterial& tls, bool tls13_only) {
  if (mode == ProtocolMode::kNoTls) return InvalidArgument("notls mode needs no TLS context");
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return Internal("SSL_CTX_new failed: " + TakeOpenSslErrors());

  SSL_CTX_set_min_proto_version(ctx.get(), tls13_only ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), TLS1_3_VERSION);
  // Go's server never renegotiates; compression is long dead.
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  // Kuscia sends only its leaf (BuildTLSCertificate); without this OpenSSL would build a chain from
  // the trust store, which in mtls mode holds the CA.
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_NO_AUTO_CHAIN);

  KC_ASSIGN_OR_RETURN(std::vector<X509Ptr> leaf, ReadCertificates(tls.cert_pem, "the server certificate (cert_pem)"));
  PkeyPtr key;
  {
    BioPtr bio = MemoryBio(tls.key_pem);
    key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key) {
      return InvalidArgument(
          "the server key (key_pem) is not an unencrypted PEM private key (PKCS#1, SEC1 or PKCS#8): " +
          TakeOpenSslErrors());
    }
  }
  if (SSL_CTX_use_certificate(ctx.get(), leaf.front().get()) != 1) {
    return InvalidArgument("the server certificate was refused by OpenSSL: " + TakeOpenSslErrors());
  }
  if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 || SSL_CTX_check_private_key(ctx.get()) != 1) {
    return InvalidArgument(
        "the server key does not match the server certificate (key_pem belongs to another certificate): " +
        TakeOpenSslErrors());
  }

  if (mode == ProtocolMode::kMtls) {
    KC_ASSIGN_OR_RETURN(std::vector<X509Ptr> cas, ReadCertificates(tls.ca_pem, "the CA bundle (ca_pem), needed in mtls mode,"));
    X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
    STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
    for (const X509Ptr& ca : cas) {
      if (X509_STORE_add_cert(store, ca.get()) != 1) {
        ERR_clear_error();  // a duplicate certificate in the bundle is harmless
      }
      // Go lists the ClientCAs subjects in its CertificateRequest; so do we.
      sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(ca.get())));
    }
    SSL_CTX_set_client_CA_list(ctx.get(), names);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, VerifyClientLikeGo);
    // The server verifies a *client*: OpenSSL then checks the ssl_client purpose, which rejects a leaf
    // whose EKU lacks clientAuth and accepts one without EKU, like Go's verifier.
    X509_STORE_set_purpose(store, X509_PURPOSE_SSL_CLIENT);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  // Go's server resumes only from session tickets and keeps no session-ID cache; OpenSSL's default
  // server cache would also resume TLS 1.2 session IDs and store every full handshake's session.
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  // Session resumption with client verification fails without a session id context.
  static constexpr unsigned char kSessionContext[] = "kuscia-mock";
  SSL_CTX_set_session_id_context(ctx.get(), kSessionContext, sizeof kSessionContext - 1);
  // One TLS 1.3 session ticket per full handshake, as Go's crypto/tls server sends (Kuscia sets no
  // SessionTicketsDisabled), instead of OpenSSL's default of two. Each ticket costs the server ~15% of a
  // full mTLS handshake's CPU (measured, docs/performance.md), and no client of the fake relies on a second
  // ticket (one still lets a client resume); zero would be cheaper still but would stop resumption, which
  // real Kuscia allows.
  SSL_CTX_set_num_tickets(ctx.get(), 1);
  return ctx;
}

PeerCertificate DescribeCertificate(x509_st* cert) {
  PeerCertificate out;
  out.subject = NameToString(X509_get_subject_name(cert));
  out.issuer = NameToString(X509_get_issuer_name(cert));
  if (auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr))) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
      if (name->type == GEN_DNS) {
        const ASN1_STRING* s = name->d.dNSName;
        out.sans.push_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                                static_cast<size_t>(ASN1_STRING_length(s))));
      } else if (name->type == GEN_IPADD) {
        out.sans.push_back("IP:" + IpToString(name->d.iPAddress));
      } else if (name->type == GEN_URI) {
        const ASN1_STRING* s = name->d.uniformResourceIdentifier;
        out.sans.push_back("URI:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                                static_cast<size_t>(ASN1_STRING_length(s))));
      }
    }
    GENERAL_NAMES_free(names);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &size) == 1) out.sha256_fingerprint = Hex(digest, size);
  return out;
}

std::string NegotiatedTlsVersion(ssl_st* ssl) { return SSL_get_version(ssl); }

std::optional<PeerCertificate> PeerCertificateOf(ssl_st* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr) return std::nullopt;
  return DescribeCertificate(cert);
}

HandshakeFailure ClassifyHandshakeFailure(ssl_st* ssl, unsigned long openssl_error, std::string remote_address,
                                          std::string error_text) {
  HandshakeFailure failure{std::move(remote_address), "other", std::move(error_text)};
  // A rejected client certificate leaves its reason in the verify result (the certificate itself is
  // not kept on a failed handshake).
  long verify = ssl != nullptr ? SSL_get_verify_result(ssl) : X509_V_OK;
  if (void* original = ssl != nullptr ? SSL_get_ex_data(ssl, RejectedClientCertErrorIndex()) : nullptr) {
    verify = static_cast<long>(reinterpret_cast<intptr_t>(original));  // the reason behind bad_certificate
  }
  if (verify != X509_V_OK) {
    failure.detail = std::string("client certificate rejected: ") + X509_verify_cert_error_string(verify);
    switch (verify) {
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      case X509_V_ERR_CERT_UNTRUSTED:
        failure.cause = "unknown_ca";
        return failure;
      case X509_V_ERR_CERT_HAS_EXPIRED:
      case X509_V_ERR_CERT_NOT_YET_VALID:
        // Go reports both as "certificate has expired or is not yet valid".
        failure.cause = "certificate_expired";
        return failure;
      default:
        return failure;  // e.g. X509_V_ERR_INVALID_PURPOSE (EKU without clientAuth): "other"
    }
  }
  if (openssl_error != 0 && ERR_GET_LIB(openssl_error) == ERR_LIB_SSL) {
    switch (ERR_GET_REASON(openssl_error)) {
      case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
        failure.cause = "no_client_certificate";
        return failure;
      case SSL_R_UNSUPPORTED_PROTOCOL:
      case SSL_R_WRONG_VERSION_NUMBER:
      case SSL_R_NO_PROTOCOLS_AVAILABLE:
      case SSL_R_VERSION_TOO_LOW:
      case SSL_R_VERSION_TOO_HIGH:
      case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
        failure.cause = "protocol_version";
        return failure;
      case SSL_R_CERTIFICATE_VERIFY_FAILED:
        failure.cause = "unknown_ca";
        return failure;
      default:
        break;
    }
  }
  return failure;
}

bool LooksLikeHttp(std::string_view first_bytes) {
  static constexpr std::array<std::string_view, 5> kPrefixes = {"GET /", "HEAD ", "POST ", "PUT /", "OPTIO"};
  for (std::string_view prefix : kPrefixes) {
    if (first_bytes == prefix) return true;
  }
  return false;
}

}  // namespace kuscia::mock::transport::internal
