// kuscia-mock end to end: the real server on port 0, driven by the real `curl` exactly as the Kuscia docs
// do, compared with the documented responses (fixtures/documented) and with our golden files
// (fixtures/mock, whose shape is checked against the documented ones).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "certs/kuscia_dir.h"
#include "mock_server/server.h"
#include "sys/files.h"
#include "testing/curl.h"
#include "testing/golden.h"
#include "testing/status_matchers.h"
#include "testing/wait.h"

namespace kuscia::mock {
namespace {

using ::kuscia::testing::CurlCall;
using ::kuscia::testing::CurlResult;
using ::kuscia::testing::IsOk;
using ::kuscia::testing::RunCurl;
using ::testing::AnyOf;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Json = nlohmann::ordered_json;

const std::filesystem::path kDocumented = std::filesystem::path(KC_SOURCE_DIR) / "fixtures" / "documented";
const std::filesystem::path kGolden = std::filesystem::path(KC_SOURCE_DIR) / "fixtures" / "mock";

Json ReadJson(const std::filesystem::path& path) {
  Result<std::string> text = sys::ReadFile(path);
  EXPECT_THAT(text.status(), IsOk());
  return Json::parse(text.value_or("null"));
}

std::string Compact(const std::filesystem::path& path) { return ReadJson(path).dump(); }

class MockServerE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certs::KusciaDirOptions certs_options;
    certs_options.dir = dir_.path() / "certs";
    certs_options.add_host_sans = false;
    ASSERT_THAT(certs::WriteKusciaDir(certs_options).status(), IsOk());
    MockServerOptions options;
    options.certs_dir = certs_options.dir;
    options.port = 0;
    options.task_duration = std::chrono::milliseconds(100);
    options.threads = 1;
    Result<std::unique_ptr<MockServer>> server = MockServer::Start(options);
    ASSERT_THAT(server.status(), IsOk());
    server_ = std::move(server).value();
  }

  CurlCall Call(const std::string& path, std::optional<std::string> body) {
    CurlCall call;
    call.url = server_->base_url() + path;
    call.certs = server_->certs_dir();
    call.body = std::move(body);
    return call;
  }

  Json PostJson(const std::string& path, const std::string& body) {
    CurlResult r = RunCurl(Call(path, body));
    EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_EQ(r.http_status, 200);
    Json parsed = Json::parse(r.body, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << r.body;
    return parsed;
  }

  std::string Body(const std::string& path, const std::string& body) { return RunCurl(Call(path, body)).body; }

  sys::TempDir dir_{"kc-mock-e2e"};
  std::unique_ptr<MockServer> server_;
};

TEST_F(MockServerE2eTest, DocumentedTutorialRunsToSucceededAndDeletes) {
  // Create with the documented body: the answer is the documented one, byte for byte.
  std::string create = sys::ReadFile(kDocumented / "job_create_request.json").value();
  EXPECT_EQ(Body("/api/v1/job/create", create), Compact(kDocumented / "job_create_response.json"));

  // Poll batchQuery until the job is terminal, as the tutorial does (bounded).
  std::string batch = sys::ReadFile(kDocumented / "job_batch_query_request.json").value();
  Json status;
  ASSERT_TRUE(kuscia::testing::WaitFor(
      [&] {
        status = PostJson("/api/v1/job/status/batchQuery", batch);
        std::string state = status["data"]["jobs"][0]["status"]["state"];
        return state == "Succeeded" || state == "Failed";
      },
      std::chrono::seconds(20), std::chrono::milliseconds(50)));
  const Json& detail = status["data"]["jobs"][0]["status"];
  EXPECT_EQ(detail["state"], "Succeeded");
  EXPECT_NE(detail["end_time"], "");
  for (const Json& task : detail["tasks"]) {
    EXPECT_EQ(task["state"], "Succeeded") << task.dump();
    EXPECT_EQ(task["progress"], 1);
    for (const Json& party : task["parties"]) EXPECT_EQ(party["state"], "Succeeded") << party.dump();
  }
  Json documented_batch = ReadJson(kDocumented / "job_batch_query_response.json");
  EXPECT_THAT(kuscia::testing::ShapeDifferences(documented_batch, status), IsEmpty());
  EXPECT_TRUE(kuscia::testing::MatchesGolden(kuscia::testing::NormalizeVolatile(status),
                                             kGolden / "job_batch_query_response.json"));

  Json query = PostJson("/api/v1/job/query", R"({"job_id":"job-alice-bob-001"})");
  EXPECT_THAT(kuscia::testing::ShapeDifferences(ReadJson(kDocumented / "job_query_response.json"), query), IsEmpty());
  EXPECT_TRUE(kuscia::testing::MatchesGolden(kuscia::testing::NormalizeVolatile(query),
                                             kGolden / "job_query_response.json"));

  std::string remove = sys::ReadFile(kDocumented / "job_delete_request.json").value();
  EXPECT_EQ(Body("/api/v1/job/delete", remove), Compact(kDocumented / "job_delete_response.json"));
  EXPECT_EQ(Body("/api/v1/job/query", R"({"job_id":"job-alice-bob-001"})"),
            R"({"status":{"code":11202,"message":"kusciajobs.kuscia.secretflow \"job-alice-bob-001\" not found",)"
            R"("details":[]},"data":null})");
}

