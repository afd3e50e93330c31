// The console and JUnit output of a fixed failing run are golden files (fixtures/runner/). Volatile parts
// (durations, the server's port, the temp certificate dir) are normalised before comparing.
// To approve a change: KC_UPDATE_GOLDEN=1 build-*/tests/harness_report_test, then review the diff in git.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <sstream>

#include "harness/report/console.h"
#include "harness/report/junit.h"
#include "harness/runner/runner.h"
#include "harness/scenario/loader.h"
#include "harness/test_support/mini_kuscia.h"
#include "sys/files.h"
#include "testing/status_matchers.h"

namespace kuscia::harness::report {
namespace {

using ::kuscia::testing::IsOk;

constexpr char kPassing[] = R"(
name: golden-health-passes
description: d
source: s
tags: [smoke]
steps:
  - call: health
    body: {}
)";

// The server answers /healthZ with 11100: the step must fail and name code, message and body.
constexpr char kWrongCode[] = R"(
name: golden-health-code
description: d
source: s
tags: [errors]
steps:
  - name: health answers success
    call: health
    body: {}
    expect:
      code: 0
      body: [{path: /data/ready, equals: true}]
)";

// A server that accepts a missing client certificate would pass this; MiniKuscia in TLS mode does.
constexpr char kNoCert[] = R"(
name: golden-no-client-cert
description: d
source: s
tags: [tls]
steps:
  - name: no client certificate is rejected
    call: health
    body: {}
    identity: {client_cert: none}
    expect: {transport: tls_client_rejected}
)";

constexpr char kSkipped[] = R"(
name: golden-needs-control
description: d
source: s
steps:
  - control: reset
)";

std::string Normalise(std::string text, const std::string& base_url, const std::string& certs_dir) {
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) text.replace(pos, from.size(), to);
  };
  replace_all(base_url, "https://127.0.0.1:PORT");
  replace_all(certs_dir, "CERTS");
  text = std::regex_replace(text, std::regex(R"(time="[0-9.]+")"), "time=\"T\"");
  text = std::regex_replace(text, std::regex(R"(\b[0-9]+(\.[0-9])?(ms|s)\b)"), "T");
  text = std::regex_replace(text, std::regex(R"(\(elapsed [^)]*\))"), "");
  return text;
}

void CompareWithGolden(const std::string& actual, const std::string& name) {
  std::string path = std::string(KC_SOURCE_DIR) + "/fixtures/runner/" + name;
  if (const char* update = std::getenv("KC_UPDATE_GOLDEN"); update && *update) {
    ASSERT_THAT(sys::WriteFileAtomic(path, actual), IsOk());
    return;
  }
  Result<std::string> golden = sys::ReadFile(path);
  ASSERT_THAT(golden, IsOk()) << "missing golden file; create it with KC_UPDATE_GOLDEN=1";
  if (*golden != actual) {
    ASSERT_THAT(sys::WriteFileAtomic(path + ".actual", actual), IsOk());
    FAIL() << name << " differs from the golden file; see " << path << ".actual. If the change is intended, approve "
           << "it with: KC_UPDATE_GOLDEN=1 " << ::testing::internal::GetArgvs()[0];
  }
}

TEST(ReportGolden, ConsoleAndJUnitOfAFixedFailingRun) {
  sys::TempDir dir("kc-golden");
  auto mini = harness::testing::MiniKuscia::Start(dir.path(), {.require_client_cert = false, .wrong_health_code = false});
  ASSERT_THAT(mini, IsOk());
  sys::TempDir dir2("kc-golden-wrong");
  auto wrong = harness::testing::MiniKuscia::Start(dir2.path(), {.wrong_health_code = true});
  ASSERT_THAT(wrong, IsOk());

  std::vector<scenario::Scenario> scenarios;
  for (const auto& [text, file] : {std::pair{kPassing, "golden/passing.yaml"}, std::pair{kNoCert, "golden/no_cert.yaml"},
                                   std::pair{kSkipped, "golden/skipped.yaml"}}) {
    Result<scenario::Scenario> s = scenario::LoadScenarioText(text, file);
    ASSERT_THAT(s, IsOk());
    scenarios.push_back(*s);
  }
  // One run per server, merged into one summary as the report sees it.
  auto target = runner::OpenTarget({.spec = (*mini)->base_url(), .certs_dir = dir.path()});
  ASSERT_THAT(target, IsOk());
  runner::RunnerOptions options{.seed = 1, .rerun_arguments = " --seed 1"};
  runner::RunSummary summary = runner::RunScenarios(scenarios, **target, options);

  Result<scenario::Scenario> wrong_code = scenario::LoadScenarioText(kWrongCode, "golden/wrong_code.yaml");
  ASSERT_THAT(wrong_code, IsOk());
  auto wrong_target = runner::OpenTarget({.spec = (*wrong)->base_url(), .certs_dir = dir2.path()});
  ASSERT_THAT(wrong_target, IsOk());
  runner::RunSummary second = runner::RunScenarios({*wrong_code}, **wrong_target, options);
  summary.scenarios.push_back(second.scenarios[0]);
  summary.target = "live https://127.0.0.1:PORT";

  EXPECT_EQ(summary.ExitCode(), 1);
  std::ostringstream console_text;
  ConsoleReport console(console_text, /*color=*/false);
  console.Start(summary, static_cast<int>(summary.scenarios.size()));
  int n = 0;
  for (const auto& r : summary.scenarios) console.Progress(r, ++n, static_cast<int>(summary.scenarios.size()));
  console.Finish(summary);

  std::string console_out = Normalise(Normalise(console_text.str(), (*mini)->base_url(), dir.path().string()),
                                      (*wrong)->base_url(), dir2.path().string());
  std::string junit_out = Normalise(Normalise(RenderJUnit(summary), (*mini)->base_url(), dir.path().string()),
                                    (*wrong)->base_url(), dir2.path().string());
  CompareWithGolden(console_out, "console.golden");
  CompareWithGolden(junit_out, "junit.golden.xml");
}

TEST(Color, HonoursNoColorAndTheFlag) {
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_EQ(ResolveColor("auto", true).value_or(true), false);
  EXPECT_EQ(ResolveColor("always", false).value_or(false), true);
  ::unsetenv("NO_COLOR");
  EXPECT_EQ(ResolveColor("auto", true).value_or(false), true);
  EXPECT_EQ(ResolveColor("auto", false).value_or(true), false);
  EXPECT_EQ(ResolveColor("sometimes", true).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kuscia::harness::report
