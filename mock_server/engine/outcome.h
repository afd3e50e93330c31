// What happens to a job, decided once when it is created: which tasks fail (and on which party, with which
// message), how long tasks run, and whether the job waits for approval. A plan is plain data; it comes from
// the job's `mock.*` custom fields (docs/mock-outcomes.md) or from an OutcomeHook installed by the control
// plane. A default plan means "every task succeeds after the engine's task duration".
//
//   OutcomePlan plan;
//   plan.tasks["job-psi"].failing_parties = {"bob"};
//   plan.tasks["job-psi"].err_msg = "exit code 1";
//   engine.CreateJob(spec, plan);
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kuscia::mock::engine {

inline constexpr char kAllParties[] = "*";  // in failing_parties: every party of the task fails

struct TaskOutcome {
  std::optional<std::chrono::milliseconds> duration;  // run time; unset = the job's or engine's default
  std::vector<std::string> failing_parties;           // domain ids, or kAllParties; empty = the task succeeds
  std::string err_msg;                                // party err_msg of a failing party ("" = a default text)
  int failing_runs = 0;                               // fail only the first N runs (0 = every run fails)

  friend bool operator==(const TaskOutcome&, const TaskOutcome&) = default;
};

struct OutcomePlan {
  std::optional<std::chrono::milliseconds> task_duration;  // default run time for this job's tasks
  std::map<std::string, TaskOutcome> tasks;                 // by task alias
  bool await_approval = false;                              // stay in AwaitingApproval until ApproveJob

  friend bool operator==(const OutcomePlan&, const OutcomePlan&) = default;
};

struct JobSpec;
// Chooses a plan for a job that brought no `mock.*` custom fields (e.g. control-plane rules by job-id
// pattern). Returning nullopt means the default plan.
using OutcomeHook = std::function<std::optional<OutcomePlan>(const JobSpec&)>;

}  // namespace kuscia::mock::engine
