#include "certs/pki.h"

#include <gtest/gtest.h>

#include "certs/inspect.h"
#include "testing/status_matchers.h"

namespace kuscia::certs {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::Le;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

struct SelfSignedCa {
  ossl::PkeyPtr key;
  ossl::X509Ptr cert;
};

SelfSignedCa MakeCa(KeyType type = KeyType::kEcP256) {
  SelfSignedCa ca;
  ca.key = std::move(GenerateKey(type).value());
  CertificateSpec spec{.common_name = "test CA", .role = CertificateRole::kCa};
  ca.cert = std::move(IssueCertificate(spec, ca.key.get(), nullptr, ca.key.get()).value());
  return ca;
}

TEST(PkiTest, GeneratesBothKeyTypes) {
  Result<ossl::PkeyPtr> ec = GenerateKey(KeyType::kEcP256);
  ASSERT_THAT(ec, IsOk());
  EXPECT_EQ(EVP_PKEY_get_base_id(ec->get()), EVP_PKEY_EC);
  EXPECT_EQ(EVP_PKEY_get_bits(ec->get()), 256);
  Result<ossl::PkeyPtr> rsa = GenerateKey(KeyType::kRsa2048);
  ASSERT_THAT(rsa, IsOk());
  EXPECT_EQ(EVP_PKEY_get_base_id(rsa->get()), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(rsa->get()), 2048);
}

TEST(PkiTest, KeyFormatsProduceTheExpectedPemHeaders) {
  ossl::PkeyPtr ec = std::move(GenerateKey(KeyType::kEcP256).value());
  ossl::PkeyPtr rsa = std::move(GenerateKey(KeyType::kRsa2048).value());
  EXPECT_THAT(*PrivateKeyPem(ec.get(), KeyFormat::kPkcs8), StartsWith("-----BEGIN PRIVATE KEY-----"));
  EXPECT_THAT(*PrivateKeyPem(ec.get(), KeyFormat::kPkcs1), StartsWith("-----BEGIN EC PRIVATE KEY-----"));
  EXPECT_THAT(*PrivateKeyPem(rsa.get(), KeyFormat::kPkcs8), StartsWith("-----BEGIN PRIVATE KEY-----"));
  EXPECT_THAT(*PrivateKeyPem(rsa.get(), KeyFormat::kPkcs1), StartsWith("-----BEGIN RSA PRIVATE KEY-----"));
}

TEST(PkiTest, CaCertificateIsACaWithoutSans) {
  SelfSignedCa ca = MakeCa();
  Result<CertificateInfo> info = InspectCertificatePem(*CertificatePem(ca.cert.get()));
  ASSERT_THAT(info, IsOk());
  EXPECT_TRUE(info->is_ca);
  EXPECT_EQ(info->subject, "CN=test CA");
  EXPECT_EQ(info->issuer, "CN=test CA");
  EXPECT_THAT(info->dns_sans, IsEmpty());
  EXPECT_THAT(info->ext_key_usages, IsEmpty());
  EXPECT_EQ(info->key_type, "EC P-256");
  EXPECT_GE(info->days_left, 3649);
}

TEST(PkiTest, IssuedCertificateCarriesSansEkuAndValidity) {
  SelfSignedCa ca = MakeCa();
  ossl::PkeyPtr key = std::move(GenerateKey(KeyType::kEcP256).value());
  CertificateSpec spec{.common_name = "leaf",
                       .role = CertificateRole::kServer,
                       .eku = ExtendedKeyUsage::kClientAuth,
                       .dns_sans = {"localhost", "example.test"},
                       .ip_sans = {"127.0.0.1", "::1"},
                       .not_after_offset = std::chrono::days(10)};
  Result<ossl::X509Ptr> cert = IssueCertificate(spec, key.get(), ca.cert.get(), ca.key.get());
  ASSERT_THAT(cert, IsOk());
  Result<CertificateInfo> info = InspectCertificatePem(*CertificatePem(cert->get()));
  ASSERT_THAT(info, IsOk());
  EXPECT_FALSE(info->is_ca);
  EXPECT_EQ(info->issuer, "CN=test CA");
  EXPECT_THAT(info->dns_sans, ElementsAre("localhost", "example.test"));
  EXPECT_THAT(info->ip_sans, ElementsAre("127.0.0.1", "::1"));
  EXPECT_THAT(info->ext_key_usages, ElementsAre("clientAuth"));
  EXPECT_THAT(info->days_left, AllOf(Ge(9), Le(10)));  // whole days left, issued this second
  EXPECT_THAT(info->not_after, MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"));
  EXPECT_THAT(info->sha256_fingerprint, MatchesRegex("([0-9A-F]{2}:){31}[0-9A-F]{2}"));
}

TEST(PkiTest, SerialNumbersDiffer) {
  SelfSignedCa a = MakeCa();
  SelfSignedCa b = MakeCa();
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.cert.get()), X509_get0_serialNumber(b.cert.get())), 0);
}

TEST(PkiTest, TokenIs32Base64CharactersWithoutNewline) {
  for (int i = 0; i < 50; ++i) {
    Result<std::string> token = NewToken();
    ASSERT_THAT(token, IsOk());
    EXPECT_THAT(*token, MatchesRegex("[A-Za-z0-9+/]{32}"));
  }
  EXPECT_NE(*NewToken(), *NewToken());
}

TEST(PkiTest, AcceptsDnsNamesAndIpLiterals) {
  for (const char* san : {"localhost", "kusciaapi", "api.example.com", "*.example.com", "a-b.c", "10.0.0.5", "::1",
                          "fe80::1", "node1"}) {
    EXPECT_THAT(ValidateSubjectAltName(san), IsOk()) << san;
  }
}

TEST(PkiTest, RejectsMalformedSans) {
  EXPECT_THAT(ValidateSubjectAltName(""), StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(ValidateSubjectAltName("bad..name"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("'bad..name' is neither an IP address nor a DNS name")));
  EXPECT_THAT(ValidateSubjectAltName("-lead.example"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("bad label")));
  EXPECT_THAT(ValidateSubjectAltName("under_score"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("under_score")));
  EXPECT_THAT(ValidateSubjectAltName("host name"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("host name")));
  EXPECT_THAT(ValidateSubjectAltName("10.0.0.300"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("'10.0.0.300' is not a valid IP address")));
  EXPECT_THAT(ValidateSubjectAltName(std::string(64, 'a') + ".example"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("bad label")));
}

}  // namespace
}  // namespace kuscia::certs
