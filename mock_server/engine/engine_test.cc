// Engine operations (reference §5.1.4-§5.1.9, §6.3) in every state, change events, the real clock.
#include "mock_server/engine/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "api/json_codec.h"
#include "mock_server/engine/engine_test_util.h"
#include "testing/status_matchers.h"
#include "testing/wait.h"

namespace kuscia::mock::engine {
namespace {

using nlohmann::ordered_json;
using testutil::At;
using testutil::Job;
using testutil::ManualEngine;
using testutil::Task;
using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;

// Puts job "j" (tasks a -> b, 1 s each) into a named state.
struct StateSetup {
  const char* name;
  std::function<void(ManualEngine&)> run;
};

void CreateJ(ManualEngine& m, OutcomePlan plan = {}) { m.Create(Job("j", {Task("a"), Task("b", {"a"})}), plan); }

std::vector<StateSetup> Setups() {
  return {
      {"New", [](ManualEngine& m) { CreateJ(m); }},
      {"Running", [](ManualEngine& m) { CreateJ(m); m.Advance(0); }},
      {"Succeeded", [](ManualEngine& m) { CreateJ(m); m.Advance(5); }},
      {"Failed",
       [](ManualEngine& m) {
         OutcomePlan plan;
         plan.tasks["a"].failing_parties = {"bob"};
         CreateJ(m, plan);
         m.Advance(5);
       }},
      {"Suspended",
       [](ManualEngine& m) {
         CreateJ(m);
         m.Advance(0);
         ASSERT_THAT(m.engine().SuspendJob("j"), IsOk());
         m.Advance(0);
       }},
      {"Cancelled",
       [](ManualEngine& m) {
         CreateJ(m);
         m.Advance(0);
         ASSERT_THAT(m.engine().CancelJob("j"), IsOk());
         m.Advance(0);
       }},
      {"AwaitingApproval",
       [](ManualEngine& m) {
         OutcomePlan plan;
         plan.await_approval = true;
         CreateJ(m, plan);
         m.Advance(0);
       }},
      {"ApprovalReject",
       [](ManualEngine& m) {
         OutcomePlan plan;
         plan.await_approval = true;
         CreateJ(m, plan);
         m.Advance(0);
         ASSERT_THAT(m.engine().ApproveJob("j", false), IsOk());
         m.Advance(0);
       }},
  };
}

struct Expectation {
  std::string setup;
  std::string op;
  StatusCode code;        // of the engine call
  std::string message;    // of the engine call (the raw phase for FailedPrecondition)
  std::string state_after;  // API state after the controller ran
};

Status RunOp(Engine& engine, const std::string& op) {
  if (op == "stop") return engine.StopJob("j");
  if (op == "suspend") return engine.SuspendJob("j");
  if (op == "restart") return engine.RestartJob("j");
  if (op == "cancel") return engine.CancelJob("j");
  if (op == "approve") return engine.ApproveJob("j", true);
  return engine.DeleteJob("j");
}

TEST(EngineOperations, EveryOperationInEveryState) {
  constexpr StatusCode kOk = StatusCode::kOk;
  constexpr StatusCode kWrongPhase = StatusCode::kFailedPrecondition;
  // clang-format off
  std::vector<Expectation> table = {
      {"New", "stop", kOk, "", "Failed"},           {"New", "suspend", kWrongPhase, "", "Running"},
      {"New", "restart", kWrongPhase, "", "Running"}, {"New", "cancel", kOk, "", "Cancelled"},
      {"New", "approve", kOk, "", "Running"},
      {"Running", "stop", kOk, "", "Failed"},       {"Running", "suspend", kOk, "", "Suspended"},
      {"Running", "restart", kWrongPhase, "Running", "Running"}, {"Running", "cancel", kOk, "", "Cancelled"},
      {"Running", "approve", kOk, "", "Running"},
      {"Succeeded", "stop", kOk, "", "Succeeded"},  {"Succeeded", "suspend", kWrongPhase, "Succeeded", "Succeeded"},
      {"Succeeded", "restart", kWrongPhase, "Succeeded", "Succeeded"}, {"Succeeded", "cancel", kOk, "", "Succeeded"},
      {"Succeeded", "approve", kOk, "", "Succeeded"},
      {"Failed", "stop", kOk, "", "Failed"},        {"Failed", "suspend", kWrongPhase, "Failed", "Failed"},
      {"Failed", "restart", kOk, "", "Running"},    {"Failed", "cancel", kOk, "", "Cancelled"},
      {"Failed", "approve", kOk, "", "Failed"},
      {"Suspended", "stop", kOk, "", "Failed"},     {"Suspended", "suspend", kWrongPhase, "Suspended", "Suspended"},
      {"Suspended", "restart", kOk, "", "Running"}, {"Suspended", "cancel", kOk, "", "Cancelled"},
      {"Suspended", "approve", kOk, "", "Suspended"},
      {"Cancelled", "stop", kOk, "", "Cancelled"},  {"Cancelled", "suspend", kWrongPhase, "Cancelled", "Cancelled"},
      {"Cancelled", "restart", kWrongPhase, "Cancelled", "Cancelled"}, {"Cancelled", "cancel", kOk, "", "Cancelled"},
      {"Cancelled", "approve", kOk, "", "Cancelled"},
      {"AwaitingApproval", "stop", kOk, "", "Failed"},
      {"AwaitingApproval", "suspend", kWrongPhase, "AwaitingApproval", "AwaitingApproval"},
      {"AwaitingApproval", "restart", kWrongPhase, "AwaitingApproval", "AwaitingApproval"},
      {"AwaitingApproval", "cancel", kOk, "", "Cancelled"},
      {"AwaitingApproval", "approve", kOk, "", "Running"},
      {"ApprovalReject", "stop", kOk, "", "ApprovalReject"},
      {"ApprovalReject", "suspend", kWrongPhase, "ApprovalReject", "ApprovalReject"},
      {"ApprovalReject", "restart", kWrongPhase, "ApprovalReject", "ApprovalReject"},
      {"ApprovalReject", "cancel", kOk, "", "ApprovalReject"},
      {"ApprovalReject", "approve", kOk, "", "ApprovalReject"},
  };
  // clang-format on
  for (const StateSetup& setup : Setups()) {
    for (const char* op : {"stop", "suspend", "restart", "cancel", "approve", "delete"}) {
      SCOPED_TRACE(std::string(setup.name) + " / " + op);
      ManualEngine m;
      setup.run(m);
      if (std::string(op) == "delete") {
        EXPECT_THAT(m.engine().DeleteJob("j"), IsOk());  // delete works in any state...
        EXPECT_THAT(m.engine().GetJob("j").status(),
                    StatusIs(StatusCode::kNotFound, "kusciajobs.kuscia.secretflow \"j\" not found"));
        EXPECT_THAT(m.engine().DeleteJob("j"),  // ...and only once
                    StatusIs(StatusCode::kNotFound, "kusciajobs.kuscia.secretflow \"j\" not found"));
        continue;
      }
      auto row = std::find_if(table.begin(), table.end(),
                              [&](const Expectation& e) { return e.setup == setup.name && e.op == op; });
      ASSERT_NE(row, table.end());
      EXPECT_THAT(RunOp(m.engine(), op), StatusIs(row->code, row->message));
      m.Advance(0);
      ordered_json status = m.Detail("j");
      EXPECT_EQ(status["state"], row->state_after);
      if (status["state"] != "Running" && status["state"] != "Suspended" && status["state"] != "AwaitingApproval") {
        EXPECT_NE(status["end_time"], "") << "terminal states always carry end_time";
      }
    }
  }
}

TEST(EngineOperations, MissingJobIsNotFoundForEveryOperation) {
  ManualEngine m;
  for (const char* op : {"stop", "suspend", "restart", "cancel", "approve", "delete"}) {
    EXPECT_THAT(RunOp(m.engine(), op), StatusIs(StatusCode::kNotFound, "kusciajobs.kuscia.secretflow \"j\" not found"))
        << op;
  }
}

TEST(EngineOperations, StopSetsKusciasMessageAndStopsRunningTasks) {
  ManualEngine m;
  CreateJ(m);
  m.Advance(0);
  ASSERT_THAT(m.engine().StopJob("j"), IsOk());
  EXPECT_EQ(m.State("j"), "Running");  // the effect is asynchronous
  m.Advance(0);
  ordered_json status = m.Detail("j");
  EXPECT_EQ(status["state"], "Failed");
  EXPECT_EQ(status["err_msg"], "Party:  execute the cmd: Stop.");
  EXPECT_EQ(status["end_time"], At(0));
  EXPECT_EQ(status["tasks"][0]["state"], "Failed");
  EXPECT_EQ(status["tasks"][0]["err_msg"], "Job was stopped");
  EXPECT_EQ(status["tasks"][0]["parties"][0]["state"], "Failed");
  EXPECT_EQ(status["tasks"][1]["state"], "Pending");
  EXPECT_EQ(status["stage_status_list"][0]["state"], "JobStopStageSucceeded");
  // A second stop succeeds and changes nothing.
  ASSERT_THAT(m.engine().StopJob("j"), IsOk());
  m.Advance(3);
  EXPECT_EQ(m.Detail("j"), status);
}

TEST(EngineOperations, RestartRerunsOnlyWhatDidNotSucceed) {
  ManualEngine m;
  OutcomePlan plan;
  plan.tasks["b"].failing_parties = {"alice"};
  plan.tasks["b"].failing_runs = 1;
  CreateJ(m, plan);
  m.Advance(2);
  ASSERT_EQ(m.State("j"), "Failed");
  ASSERT_THAT(m.engine().RestartJob("j"), IsOk());
  m.Advance(0);
  ordered_json restarted = m.Detail("j");
  EXPECT_EQ(restarted["state"], "Running");
  EXPECT_EQ(restarted["end_time"], "");
  EXPECT_EQ(restarted["err_msg"], "This job is restarted by ");
  EXPECT_EQ(restarted["tasks"][0]["state"], "Succeeded");
  EXPECT_EQ(restarted["tasks"][0]["create_time"], At(0));  // kept
  EXPECT_EQ(restarted["tasks"][1]["state"], "Running");
  EXPECT_EQ(restarted["tasks"][1]["create_time"], At(2));  // re-created
  EXPECT_EQ(restarted["stage_status_list"][0]["state"], "JobStartStageSucceeded");
  m.Advance(1);
  ordered_json done = m.Detail("j");
  EXPECT_EQ(done["state"], "Succeeded");
  EXPECT_EQ(done["end_time"], At(3));
  EXPECT_EQ(done["err_msg"], "This job is restarted by ");
}

TEST(EngineOperations, SuspendThenRestart) {
  ManualEngine m;
  CreateJ(m);
  m.Advance(0);
  ASSERT_THAT(m.engine().SuspendJob("j"), IsOk());
  m.Advance(0);
  ordered_json suspended = m.Detail("j");
  EXPECT_EQ(suspended["state"], "Suspended");
  EXPECT_EQ(suspended["err_msg"], "");
  EXPECT_EQ(suspended["end_time"], "");
  EXPECT_EQ(suspended["tasks"][0]["state"], "Failed");
  EXPECT_EQ(suspended["stage_status_list"][1]["state"], "JobSuspendStageSucceeded");
  ASSERT_THAT(m.engine().RestartJob("j"), IsOk());
  m.Advance(5);
  EXPECT_EQ(m.State("j"), "Succeeded");
}

TEST(EngineOperations, ValidationFailedJobIsNeverRestarted) {
  ManualEngine m;
  m.Create(Job("cycle", {Task("a", {"a"})}));
  m.Advance(0);
  EXPECT_THAT(m.engine().RestartJob("cycle"), IsOk());
  m.Advance(1);
  EXPECT_EQ(m.State("cycle"), "Failed");
}

TEST(EngineOperations, CancelSetsKusciasMessage) {
  ManualEngine m;
  CreateJ(m);
  m.Advance(0);
  ASSERT_THAT(m.engine().CancelJob("j"), IsOk());
  m.Advance(0);
  ordered_json status = m.Detail("j");
  EXPECT_EQ(status["state"], "Cancelled");
  EXPECT_EQ(status["err_msg"], "Party:  execute the cmd: Cancel.");
  EXPECT_EQ(status["stage_status_list"][0]["state"], "JobCancelStageSucceeded");
}

TEST(EngineOperations, ApprovalRejectAndAccept) {
  ManualEngine m;
  OutcomePlan plan;
  plan.await_approval = true;
  CreateJ(m, plan);
  m.Advance(0);
  ordered_json waiting = m.Detail("j");
  EXPECT_EQ(waiting["state"], "AwaitingApproval");
  EXPECT_EQ(waiting["approve_status_list"],
            ordered_json::parse(R"([{"domain_id":"alice","state":"JobAccepted"}])"));
  ASSERT_THAT(m.engine().ApproveJob("j", true), IsOk());
  m.Advance(2);
  EXPECT_EQ(m.State("j"), "Succeeded");
}

TEST(EngineOperations, CreateTwiceIsAlreadyExists) {
  ManualEngine m;
  CreateJ(m);
  EXPECT_THAT(m.engine().CreateJob(Job("j", {Task("a")}), std::nullopt),
              StatusIs(StatusCode::kAlreadyExists, "kusciajobs.kuscia.secretflow \"j\" already exists"));
}

TEST(EngineOperations, BatchStatusIsAllOrNothing) {
  ManualEngine m;
  CreateJ(m);
  auto both = m.engine().GetJobStatuses({"j", "j"});
  ASSERT_THAT(both.status(), IsOk());
  EXPECT_EQ(both->size(), 2u);
  EXPECT_EQ((*both->at(0))["job_id"], "j");
  EXPECT_THAT(m.engine().GetJobStatuses({"j", "nope", "gone"}).status(),
              StatusIs(StatusCode::kNotFound, "kusciajobs.kuscia.secretflow \"nope\" not found"));
}

// The encoded statuses a batch query is joined from: exactly the protojson of the cached statuses.
TEST(EngineEncodedStatuses, AreTheProtoJsonOfTheStatusesInEveryState) {
  for (const StateSetup& setup : Setups()) {
    SCOPED_TRACE(setup.name);
    ManualEngine m;
    setup.run(m);
    auto encoded = m.engine().GetEncodedJobStatuses({"j", "j"});
    auto statuses = m.engine().GetJobStatuses({"j"});
    ASSERT_THAT(encoded.status(), IsOk());
    ASSERT_THAT(statuses.status(), IsOk());
    ASSERT_EQ(encoded->size(), 2u);
    EXPECT_EQ(encoded->at(0), encoded->at(1)) << "one shared encoding per job";
    EXPECT_EQ(*encoded->at(0), api::EncodeProtoJson("JobStatus", *statuses->at(0)));
    ordered_json decoded = ordered_json::parse(*encoded->at(0));
    EXPECT_EQ(decoded["job_id"], "j");
    EXPECT_EQ(decoded["status"]["state"], std::string(setup.name) == "New" ? "Pending" : setup.name);
  }
}

TEST(EngineEncodedStatuses, AreRebuiltOnVisibleChangesOnly) {
  ManualEngine m;
  CreateJ(m);
  auto encoded = [&m] { return m.engine().GetEncodedJobStatuses({"j"}).value().at(0); };
  std::shared_ptr<const std::string> pending = encoded();
  EXPECT_THAT(*pending, ::testing::StartsWith(R"({"job_id":"j","status":{"state":"Pending","err_msg":"",)"));
  m.Advance(0);
  std::shared_ptr<const std::string> running = encoded();
  EXPECT_THAT(*running, ::testing::StartsWith(R"({"job_id":"j","status":{"state":"Running","err_msg":"",)"));
  // A stage label alone changes no status: the same bytes are served until the controller acts on it.
  ASSERT_THAT(m.engine().StopJob("j"), IsOk());
  EXPECT_EQ(encoded(), running);
  m.Advance(0);
  std::shared_ptr<const std::string> stopped = encoded();
  EXPECT_THAT(*stopped, ::testing::HasSubstr(R"("state":"Failed","err_msg":"Party:  execute the cmd: Stop.")"));
  EXPECT_EQ(*stopped, api::EncodeProtoJson("JobStatus", *m.engine().GetJobStatuses({"j"}).value().at(0)));
  EXPECT_THAT(*running, ::testing::HasSubstr(R"("state":"Running")")) << "bytes handed out are never modified";
  ASSERT_THAT(m.engine().DeleteJob("j"), IsOk());
  EXPECT_THAT(m.engine().GetEncodedJobStatuses({"j"}).status(),
              StatusIs(StatusCode::kNotFound, "kusciajobs.kuscia.secretflow \"j\" not found"));
}

TEST(EngineOperations, OutcomeHookChoosesThePlanWhenCreateBringsNone) {
  ManualEngine m;
  m.engine().SetOutcomeHook([](const JobSpec& spec) -> std::optional<OutcomePlan> {
    if (spec.job_id != "doomed") return std::nullopt;
    OutcomePlan plan;
    plan.tasks["a"].failing_parties = {"alice"};
    return plan;
  });
  m.Create(Job("doomed", {Task("a")}));
  m.Create(Job("fine", {Task("a")}));
  m.Advance(1);
  EXPECT_EQ(m.State("doomed"), "Failed");
  EXPECT_EQ(m.State("fine"), "Succeeded");
}

TEST(EngineEvents, InitialBurstThenOrderedChanges) {
  ManualEngine m;
  CreateJ(m);
  std::vector<std::pair<EventType, std::string>> seen;
  std::vector<uint64_t> versions;
  Subscription subscription = m.engine().Subscribe([&](const JobEvent& event) {
    seen.emplace_back(event.type, (*event.job_status)["status"]["state"].get<std::string>());
    versions.push_back(event.version);
  });
  ASSERT_EQ(subscription.initial.size(), 1u);
  EXPECT_EQ(subscription.initial[0].type, EventType::kAdded);
  EXPECT_EQ((*subscription.initial[0].job_status)["job_id"], "j");

  m.Advance(2);
  ASSERT_THAT(m.engine().DeleteJob("j"), IsOk());
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), std::make_pair(EventType::kDeleted, std::string("Succeeded")));
  EXPECT_EQ(seen[seen.size() - 2], std::make_pair(EventType::kModified, std::string("Succeeded")));
  EXPECT_TRUE(std::is_sorted(versions.begin(), versions.end()));
  EXPECT_GT(versions.front(), subscription.initial[0].version);

