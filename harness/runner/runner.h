// Runs scenarios against a Target with a Client and collects the results: variables and ids per
// scenario, steps in order (stopping at the first failure), `until` polling, captures, cleanup steps that
// always run, a check that nothing created was left behind, skips with reasons, -j workers and fail-fast.
//
//   RunnerOptions options{.client_spec = "builtin", .jobs = 2, .seed = 42};
//   RunSummary summary = RunScenarios(scenarios, *target, options, [&](const ScenarioResult& r, int done) {...});
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "harness/runner/results.h"
#include "harness/runner/target.h"
#include "harness/scenario/scenario.h"

namespace kuscia::harness::runner {

struct RunnerOptions {
  std::string client_spec = "builtin";             // builtin | curl | exec:CMD
  int jobs = 1;                                    // scenarios run at the same time
  bool fail_fast = false;                          // start no new scenario after a failure
  unsigned long long seed = 0;                     // run id and execution order
  std::chrono::milliseconds scenario_timeout{60000};
  std::chrono::milliseconds step_timeout{10000};   // per request, unless the step says otherwise
  bool read_only = false;                          // skip scenarios that create anything
  std::string fixtures_dir{};
  // Reproduces the selection in rerun commands: "kuscia-conform run FILE" + these arguments.
  std::string rerun_arguments{};
  // Control steps applied to every fake of the target after each reset (--fake-profile): a fake made
  // wrong on purpose, to prove the suite notices (docs/scenarios.md "Proving the suite").
  std::vector<scenario::Step> fake_profile{};
};

// The run id: "kc" + 8 hex digits from the seed (lower case, so it can start a Kuscia job id).
std::string RunIdForSeed(unsigned long long seed);

using ProgressFn = std::function<void(const ScenarioResult& result, int finished, int total)>;

// Never fails as a whole: every problem is a verdict on some scenario. A client spec that cannot be
// built makes every scenario an error (check it with MakeClient first for a usage error instead).
RunSummary RunScenarios(const std::vector<scenario::Scenario>& scenarios, const Target& target,
                        const RunnerOptions& options, const ProgressFn& progress = nullptr);

// Why `s` cannot run on this target with this client ("" when it can).
std::string SkipReason(const scenario::Scenario& s, const TargetInfo& target, const RunnerOptions& options);

}  // namespace kuscia::harness::runner
