#include "certs/inspect.h"

#include <gtest/gtest.h>

#include "certs/pki.h"
#include "sys/files.h"
#include "testing/status_matchers.h"

namespace kuscia::certs {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using std::chrono::days;

// A CA plus a helper to mint leaves from it, all in memory.
class InspectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_key_ = std::move(GenerateKey(KeyType::kEcP256).value());
    CertificateSpec spec{.common_name = "inspect CA", .role = CertificateRole::kCa};
    ca_ = std::move(IssueCertificate(spec, ca_key_.get(), nullptr, ca_key_.get()).value());
    ca_pem_ = *CertificatePem(ca_.get());
    leaf_key_ = std::move(GenerateKey(KeyType::kEcP256).value());
  }

  std::string Leaf(CertificateSpec spec) {
    return *CertificatePem(IssueCertificate(spec, leaf_key_.get(), ca_.get(), ca_key_.get())->get());
  }
  static CertificateSpec Server() {
    return {.common_name = "server", .role = CertificateRole::kServer, .dns_sans = {"localhost"},
            .ip_sans = {"127.0.0.1"}};
  }

  ossl::PkeyPtr ca_key_, leaf_key_;
  ossl::X509Ptr ca_;
  std::string ca_pem_;
};

TEST_F(InspectTest, GoodServerCertificateVerifiesForItsNamesAndAsAClient) {
  std::string leaf = Leaf(Server());
  EXPECT_THAT(VerifyCertificate(leaf, ca_pem_, std::nullopt, false), IsOk());
  EXPECT_THAT(VerifyCertificate(leaf, ca_pem_, "127.0.0.1", false), IsOk());
  EXPECT_THAT(VerifyCertificate(leaf, ca_pem_, "localhost", false), IsOk());
  // No EKU at all: OpenSSL, like Go, accepts it for the TLS-client purpose.
  EXPECT_THAT(VerifyCertificate(leaf, ca_pem_, std::nullopt, true), IsOk());
}

TEST_F(InspectTest, ExpiredNamesTheReason) {
  CertificateSpec spec = Server();
  spec.not_before_offset = -days(20);
  spec.not_after_offset = -days(10);
  EXPECT_THAT(VerifyCertificate(Leaf(spec), ca_pem_, std::nullopt, false),
              StatusIs(StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("certificate has expired"), HasSubstr("[X509_V_ERR_CERT_HAS_EXPIRED]"),
                             HasSubstr("CN=server"))));
}

TEST_F(InspectTest, NotYetValidNamesTheReason) {
  CertificateSpec spec = Server();
  spec.not_before_offset = days(1);
  EXPECT_THAT(VerifyCertificate(Leaf(spec), ca_pem_, std::nullopt, false),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("[X509_V_ERR_CERT_NOT_YET_VALID]")));
}

TEST_F(InspectTest, UnknownCaNamesTheReason) {
  ossl::PkeyPtr other_key = std::move(GenerateKey(KeyType::kEcP256).value());
  CertificateSpec spec{.common_name = "other CA", .role = CertificateRole::kCa};
  ossl::X509Ptr other = std::move(IssueCertificate(spec, other_key.get(), nullptr, other_key.get()).value());
  EXPECT_THAT(VerifyCertificate(Leaf(Server()), *CertificatePem(other.get()), std::nullopt, false),
              StatusIs(StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("unable to get local issuer certificate"),
                             HasSubstr("[X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY]"))));
}

TEST_F(InspectTest, ServerAuthOnlyFailsTheClientPurposeOnly) {
  CertificateSpec spec = Server();
  spec.eku = ExtendedKeyUsage::kServerAuth;
  std::string leaf = Leaf(spec);
  EXPECT_THAT(VerifyCertificate(leaf, ca_pem_, std::nullopt, false), IsOk());
  EXPECT_THAT(VerifyCertificate(leaf, ca_pem_, std::nullopt, true),
              StatusIs(StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("unsuitable certificate purpose"), HasSubstr("[X509_V_ERR_INVALID_PURPOSE]"))));
}

