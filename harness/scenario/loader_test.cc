#include "harness/scenario/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace kuscia::harness::scenario {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kHeader[] = "name: t\ndescription: why\nsource: ref 5.5\n";

LoadOptions Options() { return {.fixtures_dir = std::string(KC_SOURCE_DIR) + "/fixtures"}; }

TEST(Loader, ReadsAFullStep) {
  Result<Scenario> s = LoadScenarioText(std::string(kHeader) + R"(
tags: [lifecycle, live-safe]
variables: {job: "${uid}-x"}
steps:
  - name: create
    body_file: documented/job_create_request.json
    overrides: {/job_id: "${job}"}
    call: job.create
    identity: {client_cert: none, token: wrong, verify_server: false}
    timeout: 3s
    expect:
      transport: ok
      code: [0, 11201]
      headers: {content-type: {regex: "application/json.*"}}
      body:
        - {path: /data/job_id, equals: "${job}", type: string}
    capture: {created: /data/job_id}
  - call: job.status.batchQuery
    body: {job_ids: ["${created}"]}
    until:
      match: [{path: /data/jobs/0/status/state, one_of: [Succeeded, Failed]}]
      interval: 100ms
      timeout: 10s
cleanup:
  - call: job.delete
    body: {job_id: "${job}"}
)", "mem.yaml", Options());
  ASSERT_THAT(s, IsOk());
  ASSERT_EQ(s->steps.size(), 2u);
  const Step& create = s->steps[0];
  EXPECT_EQ(create.path, "/api/v1/job/create");
  EXPECT_EQ(create.body_kind, Step::BodyKind::kFile);
  EXPECT_EQ(create.body["/job_id"], "${job}");
  EXPECT_EQ(create.identity.cert, IdentityOverride::Cert::kNone);
  EXPECT_EQ(create.identity.token, IdentityOverride::Token::kWrong);
  EXPECT_EQ(create.identity.verify_server, false);
  EXPECT_EQ(create.expect.code, (std::vector<int>{0, 11201}));
  ASSERT_EQ(create.expect.body.size(), 2u);  // equals + type from one entry
  EXPECT_EQ(create.timeout, std::chrono::seconds(3));
  EXPECT_EQ(create.where.line, 8);
  const Step& poll = s->steps[1];
  ASSERT_TRUE(poll.until.has_value());
  EXPECT_EQ(poll.until->timeout, std::chrono::seconds(10));
  EXPECT_EQ(poll.expect.code, std::vector<int>{0});  // no `expect`: the call must succeed
  EXPECT_FALSE(s->IsReadOnly());
  EXPECT_TRUE(s->HasTag("live-safe"));
}

TEST(Loader, JsonIsAccepted) {
  Result<Scenario> s = LoadScenarioText(
      R"({"name":"j","description":"d","source":"s","steps":[{"call":"health","body":{},"expect":{"code":0}}]})",
      "mem.json");
  ASSERT_THAT(s, IsOk());
  EXPECT_TRUE(s->IsReadOnly());
}

TEST(Loader, QuotedScalarsStayStrings) {
  Result<Scenario> s = LoadScenarioText(std::string(kHeader) +
                                            "steps:\n  - call: health\n    body: {a: 2, b: \"2\", c: true, d: null}\n",
                                        "mem.yaml");
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->steps[0].body.dump(), R"({"a":2,"b":"2","c":true,"d":null})");
}

struct BadCase {
  const char* name;
  std::string text;
  std::string message;  // substring of the error, which must also name file:line
};

class LoaderErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(LoaderErrors, NameFileLineAndField) {
  Result<Scenario> s = LoadScenarioText(GetParam().text, "bad.yaml", Options());
  EXPECT_THAT(s.status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().message)));
  EXPECT_THAT(s.status().message(), HasSubstr("bad.yaml:"));
}

