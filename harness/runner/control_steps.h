// Control steps: a scenario's `control: KIND` steps carried out on the target's control plane
// (docs/scenarios.md "Control steps"), and the reset that gives every control scenario a clean fake.
//
//   StepResult r = RunControlStep(step, ctx);           // e.g. control: fault, wait_journal, assert_journal
//   KC_RETURN_IF_ERROR(ResetFake(target, options, client));
#pragma once

#include "harness/runner/step_executor.h"

namespace kuscia::harness::runner {

StepResult RunControlStep(const scenario::Step& step, bool cleanup, StepContext& ctx);

// POST /admin/reset, then the run's --fake-profile steps again. OK without a control plane.
Status ResetFake(const Target& target, const RunnerOptions& options, Client& client);

}  // namespace kuscia::harness::runner
