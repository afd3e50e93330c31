// The lifecycle of reference §6 on a manual clock: linear and diamond DAGs, priorities, parallelism,
// failures of critical and tolerable tasks, validation failures.
#include "mock_server/engine/lifecycle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_server/engine/engine_test_util.h"

namespace kuscia::mock::engine {
namespace {

using nlohmann::ordered_json;
using testutil::At;
using testutil::Job;
using testutil::ManualEngine;
using testutil::Task;
using ::testing::MatchesRegex;

TEST(Lifecycle, TutorialJobRunsToSucceeded) {
  ManualEngine m;
  m.Create(testutil::TutorialJob());
  // Before the first reconcile the CRD phase is empty, which the API reports as Pending.
  ordered_json created = m.Detail("job-best-effort-linear");
  EXPECT_EQ(created["state"], "Pending");
  EXPECT_EQ(created["create_time"], At(0));
  EXPECT_EQ(created["start_time"], "");
  EXPECT_EQ(created["tasks"][0], ordered_json::parse(R"({"task_id":"job-psi","state":"Pending","err_msg":"",
      "create_time":"","start_time":"","end_time":"","parties":[],"alias":"job-psi","progress":0})"));

  m.Advance(0);
  ordered_json running = m.Detail("job-best-effort-linear");
  EXPECT_EQ(running["state"], "Running");
  EXPECT_EQ(running["start_time"], At(0));
  EXPECT_EQ(running["tasks"][0]["state"], "Running");
  EXPECT_EQ(running["tasks"][1]["state"], "Pending");

  m.Advance(1);
  EXPECT_EQ(m.TaskState("job-best-effort-linear", 0), "Succeeded");
  EXPECT_EQ(m.TaskState("job-best-effort-linear", 1), "Running");

  m.Advance(1);
  ordered_json done = m.Detail("job-best-effort-linear");
  ordered_json party_alice = ordered_json::parse(R"({"domain_id":"alice","state":"Succeeded","err_msg":"","endpoints":[
      {"port_name":"fed","scope":"Cluster","endpoint":"job-psi-0-fed.alice.svc"},
      {"port_name":"global","scope":"Domain","endpoint":"job-psi-0-global.alice.svc:8081"},
      {"port_name":"inference","scope":"Cluster","endpoint":"job-psi-0-inference.alice.svc"},
      {"port_name":"spu","scope":"Cluster","endpoint":"job-psi-0-spu.alice.svc"}]})");
  ordered_json expected = {
      {"state", "Succeeded"}, {"err_msg", ""}, {"create_time", At(0)}, {"start_time", At(0)}, {"end_time", At(2)}};
  for (const char* key : {"state", "err_msg", "create_time", "start_time", "end_time"}) {
    EXPECT_EQ(done[key], expected[key]) << key;
  }
  const ordered_json& psi = done["tasks"][0];
  EXPECT_EQ(psi["task_id"], "job-psi");
  EXPECT_EQ(psi["state"], "Succeeded");
  EXPECT_EQ(psi["create_time"], At(0));
  EXPECT_EQ(psi["start_time"], At(0));
  EXPECT_EQ(psi["end_time"], At(1));
  EXPECT_EQ(psi["progress"], 1);
  EXPECT_EQ(psi["parties"].size(), 2u);
  EXPECT_EQ(psi["parties"][0], party_alice);
  EXPECT_EQ(psi["parties"][1]["domain_id"], "bob");
  EXPECT_EQ(psi["parties"][1]["endpoints"][1]["endpoint"], "job-psi-0-global.bob.svc:8081");
  const ordered_json& split = done["tasks"][1];
  EXPECT_EQ(split["state"], "Succeeded");
  EXPECT_EQ(split["create_time"], At(1));
  EXPECT_EQ(split["end_time"], At(2));
  EXPECT_EQ(split["progress"], 1);
  EXPECT_EQ(split["parties"][0]["endpoints"][3]["endpoint"], "job-split-0-spu.alice.svc");
  EXPECT_EQ(done["stage_status_list"], ordered_json::parse(R"([{"domain_id":"alice","state":"JobCreateStageSucceeded"},
      {"domain_id":"bob","state":"JobCreateStageSucceeded"}])"));
  EXPECT_EQ(done["approve_status_list"], ordered_json::parse(R"([{"domain_id":"alice","state":"JobAccepted"},
      {"domain_id":"bob","state":"JobAccepted"}])"));
}

