// Control steps against the real fake: the embedded target (its control plane in-process on a loopback
// admin port), its manual-clock variant, and a kuscia-mock started on its own and given with --admin.
#include "harness/runner/control_steps.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/runner/runner.h"
#include "harness/scenario/loader.h"
#include "mock_server/server.h"
#include "sys/files.h"
#include "testing/status_matchers.h"

namespace kuscia::harness::runner {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

scenario::Scenario Load(const std::string& body, const std::string& name = "c") {
  std::string text = "name: " + name + "\ndescription: d\nsource: s\n" + body;
  Result<scenario::Scenario> s = scenario::LoadScenarioText(text, name + ".yaml", {.fixtures_dir = KC_SOURCE_DIR "/fixtures"});
  EXPECT_THAT(s, IsOk());
  return s.ok() ? *s : scenario::Scenario{};
}

std::string Describe(const ScenarioResult& r) {
  std::string out = std::string(VerdictName(r.verdict)) + " " + r.skip_reason;
  for (const StepResult& s : r.steps) {
    out += "\n  " + s.name + ": " + std::string(VerdictName(s.verdict)) + " " + s.error;
    for (const auto& m : s.mismatches) out += "\n    " + m.what + " expected " + m.expected + " actual " + m.actual;
  }
  return out;
}

class EmbeddedControl : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto target = OpenTarget({.spec = "embedded", .task_duration = std::chrono::milliseconds(50)});
    ASSERT_THAT(target, IsOk());
    target_ = std::move(*target).release();
  }
  static void TearDownTestSuite() {
    delete target_;
    target_ = nullptr;
  }
  RunSummary Run(const std::vector<scenario::Scenario>& s, RunnerOptions options = {}) {
    options.seed = 11;
    return RunScenarios(s, *target_, options);
  }
  static Target* target_;
};
Target* EmbeddedControl::target_ = nullptr;

