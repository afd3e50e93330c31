// One step of a scenario: request built from the step and the variables, identity resolved against the
// target, the call made by the client, `until` polling, expectations checked, values captured, and the
// ids of created jobs remembered so the scenario can prove nothing was left behind.
//
//   StepContext ctx{.target = target, .client = client, .options = options};
//   StepResult r = RunStep(step, /*cleanup=*/false, ctx);
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/client/client.h"
#include "harness/runner/results.h"
#include "harness/runner/runner.h"
#include "harness/scenario/variables.h"

namespace kuscia::harness::runner {

struct StepContext {
  const Target& target;
  Client& client;
  const RunnerOptions& options;
  scenario::Variables vars{};
  std::string run_id{};
  std::chrono::steady_clock::time_point deadline{};
  std::vector<std::string> created_jobs{};   // job ids a successful job.create returned
};

// A call, or a control step (control_steps.h).
StepResult RunStep(const scenario::Step& step, bool cleanup, StepContext& ctx);

// The request a step sends (exposed for tests and for the curl rendering of failures).
Result<ClientRequest> BuildRequest(const scenario::Step& step, const StepContext& ctx);
Result<ClientIdentity> ResolveIdentity(const scenario::IdentityOverride& override, const Target& target);

// Jobs created by the scenario that still exist ("job <id>"), checked with job.query.
std::vector<std::string> FindLeftovers(StepContext& ctx);

// The literal a `token: wrong` step sends: well-formed (32 base64 characters, like Kuscia's) but wrong.
inline constexpr char kWrongToken[] = "kusciaConformWrongToken0000000AA";

}  // namespace kuscia::harness::runner