  size_t before = seen.size();
  m.engine().Unsubscribe(subscription.id);
  CreateJ(m);
  EXPECT_EQ(seen.size(), before);
}

TEST(EngineRealClock, TutorialJobFinishesOnItsOwn) {
  EngineOptions options;
  options.task_duration = std::chrono::milliseconds(20);
  Engine engine(std::move(options));
  ASSERT_THAT(engine.CreateJob(testutil::TutorialJob(), std::nullopt), IsOk());
  ASSERT_TRUE(::kuscia::testing::WaitFor(
      [&] { return (*engine.GetJob("job-best-effort-linear")->job_status)["status"]["state"] == "Succeeded"; },
      std::chrono::seconds(10)))
      << "the real-clock engine never finished the job";
  ordered_json status = (*engine.GetJob("job-best-effort-linear")->job_status)["status"];
  EXPECT_NE(status["end_time"], "");
  EXPECT_EQ(status["tasks"][1]["progress"], 1);
}

TEST(EngineDomains, RegistryStartsWithAliceAndBob) {
  ManualEngine m;
  EXPECT_EQ(m.engine().Domains(), (std::vector<std::string>{"alice", "bob"}));
  EXPECT_TRUE(m.engine().AddDomain("carol"));
  EXPECT_FALSE(m.engine().AddDomain("carol"));
  m.Create(Job("carol-ok", {Task("a", {}, 0, {"alice", "carol"})}));
  m.Advance(1);
  EXPECT_EQ(m.State("carol-ok"), "Succeeded");
  EXPECT_TRUE(m.engine().RemoveDomain("carol"));
  EXPECT_FALSE(m.engine().HasDomain("carol"));
}

}  // namespace
}  // namespace kuscia::mock::engine
