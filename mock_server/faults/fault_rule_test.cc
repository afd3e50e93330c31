#include "mock_server/faults/fault_rule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_server/faults/delivery.h"
#include "mock_server/faults/duration.h"
#include "testing/status_matchers.h"

namespace kuscia::mock::faults {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;
using Json = nlohmann::json;
using namespace std::chrono_literals;

FaultRule Parse(const char* text) {
  Result<FaultRule> rule = ParseFaultRule(Json::parse(text));
  EXPECT_THAT(rule.status(), IsOk());
  return rule.value_or(FaultRule{});
}

Status ParseError(const char* text) { return ParseFaultRule(Json::parse(text)).status(); }

constexpr RequestFacts kCreate{.method = "POST", .path = "/api/v1/job/create", .body = R"({"job_id":"job-a"})"};
constexpr RequestFacts kQuery{.method = "POST", .path = "/api/v1/job/query", .body = R"({"job_id":"job-b"})"};
constexpr RequestFacts kWatch{.method = "POST", .path = "/api/v1/job/watch", .stream = true, .body = "{}"};

TEST(DurationTest, GoSyntaxAndMilliseconds) {
  EXPECT_EQ(ParseDuration("250ms").value_or(-1ms), 250ms);
  EXPECT_EQ(ParseDuration("1m30s").value_or(-1ms), 90s);
  EXPECT_EQ(ParseDuration("1.5s").value_or(-1ms), 1500ms);
  EXPECT_EQ(ParseDuration("0").value_or(-1ms), 0ms);
  EXPECT_THAT(ParseDuration("5").status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("missing a unit")));
  EXPECT_THAT(ParseDuration("2d").status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown unit 'd'")));
  EXPECT_EQ(DurationFromJson(Json(40), "'x'").value_or(-1ms), 40ms);
  EXPECT_EQ(FormatDuration(2000ms), "2s");
  EXPECT_EQ(FormatDuration(1500ms), "1500ms");
}

TEST(ParseFaultRuleTest, RouteShortNamesResolveAndRoundTrip) {
  FaultRule rule = Parse(R"({"route":"job.create","count":2,"fault":"delay","delay":{"min":"10ms","max":"20ms"}})");
  EXPECT_EQ(rule.match.path, "/api/v1/job/create");
  EXPECT_EQ(rule.count, 2u);
  EXPECT_EQ(rule.params.delay_min, 10ms);
  EXPECT_EQ(rule.params.delay_max, 20ms);
  Json round = FaultRuleToJson(rule);
  EXPECT_EQ(round["delay"]["max"], "20ms");
  EXPECT_THAT(ParseFaultRule(round).status(), IsOk());
}

TEST(ParseFaultRuleTest, MistakesNameTheKeyAndTheFix) {
  EXPECT_THAT(ParseError(R"({"route":"job.create"})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("needs \"fault\"")));
  EXPECT_THAT(ParseError(R"({"fault":"explode"})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown fault 'explode'; use one of: delay")));
  EXPECT_THAT(ParseError(R"({"fault":"delay"})"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("needs \"delay\"")));
  EXPECT_THAT(ParseError(R"({"fault":"delay","delay":"2s","bytes":3})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("key 'bytes' is not understood for fault 'delay'")));
  EXPECT_THAT(ParseError(R"({"fault":"http_status","status":42})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("'status' must be an integer from 200 to 599")));
  EXPECT_THAT(ParseError(R"({"fault":"reset_before_response","probability":2})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("from 0 to 1")));
  EXPECT_THAT(ParseError(R"({"fault":"reset_before_response","route":"job.nope"})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("short name")));
  EXPECT_THAT(ParseError(R"({"fault":"watch_cut","route":"job.create"})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("use route job.watch")));
  EXPECT_THAT(ParseError(R"({"fault":"truncated_body","route":"job.watch"})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("is a stream")));
  EXPECT_THAT(ParseError(R"({"fault":"api_status"})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("needs \"code\"")));
  EXPECT_THAT(ParseError(R"({"fault":"drop_fields"})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("needs \"fields\": a list of JSON Pointers")));
  EXPECT_THAT(ParseError(R"({"fault":"drop_fields","fields":["data/status"]})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("must be JSON Pointers starting with '/'")));
  EXPECT_THAT(ParseError(R"({"fault":"drop_fields","fields":["/a~2"]})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("is not a JSON Pointer")));
}

TEST(FaultRuleTest, DropFieldsRoundTripsItsPointers) {
  FaultRule rule = Parse(R"({"route":"job.query","fault":"drop_fields","fields":["/data/status/end_time","/status/details"]})");
  EXPECT_EQ(rule.kind, FaultKind::kDropFields);
  EXPECT_EQ(rule.params.drop_fields, (std::vector<std::string>{"/data/status/end_time", "/status/details"}));
  EXPECT_EQ(FaultRuleToJson(rule)["fields"], nlohmann::json::parse(R"(["/data/status/end_time","/status/details"])"));
}

TEST(FaultRuleSetTest, EmptySetDecidesNothing) {
  FaultRuleSet rules;
  EXPECT_FALSE(rules.Decide(kCreate).has_value());
}

TEST(FaultRuleSetTest, CountLimitsFiringsAndRouteAndJobIdMatch) {
  FaultRuleSet rules;
  uint64_t id = rules.Add(Parse(R"({"route":"/api/v1/job/*","job_id":"job-a","count":2,"fault":"malformed_json"})"));
  EXPECT_FALSE(rules.Decide(kQuery).has_value());  // job-b
  std::optional<FiredFault> first = rules.Decide(kCreate);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->rule_id, id);
  EXPECT_EQ(first->kind, FaultKind::kMalformedJson);
  EXPECT_TRUE(rules.Decide(kCreate).has_value());
  EXPECT_FALSE(rules.Decide(kCreate).has_value());  // spent
  auto listed = rules.List();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].fired, 2u);
  EXPECT_EQ(RuleStateToJson(listed[0])["remaining"], 0);
}

TEST(FaultRuleSetTest, SkipLetsTheFirstRequestsThrough) {
  FaultRuleSet rules;
  (void)rules.Add(Parse(R"({"route":"job.create","skip":2,"count":1,"fault":"reset_before_response"})"));
  EXPECT_FALSE(rules.Decide(kCreate).has_value());
  EXPECT_FALSE(rules.Decide(kCreate).has_value());
  EXPECT_TRUE(rules.Decide(kCreate).has_value());
  EXPECT_FALSE(rules.Decide(kCreate).has_value());
}

TEST(FaultRuleSetTest, StreamKindsOnlyHitStreamsAndUnaryKindsOnlyUnary) {
  FaultRuleSet rules;
  (void)rules.Add(Parse(R"({"fault":"watch_duplicate_events"})"));
  EXPECT_FALSE(rules.Decide(kCreate).has_value());
  std::optional<FiredFault> watch = rules.Decide(kWatch);
  ASSERT_TRUE(watch.has_value());
  EXPECT_TRUE(WatchFaultsOf(watch).duplicate_events);
}

TEST(FaultRuleSetTest, SameSeedSameChaos) {
  auto pattern = [](uint64_t seed) {
    FaultRuleSet rules;
    Json rule = Json::parse(R"({"fault":"delay","delay":{"min":"0ms","max":"1000ms"},"probability":0.5})");
    rule["seed"] = seed;
    (void)rules.Add(ParseFaultRule(rule).value_or(FaultRule{}));
    std::string out;
    for (int i = 0; i < 40; ++i) {
      std::optional<FiredFault> f = rules.Decide(kCreate);
      out += f ? std::to_string(f->delay.count()) + "," : "-,";
    }
    return out;
  };
  EXPECT_EQ(pattern(7), pattern(7));
  EXPECT_NE(pattern(7), pattern(8));
  std::string p = pattern(7);
  EXPECT_NE(p.find('-'), std::string::npos);  // some pass
  EXPECT_NE(p.find_first_of("0123456789"), std::string::npos);  // some fire
}

TEST(FaultRuleSetTest, FirstMatchingRuleWinsAndRemoveWorks) {
  FaultRuleSet rules;
  uint64_t a = rules.Add(Parse(R"({"route":"job.create","fault":"malformed_json"})"));
  (void)rules.Add(Parse(R"({"fault":"close_after_headers"})"));
  EXPECT_EQ(rules.Decide(kCreate)->kind, FaultKind::kMalformedJson);
  EXPECT_EQ(rules.Decide(kQuery)->kind, FaultKind::kCloseAfterHeaders);
  EXPECT_TRUE(rules.Remove(a));
  EXPECT_FALSE(rules.Remove(a));
  EXPECT_EQ(rules.Decide(kCreate)->kind, FaultKind::kCloseAfterHeaders);
  rules.Clear();
  EXPECT_FALSE(rules.Decide(kCreate).has_value());
}

TEST(FaultKindTest, EveryKindHasANameThatParsesBack) {
  for (FaultKind kind : AllFaultKinds()) {
    EXPECT_EQ(ParseFaultKind(FaultKindName(kind)).value_or(FaultKind::kDelay), kind);
    EXPECT_FALSE(FaultKindMeaning(kind).empty());
    EXPECT_TRUE(AppliesToUnary(kind) || AppliesToStream(kind));
  }
}

}  // namespace
}  // namespace kuscia::mock::faults
