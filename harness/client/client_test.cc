// The three clients against a small mutual-TLS server on port 0: each failure a user hits must come back
// as the same TransportClass, whichever client made the call.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "certs/catalogue.h"
#include "harness/client/client.h"
#include "harness/client/curl_client.h"
#include "harness/client/exec_client.h"
#include "harness/test_support/mini_kuscia.h"
#include "sys/files.h"
#include "sys/process.h"
#include "testing/status_matchers.h"

namespace kuscia::harness {
namespace {

using ::testing::HasSubstr;
using kuscia::testing::IsOk;

class ClientE2e : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "curl" && !sys::FindOnPath("curl")) GTEST_SKIP() << "curl is not installed";
    auto mini = testing::MiniKuscia::Start(dir_.path());
    ASSERT_THAT(mini, IsOk());
    mini_ = std::move(*mini);
    std::string spec = GetParam() == "exec"
                           ? "exec:python3 " + std::string(KC_SOURCE_DIR) + "/harness/examples/python_client.py"
                           : GetParam();
    auto client = MakeClient(spec);
    ASSERT_THAT(client, IsOk());
    client_ = std::move(*client);
  }

  ClientRequest Health() const {
    ClientRequest r{.base_url = mini_->base_url(), .path = "/healthZ", .body = "{}"};
    r.headers = {{"Content-Type", "application/json"}};
    r.identity = ClientIdentity::FromKusciaDir(dir_.path());
    r.timeout = std::chrono::seconds(5);
    return r;
  }

  Outcome SendOk(const ClientRequest& r) {
    Result<Outcome> o = client_->Send(r);
    EXPECT_THAT(o, IsOk());
    return o.ok() ? *o : Outcome{};
  }

  sys::TempDir dir_{"kc-client"};
  std::unique_ptr<testing::MiniKuscia> mini_;
  std::unique_ptr<Client> client_;
};

TEST_P(ClientE2e, MutualOk) {
  Outcome o = SendOk(Health());
  EXPECT_EQ(TransportClassName(o.transport), "ok") << o.detail;
  EXPECT_EQ(o.http_status, 200);
  EXPECT_EQ(o.api_code, 0);
  EXPECT_THAT(o.body, HasSubstr(R"("ready":true)"));
  EXPECT_THAT(o.Header("Content-Type").value_or(""), HasSubstr("application/json"));
}

TEST_P(ClientE2e, NoClientCertIsRejected) {
  ClientRequest r = Health();
  r.identity.client_cert.reset();
  r.identity.client_key.reset();
  Outcome o = SendOk(r);
  EXPECT_EQ(TransportClassName(o.transport), "tls_client_rejected") << o.detail;
  EXPECT_EQ(o.http_status, 0);
}

TEST_P(ClientE2e, MissingTokenIs401WithEmptyBody) {
  ClientRequest r = Health();
  r.identity.token_source = ClientIdentity::TokenSource::kNone;
  Outcome o = SendOk(r);
  EXPECT_EQ(TransportClassName(o.transport), "ok") << o.detail;
  EXPECT_EQ(o.http_status, 401);
  EXPECT_EQ(o.body, "");
  EXPECT_EQ(o.api_code, std::nullopt);
}

TEST_P(ClientE2e, MissingKeyFileIsClientConfigError) {
  ClientRequest r = Health();
  r.identity.client_key = dir_.path() / "no-such.key";
  Outcome o = SendOk(r);
  EXPECT_EQ(TransportClassName(o.transport), "client_config_error") << o.detail;
}

TEST_P(ClientE2e, UnknownServerCaIsUntrusted) {
  sys::TempDir other("kc-other");
  ASSERT_THAT(certs::WriteKusciaDir({.dir = other.path(), .add_host_sans = false}), IsOk());
  ClientRequest r = Health();
  r.identity.ca_cert = other.path() / "ca.crt";
  Outcome o = SendOk(r);
  EXPECT_EQ(TransportClassName(o.transport), "tls_server_untrusted") << o.detail;
  r.identity.verify_server = false;  // curl -k: the same call goes through
  EXPECT_EQ(TransportClassName(SendOk(r).transport), "ok");
}

