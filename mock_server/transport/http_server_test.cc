// End to end through real curl: protocol modes, handshake failures and their causes, keep-alive,
// Expect: 100-continue, limits, live TLS swaps.
#include "mock_server/transport/http_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "mock_server/transport/server_test_fixture.h"

namespace kuscia::mock::transport::testing {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::AnyOf;
using ::testing::ContainsRegex;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST_F(ServerTest, MutualOk) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  sys::ProcessResult r = Curl(WithClientCert({Url("/api/v1/job/query")}));
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, StartsWith("/api/v1/job/query|TLSv1.3|CN=client,O=kuscia-conformance|"));
}

TEST_F(ServerTest, NoClientCertFailsAtHandshakeOrFirstRead) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  sys::ProcessResult r = Curl({"--cacert", ca_, Url("/x")});
  EXPECT_THAT(r.exit_code, AnyOf(Eq(56), Eq(35))) << r.stderr_text;
  EXPECT_EQ(r.stdout_text, "");
  WaitForFailure("no_client_certificate");
}

TEST_F(ServerTest, UnknownCaClientIsRejected) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  std::string cert = Write("stranger.crt", Pki().client_unknown_ca.cert_pem);
  std::string key = Write("stranger.key", Pki().client_unknown_ca.key_pem);
  sys::ProcessResult r = Curl({"--cacert", ca_, "--cert", cert, "--key", key, Url("/x")});
  EXPECT_THAT(r.exit_code, AnyOf(Eq(56), Eq(35))) << r.stderr_text;
  EXPECT_THAT(WaitForFailure("unknown_ca").detail, HasSubstr("unable to get local issuer certificate"));
}

TEST_F(ServerTest, ExpiredClientIsRejected) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  std::string cert = Write("expired.crt", Pki().client_expired.cert_pem);
  std::string key = Write("expired.key", Pki().client_expired.key_pem);
  sys::ProcessResult r = Curl({"--cacert", ca_, "--cert", cert, "--key", key, Url("/x")});
  EXPECT_THAT(r.exit_code, AnyOf(Eq(56), Eq(35))) << r.stderr_text;
  EXPECT_THAT(WaitForFailure("certificate_expired").detail, HasSubstr("expired"));
}

// Go (up to 1.24) answers every failed client certificate with bad_certificate, whatever the reason; the
// handshake log still says why. Under TLS 1.2 the alert arrives during the handshake, so curl always shows it.
TEST_F(ServerTest, EveryRejectedClientCertGetsGosBadCertificateAlert) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  struct Case {
    const char* name;
    const TestIdentity& identity;
    const char* cause;
  };
  for (const Case& c : {Case{"stranger", Pki().client_unknown_ca, "unknown_ca"},
                        Case{"expired", Pki().client_expired, "certificate_expired"},
                        Case{"server-only", Pki().client_server_auth_only, "other"}}) {
    std::string cert = Write(std::string(c.name) + ".crt", c.identity.cert_pem);
    std::string key = Write(std::string(c.name) + ".key", c.identity.key_pem);
    sys::ProcessResult r = Curl({"--tls-max", "1.2", "--cacert", ca_, "--cert", cert, "--key", key, Url("/x")});
    EXPECT_EQ(r.exit_code, 35) << c.name << ": " << r.stderr_text;
    EXPECT_THAT(r.stderr_text, HasSubstr("alert bad certificate")) << c.name;
    EXPECT_EQ(WaitForFailure(c.cause).cause, c.cause) << c.name;
  }
}

TEST_F(ServerTest, ClientCertWhoseEkuLacksClientAuthIsRejectedLikeGo) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  std::string cert = Write("server-only.crt", Pki().client_server_auth_only.cert_pem);
  std::string key = Write("server-only.key", Pki().client_server_auth_only.key_pem);
  sys::ProcessResult r = Curl({"--cacert", ca_, "--cert", cert, "--key", key, Url("/x")});
  EXPECT_THAT(r.exit_code, AnyOf(Eq(56), Eq(35))) << r.stderr_text;
  EXPECT_THAT(WaitForFailure("other").detail, HasSubstr("unsuitable certificate purpose"));
}

TEST_F(ServerTest, ServerCertificateWithoutEkuWorksAsClientCertLikeKusciaDocs) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  std::string cert = Write("kusciaapi-server.crt", Pki().server.cert_pem);
  std::string key = Write("kusciaapi-server.key", Pki().server.key_pem);
  sys::ProcessResult r = Curl({"--cacert", ca_, "--cert", cert, "--key", key, Url("/x")});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, HasSubstr("CN=KusciaAPI"));
}