INSTANTIATE_TEST_SUITE_P(
    Table, LoaderErrors,
    ::testing::Values(
        BadCase{"missing_description", "name: t\nsource: s\nsteps: [{call: health}]\n", "description: is required"},
        BadCase{"unknown_top_key", std::string(kHeader) + "stepz: []\nsteps: [{call: health}]\n",
                "bad.yaml:4: stepz: unknown key"},
        BadCase{"unknown_route", std::string(kHeader) + "steps:\n  - call: job.creat\n",
                "bad.yaml:5: steps[0].call: unknown route 'job.creat'"},
        BadCase{"bad_transport", std::string(kHeader) + "steps:\n  - call: health\n    expect: {transport: tls_rejected}\n",
                "bad.yaml:6: steps[0].expect.transport: unknown transport class 'tls_rejected'"},
        BadCase{"bad_code", std::string(kHeader) + "steps:\n  - call: health\n    expect:\n      code: zero\n",
                "bad.yaml:7: steps[0].expect.code: must be an integer"},
        BadCase{"typo_in_expect", std::string(kHeader) + "steps:\n  - call: health\n    expect: {http_stauts: 200}\n",
                "steps[0].expect.http_stauts: unknown key"},
        BadCase{"unbounded_until", std::string(kHeader) + "steps:\n  - call: health\n    until: {match: {path: /a, exists: true}}\n",
                "steps[0].until.timeout: is required"},
        BadCase{"bad_pointer", std::string(kHeader) + "steps:\n  - call: health\n    expect: {body: [{path: data, exists: true}]}\n",
                "is not a JSON Pointer"},
        BadCase{"matcher_without_check", std::string(kHeader) + "steps:\n  - call: health\n    expect: {body: [{path: /a}]}\n",
                "names no check"},
        BadCase{"undefined_variable", std::string(kHeader) + "steps:\n  - call: job.query\n    body: {job_id: \"${nope}\"}\n",
                "bad.yaml:5: steps[0]: ${nope} is not defined"},
        BadCase{"missing_fixture", std::string(kHeader) + "steps:\n  - call: job.create\n    body_file: nope.json\n",
                "steps[0].body_file: file 'nope.json' not found"},
        BadCase{"bad_identity", std::string(kHeader) + "steps:\n  - call: health\n    identity: {token: missing}\n",
                "steps[0].identity.token: 'missing' is not a choice"},
        BadCase{"bad_control", std::string(kHeader) + "steps:\n  - control: warp_clock\n",
                "steps[0].control: unknown control action 'warp_clock'"},
        BadCase{"control_typo", std::string(kHeader) + "steps:\n  - control: fault\n    fault: delay\n    delai: 1s\n",
                "bad.yaml:7: steps[0].delai: unknown key"},
        BadCase{"control_missing_argument", std::string(kHeader) + "steps:\n  - control: advance_clock\n",
                "steps[0].by: is required for control: advance_clock (e.g. by: 5s)"},
        BadCase{"control_bad_count", std::string(kHeader) + "steps:\n  - control: assert_journal\n    count: -1\n",
                "steps[0].count: must be one number of requests"},
        BadCase{"control_bad_match", std::string(kHeader) + "steps:\n  - control: wait_journal\n    match: /healthZ\n",
                "steps[0].match: must be a journal filter"},
        BadCase{"bad_regex", std::string(kHeader) + "steps:\n  - call: health\n    expect: {body_regex: \"(\"}\n",
                "steps[0].expect.body_regex: invalid regular expression"},
        BadCase{"unbounded_stream", std::string(kHeader) + "steps:\n  - call: job.watch\n    body: {}\n    stream: {max_events: 2}\n",
                "steps[0].stream.max_time: is required"},
        BadCase{"during_without_stream", std::string(kHeader) + "steps:\n  - call: health\n    during: []\n",
                "steps[0].during: only applies to a stream step"},
        BadCase{"stream_end_without_stream", std::string(kHeader) + "steps:\n  - call: health\n    expect: {stream_end: max_time}\n",
                "steps[0].expect.stream_end: only applies to a stream step"},
        BadCase{"stream_with_until", std::string(kHeader) + "steps:\n  - call: job.watch\n    stream: {max_time: 1s}\n"
                "    until: {match: {path: /a, exists: true}, timeout: 1s}\n",
                "steps[0].until: cannot be combined with stream"},
        BadCase{"bad_stream_end", std::string(kHeader) + "steps:\n  - call: job.watch\n    stream: {max_time: 1s}\n"
                "    expect: {stream_end: finished}\n",
                "steps[0].expect.stream_end:"},
        BadCase{"bad_scheme", std::string(kHeader) + "steps:\n  - call: health\n    scheme: ftp\n",
                "steps[0].scheme: use http"},
        BadCase{"bad_count_range", std::string(kHeader) + "steps:\n  - control: assert_handshakes\n    count: {least: 1}\n",
                "steps[0].count.least: unknown key"},
        BadCase{"bad_requirement", std::string(kHeader) + "requires: [gpu]\nsteps: [{call: health}]\n",
                "unknown requirement 'gpu'"},
        BadCase{"contradiction", std::string(kHeader) + "steps:\n  - call: health\n    expect: {transport: timeout, http_status: 200}\n",
                "expects no response"},
        BadCase{"not_yaml", "name: [unclosed\n", "not valid YAML/JSON"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

TEST(Loader, EveryBundledScenarioLoads) {
  Result<std::vector<std::filesystem::path>> files = FindScenarioFiles({std::string(KC_SOURCE_DIR) + "/scenarios"});
  ASSERT_THAT(files, IsOk());
  EXPECT_FALSE(files->empty());
  for (const auto& file : *files) {
    Result<Scenario> s = LoadScenarioFile(file, Options());
    EXPECT_THAT(s, IsOk()) << file;
    if (s.ok()) {
      EXPECT_FALSE(s->tags.empty()) << file << " has no tags";
    }
  }
}

}  // namespace
}  // namespace kuscia::harness::scenario