TEST_P(ClientE2e, WrongHostNameIsHostnameMismatch) {
  sys::TempDir dir("kc-san");
  auto other = testing::MiniKuscia::Start(dir.path(), {.host = "127.0.0.2"});  // not in the certificate's SANs
  if (!other.ok()) GTEST_SKIP() << "127.0.0.2 cannot be bound here: " << other.status();
  ClientRequest r = Health();
  r.base_url = (*other)->base_url();
  r.identity = ClientIdentity::FromKusciaDir(dir.path());
  Outcome o = SendOk(r);
  EXPECT_EQ(TransportClassName(o.transport), "tls_hostname_mismatch") << o.detail;
}

TEST_P(ClientE2e, ClosedPortIsRefused) {
  ClientRequest r = Health();
  int port = mini_->port();
  mini_.reset();
  r.base_url = "https://127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(TransportClassName(SendOk(r).transport), "connect_refused");
}

INSTANTIATE_TEST_SUITE_P(Clients, ClientE2e, ::testing::Values("builtin", "curl", "exec"));

TEST(CurlCommandLine, ShowsTheTokenFileNeverTheValue) {
  ClientRequest r{.base_url = "https://127.0.0.1:8082", .path = "/healthZ", .body = "{}"};
  r.headers = {{"Content-Type", "application/json"}};
  r.identity = ClientIdentity::FromKusciaDir("/home/kuscia/var/certs");
  r.identity.verify_server = false;
  EXPECT_EQ(CurlCommandLine(r),
            "curl -X POST https://127.0.0.1:8082/healthZ --header \"Token: $(cat /home/kuscia/var/certs/token)\" "
            "--header 'Content-Type: application/json' --cert /home/kuscia/var/certs/kusciaapi-server.crt "
            "--key /home/kuscia/var/certs/kusciaapi-server.key --cacert /home/kuscia/var/certs/ca.crt -k -d '{}'");
}

TEST(ShellQuote, QuotesWhatTheShellWouldSplit) {
  EXPECT_EQ(ShellQuote("plain/path.crt"), "plain/path.crt");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote(""), "''");
}

TEST(ExecOutcome, RejectsBrokenAdapters) {
  EXPECT_THAT(ParseExecOutcome("not json").status(),
              kuscia::testing::StatusIs(StatusCode::kInvalidArgument, HasSubstr("one JSON object")));
  EXPECT_THAT(ParseExecOutcome(R"({"transport":"ok"})").status(),
              kuscia::testing::StatusIs(StatusCode::kInvalidArgument, HasSubstr("http_status")));
  EXPECT_THAT(ParseExecOutcome(R"({"transport":"tls_rejected"})").status(),
              kuscia::testing::StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown transport class")));
  Result<Outcome> ok = ParseExecOutcome(R"({"transport":"ok","http_status":200,"body":"{\"status\":{\"code\":0}}"})");
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->api_code, 0);
}

TEST(ParseBaseUrl, AcceptsHostPortOnly) {
  Result<BaseUrl> u = ParseBaseUrl("https://10.0.0.5:8082");
  ASSERT_THAT(u, IsOk());
  EXPECT_EQ(u->host, "10.0.0.5");
  EXPECT_EQ(u->port, 8082);
  EXPECT_THAT(ParseBaseUrl("https://h:8082/api").status(),
              kuscia::testing::StatusIs(StatusCode::kInvalidArgument, HasSubstr("without a path")));
  EXPECT_THAT(ParseBaseUrl("h:8082").status(),
              kuscia::testing::StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a URL")));
}

}  // namespace
}  // namespace kuscia::harness
