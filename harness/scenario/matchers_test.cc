#include "harness/scenario/matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/scenario/loader.h"

namespace kuscia::harness::scenario {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const json kDoc = json::parse(R"({"status":{"code":0,"message":"success","details":[]},
  "data":{"jobs":[{"job_id":"a","status":{"state":"Succeeded","end_time":"2025-01-01T00:00:00Z","progress":1}},
                  {"job_id":"b","status":{"state":"Failed","end_time":"","progress":0.5}}]}})");

std::vector<Matcher> Parse(const std::string& yaml) {
  Result<Scenario> s = LoadScenarioText("name: t\ndescription: d\nsource: s\nvariables: {first: a}\nsteps:\n  - call: health\n    expect:\n"
                                        "      body:\n" + yaml, "m.yaml");
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? s->steps[0].expect.body : std::vector<Matcher>{};
}

struct MatchCase {
  const char* name;
  std::string yaml;   // matcher list entries, indented 8
  bool holds;
};

class MatcherTable : public ::testing::TestWithParam<MatchCase> {};

TEST_P(MatcherTable, EvaluatesOnTheDocument) {
  Variables vars{{"first", "a"}};
  std::vector<Mismatch> m = CheckMatchers(Parse(GetParam().yaml), kDoc, vars);
  EXPECT_EQ(m.empty(), GetParam().holds) << (m.empty() ? "" : m[0].what + ": expected " + m[0].expected + ", got " + m[0].actual);
}

INSTANTIATE_TEST_SUITE_P(
    Table, MatcherTable,
    ::testing::Values(
        MatchCase{"equals", "        - {path: /status/code, equals: 0}\n", true},
        MatchCase{"equals_var", "        - {path: /data/jobs/0/job_id, equals: \"${first}\"}\n", true},
        MatchCase{"equals_wrong", "        - {path: /status/code, equals: 11100}\n", false},
        MatchCase{"not_equals", "        - {path: /data/jobs/0/status/end_time, not_equals: \"\"}\n", true},
        MatchCase{"one_of", "        - {path: /data/jobs/1/status/state, one_of: [Succeeded, Failed]}\n", true},
        MatchCase{"regex", "        - {path: /data/jobs/0/status/end_time, regex: \"\\\\d{4}-\\\\d\\\\d-\\\\d\\\\dT.*Z\"}\n", true},
        MatchCase{"regex_whole", "        - {path: /status/message, regex: \"succ\"}\n", false},
        MatchCase{"exists", "        - {path: /data/jobs/1, exists: true}\n", true},
        MatchCase{"absent", "        - {path: /data/jobs/2, absent: true}\n", true},
        MatchCase{"absent_but_there", "        - {path: /status/details, absent: true}\n", false},
        MatchCase{"type_array", "        - {path: /status/details, type: array}\n", true},
        MatchCase{"type_integer", "        - {path: /data/jobs/0/status/progress, type: integer}\n", true},
        MatchCase{"type_integer_float", "        - {path: /data/jobs/1/status/progress, type: integer}\n", false},
        MatchCase{"length", "        - {path: /data/jobs, length: 2}\n", true},
        MatchCase{"length_range", "        - {path: /data/jobs, length: {min: 3}}\n", false},
        MatchCase{"every", "        - path: /data/jobs\n          every: [{path: /job_id, type: string}]\n", true},
        MatchCase{"every_fails", "        - path: /data/jobs\n          every: [{path: /status/state, equals: Succeeded}]\n", false},
        MatchCase{"any", "        - path: /data/jobs\n          any: [{path: /status/state, equals: Failed}]\n", true},
        MatchCase{"any_fails", "        - path: /data/jobs\n          any: [{path: /status/state, equals: Running}]\n", false},
        MatchCase{"range", "        - {path: /data/jobs/1/status/progress, range: {min: 0.25, max: 0.75}}\n", true},
        MatchCase{"range_min_only", "        - {path: /data/jobs/0/status/progress, range: {min: 2}}\n", false},
        MatchCase{"range_not_a_number", "        - {path: /status/message, range: {max: 10}}\n", false},
        MatchCase{"missing_path", "        - {path: /data/nope, equals: 1}\n", false}),
    [](const ::testing::TestParamInfo<MatchCase>& info) { return std::string(info.param.name); });

TEST(Fixture, ComparesAfterBlankingVolatileFields) {
  Matcher m{.path = "", .op = Matcher::Op::kFixture,
            .value = json::parse(R"({"a":{"t":"2025-01-01T00:00:00Z","v":1},"l":[{"t":"x"},{"t":"y"}]})"),
            .ignore = {"/a/t", "/l/*/t"}};
  json actual = json::parse(R"({"a":{"t":"2026-05-05T00:00:00Z","v":1},"l":[{"t":"p"},{"t":"q"}]})");
  EXPECT_TRUE(CheckMatchers({m}, actual, {}).empty());
  actual["a"]["v"] = 2;
  std::vector<Mismatch> mm = CheckMatchers({m}, actual, {});
  ASSERT_EQ(mm.size(), 1u);
  EXPECT_THAT(mm[0].diff, HasSubstr("/a/v: expected 1, got 2"));
}

TEST(Expectation, TransportMismatchStopsFurtherChecks) {
  Expectation e{.transport = {TransportClass::kTlsClientRejected}};
  Outcome o{.transport = TransportClass::kOk, .http_status = 200, .api_code = 0};
  std::vector<Mismatch> m = CheckExpectation(e, o, {});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].what, "transport");
  EXPECT_EQ(m[0].actual, "ok (HTTP 200)");
}

TEST(Expectation, CodeMismatchQuotesTheMessage) {
  Expectation e{.transport = {TransportClass::kOk}, .code = {11202}};
  Outcome o{.transport = TransportClass::kOk, .http_status = 200, .api_code = 0,
            .body = R"({"status":{"code":0,"message":"success","details":[]}})"};
  std::vector<Mismatch> m = CheckExpectation(e, o, {});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].actual, "0 (success)");
}

TEST(Expectation, BodyRegexMatchesTheWholeRawBodyAfterExpandingVariables) {
  Expectation e{.transport = {TransportClass::kOk}, .body_regex = "Client sent an HTTP request to an ${what} server\\.\\n?"};
  Outcome o{.transport = TransportClass::kOk, .http_status = 400,
            .body = "Client sent an HTTP request to an HTTPS server.\n"};
  EXPECT_TRUE(CheckExpectation(e, o, Variables{{"what", "HTTPS"}}).empty());
  std::vector<Mismatch> m = CheckExpectation(e, o, Variables{{"what", "HTTP"}});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].what, "body_regex");
}

TEST(Expectation, ARegexBrokenByAVariableIsAMismatchNotACrash) {
  Expectation e{.transport = {TransportClass::kOk}, .body_regex = "${open}"};
  Outcome o{.transport = TransportClass::kOk, .http_status = 200, .body = "x"};
  std::vector<Mismatch> m = CheckExpectation(e, o, Variables{{"open", "(unclosed"}});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].expected, "a valid regular expression");
}

}  // namespace
}  // namespace kuscia::harness::scenario
