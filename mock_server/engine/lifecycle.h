// The KusciaJob controller of the fake, as pure functions over a JobRecord: one call of ReconcileStep is one
// reconcile of the job at a given time (reference §6). The engine calls it until it reports no change, and
// calls it again when NextDue says so. No locks, no clock, no threads here, so every rule is testable alone.
//
//   LifecycleEnv env = ...;
//   while (ReconcileStep(job, t, env)) PublishModified(job);
//   std::optional<TimePoint> wake = NextDue(job);
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/status.h"
#include "mock_server/engine/clock.h"
#include "mock_server/engine/job_model.h"

namespace kuscia::mock::engine {

// A port every task pod exposes; its endpoint is `<service>.<domain>.svc`, plus `:<port>` for Domain scope.
struct PortTemplate {
  std::string name;
  std::string scope;  // "Cluster" | "Domain" | "Local"
  int port = 0;
};

// The ports of Kuscia's SecretFlow image as the documented examples show them: fed, global (Domain), inference, spu.
std::vector<PortTemplate> DefaultPorts();

// Answers "" when the task's inputs are all there, else the err_msg its parties fail with.
using TaskInputCheck = std::function<std::string(const JobSpec& spec, size_t task_index)>;

struct LifecycleEnv {
  std::function<bool(const std::string& domain_id)> domain_exists;
  std::function<bool(const std::string& domain_id)> is_partner;  // null = no partner domains
  TaskInputCheck task_input_check;                                // null = every input exists
  std::function<std::string()> new_task_id_suffix;  // 12 lowercase hex characters
  std::chrono::milliseconds default_task_duration{1000};
  std::vector<PortTemplate> ports = DefaultPorts();
  std::string own_domain;  // "" in master mode; the trigger named in stage-command messages
};

// One reconcile at time `now`. Returns whether the job changed.
bool ReconcileStep(JobRecord& job, TimePoint now, const LifecycleEnv& env);

// When the job next needs a reconcile: its dirty time, else the earliest finishing task; nullopt when idle.
std::optional<TimePoint> NextDue(const JobRecord& job);

// Replays the controller on a fresh job at time `now`, with tasks that take no time, until the job is in
// `target` (for Running: until its first tasks are created). `plan` drives the replay; the result keeps
// `keep_plan`. Fails with InvalidArgument when the target cannot be reached.
Result<JobRecord> ReplayToPhase(JobSpec spec, OutcomePlan plan, OutcomePlan keep_plan, JobPhase target, TimePoint now,
                                const LifecycleEnv& env);

// Kuscia's GenerateServiceName: "<prefix>-<port>", "svc-" in front of a leading digit, hashed when > 63 chars.
std::string GenerateServiceName(const std::string& prefix, const std::string& port_name);

// Default party err_msg of a task failed by an outcome plan that names no message.
inline constexpr char kDefaultPartyFailure[] = "container exited with code 1";

}  // namespace kuscia::mock::engine