TEST_F(MockServerE2eTest, HealthIsTheDocumentedAnswer) {
  EXPECT_EQ(Body("/healthZ", "{}"), Compact(kDocumented / "health_response.json"));
}

// The documented error table (tutorial "HTTP Error Code" and curl troubleshooting).
TEST_F(MockServerE2eTest, NoClientCertificateIsCurl56) {
  CurlCall call = Call("/healthZ", "{}");
  call.send_client_cert = false;
  CurlResult r = RunCurl(call);
  // TLS 1.3: curl learns of the refusal at its first read (56), or at its send when the alert wins (55).
  EXPECT_THAT(r.exit_code, AnyOf(Eq(56), Eq(55))) << r.stderr_text;
  EXPECT_EQ(r.http_status, 0);
}

TEST_F(MockServerE2eTest, MissingKeyFileIsCurl58) {
  CurlCall call = Call("/healthZ", "{}");
  call.client_key = (dir_.path() / "no-such.key").string();
  EXPECT_EQ(RunCurl(call).exit_code, 58);
}

TEST_F(MockServerE2eTest, MissingOrWrongTokenIs401WithAnEmptyBody) {
  CurlCall missing = Call("/healthZ", "{}");
  missing.send_token = false;
  CurlResult r = RunCurl(missing);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.http_status, 401);
  EXPECT_EQ(r.body, "");
  CurlCall wrong = Call("/api/v1/no/such/path", "{}");
  wrong.token = "not-the-token";
  r = RunCurl(wrong);
  EXPECT_EQ(r.http_status, 401);
  EXPECT_EQ(r.body, "");
}

TEST_F(MockServerE2eTest, WrongPathIs404) {
  CurlResult r = RunCurl(Call("/api/v1/job/creat", "{}"));
  EXPECT_EQ(r.http_status, 404);
  EXPECT_EQ(r.body, "404 page not found");
}

TEST_F(MockServerE2eTest, PlainHttpToTheTlsPortGetsGosAnswer) {
  CurlCall call;
  call.url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/healthZ";
  call.body = "{}";
  CurlResult r = RunCurl(call);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.body, "Client sent an HTTP request to an HTTPS server.\n");
}

TEST_F(MockServerE2eTest, WatchStreamsTheInitialJobsAsConcatenatedObjects) {
  EXPECT_THAT(Body("/api/v1/job/create", sys::ReadFile(kDocumented / "job_create_request.json").value()),
              HasSubstr(R"("code":0)"));
  CurlResult r = RunCurl(Call("/api/v1/job/watch", R"({"timeout_seconds":1})"));
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_EQ(r.http_status, 200);
  EXPECT_THAT(r.headers, HasSubstr("Transfer-Encoding: chunked"));
  EXPECT_THAT(r.body, ::testing::StartsWith(R"({"object":{"job_id":"job-alice-bob-001","status":{)"));
}

}  // namespace
}  // namespace kuscia::mock
