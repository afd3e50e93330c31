// In-band outcomes: the `mock.*` custom_fields keys a client puts on CreateJob to get a failing task or party,
// a slow task, or a job that waits for approval, without any side channel. docs/mock-outcomes.md documents
// the keys; they obey Kubernetes label syntax (custom_fields become labels).
//
//   custom_fields: {"mock.fail.job-psi": "bob", "mock.msg.job-psi": "oom-killed", "mock.seconds": "5"}
//   MockOutcome parsed = ParseMockOutcome(spec);   // parsed.plan->tasks["job-psi"].failing_parties == {"bob"}
#pragma once

#include <optional>
#include <string>

#include "mock_server/engine/job_model.h"
#include "mock_server/engine/outcome.h"

namespace kuscia::mock::services {

inline constexpr char kMockPrefix[] = "mock.";

struct MockOutcome {
  std::optional<engine::OutcomePlan> plan;  // nullopt when the job carries no mock.* key
  std::string error;                        // non-empty: a mock.* key is wrong (reported as 11100)
};

MockOutcome ParseMockOutcome(const engine::JobSpec& spec);

}  // namespace kuscia::mock::services
