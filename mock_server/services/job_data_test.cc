// Jobs meeting data and nodes: the P2P (autonomy) rules, approval, and what a task does with its inputs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_server/engine/tutorial_job_for_test.h"
#include "mock_server/services/job_inputs.h"
#include "mock_server/services/service_test_fixture.h"

namespace kuscia::mock::services {
namespace {

using ::testing::HasSubstr;
using nlohmann::ordered_json;
using std::chrono::seconds;

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The tutorial's two-task job; `psi_inputs` replaces the PSI task's sf_input_ids.
std::string TutorialJob(const std::string& job_id, const std::string& initiator = "alice",
                        const std::string& psi_inputs = R"(["alice-table","bob-table"])") {
  std::string psi = ReplaceAll(testdata::kPsiTaskInputConfig, R"("sf_input_ids":["alice-table","bob-table"])",
                               R"("sf_input_ids":)" + psi_inputs);
  ordered_json parties = ordered_json::array({{{"domain_id", "alice"}}, {{"domain_id", "bob"}}});
  ordered_json job = {{"job_id", job_id},
                      {"initiator", initiator},
                      {"max_parallelism", 2},
                      {"tasks",
                       {{{"task_id", "job-psi"}, {"alias", "job-psi"}, {"app_image", "secretflow-image"},
                         {"parties", parties}, {"dependencies", ordered_json::array()}, {"task_input_config", psi},
                         {"priority", 100}},
                        {{"task_id", "job-split"}, {"alias", "job-split"}, {"app_image", "secretflow-image"},
                         {"parties", parties}, {"dependencies", {"job-psi"}},
                         {"task_input_config", testdata::kSplitTaskInputConfig}, {"priority", 100}}}}};
  return job.dump();
}

TEST(JobData, TheTutorialJobSucceedsOnTheDefaultState) {
  ServiceFixture node;
  ASSERT_EQ(node.Post("/api/v1/job/create", TutorialJob("job-best-effort-linear")).code(), 0);
  node.Advance(seconds(5));
  EXPECT_EQ(node.JobState("job-best-effort-linear"), "Succeeded");
}

TEST(JobData, UseYourOwnDataThenRunAJobOnIt) {
  ServiceFixture node;
  ServiceReply created = node.Post("/api/v1/domaindata/create",
                                   R"({"domain_id":"alice","domaindata_id":"alice-new","type":"table",)"
                                   R"("relative_uri":"alice-new.csv","columns":[{"name":"id1","type":"str"}]})");
  ASSERT_EQ(created.code(), 0) << created.body;
  ASSERT_EQ(node.Post("/api/v1/job/create", TutorialJob("own-data", "alice", R"(["alice-new","bob-table"])")).code(), 0);
  node.Advance(seconds(5));
  EXPECT_EQ(node.JobState("own-data"), "Succeeded");
}

TEST(JobData, AMissingInputFailsTheTaskWithAClearPartyMessage) {
  ServiceFixture node;
  ASSERT_EQ(node.Post("/api/v1/job/create", TutorialJob("missing-input", "alice", R"(["carol-table","bob-table"])")).code(), 0);
  node.Advance(seconds(5));
  ServiceReply query = node.Post("/api/v1/job/query", R"({"job_id":"missing-input"})");
  const ordered_json& status = query.json["data"]["status"];
  EXPECT_EQ(status["state"], "Failed");
  const std::string expected =
      "sf_input_ids: domaindata \"carol-table\" does not exist in domain alice or bob; "
      "create it with /api/v1/domaindata/create before the job runs";
  EXPECT_EQ(status["tasks"][0]["parties"][0]["err_msg"], expected);
  EXPECT_THAT(status["err_msg"].get<std::string>(), HasSubstr("Task[job-psi]-Party[alice]: " + expected));
  EXPECT_EQ(status["tasks"][1]["state"], "Pending") << "the dependent task never starts";
}

TEST(JobData, InputChecksCountEarlierOutputsAndIgnoreNonJsonConfigs) {
  store::DataStore store;
  engine::JobSpec spec;
  spec.tasks.resize(2);
  spec.tasks[0].parties = {{"alice", "", std::nullopt, {}}};
  spec.tasks[0].task_input_config = R"({"sf_output_ids":["out-1"]})";
  spec.tasks[1].parties = {{"alice", "", std::nullopt, {}}};
  spec.tasks[1].task_input_config = R"({"sf_input_ids":["out-1"]})";
  EXPECT_EQ(CheckTaskInputs(store, spec, 1), "");
  spec.tasks[1].task_input_config = "not json";
  EXPECT_EQ(CheckTaskInputs(store, spec, 1), "");
  spec.tasks[1].task_input_config = R"({"sf_input_ids":["t"]})";
  EXPECT_THAT(CheckTaskInputs(store, spec, 1), HasSubstr("\"t\" does not exist in domain alice;"));
}

TEST(JobData, AutonomyNodesOnlyInitiateTheirOwnJobs) {
  ServiceFixture node(NodeMode::kAutonomy, "alice");
  ServiceReply reply = node.Post("/api/v1/job/create", TutorialJob("from-bob", "bob"));
  EXPECT_EQ(reply.code(), 11100);
  EXPECT_EQ(reply.message(), "initiator is bob, but initiator must be alice in P2P");
}

TEST(JobData, InterClusterJobsWaitForThePartnerAndRunOnceApproved) {
  ServiceFixture node(NodeMode::kAutonomy, "alice");
  ASSERT_EQ(node.Post("/api/v1/job/create", TutorialJob("p2p-job")).code(), 0);
  node.Advance(seconds(1));
  EXPECT_EQ(node.JobState("p2p-job"), "AwaitingApproval");
  ServiceReply query = node.Post("/api/v1/job/query", R"({"job_id":"p2p-job"})");
  EXPECT_EQ(query.json["data"]["status"]["approve_status_list"],
            ordered_json::parse(R"([{"domain_id":"alice","state":"JobAccepted"}])"));
  ASSERT_EQ(node.Post("/api/v1/job/approve", R"({"job_id":"p2p-job","result":"APPROVE_RESULT_ACCEPT"})").code(), 0);
  node.Advance(seconds(5));
  EXPECT_EQ(node.JobState("p2p-job"), "Succeeded") << "bob-table lives in bob's cluster, so it is not checked here";
}

TEST(JobData, ARejectionEndsInApprovalReject) {
  ServiceFixture node(NodeMode::kAutonomy, "alice");
  ASSERT_EQ(node.Post("/api/v1/job/create", TutorialJob("p2p-rejected")).code(), 0);
  node.Advance(seconds(1));
  ASSERT_EQ(node.Post("/api/v1/job/approve", R"({"job_id":"p2p-rejected","result":2})").code(), 0);
  node.Advance(seconds(1));
  ServiceReply query = node.Post("/api/v1/job/query", R"({"job_id":"p2p-rejected"})");
  EXPECT_EQ(query.json["data"]["status"]["state"], "ApprovalReject");
  EXPECT_NE(query.json["data"]["status"]["end_time"], "");
}

TEST(JobData, ASingleDomainJobOnAnAutonomyNodeNeedsNoApproval) {
  ServiceFixture node(NodeMode::kAutonomy, "alice");
  ordered_json job = ordered_json::parse(TutorialJob("alice-only", "alice", R"(["alice-table"])"));
  for (auto& task : job["tasks"]) task["parties"] = ordered_json::array({{{"domain_id", "alice"}}});
  ASSERT_EQ(node.Post("/api/v1/job/create", job.dump()).code(), 0);
  node.Advance(seconds(5));
  EXPECT_EQ(node.JobState("alice-only"), "Succeeded");
}

TEST(JobData, TheDefaultStateOfAnAutonomyNodeHasThePartnerAndTheRoutes) {
  ServiceFixture node(NodeMode::kAutonomy, "alice");
  EXPECT_EQ(node.Post("/api/v1/domain/query", R"({"domain_id":"bob"})").json["data"]["role"], "partner");
  EXPECT_EQ(node.Post("/api/v1/route/status/batchQuery",
                      R"({"route_keys":[{"source":"alice","destination":"bob"},{"source":"bob","destination":"alice"}]})")
                .code(),
            0);
  EXPECT_FALSE(node.store().HasDomainData("bob", "bob-table")) << "bob's data is in bob's cluster";
  EXPECT_TRUE(node.store().HasDataSource("alice", "default-data-source"));
}

}  // namespace
}  // namespace kuscia::mock::services