TEST(Lifecycle, OneBigJumpGivesTheSameHistoryAsSmallSteps) {
  ManualEngine small, big;
  small.Create(testutil::TutorialJob());
  big.Create(testutil::TutorialJob());
  for (int i = 0; i < 5; ++i) small.Advance(1);
  big.Advance(5);
  EXPECT_EQ(small.Detail("job-best-effort-linear"), big.Detail("job-best-effort-linear"));
  EXPECT_EQ(big.Detail("job-best-effort-linear")["end_time"], At(2));
}

// Diamond a -> {b, c} -> d; c has the higher priority.
JobSpec Diamond(int32_t max_parallelism) {
  return Job("diamond", {Task("a"), Task("b", {"a"}, 1), Task("c", {"a"}, 5), Task("d", {"b", "c"})}, max_parallelism);
}

TEST(Lifecycle, DiamondWithParallelismOneRunsByPriority) {
  ManualEngine m;
  m.Create(Diamond(1));
  m.Advance(10);
  ordered_json status = m.Detail("diamond");
  EXPECT_EQ(status["state"], "Succeeded");
  EXPECT_EQ(status["tasks"][0]["create_time"], At(0));  // a
  EXPECT_EQ(status["tasks"][2]["create_time"], At(1));  // c first: higher priority
  EXPECT_EQ(status["tasks"][1]["create_time"], At(2));  // then b
  EXPECT_EQ(status["tasks"][3]["create_time"], At(3));  // d after both
  EXPECT_EQ(status["end_time"], At(4));
}

TEST(Lifecycle, DiamondWithParallelismTwoRunsTheMiddleTogether) {
  ManualEngine m;
  m.Create(Diamond(2));
  m.Advance(1);
  EXPECT_EQ(m.TaskState("diamond", 1), "Running");
  EXPECT_EQ(m.TaskState("diamond", 2), "Running");
  EXPECT_EQ(m.TaskState("diamond", 3), "Pending");
  m.Advance(10);
  ordered_json status = m.Detail("diamond");
  EXPECT_EQ(status["tasks"][1]["create_time"], At(1));
  EXPECT_EQ(status["tasks"][2]["create_time"], At(1));
  EXPECT_EQ(status["tasks"][3]["create_time"], At(2));
  EXPECT_EQ(status["end_time"], At(3));
}

TEST(Lifecycle, CriticalFailureFailsTheJobOnceNothingCanProgress) {
  ManualEngine m;
  OutcomePlan plan;
  plan.tasks["a"].failing_parties = {"bob"};
  plan.tasks["slow"].duration = std::chrono::seconds(3);
  m.Create(Job("crit", {Task("a"), Task("after-a", {"a"}), Task("slow")}, 2), plan);
  m.Advance(1);
  // a failed, but the independent branch still runs: BestEffort waits for it.
  EXPECT_EQ(m.State("crit"), "Running");
  ordered_json a = m.Detail("crit")["tasks"][0];
  EXPECT_EQ(a["state"], "Failed");
  EXPECT_EQ(a["err_msg"],
            "The remaining no-failed party task counts 1 are less than the threshold 2 that meets the conditions for "
            "task success. pending party[], running party[alice], successful party[], failed party[bob]");
  EXPECT_EQ(a["parties"][1]["state"], "Failed");
  EXPECT_EQ(a["parties"][1]["err_msg"], kDefaultPartyFailure);
  m.Advance(2);
  ordered_json status = m.Detail("crit");
  EXPECT_EQ(status["state"], "Failed");
  EXPECT_EQ(status["end_time"], At(3));
  EXPECT_EQ(status["err_msg"], "Task[a]-Party[bob]: container exited with code 1");
  EXPECT_EQ(status["tasks"][1]["state"], "Pending");  // dependents of a failed task are never created
  EXPECT_EQ(status["tasks"][1]["create_time"], "");
  EXPECT_EQ(status["tasks"][2]["state"], "Succeeded");
}

TEST(Lifecycle, FailureOfEveryPartyWithAMessage) {
  ManualEngine m;
  OutcomePlan plan;
  plan.tasks["a"].failing_parties = {kAllParties};
  plan.tasks["a"].err_msg = "oom-killed";
  m.Create(Job("all", {Task("a")}), plan);
  m.Advance(1);
  ordered_json status = m.Detail("all");
  EXPECT_EQ(status["state"], "Failed");
  EXPECT_EQ(status["err_msg"], "Task[a]-Party[alice]: oom-killed; Task[a]-Party[bob]: oom-killed");
  EXPECT_THAT(status["tasks"][0]["err_msg"].get<std::string>(),
              MatchesRegex(".*counts 0 are less than the threshold 2.*failed party\\[alice bob\\]"));
}