TEST_F(EmbeddedControl, FaultThenJournalAssertionsPass) {
  RunSummary summary = Run({Load(R"(
steps:
  - control: fault
    route: health
    fault: api_status
    code: 11100
    count: 1
  - call: health
    body: {}
    expect: {code: 11100}
  - call: health
    body: {}
  - control: wait_journal
    match: {path: /healthZ}
    count: 2
    timeout: 2s
  - control: assert_journal
    match: {path: /healthZ, fault: any}
    count: 1
    expect:
      - {path: /entries/0/fault/kind, equals: api_status}
      - {path: /entries/0/response/code, equals: 11100}
      - {path: /entries/0/token, equals: matched}
)")});
  EXPECT_EQ(summary.scenarios[0].verdict, Verdict::kPassed) << Describe(summary.scenarios[0]);
}

TEST_F(EmbeddedControl, AJournalCountThatDiffersFailsWithBothNumbers) {
  RunSummary summary = Run({Load(R"(
steps:
  - call: health
    body: {}
  - control: assert_journal
    match: {path: /healthZ}
    count: 3
)")});
  const ScenarioResult& r = summary.scenarios[0];
  ASSERT_EQ(r.verdict, Verdict::kFailed) << Describe(r);
  ASSERT_EQ(r.steps[1].mismatches.size(), 1u);
  EXPECT_EQ(r.steps[1].mismatches[0].what, "journal entries");
  EXPECT_EQ(r.steps[1].mismatches[0].expected, "3");
  EXPECT_EQ(r.steps[1].mismatches[0].actual, "1");
  EXPECT_THAT(r.steps[1].curl, HasSubstr("curl -sS -X GET 'http://127.0.0.1:"));
}

TEST_F(EmbeddedControl, AJournalWaitThatTimesOutFailsTheStep) {
  RunSummary summary = Run({Load(R"(
steps:
  - control: wait_journal
    match: {path: /api/v1/job/create}
    count: 1
    timeout: 100ms
)")});
  const ScenarioResult& r = summary.scenarios[0];
  ASSERT_EQ(r.verdict, Verdict::kFailed) << Describe(r);
  EXPECT_EQ(r.steps[0].mismatches[0].what, "journal");
  EXPECT_THAT(r.steps[0].mismatches[0].expected, HasSubstr("1 matching request(s) within 100ms"));
}

TEST_F(EmbeddedControl, AFaultLeftBehindDoesNotReachTheNextScenario) {
  // The first scenario forgets to clear its fault; the reset after it must, or the second one fails.
  RunSummary summary = Run({Load("steps:\n  - control: fault\n    route: health\n    fault: http_status\n    status: 503\n",
                                 "leaves-a-fault"),
                            Load("steps:\n  - call: health\n    body: {}\n", "needs-a-clean-fake")},
                           {.jobs = 1});
  EXPECT_EQ(summary.scenarios[0].verdict, Verdict::kPassed) << Describe(summary.scenarios[0]);
  EXPECT_EQ(summary.scenarios[1].verdict, Verdict::kPassed) << Describe(summary.scenarios[1]);
}

TEST_F(EmbeddedControl, ARotatedTokenIsRefusedUntilTheFileIsRewrittenAndNeverShown) {
  RunSummary summary = Run({Load(R"(
steps:
  - control: rotate_token
    token: kcRotatedToken000000000000000000
  - name: the old token from the file is now wrong
    call: health
    body: {}
    expect: {http_status: 401, body_text: ""}
  - control: rotate_token
    token: kcRotatedToken000000000000000000
    write_file: true
  - name: a client that re-reads the token file recovers
    call: health
    body: {}
)")});
  const ScenarioResult& r = summary.scenarios[0];
  EXPECT_EQ(r.verdict, Verdict::kPassed) << Describe(r);
  for (const StepResult& s : r.steps) {
    EXPECT_THAT(s.curl, Not(HasSubstr("kcRotatedToken"))) << s.name;
    EXPECT_THAT(s.outcome.body, Not(HasSubstr("kcRotatedToken"))) << s.name;
  }
  // The reset after the scenario restored the token file: the default identity works again.
  RunSummary after = Run({Load("steps:\n  - call: health\n    body: {}\n", "after-rotation")});
  EXPECT_EQ(after.scenarios[0].verdict, Verdict::kPassed) << Describe(after.scenarios[0]);
}

TEST_F(EmbeddedControl, ManualClockScenariosGetAFakeWhoseClockTheyMove) {
  RunSummary summary = Run({Load(R"(
requires: [manual_clock]
steps:
  - call: job.create
    body_file: documented/job_create_request.json
    overrides: {/job_id: "${uid}-clock"}
  - call: job.query
    body: {job_id: "${uid}-clock"}
    expect:
      body: [{path: /data/status/state, one_of: [Pending, Running]}]
  - control: advance_clock
    by: 10s
  - control: advance_clock
    by: 10s
  - call: job.query
    body: {job_id: "${uid}-clock"}
    expect:
      body: [{path: /data/status/state, equals: Succeeded}]
cleanup:
  - call: job.delete
    body: {job_id: "${uid}-clock"}
)")});
  EXPECT_EQ(summary.scenarios[0].verdict, Verdict::kPassed) << Describe(summary.scenarios[0]);
  Result<const Target*> variant = target_->Variant({.manual_clock = true});
  ASSERT_THAT(variant, IsOk());
  EXPECT_NE(*variant, target_);
  EXPECT_THAT((*variant)->info().description, HasSubstr("manual clock"));
  // Its own certificates, so a token rewritten on one fake does not reach the other's clients.
  EXPECT_NE((*variant)->info().certs_dir, target_->info().certs_dir);
}

TEST_F(EmbeddedControl, AnUnknownFaultKindIsAStepErrorNamingTheKinds) {
  RunSummary summary = Run({Load("steps:\n  - control: fault\n    fault: melt\n")});
  const ScenarioResult& r = summary.scenarios[0];
  ASSERT_EQ(r.verdict, Verdict::kError) << Describe(r);
  EXPECT_THAT(r.steps[0].error, HasSubstr("melt"));
  EXPECT_THAT(r.steps[0].error, HasSubstr("reset_before_response"));
}

TEST(LiveControl, AKusciaMockStartedOnItsOwnIsDrivenThroughAdmin) {
  sys::TempDir dir("kc-live-control");
  mock::MockServerOptions options;
  options.certs_dir = dir.path();
  options.port = 0;
  options.admin = "127.0.0.1:0";
  auto server = mock::MockServer::Start(options);
  ASSERT_THAT(server, IsOk());
  auto target = OpenTarget({.spec = (*server)->base_url(), .certs_dir = dir.path(), .admin_url = (*server)->admin_url()});
  ASSERT_THAT(target, IsOk());
  EXPECT_TRUE((*target)->info().control_plane);
  EXPECT_FALSE((*target)->info().manual_clock);
  RunSummary summary = RunScenarios({Load(R"(
steps:
  - control: fault
    route: health
    fault: http_status
    status: 503
  - call: health
    body: {}
    expect: {http_status: 503}
)")}, **target, {.seed = 3});
  EXPECT_EQ(summary.scenarios[0].verdict, Verdict::kPassed) << Describe(summary.scenarios[0]);
  // On a live target an id without the run id may still be sent when the step expects it to be refused.
  RunSummary refused = RunScenarios({Load(R"(
steps:
  - call: job.create
    body: {job_id: Bad_ID, initiator: alice, tasks: [{alias: a, app_image: x, parties: [{domain_id: alice}]}]}
    expect: {code: 11100}
)")}, **target, {.seed = 3});
  EXPECT_EQ(refused.scenarios[0].verdict, Verdict::kPassed) << Describe(refused.scenarios[0]);
  RunSummary clock = RunScenarios({Load("requires: [manual_clock]\nsteps:\n  - control: advance_clock\n    by: 1s\n")},
                                  **target, {.seed = 3});
  EXPECT_EQ(clock.scenarios[0].verdict, Verdict::kSkipped);
  EXPECT_THAT(clock.scenarios[0].skip_reason, HasSubstr("--clock manual"));
  (*server)->Stop();
}

TEST(LiveControl, AnAdminAddressThatDoesNotAnswerIsReportedAtOpen) {
  sys::TempDir dir("kc-live-control");
  mock::MockServerOptions options;
  options.certs_dir = dir.path();
  options.port = 0;
  auto server = mock::MockServer::Start(options);
  ASSERT_THAT(server, IsOk());
  // The API port is not the control plane: it speaks TLS, so the plain-HTTP call fails.
  std::string wrong = "http://127.0.0.1:" + std::to_string((*server)->port());
  EXPECT_THAT(OpenTarget({.spec = (*server)->base_url(), .certs_dir = dir.path(), .admin_url = wrong}).status(),
              StatusIs(StatusCode::kInternal, HasSubstr("--admin " + wrong)));
  EXPECT_THAT(OpenTarget({.spec = (*server)->base_url(), .certs_dir = dir.path(), .admin_url = "ftp://x"}).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("http://HOST:PORT")));
  (*server)->Stop();
}

}  // namespace
}  // namespace kuscia::harness::runner
