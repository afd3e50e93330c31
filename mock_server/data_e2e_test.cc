// kuscia-mock end to end for data and state: the tutorial's "use your own data" path driven by the real
// `curl` over mTLS, and `--state` / `--save-state` across a SIGTERM of the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "certs/kuscia_dir.h"
#include "mock_server/engine/tutorial_job_for_test.h"
#include "mock_server/server.h"
#include "sys/files.h"
#include "sys/process.h"
#include "testing/curl.h"
#include "testing/status_matchers.h"
#include "testing/wait.h"

extern char** environ;

namespace kuscia::mock {
namespace {

using ::kuscia::testing::CurlCall;
using ::kuscia::testing::CurlResult;
using ::kuscia::testing::IsOk;
using ::kuscia::testing::RunCurl;
using ::kuscia::testing::WaitFor;
using Json = nlohmann::ordered_json;

std::filesystem::path WriteCerts(const std::filesystem::path& dir) {
  certs::KusciaDirOptions options;
  options.dir = dir;
  options.add_host_sans = false;
  EXPECT_THAT(certs::WriteKusciaDir(options).status(), IsOk());
  return dir;
}

Json Post(const std::string& base_url, const std::filesystem::path& certs, const std::string& path,
          const std::string& body) {
  CurlCall call;
  call.url = base_url + path;
  call.certs = certs;
  call.body = body;
  CurlResult r = RunCurl(call);
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_EQ(r.http_status, 200) << r.body;
  Json parsed = Json::parse(r.body, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << r.body;
  return parsed;
}

std::string WaitForTerminalState(const std::string& base_url, const std::filesystem::path& certs,
                                 const std::string& job_id) {
  std::string state;
  bool done = WaitFor(
      [&] {
        Json status = Post(base_url, certs, "/api/v1/job/status/batchQuery", R"({"job_ids":[")" + job_id + R"("]})");
        state = status["data"]["jobs"][0]["status"]["state"].get<std::string>();
        return state == "Succeeded" || state == "Failed";
      },
      std::chrono::seconds(20), std::chrono::milliseconds(50));
  EXPECT_TRUE(done) << job_id << " never finished; last state " << state;
  return state;
}

std::string TutorialJob(const std::string& job_id, const std::string& psi_inputs) {
  std::string psi = testdata::kPsiTaskInputConfig;
  const std::string documented = R"("sf_input_ids":["alice-table","bob-table"])";
  psi.replace(psi.find(documented), documented.size(), R"("sf_input_ids":)" + psi_inputs);
  Json parties = Json::array({{{"domain_id", "alice"}}, {{"domain_id", "bob"}}});
  return Json({{"job_id", job_id},
               {"initiator", "alice"},
               {"max_parallelism", 2},
               {"tasks",
                {{{"task_id", "job-psi"}, {"alias", "job-psi"}, {"app_image", "secretflow-image"}, {"parties", parties},
                  {"task_input_config", psi}, {"priority", 100}},
                 {{"task_id", "job-split"}, {"alias", "job-split"}, {"app_image", "secretflow-image"},
                  {"parties", parties}, {"dependencies", {"job-psi"}},
                  {"task_input_config", testdata::kSplitTaskInputConfig}, {"priority", 100}}}}})
      .dump();
}

TEST(DataE2e, UseYourOwnDataWithCurl) {
  sys::TempDir dir("kc-data-e2e");
  MockServerOptions options;
  options.certs_dir = WriteCerts(dir.path() / "certs");
  options.port = 0;
  options.task_duration = std::chrono::milliseconds(100);
  options.threads = 1;
  Result<std::unique_ptr<MockServer>> server = MockServer::Start(options);
  ASSERT_THAT(server.status(), IsOk());
  const std::string url = (*server)->base_url();
  const std::filesystem::path certs = options.certs_dir;

  // The tutorial: register the new file as DomainData of alice, in her default data source.
  Json created = Post(url, certs, "/api/v1/domaindata/create",
                      R"({"domain_id":"alice","domaindata_id":"alice-new","name":"alice-new.csv","type":"table",)"
                      R"("relative_uri":"alice-new.csv","datasource_id":"default-data-source",)"
                      R"("columns":[{"name":"id1","type":"str"},{"name":"age","type":"float"}]})");
  EXPECT_EQ(created.dump(), R"({"status":{"code":0,"message":"success","details":[]},"data":{"domaindata_id":"alice-new"}})");
  Json queried = Post(url, certs, "/api/v1/domaindata/query", R"({"data":{"domain_id":"alice","domaindata_id":"alice-new"}})");
  EXPECT_EQ(queried["data"]["vendor"], "manual");
  EXPECT_EQ(queried["data"]["columns"].size(), 2u);

  // Then a job whose sf_input_ids name it.
  Json job = Post(url, certs, "/api/v1/job/create", TutorialJob("job-own-data", R"(["alice-new","bob-table"])"));
  ASSERT_EQ(job["status"]["code"], 0) << job.dump();
  EXPECT_EQ(WaitForTerminalState(url, certs, "job-own-data"), "Succeeded");

  // A job naming data nobody registered fails in its task, as the engine container would.
  Post(url, certs, "/api/v1/job/create", TutorialJob("job-missing-data", R"(["alice-nope","bob-table"])"));
  EXPECT_EQ(WaitForTerminalState(url, certs, "job-missing-data"), "Failed");
  Json failed = Post(url, certs, "/api/v1/job/query", R"({"job_id":"job-missing-data"})");
  EXPECT_THAT(failed["data"]["status"]["err_msg"].get<std::string>(),
              ::testing::HasSubstr("sf_input_ids: domaindata \"alice-nope\" does not exist in domain alice or bob"));
}

// The real binary, as a user runs it: started, used, stopped with SIGTERM, restarted from the saved file.
class MockProcess {
 public:
  MockProcess(const std::filesystem::path& dir, std::vector<std::string> extra) : port_file_(dir / "port") {
    std::filesystem::remove(port_file_);
    std::vector<std::string> args = {std::string(KC_BINARY_DIR) + "/bin/kuscia-mock", "--certs", (dir / "certs").string(),
                                     "--listen", "127.0.0.1:0", "--port-file", port_file_.string(), "--quiet",
                                     "--task-duration", "0.1"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    started_ = WaitFor([&] { return sys::ReadFile(port_file_).value_or("").find('\n') != std::string::npos; },
                       std::chrono::seconds(20), std::chrono::milliseconds(10));
  }
  ~MockProcess() {
    if (pid_ > 0) Terminate();
  }
  bool started() const { return started_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(std::stoi(sys::ReadFile(port_file_).value())); }
  int Terminate() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  std::filesystem::path port_file_;
  pid_t pid_ = -1;
  bool started_ = false;
};

TEST(DataE2e, SaveStateOnSigtermAndResumeFromIt) {
  sys::TempDir dir("kc-state-e2e");
  const std::filesystem::path certs = WriteCerts(dir.path() / "certs");
  const std::string saved = (dir.path() / "saved.yaml").string();
  {
    MockProcess mock(dir.path(), {"--save-state", saved});
    ASSERT_TRUE(mock.started()) << "kuscia-mock did not start";
    Post(mock.url(), certs, "/api/v1/domain/create", R"({"domain_id":"carol"})");
    Post(mock.url(), certs, "/api/v1/domaindata/create",
         R"({"domain_id":"bob","domaindata_id":"bob-extra","type":"table","relative_uri":"extra.csv"})");
    Post(mock.url(), certs, "/api/v1/job/create", TutorialJob("job-before-stop", R"(["alice-table","bob-table"])"));
    EXPECT_EQ(WaitForTerminalState(mock.url(), certs, "job-before-stop"), "Succeeded");
    EXPECT_EQ(mock.Terminate(), 0);
  }
  ASSERT_TRUE(std::filesystem::exists(saved));

  MockProcess resumed(dir.path(), {"--state", saved});
  ASSERT_TRUE(resumed.started()) << "kuscia-mock did not start from " << saved;
  EXPECT_EQ(Post(resumed.url(), certs, "/api/v1/domain/query", R"({"domain_id":"carol"})")["status"]["code"], 0);
  EXPECT_EQ(Post(resumed.url(), certs, "/api/v1/domaindata/query",
                 R"({"data":{"domain_id":"bob","domaindata_id":"bob-extra"}})")["data"]["relative_uri"],
            "extra.csv");
  Json job = Post(resumed.url(), certs, "/api/v1/job/query", R"({"job_id":"job-before-stop"})");
  EXPECT_EQ(job["data"]["status"]["state"], "Succeeded");
  EXPECT_NE(job["data"]["status"]["end_time"], "");
}

// --tls-records openssl keeps every connection on OpenSSL's record layer (the escape hatch, and the A/B
// switch of docs/performance.md); the fake serves the same.
TEST(DataE2e, TheBinaryServesWithOpenSslRecordsAndRefusesAnUnknownRecordLayer) {
  sys::TempDir dir("kc-tls-records");
  const std::filesystem::path certs = WriteCerts(dir.path() / "certs");
  {
    MockProcess mock(dir.path(), {"--tls-records", "openssl"});
    ASSERT_TRUE(mock.started()) << "kuscia-mock did not start";
    EXPECT_EQ(Post(mock.url(), certs, "/api/v1/domain/query", R"({"domain_id":"alice"})")["status"]["code"], 0);
  }
  Result<sys::ProcessResult> refused = sys::RunProcess({std::string(KC_BINARY_DIR) + "/bin/kuscia-mock", "--certs",
                                                        certs.string(), "--tls-records", "rustls"});
  ASSERT_THAT(refused.status(), IsOk());
  EXPECT_EQ(refused->exit_code, 2);
  EXPECT_THAT(refused->stderr_text, ::testing::HasSubstr("--tls-records must be own or openssl, got \"rustls\""));
}

TEST(DataE2e, ABadStateFileStopsTheStartWithTheFieldNamed) {
  sys::TempDir dir("kc-state-bad");
  MockServerOptions options;
  options.certs_dir = WriteCerts(dir.path() / "certs");
  options.port = 0;
  options.state_file = dir.path() / "state.yaml";
  ASSERT_THAT(sys::WriteFileAtomic(options.state_file, "domains:\n  - {domain_id: alice, role: boss}\n"), IsOk());
  Result<std::unique_ptr<MockServer>> server = MockServer::Start(options);
  EXPECT_THAT(server.status(), ::kuscia::testing::StatusIs(
                                   StatusCode::kInvalidArgument,
                                   options.state_file.string() + ": /domains/0/role: role is invalid, must be empty or partner"));
}

}  // namespace
}  // namespace kuscia::mock
