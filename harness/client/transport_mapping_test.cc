#include "harness/client/transport_mapping.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace kuscia::harness {
namespace {

struct CurlCase {
  const char* name;
  CurlFacts facts;
  TransportClass expected;
};

class CurlMapping : public ::testing::TestWithParam<CurlCase> {};

TEST_P(CurlMapping, MapsExitCodeAndVerifyResult) {
  EXPECT_EQ(TransportClassName(ClassifyCurl(GetParam().facts)), TransportClassName(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Table, CurlMapping,
    ::testing::Values(
        CurlCase{"ok", {.exit_code = 0}, TransportClass::kOk},
        CurlCase{"refused", {.exit_code = 7}, TransportClass::kConnectRefused},
        CurlCase{"timeout", {.exit_code = 28}, TransportClass::kTimeout},
        CurlCase{"killed", {.exit_code = -1, .killed_by_timeout = true}, TransportClass::kTimeout},
        CurlCase{"bad_key", {.exit_code = 58, .stderr_text = "unable to set private key file"},
                 TransportClass::kClientConfigError},
        CurlCase{"bad_ca", {.exit_code = 77}, TransportClass::kClientConfigError},
        CurlCase{"tls12_rejected", {.exit_code = 35, .stderr_text = "sslv3 alert bad certificate"},
                 TransportClass::kTlsClientRejected},
        CurlCase{"plain_http", {.exit_code = 35, .stderr_text = "error:0A00010B:SSL routines::wrong version number"},
                 TransportClass::kTlsProtocolMismatch},
        CurlCase{"tls13_rejected", {.exit_code = 56, .stderr_text = "tlsv13 alert certificate required"},
                 TransportClass::kTlsClientRejected},
        CurlCase{"tls13_rejected_send", {.exit_code = 55, .stderr_text = "alert certificate required"},
                 TransportClass::kTlsClientRejected},
        CurlCase{"reset", {.exit_code = 56, .stderr_text = "Connection reset by peer"},
                 TransportClass::kConnectionReset},
        CurlCase{"empty_reply", {.exit_code = 52}, TransportClass::kConnectionReset},
        CurlCase{"expired", {.exit_code = 60, .ssl_verify_result = X509_V_ERR_CERT_HAS_EXPIRED},
                 TransportClass::kTlsServerExpired},
        CurlCase{"not_yet_valid", {.exit_code = 60, .ssl_verify_result = X509_V_ERR_CERT_NOT_YET_VALID},
                 TransportClass::kTlsServerExpired},
        CurlCase{"unknown_ca", {.exit_code = 60, .ssl_verify_result = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY},
                 TransportClass::kTlsServerUntrusted},
        CurlCase{"self_signed", {.exit_code = 60, .ssl_verify_result = X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT},
                 TransportClass::kTlsServerUntrusted},
        CurlCase{"hostname_by_curl", {.exit_code = 60, .ssl_verify_result = X509_V_OK},
                 TransportClass::kTlsHostnameMismatch},
        CurlCase{"hostname_in_words",
                 {.exit_code = 60, .ssl_verify_result = 1,
                  .stderr_text = "SSL: no alternative certificate subject name matches target host name '127.0.0.2'"},
                 TransportClass::kTlsHostnameMismatch},
        CurlCase{"ip_mismatch", {.exit_code = 60, .ssl_verify_result = X509_V_ERR_IP_ADDRESS_MISMATCH},
                 TransportClass::kTlsHostnameMismatch}),
    [](const ::testing::TestParamInfo<CurlCase>& info) { return std::string(info.param.name); });

struct BuiltinCase {
  const char* name;
  BuiltinFacts facts;
  TransportClass expected;
};

class BuiltinMapping : public ::testing::TestWithParam<BuiltinCase> {};

TEST_P(BuiltinMapping, MapsHttplibErrorAndOpenSslFacts) {
  EXPECT_EQ(TransportClassName(ClassifyBuiltin(GetParam().facts)), TransportClassName(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Table, BuiltinMapping,
    ::testing::Values(
        BuiltinCase{"ok", {}, TransportClass::kOk},
        BuiltinCase{"refused", {.failure = BuiltinFailure::kConnection}, TransportClass::kConnectRefused},
        BuiltinCase{"connect_timeout", {.failure = BuiltinFailure::kConnectionTimeout}, TransportClass::kTimeout},
        BuiltinCase{"read_timeout", {.failure = BuiltinFailure::kRead, .deadline_passed = true},
                    TransportClass::kTimeout},
        BuiltinCase{"reset", {.failure = BuiltinFailure::kRead}, TransportClass::kConnectionReset},
        BuiltinCase{"identity", {.failure = BuiltinFailure::kClientIdentityInvalid},
                    TransportClass::kClientConfigError},
        BuiltinCase{"ca_file", {.failure = BuiltinFailure::kSslLoadingCerts}, TransportClass::kClientConfigError},
        BuiltinCase{"tls13_rejected_at_read",
                    {.failure = BuiltinFailure::kRead, .ssl_reason = SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED},
                    TransportClass::kTlsClientRejected},
        BuiltinCase{"tls12_rejected",
                    {.failure = BuiltinFailure::kSslConnection, .ssl_reason = SSL_R_SSLV3_ALERT_BAD_CERTIFICATE},
                    TransportClass::kTlsClientRejected},
        BuiltinCase{"plain_http",
                    {.failure = BuiltinFailure::kSslConnection, .ssl_reason = SSL_R_WRONG_VERSION_NUMBER},
                    TransportClass::kTlsProtocolMismatch},
        BuiltinCase{"untrusted",
                    {.failure = BuiltinFailure::kSslConnection,
                     .verify_result = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY},
                    TransportClass::kTlsServerUntrusted},
        BuiltinCase{"expired",
                    {.failure = BuiltinFailure::kSslConnection, .verify_result = X509_V_ERR_CERT_HAS_EXPIRED},
                    TransportClass::kTlsServerExpired},
        BuiltinCase{"hostname", {.failure = BuiltinFailure::kSslServerVerification},
                    TransportClass::kTlsHostnameMismatch}),
    [](const ::testing::TestParamInfo<BuiltinCase>& info) { return std::string(info.param.name); });

TEST(TransportClassNames, RoundTripEveryClass) {
  for (TransportClass t : AllTransportClasses()) {
    Result<TransportClass> parsed = ParseTransportClass(TransportClassName(t));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, t);
  }
  EXPECT_EQ(ParseTransportClass("tls_rejected").status().code(), StatusCode::kInvalidArgument);
}

TEST(ExtractApiCode, ReadsEnvelopeOnly) {
  EXPECT_EQ(ExtractApiCode(R"({"status":{"code":11202,"message":"x"},"data":null})"), 11202);
  EXPECT_EQ(ExtractApiCode("404 page not found"), std::nullopt);
  EXPECT_EQ(ExtractApiCode(""), std::nullopt);
  EXPECT_EQ(ExtractApiCode(R"({"status":"ok"})"), std::nullopt);
}

}  // namespace
}  // namespace kuscia::harness
