// What a run produced, in the shape the reports (console, JUnit, JSON) read.
//
//   for (const ScenarioResult& s : summary.scenarios) if (s.verdict == Verdict::kFailed) ...
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/client/outcome.h"
#include "harness/scenario/matchers.h"
#include "harness/scenario/scenario.h"

namespace kuscia::harness::runner {

enum class Verdict {
  kPassed,   // every step and cleanup step met its expectations
  kFailed,   // a step's outcome differed from its expectation (the report says how)
  kError,    // the harness could not run a step (client broke, variable missing, timeout budget spent)
  kSkipped,  // not run, with the reason (needs the control plane, another client, --read-only, ...)
};
std::string_view VerdictName(Verdict v);  // "PASS", "FAIL", "ERROR", "SKIP"

struct StepResult {
  std::string name{};
  scenario::SourceLocation where{};
  bool cleanup = false;
  Verdict verdict = Verdict::kPassed;
  std::string request{};                     // "POST /api/v1/job/create"
  std::string curl{};                        // the equivalent curl command
  std::vector<scenario::Mismatch> mismatches{};
  std::string error{};                       // kError: what went wrong
  Outcome outcome{};
  int attempts = 0;                          // > 1 when `until` polled
  std::chrono::milliseconds elapsed{0};
};

struct ScenarioResult {
  std::string name{};
  std::string file{};
  std::vector<std::string> tags{};
  std::string description{};
  Verdict verdict = Verdict::kPassed;
  std::string skip_reason{};
  std::vector<StepResult> steps{};           // run steps then cleanup steps, in order
  std::vector<std::string> leftovers{};      // things the scenario created and did not remove
  std::string rerun{};                       // the kuscia-conform command that reruns only this scenario
  std::chrono::milliseconds elapsed{0};
};

struct RunSummary {
  std::string client{};
  std::string target{};
  std::string run_id{};
  unsigned long long seed = 0;
  std::vector<ScenarioResult> scenarios{};   // in file order, whatever order they ran in
  std::chrono::milliseconds elapsed{0};

  int Count(Verdict v) const;
  // 0 when nothing failed or errored, else 1 (usage errors and "nothing selected" are the caller's 2).
  int ExitCode() const;
};

}  // namespace kuscia::harness::runner