TEST_F(ServerTest, OnlyTheLeafIsSentAndNoAlpnIsSelected) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  // stdin from /dev/null so s_client quits right after the handshake.
  Result<sys::ProcessResult> r = sys::RunProcess(
      {"sh", "-c",
       "openssl s_client -connect 127.0.0.1:" + std::to_string(server_->port()) +
           " -showcerts -alpn h2,http/1.1 -cert '" + client_cert_ + "' -key '" + client_key_ + "' -CAfile '" + ca_ +
           "' </dev/null"});
  ASSERT_THAT(r.status(), IsOk());
  size_t certificates = 0;
  for (size_t at = r->stdout_text.find("BEGIN CERTIFICATE"); at != std::string::npos;
       at = r->stdout_text.find("BEGIN CERTIFICATE", at + 1)) {
    ++certificates;
  }
  EXPECT_EQ(certificates, 1u) << r->stdout_text;
  EXPECT_THAT(r->stdout_text, HasSubstr("No ALPN negotiated"));
}

TEST_F(ServerTest, CurlAskingForHttp2FallsBackToHttp11) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  sys::ProcessResult r = Curl(WithClientCert({"--http2", "-o", "/dev/null", "-w", "%{http_version}", Url("/x")}));
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_EQ(r.stdout_text, "1.1");
}

TEST_F(ServerTest, TlsModeNeedsNoClientCert) {
  StartServer(ProtocolMode::kTls, EchoHandler);
  sys::ProcessResult r = Curl({"--cacert", ca_, Url("/health")});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, StartsWith("/health|TLSv1.3|-|"));
}

TEST_F(ServerTest, NoTlsIsPlainHttp) {
  StartServer(ProtocolMode::kNoTls, EchoHandler);
  sys::ProcessResult r = Curl({Url("/health")});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, StartsWith("/health||-|"));
}

TEST_F(ServerTest, TlsClientOnPlainPortFailsLikeKuscia) {
  StartServer(ProtocolMode::kNoTls, EchoHandler);
  sys::ProcessResult r = Curl({"--cacert", ca_, Url("/health", /*tls=*/true)});
  EXPECT_EQ(r.exit_code, 35) << r.stderr_text;  // "wrong version number": Go answers 400 in plain text
}

TEST_F(ServerTest, PlainHttpOnTlsPortGetsGosAnswer) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  sys::ProcessResult r = Curl({"-i", Url("/health", /*tls=*/false)});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_EQ(r.stdout_text, "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n");
  EXPECT_THAT(WaitForFailure("not_tls").detail, HasSubstr("GET /"));
}

TEST_F(ServerTest, Tls12IsNegotiableByDefault) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  sys::ProcessResult r = Curl(WithClientCert({"--tls-max", "1.2", Url("/x")}));
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, HasSubstr("|TLSv1.2|"));
}

TEST_F(ServerTest, Tls13OnlyRefusesTls12) {
  StartServer(ProtocolMode::kMtls, EchoHandler, [](ServerOptions& o) { o.tls13_only = true; });
  sys::ProcessResult r = Curl(WithClientCert({"--tls-max", "1.2", Url("/x")}));
  EXPECT_EQ(r.exit_code, 35) << r.stderr_text;
  WaitForFailure("protocol_version");
}

TEST_F(ServerTest, KeepAliveReusesOneConnection) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  std::vector<std::string> args = {"-w", "\n%{num_connects}\n"};
  for (int i = 0; i < 20; ++i) args.push_back(Url("/r" + std::to_string(i)));
  sys::ProcessResult r = Curl(WithClientCert(args));
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  // Every answer names the same connection id; curl connected once.
  std::set<std::string> connection_ids;
  int connects = 0;
  std::istringstream lines(r.stdout_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find('|') != std::string::npos) {
      std::vector<std::string> parts;
      std::istringstream fields(line);
      for (std::string f; std::getline(fields, f, '|');) parts.push_back(f);
      connection_ids.insert(parts.at(3));
    } else if (!line.empty()) {
      connects += std::stoi(line);
    }
  }
  EXPECT_EQ(connection_ids.size(), 1u) << r.stdout_text;
  EXPECT_EQ(connects, 1) << r.stdout_text;
}

