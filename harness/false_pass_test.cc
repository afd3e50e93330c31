// The harness must not pass falsely: the bundled suite, run against a fake made wrong on purpose
// (fixtures/wrong_fakes/*.yaml, applied with --fake-profile), has to fail, and its report has to name the
// scenario, the step and the check that caught the fault, with what was expected and what came back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/run_command.h"
#include "sys/files.h"

namespace kuscia::harness {
namespace {

using ::testing::HasSubstr;

struct WrongFake {
  const char* profile;          // under fixtures/wrong_fakes/
  const char* caught_by;        // the scenario that must fail
  const char* check;            // the mismatch's `what`
  const char* expected;         // a piece of its `expected`
  const char* actual;           // a piece of its `actual`
};

const WrongFake kWrongFakes[] = {
    {"wrong_not_found_code.yaml", "errors-job-not-found", "status.code", "11204", "11202"},
    {"drops_end_time.yaml", "lifecycle-tutorial-job", "body /data/jobs/0/status/end_time regex", "[0-9]{4}",
     "nothing at /data/jobs/0/status/end_time"},
    {"accepts_missing_client_cert.yaml", "tls-no-client-cert", "transport", "tls_client_rejected", "ok"},
};

// The run's JSON report and console output, for one profile and selection.
struct SuiteRun {
  int exit_code = 0;
  nlohmann::json report;
  std::string console;
};

SuiteRun RunAgainst(const std::string& profile, const std::string& filter) {
  sys::TempDir dir("kc-false-pass");
  RunCommandOptions options;
  options.fake_profile = std::string(KC_SOURCE_DIR) + "/fixtures/wrong_fakes/" + profile;
  options.json = (dir.path() / "report.json").string();
  options.filter = filter;
  options.seed = 7;
  options.color = "never";
  std::ostringstream out, err;
  SuiteRun run;
  run.exit_code = RunConformRun(options, out, err);
  run.console = out.str() + err.str();
  Result<std::string> text = sys::ReadFile(options.json);
  run.report = text.ok() ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
  return run;
}

// The report names the scenario as failed, with the mismatch that shows the fault.
void ExpectCaught(const SuiteRun& run, const WrongFake& wrong) {
  const nlohmann::json* caught = nullptr;
  for (const nlohmann::json& s : run.report["scenarios"]) {
    if (s["name"] == wrong.caught_by) caught = &s;
  }
  ASSERT_NE(caught, nullptr) << wrong.caught_by << " was not run:\n" << run.console;
  EXPECT_EQ((*caught)["verdict"], "FAIL") << caught->dump(2);
  bool found = false;
  for (const nlohmann::json& step : (*caught)["steps"]) {
    for (const nlohmann::json& m : step["mismatches"]) {
      if (m["what"] == wrong.check && m["expected"].get<std::string>().find(wrong.expected) != std::string::npos &&
          m["actual"].get<std::string>().find(wrong.actual) != std::string::npos) {
        found = true;
      }
    }
  }
  EXPECT_TRUE(found) << "no mismatch '" << wrong.check << "' (expected ~" << wrong.expected << ", actual ~"
                     << wrong.actual << ") in " << caught->dump(2);
  // The console report says the same to a person: the scenario and the rerun command with the profile.
  EXPECT_THAT(run.console, HasSubstr(std::string("FAIL  ") + wrong.caught_by));
  EXPECT_THAT(run.console, HasSubstr("--fake-profile "));
}

// The whole bundled suite against a fake with all three faults: exit 1, and each one named.
TEST(FalsePassTest, TheWholeSuiteFailsAgainstAWrongFakeAndNamesEachWrongCase) {
  SuiteRun run = RunAgainst("combined.yaml", "");
  ASSERT_EQ(run.exit_code, 1) << "the suite passed against a wrong fake:\n" << run.console;
  for (const WrongFake& wrong : kWrongFakes) ExpectCaught(run, wrong);
}

// Each fault on its own is enough to fail the scenario that guards it.
class EachWrongFake : public ::testing::TestWithParam<WrongFake> {};

TEST_P(EachWrongFake, FailsTheScenarioThatGuardsIt) {
  const WrongFake& wrong = GetParam();
  SuiteRun run = RunAgainst(wrong.profile, wrong.caught_by);
  ASSERT_EQ(run.exit_code, 1) << wrong.caught_by << " passed against " << wrong.profile << ":\n" << run.console;
  ExpectCaught(run, wrong);
}

INSTANTIATE_TEST_SUITE_P(WrongFakes, EachWrongFake, ::testing::ValuesIn(kWrongFakes),
                         [](const ::testing::TestParamInfo<WrongFake>& info) {
                           std::string name = info.param.profile;
                           name = name.substr(0, name.find('.'));
                           for (char& c : name) c = c == '_' ? 'X' : c;
                           return name;
                         });

TEST(FalsePassProfileTest, AProfileWithABadControlStepIsAUsageError) {
  sys::TempDir dir("kc-false-pass");
  std::string profile = (dir.path() / "bad.yaml").string();
  ASSERT_TRUE(sys::WriteFileAtomic(profile, "name: bad\ndescription: d\nsource: s\nsteps:\n  - control: fault\n"
                                            "    fault: no_such_fault\n", 0644).ok());
  RunCommandOptions options;
  options.fake_profile = profile;
  options.color = "never";
  options.filter = "health-ok";
  std::ostringstream out, err;
  EXPECT_EQ(RunConformRun(options, out, err), 1);
  EXPECT_THAT(out.str(), HasSubstr("--fake-profile step 'control fault'"));
  EXPECT_THAT(out.str(), HasSubstr("no_such_fault"));
}

}  // namespace
}  // namespace kuscia::harness
