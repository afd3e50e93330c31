#include "mock_server/control/control_plane.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_server/control/admin_listener.h"
#include "mock_server/engine/clock.h"
#include "mock_server/engine/engine.h"
#include "testing/status_matchers.h"

namespace kuscia::mock::control {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(AdminAddressTest, ParsesHostPortAndGuardsNonLoopback) {
  Result<AdminListenOptions> v4 = ParseAdminAddress("127.0.0.1:9090");
  ASSERT_THAT(v4.status(), IsOk());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9090);
  Result<AdminListenOptions> v6 = ParseAdminAddress("[::1]:0");
  ASSERT_THAT(v6.status(), IsOk());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_THAT(ParseAdminAddress("9090").status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("HOST:PORT")));
  EXPECT_THAT(ParseAdminAddress("h:99999").status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("0 to 65535")));
  EXPECT_TRUE(IsLoopbackHost("127.0.0.2"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("10.1.2.3"));
  EXPECT_THAT(CheckAdminExposure({.host = "0.0.0.0", .port = 1, .has_token = false}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("--admin-token")));
  EXPECT_THAT(CheckAdminExposure({.host = "0.0.0.0", .port = 1, .has_token = true}), IsOk());
}

class ControlPlaneTest : public ::testing::Test {
 protected:
  ControlPlaneTest() {
    clock_ = std::make_shared<engine::ManualClock>(engine::ParseRfc3339("2025-04-16T10:00:00Z").value());
    engine::EngineOptions options;
    options.clock = clock_;
    engine_ = std::make_unique<engine::Engine>(options);
    ControlTargets targets;
    targets.engine = engine_.get();
    targets.manual_clock = clock_.get();
    targets.journal = &journal_;
    targets.handshakes = &handshakes_;
    targets.faults = &faults_;
    control_ = std::make_unique<ControlPlane>(std::move(targets));
  }

  engine::JobSpec Job(std::string id) {
    engine::JobSpec spec;
    spec.job_id = std::move(id);
    spec.initiator = "alice";
    engine::TaskSpec task;
    task.alias = "job-psi";
    for (const char* domain : {"alice", "bob"}) {
      engine::PartySpec party;
      party.domain_id = domain;
      task.parties.push_back(party);
    }
    spec.tasks.push_back(task);
    return spec;
  }

  std::shared_ptr<engine::ManualClock> clock_;
  std::unique_ptr<engine::Engine> engine_;
  journal::RequestJournal journal_{10};
  journal::HandshakeLog handshakes_{10};
  faults::FaultRuleSet faults_;
  std::unique_ptr<ControlPlane> control_;
};

TEST_F(ControlPlaneTest, OutcomeRulesReachTheEngineThroughItsHook) {
  OutcomeRule rule;
  rule.job_id = "job-wait";
  rule.plan.await_approval = true;
  (void)control_->outcomes().Add(rule);
  ASSERT_THAT(engine_->CreateJob(Job("job-wait"), std::nullopt), IsOk());
  ASSERT_THAT(control_->AdvanceClock(10s), IsOk());
  Result<engine::JobSnapshot> job = engine_->GetJob("job-wait");
  ASSERT_THAT(job.status(), IsOk());
  EXPECT_EQ(job->phase, engine::JobPhase::kAwaitingApproval);
}

TEST_F(ControlPlaneTest, ResetRunsHooksRestoresTheClockAndEmptiesEverything) {
  int hook_runs = 0;
  control_->AddResetHook("count", [&] {
    ++hook_runs;
    return OkStatus();
  });
  (void)faults_.Add(faults::FaultRule{});
  (void)control_->outcomes().Add(OutcomeRule{});
  (void)journal_.Commit(journal::JournalEntry{});
  handshakes_.Record({"127.0.0.1:1", "not_tls", ""});
  std::string start = control_->ClockJson()["now"];
  ASSERT_THAT(control_->AdvanceClock(1h), IsOk());
  ASSERT_THAT(control_->Reset(), IsOk());
  EXPECT_EQ(hook_runs, 1);
  EXPECT_EQ(control_->ClockJson()["now"], start);
  EXPECT_TRUE(faults_.List().empty());
  EXPECT_TRUE(control_->outcomes().List().empty());
  EXPECT_EQ(journal_.Stats().size, 0u);
  EXPECT_EQ(handshakes_.Stats().size, 0u);

  control_->AddResetHook("broken", [] { return Internal("disk on fire"); });
  EXPECT_THAT(control_->Reset(), StatusIs(StatusCode::kInternal, HasSubstr("reset hook 'broken'")));
}

TEST_F(ControlPlaneTest, UnknownServerIdentityListsTheChoices) {
  EXPECT_THAT(control_->UseServerIdentity("server-nope"),
              StatusIs(StatusCode::kNotFound, HasSubstr("server-expired, server-wrong-san, server-other-ca")));
  EXPECT_THAT(control_->UseServerIdentity("default"), IsOk());
}

TEST(ControlPlaneRealClockTest, RefusesToMoveARealClock) {
  journal::RequestJournal journal;
  journal::HandshakeLog handshakes;
  faults::FaultRuleSet faults;
  ControlTargets targets;
  targets.journal = &journal;
  targets.handshakes = &handshakes;
  targets.faults = &faults;
  ControlPlane control(std::move(targets));
  EXPECT_THAT(control.AdvanceClock(1s), StatusIs(StatusCode::kFailedPrecondition, HasSubstr("--clock manual")));
  EXPECT_EQ(control.ClockJson()["kind"], "real");
}

}  // namespace
}  // namespace kuscia::mock::control