TEST(Lifecycle, TolerableFailureStillSucceeds) {
  ManualEngine m;
  OutcomePlan plan;
  plan.tasks["optional"].failing_parties = {"alice"};
  TaskSpec optional = Task("optional");
  optional.tolerable = true;
  m.Create(Job("tol", {Task("main"), optional}, 2), plan);
  m.Advance(1);
  ordered_json status = m.Detail("tol");
  EXPECT_EQ(status["state"], "Succeeded");
  EXPECT_EQ(status["err_msg"], "");
  EXPECT_EQ(status["tasks"][1]["state"], "Failed");
  EXPECT_EQ(status["end_time"], At(1));
}

TEST(Lifecycle, FailedTolerableDependencyLeavesTheJobRunning) {
  // The proto forbids this layout but nothing enforces it (reference §9.12): the dependent never starts.
  ManualEngine m;
  OutcomePlan plan;
  plan.tasks["optional"].failing_parties = {"alice"};
  TaskSpec optional = Task("optional");
  optional.tolerable = true;
  m.Create(Job("stuck", {optional, Task("needs-optional", {"optional"})}), plan);
  m.Advance(100);
  EXPECT_EQ(m.State("stuck"), "Running");
  EXPECT_EQ(m.Detail("stuck")["end_time"], "");
}

TEST(Lifecycle, ValidationFailuresFailWithAnEmptyMessage) {
  struct Case {
    const char* name;
    JobSpec spec;
  };
  std::vector<Case> cases = {
      {"cycle", Job("cycle", {Task("a", {"b"}), Task("b", {"a"})})},
      {"self-cycle", Job("self-cycle", {Task("a", {"a"})})},
      {"missing-dependency", Job("missing-dependency", {Task("a", {"nope"})})},
  };
  JobSpec unknown_initiator = Job("unknown-initiator", {Task("a")});
  unknown_initiator.initiator = "carol";
  cases.push_back({"unknown-initiator", unknown_initiator});
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    ManualEngine m;
    m.Create(c.spec);
    m.Advance(0);
    ordered_json status = m.Detail(c.spec.job_id);
    EXPECT_EQ(status["state"], "Failed");
    EXPECT_EQ(status["err_msg"], "");
    EXPECT_EQ(status["start_time"], At(0));
    EXPECT_EQ(status["end_time"], At(0));
    EXPECT_EQ(status["stage_status_list"], ordered_json::array());
    EXPECT_EQ(status["tasks"][0]["state"], "Pending");
  }
}

TEST(Lifecycle, UnknownPartyDomainFailsAfterRetries) {
  ManualEngine m;
  m.Create(Job("carol-job", {Task("a", {}, 0, {"alice", "carol"})}));
  m.Advance(0);
  ordered_json status = m.Detail("carol-job");
  EXPECT_EQ(status["state"], "Failed");
  EXPECT_EQ(status["err_msg"], "KusciaJob failed after 3x retry, last error: namespace \"carol\" not found");
}

TEST(Lifecycle, EmptyTaskIdsAreGeneratedWhenTheJobRuns) {
  ManualEngine m;
  TaskSpec task = Task("a");
  task.task_id.clear();
  m.Create(Job("gen", {task}));
  EXPECT_EQ(m.Detail("gen")["tasks"][0]["task_id"], "");
  m.Advance(0);
  std::string id = m.Detail("gen")["tasks"][0]["task_id"];
  EXPECT_THAT(id, MatchesRegex("gen-[0-9a-f]{12}"));
  EXPECT_EQ(m.engine().GetJob("gen")->spec.tasks[0].task_id, id);
}

TEST(GenerateServiceName, FollowsKusciaRules) {
  EXPECT_EQ(GenerateServiceName("job-psi-0", "spu"), "job-psi-0-spu");
  EXPECT_EQ(GenerateServiceName("1job-0", "fed"), "svc-1job-0-fed");
  std::string long_name = GenerateServiceName(std::string(70, 'a') + "-0", "global");
  EXPECT_EQ(long_name.size(), 63u);
  EXPECT_THAT(long_name, MatchesRegex("svc-a{35}-global-[0-9a-f]{16}"));
}

}  // namespace
}  // namespace kuscia::mock::engine