TEST_F(ServerTest, ExpectContinueLetsCurlSendItsBodyWithoutWaiting) {
  std::mutex mutex;
  std::string expect_header;
  StartServer(ProtocolMode::kMtls, [&](HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
    {
      std::lock_guard lock(mutex);
      expect_header = std::string(request.Header("Expect").value_or(""));
    }
    EchoHandler(std::move(request), std::move(writer));
  });
  std::string body_file = Write("body.json", std::string(5000, 'x'));
  sys::ProcessResult r = Curl(WithClientCert({"-H", "Expect: 100-continue", "-d", "@" + body_file, Url("/create")}));
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, HasSubstr("|5000"));
  EXPECT_LT(r.elapsed, 900ms) << "curl waited for a 100 Continue that never came";
  std::lock_guard lock(mutex);
  EXPECT_EQ(expect_header, "100-continue");
}

TEST_F(ServerTest, HeaderOverTheLimitGets431) {
  StartServer(ProtocolMode::kMtls, EchoHandler, [](ServerOptions& o) { o.max_header_bytes = 4096; });
  sys::ProcessResult r = Curl(WithClientCert({"-i", "-H", "X-Big: " + std::string(8000, 'a'), Url("/x")}));
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
  EXPECT_THAT(r.stdout_text, HasSubstr("\r\n\r\n431 Request Header Fields Too Large"));
}

TEST_F(ServerTest, BodyOverTheLimitGets413NamingTheLimit) {
  StartServer(ProtocolMode::kMtls, EchoHandler, [](ServerOptions& o) { o.max_body_bytes = 1000; });
  std::string body_file = Write("big.json", std::string(3000, 'x'));
  sys::ProcessResult r = Curl(WithClientCert({"-i", "-d", "@" + body_file, Url("/x")}));
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, StartsWith("HTTP/1.1 413 Request Entity Too Large\r\n"));
  EXPECT_THAT(r.stdout_text, HasSubstr("exceeds the fake server's limit of 1000 bytes"));
  EXPECT_LT(r.elapsed, 900ms);

  sys::ProcessResult chunked =
      Curl(WithClientCert({"-i", "-H", "Transfer-Encoding: chunked", "-d", "@" + body_file, Url("/x")}));
  ASSERT_EQ(chunked.exit_code, 0) << chunked.stderr_text;
  EXPECT_THAT(chunked.stdout_text, StartsWith("HTTP/1.1 413 Request Entity Too Large\r\n"));
  EXPECT_THAT(chunked.stdout_text, HasSubstr("limit of 1000 bytes"));
}

TEST_F(ServerTest, UpdateTlsIsSeenByNewConnections) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  ASSERT_EQ(Curl(WithClientCert({Url("/before")})).exit_code, 0);

  TestPki other = MakeTestPki("Rotated CA");
  std::string other_ca = Write("rotated-ca.crt", other.ca.cert_pem);
  ASSERT_THAT(server_->UpdateTls(ProtocolMode::kTls, other.Material()), IsOk());
  sys::ProcessResult rotated = Curl({"--cacert", other_ca, Url("/after")});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.stderr_text;
  EXPECT_THAT(rotated.stdout_text, StartsWith("/after|TLSv1.3|-|"));
  EXPECT_EQ(Curl({"--cacert", ca_, Url("/after")}).exit_code, 60);  // the old CA no longer fits

  TlsMaterial broken = other.Material();
  broken.key_pem = "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n";
  EXPECT_THAT(server_->UpdateTls(ProtocolMode::kMtls, broken),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("previous configuration stays in use")));
  EXPECT_EQ(Curl({"--cacert", other_ca, Url("/still")}).exit_code, 0);

  ASSERT_THAT(server_->UpdateTls(ProtocolMode::kNoTls, {}), IsOk());
  sys::ProcessResult plain = Curl({Url("/plain", /*tls=*/false)});
  ASSERT_EQ(plain.exit_code, 0) << plain.stderr_text;
  EXPECT_THAT(plain.stdout_text, StartsWith("/plain||-|"));
}

TEST(ServerStartTest, BadPemAndBusyPortAreClearErrors) {
  ServerOptions options;
  options.port = 0;
  options.tls = {"", "garbage", "garbage"};
  auto handler = std::make_shared<FunctionHandler>(EchoHandler);
  EXPECT_THAT(HttpServer::Start(options, handler).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("TLS material for mtls mode")));

  ServerOptions plain;
  plain.port = 0;
  plain.mode = ProtocolMode::kNoTls;
  auto first = HttpServer::Start(plain, handler);
  ASSERT_THAT(first.status(), IsOk());
  plain.port = (*first)->port();
  EXPECT_THAT(HttpServer::Start(plain, handler).status(),
              StatusIs(StatusCode::kUnavailable, HasSubstr("already in use")));
  plain.host = "not-an-ip";
  EXPECT_THAT(HttpServer::Start(plain, handler).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not an IP address")));
}

}  // namespace
}  // namespace kuscia::mock::transport::testing
