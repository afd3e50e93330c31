// The controller's view of a job as JSON, for state files (`kuscia-mock --state / --save-state`): everything
// a JobRecord holds besides its spec (phase, times, stage labels, approvals, each task's runtime, the outcome
// plan), so a saved job resumes exactly where it stood. Times keep milliseconds ("2025-04-16T10:42:55.250Z").
//
//   nlohmann::ordered_json runtime = JobRuntimeToJson(record);
//   JobRecord restored;  restored.spec = spec;
//   KC_RETURN_IF_ERROR(JobRuntimeFromJson(runtime, restored));   // errors name the JSON pointer
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/status.h"
#include "mock_server/engine/job_model.h"

namespace kuscia::mock::engine {

nlohmann::ordered_json JobRuntimeToJson(const JobRecord& record);
// Fills every runtime field of `record` (its spec must already be set: tasks are matched by position).
Status JobRuntimeFromJson(const nlohmann::ordered_json& runtime, JobRecord& record);

// The CRD phase from its raw name ("" = kNew); nullopt for an unknown name.
std::optional<JobPhase> ParseRawPhase(std::string_view name);
// The phase a state file may ask for by API state name (Pending, Running, Succeeded, ...).
std::optional<JobPhase> ParseApiJobState(std::string_view name);

std::string FormatMillis(TimePoint t);
Result<TimePoint> ParseMillis(std::string_view text);

}  // namespace kuscia::mock::engine
