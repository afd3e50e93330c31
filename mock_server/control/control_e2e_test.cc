// The control plane end to end: each endpoint called with curl as README.md shows it, with the effect a
// client of the API sees.
#include <thread>

#include "mock_server/control/e2e_fixture.h"
#include "mock_server/engine/clock.h"

namespace kuscia::mock::control::testing {
namespace {

using ::kuscia::testing::StatusIs;
using ::kuscia::testing::WaitFor;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

std::string JobState(const Json& batch, size_t index) {
  return batch["data"]["jobs"][index]["status"]["state"].get<std::string>();
}

TEST_F(ControlE2eTest, AdminListsEndpointsAndAnswersMistakesWithJsonErrors) {
  StartServer();
  Json list = AdminJson("GET", "/admin");
  EXPECT_GE(list["endpoints"].size(), 20u);
  Json unknown = AdminJson("GET", "/admin/nope", {}, 404);
  EXPECT_THAT(unknown["error"]["message"].get<std::string>(), HasSubstr("GET /admin lists them"));
  Json wrong_method = AdminJson("PUT", "/admin/faults", {}, 405);
  EXPECT_THAT(wrong_method["error"]["message"].get<std::string>(), HasSubstr("use GET, POST, DELETE"));
  Json bad_body = AdminJson("POST", "/admin/faults", "{nope", 400);
  EXPECT_THAT(bad_body["error"]["message"].get<std::string>(), HasSubstr("must be a JSON object"));
  Json bad_rule = AdminJson("POST", "/admin/faults", R"({"fault":"delay","delay":"2 days"})", 400);
  EXPECT_EQ(bad_rule["error"]["code"], "INVALID_ARGUMENT");
  EXPECT_THAT(bad_rule["error"]["message"].get<std::string>(), HasSubstr("write it like 250ms"));
  Json kinds = AdminJson("GET", "/admin/faults/kinds");
  EXPECT_EQ(kinds["kinds"].size(), faults::AllFaultKinds().size());
}

TEST_F(ControlE2eTest, StateShowsEverythingAndResetReturnsToTheStart) {
  StartServer();
  ASSERT_EQ(Api("/api/v1/job/create", JobBody("job-reset")).http_status, 200);
  EXPECT_THAT(Api("/api/v1/domain/create", R"({"domain_id":"carol"})").body, HasSubstr(R"("code":0)"));
  Json added = AdminJson("POST", "/admin/faults", R"({"route":"job.query","fault":"malformed_json"})");
  EXPECT_EQ(added["id"], 1);
  (void)AdminJson("POST", "/admin/outcomes", R"({"job_id":"x-*","await_approval":true})");
  (void)AdminJson("POST", "/admin/credentials/token", R"({"token":"other"})");

  Json state = AdminJson("GET", "/admin/state");
  EXPECT_EQ(state["jobs"][0]["job_id"], "job-reset");
  EXPECT_EQ(state["faults"][0]["fault"], "malformed_json");
  EXPECT_EQ(state["outcomes"][0]["job_id"], "x-*");
  EXPECT_EQ(state["credentials"]["token_rotated"], true);
  EXPECT_GE(state["journal"]["total"].get<int>(), 1);

  EXPECT_EQ(AdminJson("POST", "/admin/reset")["reset"], true);
  state = AdminJson("GET", "/admin/state");
  EXPECT_TRUE(state["jobs"].empty());
  EXPECT_TRUE(state["faults"].empty());
  EXPECT_TRUE(state["outcomes"].empty());
  EXPECT_EQ(state["credentials"]["token_rotated"], false);
  EXPECT_EQ(state["journal"]["size"], 0);
  // The original token works again and the job id is free.
  CurlResult again = Api("/api/v1/job/create", JobBody("job-reset"));
  EXPECT_EQ(again.http_status, 200);
  EXPECT_THAT(again.body, HasSubstr(R"("code":0)"));
  // Domains and data return to the starting state too: carol is gone, alice and her tables are back.
  EXPECT_THAT(Api("/api/v1/domain/query", R"({"domain_id":"carol"})").body, HasSubstr(R"("code":11305)"));
  EXPECT_THAT(Api("/api/v1/domain/query", R"({"domain_id":"alice"})").body, HasSubstr(R"("code":0)"));
  EXPECT_THAT(Api("/api/v1/domaindata/query", R"({"data":{"domain_id":"alice","domaindata_id":"alice-table"}})").body,
              HasSubstr(R"("code":0)"));
}

TEST_F(ControlE2eTest, ManualClockMovesTheLifecycleOnlyWhenTold) {
  StartServer([](MockServerOptions& o) {
    o.clock = ClockKind::kManual;
    o.task_duration = 2s;
  });
  Json clock = AdminJson("GET", "/admin/clock");
  EXPECT_EQ(clock["kind"], "manual");
  ASSERT_EQ(Api("/api/v1/job/create", JobBody("job-clock")).http_status, 200);
  std::string query = R"({"job_ids":["job-clock"]})";
  Json before = Json::parse(Api("/api/v1/job/status/batchQuery", query).body);
  EXPECT_NE(JobState(before, 0), "Succeeded");

  Json advanced = AdminJson("POST", "/admin/clock/advance", R"({"by":"5s"})");
  EXPECT_EQ(advanced["now_ms"].get<int64_t>() - clock["now_ms"].get<int64_t>(), 5000);
  Json after = Json::parse(Api("/api/v1/job/status/batchQuery", query).body);
  EXPECT_EQ(JobState(after, 0), "Succeeded");

  Json set = AdminJson("POST", "/admin/clock/set", R"({"to":"2030-01-02T03:04:05Z"})");
  EXPECT_EQ(set["now"], "2030-01-02T03:04:05Z");
  Json bad = AdminJson("POST", "/admin/clock/set", R"({"to":"tomorrow"})", 400);
  EXPECT_THAT(bad["error"]["message"].get<std::string>(), HasSubstr("2025-04-16T10:42:55Z"));
}

TEST_F(ControlE2eTest, RealClockRefusesToBeMoved) {
  StartServer();
  Json refused = AdminJson("POST", "/admin/clock/advance", R"({"by":"1s"})", 409);
  EXPECT_THAT(refused["error"]["message"].get<std::string>(), HasSubstr("--clock manual"));
}

TEST_F(ControlE2eTest, OutcomeRulesScriptJobsByIdPattern) {
  StartServer([](MockServerOptions& o) { o.clock = ClockKind::kManual; });
  Json failing = AdminJson("POST", "/admin/outcomes",
                           R"({"job_id":"job-fail-*","tasks":{"job-psi":{"fail":"bob","err_msg":"oom-killed"}}})");
  (void)AdminJson("POST", "/admin/outcomes", R"({"job_id":"job-wait","await_approval":true})");
  (void)AdminJson("POST", "/admin/outcomes", R"({"job_id":"job-slow","tasks":{"job-psi":{"duration":"1h"}}})");
  for (const char* id : {"job-fail-1", "job-ok", "job-wait", "job-slow"}) {
    ASSERT_EQ(Api("/api/v1/job/create", JobBody(id)).http_status, 200) << id;
  }
  (void)AdminJson("POST", "/admin/clock/advance", R"({"by":"30s"})");
  Json batch = Json::parse(
      Api("/api/v1/job/status/batchQuery", R"({"job_ids":["job-fail-1","job-ok","job-wait","job-slow"]})").body);
  EXPECT_EQ(JobState(batch, 0), "Failed");
  EXPECT_THAT(batch["data"]["jobs"][0]["status"]["err_msg"].get<std::string>(), HasSubstr("oom-killed"));
  EXPECT_EQ(JobState(batch, 1), "Succeeded");
  EXPECT_EQ(JobState(batch, 2), "AwaitingApproval");
  EXPECT_EQ(JobState(batch, 3), "Running");

  Json listed = AdminJson("GET", "/admin/outcomes");
  EXPECT_EQ(listed["outcomes"][0]["applied"], 1);
  std::string rule = "/admin/outcomes/" + std::to_string(failing["id"].get<int>());
  EXPECT_EQ(AdminJson("DELETE", rule)["deleted"], failing["id"]);
  (void)AdminJson("DELETE", rule, {}, 404);
  EXPECT_EQ(AdminJson("DELETE", "/admin/outcomes")["deleted"], "all");
  Json bad = AdminJson("POST", "/admin/outcomes", R"({"job_id":"x","tasks":{"t":{"err_msg":"e"}}})", 400);
  EXPECT_THAT(bad["error"]["message"].get<std::string>(), HasSubstr("without 'fail'"));
}

TEST_F(ControlE2eTest, JournalRecordsWhatTheClientSentButNeverTheToken) {
  StartServer();
  std::string token = kuscia::testing::ShellCatToken(server_->certs_dir() / "token");
  ASSERT_EQ(Api("/healthZ").http_status, 200);
  CurlCall wrong = ApiCall("/healthZ");
  wrong.token = "wrong-token";
  ASSERT_EQ(RunCurl(wrong).http_status, 401);
  ASSERT_EQ(Api("/api/v1/job/query", R"({"job_id":"job-journal"})").http_status, 200);

  CurlResult raw = Admin("GET", "/admin/journal?path=%2FhealthZ");
  EXPECT_THAT(raw.body, Not(HasSubstr(token)));
  Json page = Json::parse(raw.body);
  ASSERT_EQ(page["entries"].size(), 2u);
  const Json& ok = page["entries"][0];
  EXPECT_EQ(ok["method"], "POST");
  EXPECT_EQ(ok["token"], "matched");
  EXPECT_THAT(ok["headers"], Contains(Json::array({"Token", "<matched>"})));
  EXPECT_EQ(ok["body"], "{}");
  EXPECT_EQ(ok["client"]["tls_version"], "TLSv1.3");
  EXPECT_EQ(ok["client"]["certificate"]["subject"], "CN=KusciaAPI");
  EXPECT_EQ(ok["client"]["certificate"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(ok["response"]["http_status"], 200);
  EXPECT_EQ(ok["response"]["code"], 0);
  EXPECT_TRUE(ok["fault"].is_null());
  EXPECT_EQ(page["entries"][1]["token"], "mismatched");
  EXPECT_EQ(page["entries"][1]["response"]["http_status"], 401);
  EXPECT_TRUE(page["entries"][1]["response"]["code"].is_null());

  EXPECT_EQ(AdminJson("GET", "/admin/journal?status=401")["entries"].size(), 1u);
  Json by_job = AdminJson("GET", "/admin/journal?job_id=job-*");
  ASSERT_EQ(by_job["entries"].size(), 1u);
  EXPECT_EQ(by_job["entries"][0]["response"]["code"], 11202);
  EXPECT_EQ(AdminJson("GET", "/admin/journal?code=11202")["entries"].size(), 1u);
  uint64_t first = page["entries"][0]["seq"].get<uint64_t>();
  EXPECT_EQ(AdminJson("GET", "/admin/journal?since=" + std::to_string(first))["entries"].size(), 2u);
  EXPECT_EQ(AdminJson("GET", "/admin/journal?limit=1")["entries"].size(), 1u);
  (void)AdminJson("GET", "/admin/journal?colour=red", {}, 400);

  EXPECT_EQ(AdminJson("DELETE", "/admin/journal")["deleted"], "all");
  EXPECT_EQ(AdminJson("GET", "/admin/journal")["stats"]["size"], 0);
}

TEST_F(ControlE2eTest, JournalWaitReturnsWhenEnoughRequestsArriveOrTimesOut) {
  StartServer();
  Json waited;
  std::thread waiter([&] {
    waited = AdminJson("POST", "/admin/journal/wait",
                       R"({"match":{"path":"/api/v1/job/query"},"count":2,"timeout":"20s"})");
  });
  // The wait is registered before the requests only if we give it a moment; either order must work.
  for (int i = 0; i < 2; ++i) ASSERT_EQ(Api("/api/v1/job/query", R"({"job_id":"j"})").http_status, 200);
  waiter.join();
  EXPECT_EQ(waited["matched"], true);
  EXPECT_EQ(waited["entries"].size(), 2u);

  auto started = std::chrono::steady_clock::now();
  Json timed_out = AdminJson("POST", "/admin/journal/wait",
                             R"({"match":{"path":"/api/v1/job/query"},"count":5,"timeout":"300ms"})", 408);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
  EXPECT_EQ(timed_out["seen"], 2);
  EXPECT_THAT(timed_out["error"]["message"].get<std::string>(), HasSubstr("saw 2"));
}

TEST_F(ControlE2eTest, HandshakeLogRecordsFailedHandshakesWithTheirCause) {
  StartServer();
  CurlCall no_cert = ApiCall("/healthZ");
  no_cert.send_client_cert = false;
  EXPECT_NE(RunCurl(no_cert).exit_code, 0);
  CurlCall plain;
  plain.url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/healthZ";
  plain.body = "{}";
  EXPECT_EQ(RunCurl(plain).http_status, 400);  // Go's answer to plain HTTP on a TLS port

  Json page;
  ASSERT_TRUE(WaitFor(
      [&] {
        page = AdminJson("GET", "/admin/handshakes");
        return page["entries"].size() >= 2;
      },
      5s));
  std::vector<std::string> causes;
  for (const Json& e : page["entries"]) {
    causes.push_back(e["cause"].get<std::string>());
    EXPECT_THAT(e["remote_address"].get<std::string>(), HasSubstr("127.0.0.1:"));
  }
  EXPECT_THAT(causes, Contains("no_client_certificate"));
  EXPECT_THAT(causes, Contains("not_tls"));
  EXPECT_EQ(AdminJson("GET", "/admin/handshakes?cause=not_tls")["entries"].size(), 1u);
  (void)AdminJson("DELETE", "/admin/handshakes");
  EXPECT_EQ(AdminJson("GET", "/admin/handshakes")["stats"]["size"], 0);
}

TEST_F(ControlE2eTest, RotatedTokenAppliesToTheNextRequestAndCanBeWrittenToTheFile) {
  StartServer();
  Json rotated = AdminJson("POST", "/admin/credentials/token", R"({"token":"rotated-token-0123456789abcdef"})");
  EXPECT_EQ(rotated["token_rotated"], true);
  EXPECT_FALSE(rotated.contains("token"));  // a token the caller chose is not echoed
  EXPECT_EQ(Api("/healthZ").http_status, 401);  // the file still holds the old one
  CurlCall with_new = ApiCall("/healthZ");
  with_new.token = "rotated-token-0123456789abcdef";
  EXPECT_EQ(RunCurl(with_new).http_status, 200);

  Json generated = AdminJson("POST", "/admin/credentials/token", R"({"write_file":true})");
  ASSERT_TRUE(generated.contains("token"));
  EXPECT_EQ(generated["token"].get<std::string>().size(), 32u);
  EXPECT_EQ(Api("/healthZ").http_status, 200);  // $(cat token) reads the new one

  (void)AdminJson("POST", "/admin/reset");
  EXPECT_EQ(Api("/healthZ").http_status, 200);  // file and server both back to the original
  EXPECT_EQ(AdminJson("GET", "/admin/credentials")["token_file_rewritten"], false);
}

TEST_F(ControlE2eTest, ServerCertificateSwapsToBrokenIdentitiesAndBack) {
  StartServer();
  Json swapped = AdminJson("POST", "/admin/credentials/server-cert", R"({"identity":"server-expired"})");
  EXPECT_EQ(swapped["server_identity"], "server-expired");
  CurlResult verifying = Api("/healthZ");
  EXPECT_EQ(verifying.exit_code, 60) << verifying.stderr_text;
  EXPECT_THAT(verifying.stderr_text, HasSubstr("expired"));
  CurlCall insecure = ApiCall("/healthZ");
  insecure.insecure = true;
  EXPECT_EQ(RunCurl(insecure).http_status, 200);

  (void)AdminJson("POST", "/admin/credentials/server-cert", R"({"identity":"server-wrong-san"})");
  EXPECT_EQ(Api("/healthZ").exit_code, 60);
  (void)AdminJson("POST", "/admin/credentials/server-cert", R"({"identity":"server-other-ca"})");
  EXPECT_EQ(Api("/healthZ").exit_code, 60);
  (void)AdminJson("POST", "/admin/credentials/server-cert", R"({"identity":"default"})");
  EXPECT_EQ(Api("/healthZ").http_status, 200);

  Json unknown = AdminJson("POST", "/admin/credentials/server-cert", R"({"identity":"server-nope"})", 404);
  EXPECT_THAT(unknown["error"]["message"].get<std::string>(), HasSubstr("server-expired"));
}

TEST_F(ControlE2eTest, ProtocolModeSwitchesWithoutARestart) {
  StartServer();
  (void)AdminJson("POST", "/admin/credentials/mode", R"({"mode":"tls"})");
  CurlCall no_cert = ApiCall("/healthZ");
  no_cert.send_client_cert = false;
  EXPECT_EQ(RunCurl(no_cert).http_status, 200);

  Json notls = AdminJson("POST", "/admin/credentials/mode", R"({"mode":"notls"})");
  EXPECT_EQ(notls["mode"], "notls");
  EXPECT_EQ(server_->base_url().substr(0, 7), "http://");
  CurlCall plain;
  plain.url = server_->base_url() + "/healthZ";
  plain.body = "{}";
  EXPECT_EQ(RunCurl(plain).http_status, 200);  // no TLS and no token check, as Kuscia's NOTLS

  (void)AdminJson("POST", "/admin/credentials/mode", R"({"mode":"mtls"})");
  EXPECT_EQ(Api("/healthZ").http_status, 200);
  EXPECT_EQ(RunCurl(no_cert).http_status, 0);  // mtls again: no client certificate, no answer
  (void)AdminJson("POST", "/admin/credentials/mode", R"({"mode":"quantum"})", 400);
}

TEST_F(ControlE2eTest, AdminTokenIsRequiredWhenSet) {
  StartServer([](MockServerOptions& o) { o.admin_token = "s3cret-admin"; });
  Json refused = AdminJson("GET", "/admin/state", {}, 401);
  EXPECT_THAT(refused["error"]["message"].get<std::string>(), HasSubstr("Authorization: Bearer"));
  admin_token_ = "s3cret-admin";
  (void)AdminJson("GET", "/admin/state");
}

TEST(AdminExposureTest, NonLoopbackAdminNeedsAToken) {
  sys::TempDir dir("kc-control-exposure");
  MockServerOptions options;
  options.certs_dir = dir.path();
  options.port = 0;
  options.admin = "0.0.0.0:0";
  EXPECT_THAT(MockServer::Start(options).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("--admin-token FILE")));
}

}  // namespace
}  // namespace kuscia::mock::control::testing
