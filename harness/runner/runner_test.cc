// The runner against a small mTLS server standing in for a live Kuscia (MiniKuscia): selection, skips,
// polling bounds, cleanup, exit codes, and that a deliberately wrong server fails the run by name.
#include "harness/runner/runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/runner/selection.h"
#include "harness/scenario/loader.h"
#include "harness/test_support/mini_kuscia.h"
#include "sys/files.h"
#include "testing/status_matchers.h"

namespace kuscia::harness::runner {
namespace {

using ::kuscia::testing::IsOk;
using ::testing::HasSubstr;

struct TagCase {
  const char* expr;
  std::vector<std::string> tags;
  bool matches;
};

class TagExpressions : public ::testing::TestWithParam<TagCase> {};

TEST_P(TagExpressions, Evaluate) {
  Result<TagExpression> e = TagExpression::Parse(GetParam().expr);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->Matches(GetParam().tags), GetParam().matches) << GetParam().expr;
}

INSTANTIATE_TEST_SUITE_P(Table, TagExpressions,
                         ::testing::Values(TagCase{"", {"x"}, true}, TagCase{"auth", {"auth", "tls"}, true},
                                           TagCase{"auth,tls", {"tls"}, true}, TagCase{"auth|tls", {"data"}, false},
                                           TagCase{"tls & !needs-control", {"tls", "needs-control"}, false},
                                           TagCase{"tls&!needs-control", {"tls"}, true},
                                           TagCase{"!(auth,tls)", {"data"}, true},
                                           TagCase{"lifecycle,errors&live-safe", {"lifecycle"}, true}));

TEST(TagExpression, RejectsBrokenExpressions) {
  EXPECT_THAT(TagExpression::Parse("auth &").status(),
              kuscia::testing::StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected a tag at position")));
  EXPECT_THAT(TagExpression::Parse("(auth").status(),
              kuscia::testing::StatusIs(StatusCode::kInvalidArgument, HasSubstr("missing ')'")));
}

TEST(Glob, MatchesWholeNames) {
  EXPECT_TRUE(GlobMatches("errors-*", "errors-wrong-path-404"));
  EXPECT_FALSE(GlobMatches("errors", "errors-wrong-path-404"));
  EXPECT_TRUE(GlobMatches("", "anything"));
}

scenario::Scenario Load(const std::string& text, const std::string& name = "mem.yaml") {
  Result<scenario::Scenario> s =
      scenario::LoadScenarioText(text, name, {.fixtures_dir = std::string(KC_SOURCE_DIR) + "/fixtures"});
  EXPECT_THAT(s, IsOk());
  return s.ok() ? *s : scenario::Scenario{};
}

class RunnerLive : public ::testing::Test {
 protected:
  void Start(testing::MiniKusciaOptions options = {}) {
    auto mini = testing::MiniKuscia::Start(dir_.path(), options);
    ASSERT_THAT(mini, IsOk());
    mini_ = std::move(*mini);
    auto target = OpenTarget({.spec = mini_->base_url(), .certs_dir = dir_.path()});
    ASSERT_THAT(target, IsOk());
    target_ = std::move(*target);
  }
  RunSummary Run(const std::vector<scenario::Scenario>& s, RunnerOptions options = {}) {
    options.seed = 7;
    return RunScenarios(s, *target_, options);
  }

  sys::TempDir dir_{"kc-runner"};
  std::unique_ptr<testing::MiniKuscia> mini_;
  std::unique_ptr<Target> target_;
};

constexpr char kHealth[] = R"(
name: health
description: d
source: s
tags: [smoke]
steps:
  - call: health
    body: {}
    expect:
      code: 0
      body: [{path: /data/ready, equals: true}]
  - call: health
    body: {}
    identity: {token: none}
    expect: {http_status: 401, body_text: ""}
)";

TEST_F(RunnerLive, PassingScenarioPasses) {
  Start();
  RunSummary summary = Run({Load(kHealth)});
  ASSERT_EQ(summary.scenarios.size(), 1u);
  EXPECT_EQ(summary.scenarios[0].verdict, Verdict::kPassed)
      << (summary.scenarios[0].steps.empty() ? "" : summary.scenarios[0].steps.back().error);
  EXPECT_EQ(summary.ExitCode(), 0);
}

TEST_F(RunnerLive, WrongServerFailsTheScenarioByName) {
  Start({.wrong_health_code = true});
  RunSummary summary = Run({Load(kHealth)});
  const ScenarioResult& r = summary.scenarios[0];
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  ASSERT_FALSE(r.steps.empty());
  ASSERT_FALSE(r.steps[0].mismatches.empty());
  EXPECT_EQ(r.steps[0].mismatches[0].what, "status.code");
  EXPECT_EQ(r.steps[0].mismatches[0].actual, "11100 (wrong on purpose)");
  EXPECT_EQ(r.steps.size(), 1u) << "steps after a failure must not run";
  EXPECT_EQ(summary.ExitCode(), 1);
}

TEST_F(RunnerLive, ControlPlaneScenariosAreSkippedWithTheReason) {
  Start();
  RunSummary summary = Run({Load("name: c\ndescription: d\nsource: s\nsteps:\n  - control: advance_clock\n    by: 5s\n")});
  EXPECT_EQ(summary.scenarios[0].verdict, Verdict::kSkipped);
  EXPECT_THAT(summary.scenarios[0].skip_reason, HasSubstr("needs the control plane: a live target has none"));
  EXPECT_THAT(summary.scenarios[0].skip_reason, HasSubstr("--admin"));
  EXPECT_EQ(summary.ExitCode(), 0);
}

TEST_F(RunnerLive, ReadOnlySkipsScenariosThatCreate) {
  Start();
  RunSummary summary = Run({Load("name: c\ndescription: d\nsource: s\nsteps:\n  - call: job.create\n    body: {job_id: "
                                 "\"${uid}\"}\n")},
                           {.read_only = true});
  EXPECT_EQ(summary.scenarios[0].skip_reason, "creates resources (--read-only)");
}

TEST_F(RunnerLive, LiveRunsRefuseIdsWithoutTheRunId) {
  Start();
  RunSummary summary = Run({Load("name: c\ndescription: d\nsource: s\nsteps:\n  - call: job.create\n    body: {job_id: "
                                 "job-best-effort-linear}\n")});
  const ScenarioResult& r = summary.scenarios[0];
  EXPECT_EQ(r.verdict, Verdict::kError);
  EXPECT_THAT(r.steps[0].error, HasSubstr("does not start with the run id"));
}

TEST_F(RunnerLive, UntilIsBoundedAndCleanupAlwaysRuns) {
  Start();
  RunSummary summary = Run({Load(R"(
name: poll
description: d
source: s
steps:
  - call: health
    body: {}
    until: {match: [{path: /data/ready, equals: false}], interval: 20ms, timeout: 200ms}
cleanup:
  - call: health
    body: {}
)")});
  const ScenarioResult& r = summary.scenarios[0];
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_GT(r.steps[0].attempts, 1);
  EXPECT_LT(r.steps[0].elapsed, std::chrono::milliseconds(2000));
  EXPECT_EQ(r.steps[0].mismatches[0].what, "until");
  EXPECT_TRUE(r.steps[1].cleanup);
  EXPECT_EQ(r.steps[1].verdict, Verdict::kPassed);
}

TEST_F(RunnerLive, FailFastStopsStartingScenarios) {
  Start({.wrong_health_code = true});
  std::vector<scenario::Scenario> many;
  for (int i = 0; i < 4; ++i) {
    scenario::Scenario s = Load(kHealth);
    s.name += std::to_string(i);
    many.push_back(s);
  }
  RunSummary summary = Run(many, {.fail_fast = true});
  EXPECT_EQ(summary.Count(Verdict::kFailed), 1);
  EXPECT_EQ(summary.Count(Verdict::kSkipped), 3);
}

TEST_F(RunnerLive, ParallelRunsKeepFileOrder) {
  Start();
  std::vector<scenario::Scenario> many;
  for (int i = 0; i < 6; ++i) {
    scenario::Scenario s = Load(kHealth);
    s.name = "h" + std::to_string(i);
    many.push_back(s);
  }
  RunSummary summary = Run(many, {.jobs = 3});
  ASSERT_EQ(summary.scenarios.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(summary.scenarios[i].name, "h" + std::to_string(i));
    EXPECT_EQ(summary.scenarios[i].verdict, Verdict::kPassed);
  }
}

TEST(RunId, IsStableAndLowerCase) {
  EXPECT_EQ(RunIdForSeed(42), RunIdForSeed(42));
  EXPECT_NE(RunIdForSeed(42), RunIdForSeed(43));
  EXPECT_THAT(RunIdForSeed(42), ::testing::MatchesRegex("kc[0-9a-f]{8}"));
}

}  // namespace
}  // namespace kuscia::harness::runner
