// Outcome rules: the control plane's way to script what happens to jobs, chosen by job id pattern — the
// same plans the in-band `mock.*` custom fields describe (docs/mock-outcomes.md), for clients that cannot
// set custom fields. A job that brings `mock.*` keys keeps its own plan; otherwise the first rule (in the
// order added) whose pattern matches the job id decides. The plan is fixed when the job is created.
//
//   Result<OutcomeRule> rule = ParseOutcomeRule(json::parse(R"({"job_id":"job-fail-*",
//       "tasks":{"job-psi":{"fail":"bob","err_msg":"oom-killed"}}})"));
//   uint64_t id = rules.Add(*rule);
//   engine.SetOutcomeHook([&rules](const engine::JobSpec& spec) { return rules.PlanFor(spec); });
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/status.h"
#include "mock_server/engine/job_model.h"
#include "mock_server/engine/outcome.h"

namespace kuscia::mock::control {

struct OutcomeRule {
  std::string job_id = "*";  // glob over the job id
  engine::OutcomePlan plan{};
};

// Keys: job_id (glob, default "*"), task_duration (every task's run time), await_approval (bool), tasks
// ({alias: {fail: domain | [domains] | "all", err_msg, fail_runs, duration}}). InvalidArgument names the
// key and the fix.
Result<OutcomeRule> ParseOutcomeRule(const nlohmann::json& object);
nlohmann::ordered_json OutcomeRuleToJson(const OutcomeRule& rule);

class OutcomeRuleSet {
 public:
  uint64_t Add(OutcomeRule rule);
  bool Remove(uint64_t id);
  void Clear();
  struct Listed {
    uint64_t id = 0;
    OutcomeRule rule;
    uint64_t applied = 0;  // jobs this rule chose the plan for
  };
  std::vector<Listed> List() const;
  // The plan of the first matching rule; nullopt = the default plan. Safe under the engine's lock.
  std::optional<engine::OutcomePlan> PlanFor(const engine::JobSpec& spec);

 private:
  mutable std::mutex mutex_;
  std::vector<Listed> rules_;
  uint64_t next_id_ = 1;
};

}  // namespace kuscia::mock::control
