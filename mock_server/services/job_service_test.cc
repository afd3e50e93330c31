// JobService against reference §5.1 and §7: every validation rule with its code and exact message, the
// documented tutorial job end to end, and the stage operations' API results in each state.
#include "mock_server/services/job_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "api/json_codec.h"
#include "mock_server/engine/engine_test_util.h"
#include "testing/status_matchers.h"

namespace kuscia::mock::services {
namespace {

using engine::testutil::At;
using engine::testutil::ManualEngine;
using nlohmann::ordered_json;

ordered_json Party(const std::string& domain) {
  return {{"domain_id", domain}, {"role", ""}, {"resources", nullptr}, {"bandwidth_limits", ordered_json::array()}};
}

ordered_json CanonicalTask(const std::string& alias, std::vector<std::string> dependencies, const std::string& config) {
  return {{"app_image", "secretflow-image"}, {"parties", {Party("alice"), Party("bob")}}, {"alias", alias},
          {"task_id", alias}, {"dependencies", dependencies}, {"task_input_config", config}, {"priority", 100},
          {"schedule_config", nullptr}, {"tolerable", false}};
}

// The documented request (reference §7.1) in canonical form: every field present.
ordered_json TutorialRequest(const std::string& job_id = "job-best-effort-linear") {
  return {{"header", nullptr},
          {"job_id", job_id},
          {"initiator", "alice"},
          {"max_parallelism", 2},
          {"tasks",
           {CanonicalTask("job-psi", {}, testdata::kPsiTaskInputConfig),
            CanonicalTask("job-split", {"job-psi"}, testdata::kSplitTaskInputConfig)}},
          {"custom_fields", ordered_json::object()}};
}

ordered_json Ok(ordered_json data) {
  return {{"status", {{"code", 0}, {"message", "success"}, {"details", ordered_json::array()}}}, {"data", data}};
}
ordered_json Error(int code, const std::string& message) {
  return {{"status", {{"code", code}, {"message", message}, {"details", ordered_json::array()}}}, {"data", nullptr}};
}
ordered_json Id(const std::string& job_id) { return {{"job_id", job_id}}; }

class JobServiceTest : public ::testing::Test {
 protected:
  ManualEngine m_;
  JobService jobs_{m_.engine()};
};

TEST_F(JobServiceTest, TutorialJobEndToEnd) {
  EXPECT_EQ(jobs_.CreateJob(TutorialRequest()), Ok(Id("job-best-effort-linear")));
  m_.Advance(2);
  ordered_json batch = jobs_.BatchQueryJobStatus({{"header", nullptr}, {"job_ids", {"job-best-effort-linear"}}});
  ASSERT_EQ(batch["status"]["code"], 0);
  const ordered_json& status = batch["data"]["jobs"][0]["status"];
  EXPECT_EQ(batch["data"]["jobs"][0]["job_id"], "job-best-effort-linear");
  EXPECT_EQ(status["state"], "Succeeded");
  EXPECT_EQ(status["end_time"], At(2));
  for (const ordered_json& task : status["tasks"]) {
    EXPECT_EQ(task["state"], "Succeeded");
    EXPECT_EQ(task["progress"], 1);
    EXPECT_EQ(task["parties"].size(), 2u);
    for (const ordered_json& party : task["parties"]) EXPECT_EQ(party["state"], "Succeeded");
  }
  EXPECT_EQ(status["tasks"][1]["parties"][1]["endpoints"][1],
            ordered_json::parse(R"({"port_name":"global","scope":"Domain","endpoint":"job-split-0-global.bob.svc:8081"})"));

  ordered_json query = jobs_.QueryJob({{"header", nullptr}, {"job_id", "job-best-effort-linear"}});
  ASSERT_EQ(query["status"]["code"], 0);
  const ordered_json& data = query["data"];
  EXPECT_EQ(data["job_id"], "job-best-effort-linear");
  EXPECT_EQ(data["initiator"], "alice");
  EXPECT_EQ(data["max_parallelism"], 2);
  EXPECT_EQ(data["status"], status);
  EXPECT_EQ(data["custom_fields"], ordered_json::object());
  ordered_json psi = CanonicalTask("job-psi", {}, testdata::kPsiTaskInputConfig);
  psi.erase("tolerable");  // TaskConfig has no tolerable
  EXPECT_EQ(data["tasks"][0], psi);
  EXPECT_EQ(data["tasks"][1]["task_input_config"], testdata::kSplitTaskInputConfig);
  EXPECT_EQ(data["tasks"][1]["dependencies"], ordered_json::array({"job-psi"}));
}

TEST_F(JobServiceTest, CreateJobValidationInKusciasOrder) {
  struct Case {
    const char* name;
    std::function<void(ordered_json&)> mutate;
    int code;
    std::string message;
  };
  const std::string regex_error =
      "Field \"job_id\" is invalid, invalid value: \"Bad_Id\": regex used for validation is "
      "\"^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$\" ";
  std::vector<Case> cases = {
      {"empty job id", [](ordered_json& r) { r["job_id"] = ""; r["tasks"] = ordered_json::array(); }, 11100,
       "job id can not be empty"},
      {"bad job id before empty tasks", [](ordered_json& r) { r["job_id"] = "Bad_Id"; r["tasks"] = ordered_json::array(); },
       11100, regex_error},
      {"empty tasks before empty initiator", [](ordered_json& r) { r["tasks"] = ordered_json::array(); r["initiator"] = ""; },
       11100, "tasks can not be empty"},
      {"empty initiator", [](ordered_json& r) { r["initiator"] = ""; }, 11100, "initiator can not be empty"},
      {"empty alias", [](ordered_json& r) { r["tasks"][1]["alias"] = ""; }, 11100, "task alias can not be empty on tasks[1]"},
      {"empty parties", [](ordered_json& r) { r["tasks"][0]["parties"] = ordered_json::array(); }, 11100,
       "parties can not be empty on tasks[0]"},
      {"empty party domain", [](ordered_json& r) { r["tasks"][1]["parties"][0]["domain_id"] = ""; }, 11100,
       "party domain id can not be empty"},
      {"bad cpu", [](ordered_json& r) { r["tasks"][0]["parties"][0]["resources"] = {{"cpu", "lots"}, {"memory", ""}, {"bandwidth", ""}}; },
       11100,
       "parse input cpu resource failed: quantities must match the regular expression "
       "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"},
      {"bad memory", [](ordered_json& r) { r["tasks"][0]["parties"][0]["resources"] = {{"cpu", "1"}, {"memory", "1mm"}, {"bandwidth", ""}}; },
       11100, "parse input memory resource failed: unable to parse quantity's suffix"},
      {"zero kbps", [](ordered_json& r) { r["tasks"][0]["parties"][1]["bandwidth_limits"] = {{{"destination_id", "alice"}, {"limit_kbps", 0}}}; },
       11100, "bandwidth limit kbps can not be zero or negative"},
      {"empty destination", [](ordered_json& r) { r["tasks"][0]["parties"][1]["bandwidth_limits"] = {{{"destination_id", ""}, {"limit_kbps", 10}}}; },
       11100, "bandwidth limit destination id can not be empty"},
      {"max parallelism above the CRD limit", [](ordered_json& r) { r["max_parallelism"] = 200; }, 11201,
       "KusciaJob.kuscia.secretflow \"job-best-effort-linear\" is invalid: spec.maxParallelism: Invalid value: 200: "
       "spec.maxParallelism in body should be less than or equal to 128"},
      {"too many tasks", [](ordered_json& r) {
         for (int i = 0; i < 127; ++i) r["tasks"].push_back(CanonicalTask("t" + std::to_string(i), {}, ""));
       }, 11201, "KusciaJob.kuscia.secretflow \"job-best-effort-linear\" is invalid: spec.tasks: Too many: 129: must have at most 128 items"},
      {"custom field breaks label syntax", [](ordered_json& r) { r["custom_fields"] = {{"ok", "two words"}}; }, 11201,
       "KusciaJob.kuscia.secretflow \"job-best-effort-linear\" is invalid: metadata.labels: Invalid value: \"two words\": "
       "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
       "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
       "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
      {"unknown mock key", [](ordered_json& r) { r["custom_fields"] = {{"mock.fial.job-psi", "bob"}}; }, 11100,
       "custom_fields[\"mock.fial.job-psi\"] = \"bob\": unknown mock key; known keys: mock.fail.<alias>, "
       "mock.fail-runs.<alias>, mock.msg.<alias>, mock.seconds.<alias>, mock.seconds, mock.approval (see "
       "docs/mock-outcomes.md)"},
      {"mock key for an unknown alias", [](ordered_json& r) { r["custom_fields"] = {{"mock.fail.nope", "bob"}}; }, 11100,
       "custom_fields[\"mock.fail.nope\"] = \"bob\": no task of this job has alias \"nope\"; put the alias of one of "
       "the job's tasks after \"mock.fail.\""},
      {"mock party not in the task", [](ordered_json& r) { r["custom_fields"] = {{"mock.fail.job-psi", "carol"}}; }, 11100,
       "custom_fields[\"mock.fail.job-psi\"] = \"carol\": is not a party of task \"job-psi\"; use one of its party "
       "domain ids, or \"all\""},
      {"mock seconds not a number", [](ordered_json& r) { r["custom_fields"] = {{"mock.seconds", "1.5"}}; }, 11100,
       "custom_fields[\"mock.seconds\"] = \"1.5\": must be a whole number of seconds from 0 to 86400"},
      {"mock message without failure", [](ordered_json& r) { r["custom_fields"] = {{"mock.msg.job-psi", "x"}}; }, 11100,
       "custom_fields[\"mock.msg.job-psi\"] = \"x\": has no effect without \"mock.fail.job-psi\"; add that key to say "
       "which party fails"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ordered_json request = TutorialRequest();
    c.mutate(request);
    EXPECT_EQ(jobs_.CreateJob(request), Error(c.code, c.message));
  }
  // Nothing above was stored.
  EXPECT_EQ(jobs_.QueryJob({{"job_id", "job-best-effort-linear"}})["status"]["code"], 11202);
}

TEST_F(JobServiceTest, CreateDefaultsAndDuplicates) {
  ordered_json request = TutorialRequest("job.with.dots");
  request["max_parallelism"] = 0;
  request["tasks"][0]["schedule_config"] = {{"task_timeout_seconds", 0}, {"resource_reserved_seconds", 5},
                                           {"resource_reallocation_interval_seconds", -1}};
  request["tasks"][0]["parties"][0]["resources"] = {{"cpu", "2"}, {"memory", "1Gi"}, {"bandwidth", ""}};
  request["tasks"][0]["parties"][1]["bandwidth_limits"] = {{{"destination_id", "alice"}, {"limit_kbps", 1024}}};
  request["custom_fields"] = {{"team", "psi-team"}};
  EXPECT_EQ(jobs_.CreateJob(request), Ok(Id("job.with.dots")));
  EXPECT_EQ(jobs_.CreateJob(request),
            Error(11201, "kusciajobs.kuscia.secretflow \"job.with.dots\" already exists"));
  ordered_json data = jobs_.QueryJob({{"job_id", "job.with.dots"}})["data"];
  EXPECT_EQ(data["max_parallelism"], 1);
  EXPECT_EQ(data["tasks"][0]["schedule_config"],
            ordered_json::parse(R"({"task_timeout_seconds":300,"resource_reserved_seconds":5,
                                   "resource_reallocation_interval_seconds":30})"));
  EXPECT_EQ(data["tasks"][0]["parties"][0]["resources"], nullptr);  // hidden by QueryJob
  EXPECT_EQ(data["tasks"][0]["parties"][1]["bandwidth_limits"],
            ordered_json::parse(R"([{"destination_id":"alice","limit_kbps":1024}])"));
  EXPECT_EQ(data["custom_fields"], ordered_json::parse(R"({"team":"psi-team"})"));
  EXPECT_EQ(data["status"]["state"], "Pending");
}

TEST_F(JobServiceTest, MockFieldsFailAPartyInBand) {
  ordered_json request = TutorialRequest();
  request["custom_fields"] = {{"mock.fail.job-split", "bob"}, {"mock.msg.job-split", "oom-killed"}, {"mock.seconds", "3"}};
  ASSERT_EQ(jobs_.CreateJob(request)["status"]["code"], 0);
  m_.Advance(5);
  EXPECT_EQ(m_.Detail("job-best-effort-linear")["state"], "Running");
  m_.Advance(1);
  ordered_json status = m_.Detail("job-best-effort-linear");
  EXPECT_EQ(status["state"], "Failed");
  EXPECT_EQ(status["end_time"], At(6));
  EXPECT_EQ(status["err_msg"], "Task[job-split]-Party[bob]: oom-killed");
}

TEST_F(JobServiceTest, MockApprovalWaitsForApproveJob) {
  ordered_json request = TutorialRequest();
  request["custom_fields"] = {{"mock.approval", "wait"}};
  ASSERT_EQ(jobs_.CreateJob(request)["status"]["code"], 0);
  m_.Advance(5);
  EXPECT_EQ(m_.Detail("job-best-effort-linear")["state"], "AwaitingApproval");
  EXPECT_EQ(jobs_.ApproveJob({{"job_id", "job-best-effort-linear"}, {"result", "APPROVE_RESULT_ACCEPT"}, {"reason", ""}}),
            Ok(Id("job-best-effort-linear")));
  m_.Advance(2);
  EXPECT_EQ(m_.Detail("job-best-effort-linear")["state"], "Succeeded");
}

TEST_F(JobServiceTest, EmptyIdsAndMissingJobsPerOperation) {
  using Method = ordered_json (JobService::*)(const ordered_json&);
  struct Case {
    const char* name;
    Method method;
    int not_found_code;
  };
  std::vector<Case> cases = {
      {"query", &JobService::QueryJob, 11202},    {"delete", &JobService::DeleteJob, 11204},
      {"stop", &JobService::StopJob, 11205},      {"suspend", &JobService::SuspendJob, 11207},
      {"restart", &JobService::RestartJob, 11208}, {"cancel", &JobService::CancelJob, 11209},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ((jobs_.*c.method)({{"header", nullptr}, {"job_id", ""}, {"reason", ""}}),
              Error(11100, "job id can not be empty"));
    EXPECT_EQ((jobs_.*c.method)({{"header", nullptr}, {"job_id", "ghost"}, {"reason", ""}}),
              Error(c.not_found_code, "kusciajobs.kuscia.secretflow \"ghost\" not found"));
  }
  EXPECT_EQ(jobs_.ApproveJob({{"job_id", ""}, {"result", "APPROVE_RESULT_ACCEPT"}, {"reason", ""}}),
            Error(11100, "job id can not be empty"));
  EXPECT_EQ(jobs_.ApproveJob({{"job_id", "ghost"}, {"result", "APPROVE_RESULT_UNKNOWN"}, {"reason", ""}}),
            Error(11100, "request result must be legal"));
  EXPECT_EQ(jobs_.ApproveJob({{"job_id", "ghost"}, {"result", "APPROVE_RESULT_REJECT"}, {"reason", ""}}),
            Error(11206, "kusciajobs.kuscia.secretflow \"ghost\" not found"));
}

TEST_F(JobServiceTest, BatchQueryRules) {
  ASSERT_EQ(jobs_.CreateJob(TutorialRequest("a"))["status"]["code"], 0);
  EXPECT_EQ(jobs_.BatchQueryJobStatus({{"job_ids", ordered_json::array()}}), Error(11100, "job ids can not be empty"));
  EXPECT_EQ(jobs_.BatchQueryJobStatus({{"job_ids", {"a", ""}}}), Error(11100, "job id can not be empty"));
  EXPECT_EQ(jobs_.BatchQueryJobStatus({{"job_ids", {"a", "missing", "gone"}}}),
            Error(11203, "kusciajobs.kuscia.secretflow \"missing\" not found"));
  ordered_json both = jobs_.BatchQueryJobStatus({{"job_ids", {"a", "a"}}});
  ASSERT_EQ(both["data"]["jobs"].size(), 2u);  // duplicates allowed, request order
}

// What the HTTP layer would send for `request` without the fast path.
std::string SlowBatchBytes(JobService& jobs, const ordered_json& request) {
  return api::EncodeProtoJson("BatchQueryJobStatusResponse", jobs.BatchQueryJobStatus(request));
}

ordered_json BatchRequest(std::vector<std::string> ids) { return {{"header", nullptr}, {"job_ids", ids}}; }

TEST_F(JobServiceTest, EncodedBatchQueryIsTheEncodedDocumentByteForByte) {
  // One job in each state at t=3; tasks take 1 s.
  ordered_json failing = TutorialRequest("failed");
  failing["custom_fields"] = {{"mock.fail.job-split", "bob"}, {"mock.msg.job-split", "oom-killed"}};
  ordered_json slow = TutorialRequest("running");
  slow["custom_fields"] = {{"mock.seconds", "100"}};
  ordered_json waiting = TutorialRequest("awaiting");
  waiting["custom_fields"] = {{"mock.approval", "wait"}};
  for (const ordered_json& request : {TutorialRequest("succeeded"), failing, slow, waiting}) {
    ASSERT_EQ(jobs_.CreateJob(request)["status"]["code"], 0) << request["job_id"];
  }
  // An id and a message that need JSON escaping (the engine takes ids the API's validation would refuse).
  const std::string odd_id = "job \"quoted\" \\ <&> caf\u00e9";
  engine::OutcomePlan plan;
  plan.tasks["a"].failing_parties = {"alice"};
  plan.tasks["a"].err_msg = "exit \"1\"\n<&>\tcaf\u00e9";
  m_.Create(engine::testutil::Job(odd_id, {engine::testutil::Task("a"), engine::testutil::Task("b", {"a"})}), plan);
  m_.Advance(3);
  ASSERT_EQ(jobs_.CreateJob(TutorialRequest("pending"))["status"]["code"], 0);

  const std::vector<std::string> ids = {"pending", "running", "succeeded", "failed", "awaiting", odd_id, "pending"};
  for (const std::string& id : ids) {
    SCOPED_TRACE(id);
    std::optional<api::EncodedResponse> fast = jobs_.EncodedBatchQueryJobStatus(BatchRequest({id}));
    ASSERT_TRUE(fast.has_value());
    EXPECT_EQ(fast->code, 0);
    EXPECT_EQ(fast->body, SlowBatchBytes(jobs_, BatchRequest({id})));
  }
  std::optional<api::EncodedResponse> batch = jobs_.EncodedBatchQueryJobStatus(BatchRequest(ids));
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->body, SlowBatchBytes(jobs_, BatchRequest(ids)));

  ordered_json answer = ordered_json::parse(batch->body);
  EXPECT_EQ(answer["status"], ordered_json::parse(R"({"code":0,"message":"success","details":[]})"));
  const ordered_json& jobs = answer["data"]["jobs"];
  ASSERT_EQ(jobs.size(), ids.size());
  std::vector<std::string> states;
  for (const ordered_json& job : jobs) states.push_back(job["status"]["state"]);
  EXPECT_THAT(states, ::testing::ElementsAre("Pending", "Running", "Succeeded", "Failed", "AwaitingApproval",
                                             "Failed", "Pending"));
  EXPECT_EQ(jobs[1]["status"]["tasks"][0]["state"], "Running");
  EXPECT_EQ(jobs[1]["status"]["tasks"][1]["state"], "Pending");
  EXPECT_EQ(jobs[2]["status"]["end_time"], At(2));
  EXPECT_EQ(jobs[3]["status"]["err_msg"], "Task[job-split]-Party[bob]: oom-killed");
  EXPECT_EQ(jobs[2]["status"]["approve_status_list"],
            ordered_json::parse(R"([{"domain_id":"alice","state":"JobAccepted"},
                                    {"domain_id":"bob","state":"JobAccepted"}])"));
  EXPECT_EQ(jobs[4]["status"]["approve_status_list"],
            ordered_json::parse(R"([{"domain_id":"alice","state":"JobAccepted"}])"));
  EXPECT_EQ(jobs[5]["job_id"], odd_id);
  EXPECT_THAT(batch->body, ::testing::HasSubstr(R"("job_id":"job \"quoted\" \\ <&> café")"));
  EXPECT_THAT(batch->body, ::testing::HasSubstr(R"(exit \"1\"\n<&>\tcafé)"));
}

TEST_F(JobServiceTest, EncodedBatchQueryLeavesEveryErrorToTheDocumentPath) {
  ASSERT_EQ(jobs_.CreateJob(TutorialRequest("a"))["status"]["code"], 0);
  for (const ordered_json& request :
       {BatchRequest({}), BatchRequest({"a", ""}), BatchRequest({"a", "missing"}), ordered_json::object()}) {
    SCOPED_TRACE(request.dump());
    EXPECT_EQ(jobs_.EncodedBatchQueryJobStatus(request), std::nullopt);
    EXPECT_NE(jobs_.BatchQueryJobStatus(request)["status"]["code"], 0);
  }
}

TEST_F(JobServiceTest, EncodedBatchQueryFollowsTheJob) {
  auto state_in_fast_answer = [this] {
    std::optional<api::EncodedResponse> fast = jobs_.EncodedBatchQueryJobStatus(BatchRequest({"j"}));
    if (!fast) return std::string("<no fast answer>");
    EXPECT_EQ(fast->body, SlowBatchBytes(jobs_, BatchRequest({"j"})));
    return ordered_json::parse(fast->body)["data"]["jobs"][0]["status"]["state"].get<std::string>();
  };
  ASSERT_EQ(jobs_.CreateJob(TutorialRequest("j"))["status"]["code"], 0);
  EXPECT_EQ(state_in_fast_answer(), "Pending");
  m_.Advance(0);
  EXPECT_EQ(state_in_fast_answer(), "Running");
  EXPECT_EQ(jobs_.SuspendJob({{"job_id", "j"}, {"reason", ""}})["status"]["code"], 0);
  m_.Advance(0);
  EXPECT_EQ(state_in_fast_answer(), "Suspended");
  EXPECT_EQ(jobs_.RestartJob({{"job_id", "j"}, {"reason", ""}})["status"]["code"], 0);
  m_.Advance(2);
  EXPECT_EQ(state_in_fast_answer(), "Succeeded");
  EXPECT_EQ(jobs_.DeleteJob({{"job_id", "j"}})["status"]["code"], 0);
  EXPECT_EQ(state_in_fast_answer(), "<no fast answer>");
  ASSERT_EQ(jobs_.CreateJob(TutorialRequest("j"))["status"]["code"], 0);
  EXPECT_EQ(state_in_fast_answer(), "Pending") << "a re-created job is not served from the old job's bytes";
}

TEST_F(JobServiceTest, StageOperationsPhaseMessages) {
  ASSERT_EQ(jobs_.CreateJob(TutorialRequest("j"))["status"]["code"], 0);
  ordered_json id = {{"job_id", "j"}, {"reason", ""}};
  // Before the first reconcile the raw phase is empty.
  EXPECT_EQ(jobs_.SuspendJob(id), Error(11210, "job: j current status is  can not be suspend."));
  EXPECT_EQ(jobs_.RestartJob(id), Error(11211, "job: j current status is  can not be restart."));
  m_.Advance(0);
  EXPECT_EQ(jobs_.RestartJob(id), Error(11211, "job: j current status is Running can not be restart."));
  EXPECT_EQ(jobs_.SuspendJob(id), Ok(Id("j")));
  m_.Advance(0);
  EXPECT_EQ(jobs_.SuspendJob(id), Error(11210, "job: j current status is Suspended can not be suspend."));
  EXPECT_EQ(jobs_.RestartJob(id), Ok(Id("j")));
  m_.Advance(3);
  EXPECT_EQ(m_.Detail("j")["state"], "Succeeded");
  // Stop and cancel succeed even where they change nothing.
  EXPECT_EQ(jobs_.StopJob(id), Ok(Id("j")));
  EXPECT_EQ(jobs_.StopJob(id), Ok(Id("j")));
  EXPECT_EQ(jobs_.CancelJob(id), Ok(Id("j")));
  m_.Advance(1);
  EXPECT_EQ(m_.Detail("j")["state"], "Succeeded");
  EXPECT_EQ(jobs_.DeleteJob(id), Ok(Id("j")));
  EXPECT_EQ(jobs_.DeleteJob(id), Error(11204, "kusciajobs.kuscia.secretflow \"j\" not found"));
}

TEST_F(JobServiceTest, ResponsesFitTheApiSchemas) {
  using ::kuscia::testing::IsOk;
  EXPECT_THAT(api::ValidateCanonical("CreateJobResponse", jobs_.CreateJob(TutorialRequest())), IsOk());
  EXPECT_THAT(api::ValidateCanonical("CreateJobResponse", jobs_.CreateJob(TutorialRequest())), IsOk());  // error
  m_.Advance(2);
  ordered_json id = {{"job_id", "job-best-effort-linear"}};
  ordered_json query = jobs_.QueryJob(id);
  EXPECT_THAT(api::ValidateCanonical("QueryJobResponse", query), IsOk());
  ordered_json batch = jobs_.BatchQueryJobStatus({{"job_ids", {"job-best-effort-linear"}}});
  EXPECT_THAT(api::ValidateCanonical("BatchQueryJobStatusResponse", batch), IsOk());
  std::string body = api::EncodeProtoJson("BatchQueryJobStatusResponse", batch);
  EXPECT_THAT(body, ::testing::HasSubstr(R"("alias":"job-psi","progress":1})"));
  EXPECT_THAT(body, ::testing::StartsWith(R"({"status":{"code":0,"message":"success","details":[]},"data":{"jobs":[)"));
  EXPECT_THAT(api::ValidateCanonical("ApproveJobResponse", jobs_.ApproveJob({{"job_id", "x"}, {"result", 1}})), IsOk());
  for (auto method : {&JobService::StopJob, &JobService::SuspendJob, &JobService::RestartJob, &JobService::CancelJob,
                      &JobService::DeleteJob}) {
    EXPECT_THAT(api::ValidateCanonical("CreateJobResponse", (jobs_.*method)(id)), IsOk());  // same {status, data{job_id}}
  }
}

TEST_F(JobServiceTest, InitiatorMustBeSelfInP2P) {
  auto clock = std::make_shared<engine::ManualClock>(engine::testutil::T0());
  engine::EngineOptions options;
  options.clock = clock;
  options.own_domain = "alice";
  engine::Engine p2p(std::move(options));
  JobService jobs(p2p);
  ordered_json request = TutorialRequest();
  request["initiator"] = "bob";
  EXPECT_EQ(jobs.CreateJob(request), Error(11100, "initiator is bob, but initiator must be alice in P2P"));
}

}  // namespace
}  // namespace kuscia::mock::services
