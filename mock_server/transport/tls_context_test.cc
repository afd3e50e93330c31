#include "mock_server/transport/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_server/transport/test_pki.h"
#include "testing/status_matchers.h"

namespace kuscia::mock::transport::internal {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using transport::testing::MakeTestPki;
using transport::testing::TestPki;

const TestPki& Pki() {
  static const TestPki pki = MakeTestPki();
  return pki;
}

TEST(TlsContextTest, BuildsForMtlsAndTls) {
  EXPECT_THAT(BuildServerSslContext(ProtocolMode::kMtls, Pki().Material(), false), IsOk());
  TlsMaterial no_ca = Pki().Material();
  no_ca.ca_pem.clear();
  EXPECT_THAT(BuildServerSslContext(ProtocolMode::kTls, no_ca, true), IsOk());
}

TEST(TlsContextTest, SendsOneSessionTicketLikeGo) {
  // Go's TLS 1.3 server sends one NewSessionTicket; OpenSSL's default of two costs a handshake ~15% more.
  for (ProtocolMode mode : {ProtocolMode::kMtls, ProtocolMode::kTls}) {
    Result<SslCtxPtr> ctx = BuildServerSslContext(mode, Pki().Material(), false);
    ASSERT_THAT(ctx, IsOk());
    EXPECT_EQ(SSL_CTX_get_num_tickets(ctx->get()), 1u);
    EXPECT_EQ(SSL_CTX_get_options(ctx->get()) & SSL_OP_NO_TICKET, 0u) << "resumption stays possible, as in Go";
  }
}

TEST(TlsContextTest, MtlsWithoutCaNamesTheMissingBundle) {
  TlsMaterial no_ca = Pki().Material();
  no_ca.ca_pem.clear();
  EXPECT_THAT(BuildServerSslContext(ProtocolMode::kMtls, no_ca, false).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("ca_pem")));
}

TEST(TlsContextTest, GarbageCertificateIsRejected) {
  TlsMaterial bad = Pki().Material();
  bad.cert_pem = "not a certificate";
  EXPECT_THAT(BuildServerSslContext(ProtocolMode::kTls, bad, false).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cert_pem")));
}

TEST(TlsContextTest, KeyOfAnotherCertificateIsRejected) {
  TlsMaterial bad = Pki().Material();
  bad.key_pem = Pki().client.key_pem;
  EXPECT_THAT(BuildServerSslContext(ProtocolMode::kTls, bad, false).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("does not match")));
}

TEST(TlsContextTest, NoTlsHasNoContext) {
  EXPECT_THAT(BuildServerSslContext(ProtocolMode::kNoTls, Pki().Material(), false).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("notls")));
}

TEST(TlsContextTest, DescribesACertificate) {
  BIO* bio = BIO_new_mem_buf(Pki().server.cert_pem.data(), static_cast<int>(Pki().server.cert_pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(cert, nullptr);
  PeerCertificate described = DescribeCertificate(cert);
  X509_free(cert);
  EXPECT_EQ(described.subject, "CN=KusciaAPI,O=kuscia-conformance");
  EXPECT_EQ(described.issuer, "CN=Transport Test CA,O=kuscia-conformance");
  EXPECT_THAT(described.sans, ::testing::ElementsAre("IP:127.0.0.1", "DNS:localhost", "DNS:kusciaapi"));
  EXPECT_THAT(described.sha256_fingerprint, MatchesRegex("[0-9a-f]{64}"));
}

TEST(TlsContextTest, HandshakeCausesFromOpenSslReasons) {
  unsigned long no_cert = ERR_PACK(ERR_LIB_SSL, 0, SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE);
  EXPECT_EQ(ClassifyHandshakeFailure(nullptr, no_cert, "a", "t").cause, "no_client_certificate");
  unsigned long version = ERR_PACK(ERR_LIB_SSL, 0, SSL_R_UNSUPPORTED_PROTOCOL);
  EXPECT_EQ(ClassifyHandshakeFailure(nullptr, version, "a", "t").cause, "protocol_version");
  HandshakeFailure other = ClassifyHandshakeFailure(nullptr, 0, "1.2.3.4:5", "EOF");
  EXPECT_EQ(other.cause, "other");
  EXPECT_EQ(other.remote_address, "1.2.3.4:5");
  EXPECT_EQ(other.detail, "EOF");
}

TEST(TlsContextTest, GoHttpDetectionNeedsAKnownMethodPrefix) {
  EXPECT_TRUE(LooksLikeHttp("GET /"));
  EXPECT_TRUE(LooksLikeHttp("POST "));
  EXPECT_TRUE(LooksLikeHttp("OPTIO"));
  EXPECT_FALSE(LooksLikeHttp("PATCH"));
  EXPECT_FALSE(LooksLikeHttp("GET"));
  EXPECT_FALSE(LooksLikeHttp(std::string_view("\x00\x01\x02\x03\x04", 5)));
}

}  // namespace
}  // namespace kuscia::mock::transport::internal
