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

class FalsePassTest : public ::testing::TestWithParam<WrongFake> {};

TEST_P(FalsePassTest, TheSuiteFailsAndNamesTheWrongCase) {
  const WrongFake& wrong = GetParam();
  sys::TempDir dir("kc-false-pass");
  RunCommandOptions options;
  options.fake_profile = std::string(KC_BUNDLED_FIXTURES_DIR) + "/wrong_fakes/" + wrong.profile;
  options.json = (dir.path() / "report.json").string();
  options.jobs = 2;
  options.seed = 7;
  options.color = "never";
  std::ostringstream out, err;
  int exit_code = RunConformRun(options, out, err);
  ASSERT_EQ(exit_code, 1) << "the suite passed against " << wrong.profile << ":\n" << out.str() << err.str();

  nlohmann::json report = nlohmann::json::parse(*sys::ReadFile(options.json));
  const nlohmann::json* caught = nullptr;
  for (const nlohmann::json& s : report["scenarios"]) {
    if (s["name"] == wrong.caught_by) caught = &s;
  }
  ASSERT_NE(caught, nullptr) << wrong.caught_by << " was not run";
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
  // The console report says the same to a person: the scenario, its file and the rerun command.
  EXPECT_THAT(out.str(), HasSubstr(std::string("FAIL  ") + wrong.caught_by));
  EXPECT_THAT(out.str(), HasSubstr(std::string("--fake-profile ")));
}

INSTANTIATE_TEST_SUITE_P(WrongFakes, FalsePassTest, ::testing::ValuesIn(kWrongFakes),
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