TEST_F(InspectTest, HostMismatchNamesTheHost) {
  std::string leaf = Leaf(Server());
  EXPECT_THAT(VerifyCertificate(leaf, ca_pem_, "10.1.2.3", false),
              StatusIs(StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("[X509_V_ERR_IP_ADDRESS_MISMATCH]"), HasSubstr("does not name '10.1.2.3'"))));
  EXPECT_THAT(VerifyCertificate(leaf, ca_pem_, "kusciaapi", false),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("[X509_V_ERR_HOSTNAME_MISMATCH]")));
}

TEST_F(InspectTest, GarbageIsInvalidArgument) {
  EXPECT_THAT(VerifyCertificate("junk", ca_pem_, std::nullopt, false),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("leaf certificate: not a PEM certificate")));
  EXPECT_THAT(VerifyCertificate(ca_pem_, "junk", std::nullopt, false),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("CA certificate: not a PEM certificate")));
  EXPECT_THAT(InspectCertificatePem("").status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a PEM")));
}

TEST_F(InspectTest, KeyFormatsAreRecognised) {
  ossl::PkeyPtr rsa = std::move(GenerateKey(KeyType::kRsa2048).value());
  Result<KeyInfo> pkcs8 = InspectPrivateKeyPem(*PrivateKeyPem(leaf_key_.get(), KeyFormat::kPkcs8));
  ASSERT_THAT(pkcs8, IsOk());
  EXPECT_EQ(pkcs8->format, "PKCS#8");
  EXPECT_EQ(pkcs8->key_type, "EC P-256");
  Result<KeyInfo> sec1 = InspectPrivateKeyPem(*PrivateKeyPem(leaf_key_.get(), KeyFormat::kPkcs1));
  ASSERT_THAT(sec1, IsOk());
  EXPECT_EQ(sec1->format, "SEC1 (EC)");
  Result<KeyInfo> pkcs1 = InspectPrivateKeyPem(*PrivateKeyPem(rsa.get(), KeyFormat::kPkcs1));
  ASSERT_THAT(pkcs1, IsOk());
  EXPECT_EQ(pkcs1->format, "PKCS#1 (RSA)");
  EXPECT_EQ(pkcs1->key_type, "RSA 2048");
  EXPECT_THAT(InspectPrivateKeyPem(ca_pem_).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no PEM private key found")));
}

TEST_F(InspectTest, KeyMatchIsDetectedFromFiles) {
  sys::TempDir dir;
  std::string leaf = Leaf(Server());
  ossl::PkeyPtr stranger = std::move(GenerateKey(KeyType::kRsa2048).value());
  ASSERT_THAT(sys::WriteFileAtomic(dir.path() / "leaf.crt", leaf), IsOk());
  ASSERT_THAT(sys::WriteFileAtomic(dir.path() / "leaf.key", *PrivateKeyPem(leaf_key_.get(), KeyFormat::kPkcs8)),
              IsOk());
  ASSERT_THAT(sys::WriteFileAtomic(dir.path() / "other.key", *PrivateKeyPem(stranger.get(), KeyFormat::kPkcs1)),
              IsOk());
  EXPECT_EQ(KeyMatchesCertificate(dir.path() / "leaf.key", dir.path() / "leaf.crt").value_or(false), true);
  EXPECT_EQ(KeyMatchesCertificate(dir.path() / "other.key", dir.path() / "leaf.crt").value_or(true), false);
  EXPECT_THAT(KeyMatchesCertificate(dir.path() / "absent.key", dir.path() / "leaf.crt").status(),
              StatusIs(StatusCode::kNotFound, HasSubstr("absent.key")));
  EXPECT_THAT(InspectCertificateFile(dir.path() / "leaf.key").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("leaf.key")));
}

TEST(VerifyErrorNameTest, NamesKnownAndUnknownCodes) {
  EXPECT_EQ(VerifyErrorName(X509_V_ERR_CERT_HAS_EXPIRED), "X509_V_ERR_CERT_HAS_EXPIRED");
  EXPECT_EQ(VerifyErrorName(9999), "X509_V_ERR_9999");
}

}  // namespace
}  // namespace kuscia::certs
