#include "mock_server/control/outcome_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace kuscia::mock::control {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;
using namespace std::chrono_literals;

engine::JobSpec Spec(std::string id) {
  engine::JobSpec spec;
  spec.job_id = std::move(id);
  return spec;
}

TEST(OutcomeRulesTest, ParsesThePlanTheMockFieldsDescribe) {
  Result<OutcomeRule> rule = ParseOutcomeRule(Json::parse(R"({"job_id":"job-*","task_duration":"3s",
      "await_approval":true,"tasks":{"job-psi":{"fail":"all","err_msg":"oom","fail_runs":1,"duration":"5s"},
                                     "job-split":{"fail":["alice","bob"]}}})"));
  ASSERT_THAT(rule.status(), IsOk());
  EXPECT_EQ(rule->plan.task_duration, 3000ms);
  EXPECT_TRUE(rule->plan.await_approval);
  const engine::TaskOutcome& psi = rule->plan.tasks.at("job-psi");
  EXPECT_THAT(psi.failing_parties, ElementsAre(engine::kAllParties));
  EXPECT_EQ(psi.err_msg, "oom");
  EXPECT_EQ(psi.failing_runs, 1);
  EXPECT_EQ(psi.duration, 5000ms);
  EXPECT_THAT(rule->plan.tasks.at("job-split").failing_parties, ElementsAre("alice", "bob"));
  Json round = OutcomeRuleToJson(*rule);
  EXPECT_EQ(round["tasks"]["job-psi"]["fail"], "all");
  Result<OutcomeRule> again = ParseOutcomeRule(round);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->plan, rule->plan);
}

TEST(OutcomeRulesTest, MistakesNameTheKey) {
  EXPECT_THAT(ParseOutcomeRule(Json::parse(R"({"colour":"red"})")).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("key 'colour' is not understood")));
  EXPECT_THAT(ParseOutcomeRule(Json::parse(R"({"tasks":{"t":{"fail":3}}})")).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("tasks[\"t\"] 'fail'")));
  EXPECT_THAT(ParseOutcomeRule(Json::parse(R"({"tasks":{"t":{"fail_runs":0,"fail":"bob"}}})")).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("from 1 to 1000")));
  EXPECT_THAT(ParseOutcomeRule(Json::parse(R"({"task_duration":"soon"})")).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("task_duration")));
}

TEST(OutcomeRulesTest, FirstMatchingPatternDecidesAndCountsApplications) {
  OutcomeRuleSet rules;
  OutcomeRule wait;
  wait.job_id = "job-wait-*";
  wait.plan.await_approval = true;
  OutcomeRule slow;
  slow.job_id = "job-*";
  slow.plan.task_duration = 9s;
  uint64_t wait_id = rules.Add(wait);
  (void)rules.Add(slow);
  EXPECT_TRUE(rules.PlanFor(Spec("job-wait-1"))->await_approval);
  EXPECT_EQ(rules.PlanFor(Spec("job-2"))->task_duration, 9s);
  EXPECT_FALSE(rules.PlanFor(Spec("other")).has_value());
  EXPECT_EQ(rules.List()[0].applied, 1u);
  EXPECT_TRUE(rules.Remove(wait_id));
  EXPECT_FALSE(rules.PlanFor(Spec("job-wait-1"))->await_approval);
  rules.Clear();
  EXPECT_TRUE(rules.List().empty());
}

}  // namespace
}  // namespace kuscia::mock::control
