// The job model of the fake: what a KusciaJob holds (spec, status, labels) and what each of its KusciaTasks
// holds, as plain data. Everything here is copyable and free of pointers, so a later `--state FILE` can save
// and restore jobs in any phase.
//
//   JobRecord job;
//   job.spec.job_id = "job-best-effort-linear";
//   RawPhaseName(job.phase);       // "" until the first reconcile, then "Pending", "Running", ...
//   ApiJobState(job.phase);        // what the API reports: "Pending" for both
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mock_server/engine/clock.h"
#include "mock_server/engine/outcome.h"

namespace kuscia::mock::engine {

// ---- spec (what CreateJob stored) ----

struct PartyResources {  // Kubernetes quantities, already validated; never shown by QueryJob
  std::string cpu;
  std::string memory;
  std::string bandwidth;
};

struct BandwidthLimit {
  std::string destination_id;
  uint64_t limit_kbps = 0;
};

struct PartySpec {
  std::string domain_id;
  std::string role;
  std::optional<PartyResources> resources;
  std::vector<BandwidthLimit> bandwidth_limits;
};

struct ScheduleConfig {  // defaults already applied (300 / 30 / 30 for values <= 0)
  int32_t task_timeout_seconds = 300;
  int32_t resource_reserved_seconds = 30;
  int32_t resource_reallocation_interval_seconds = 30;
};

struct TaskSpec {
  std::string app_image;
  std::vector<PartySpec> parties;
  std::string alias;
  std::string task_id;  // "" until the first Running reconcile generates "<job_id>-<12 hex>"
  std::vector<std::string> dependencies;  // aliases
  std::string task_input_config;
  int32_t priority = 0;
  std::optional<ScheduleConfig> schedule_config;
  bool tolerable = false;
};

struct JobSpec {
  std::string job_id;
  std::string initiator;
  int32_t max_parallelism = 1;
  std::vector<TaskSpec> tasks;
  std::map<std::string, std::string> custom_fields;
};

// ---- status ----

// The CRD phases (kusciajob_types.go). kNew is the empty phase a job has before its first reconcile.
enum class JobPhase { kNew, kAwaitingApproval, kPending, kRunning, kSucceeded, kFailed, kCancelled, kApprovalReject, kSuspended };

// The CRD phase string: "" for kNew, else the phase name (embedded raw in the 11210 / 11211 messages).
std::string_view RawPhaseName(JobPhase phase);
// The API `state` (getJobState): kNew reads as "Pending".
std::string_view ApiJobState(JobPhase phase);
bool IsTerminal(JobPhase phase);  // Succeeded, Failed, Cancelled, ApprovalReject: end_time is set

enum class TaskPhase { kPending, kRunning, kSucceeded, kFailed };
std::string_view TaskPhaseName(TaskPhase phase);
inline bool IsFinished(TaskPhase phase) { return phase == TaskPhase::kSucceeded || phase == TaskPhase::kFailed; }

// The stage commands a KusciaAPI call writes into the job's `kuscia.secretflow/job-stage` label.
enum class JobStage { kNone, kStart, kStop, kCancel, kRestart, kSuspend };
std::string_view JobStageName(JobStage stage);  // "Start", "Stop", ... ("" for kNone)

struct Endpoint {
  std::string port_name;
  std::string scope;  // "Cluster" | "Domain" | "Local"
  std::string endpoint;
};

struct PartyRuntime {
  std::string domain_id;
  std::string role;
  TaskPhase phase = TaskPhase::kPending;
  std::string err_msg;  // pod messages "<msg>;<terminationLog>"
  std::vector<Endpoint> endpoints;
};

// One KusciaTask. A task that was never created (or was deleted by a restart) has created == false.
struct TaskRuntime {
  bool created = false;
  TaskPhase phase = TaskPhase::kPending;
  std::string message;  // task status message = TaskStatus.err_msg
  TimePoint create_time{};
  std::optional<TimePoint> start_time;
  std::optional<TimePoint> end_time;
  double progress = 0;
  std::vector<PartyRuntime> parties;
  TimePoint due{};    // when a running task finishes
  int runs = 0;       // how many times it was created (restart re-creates it)
  std::string input_error;  // set at creation when an input is missing: the task fails with it
};

struct JobRecord {
  JobSpec spec;
  OutcomePlan plan;

  JobPhase phase = JobPhase::kNew;
  std::string message;  // status.message
  std::string reason;   // status.reason (not shown by the API; kept for fidelity and debugging)
  TimePoint create_time{};
  std::optional<TimePoint> start_time;
  std::optional<TimePoint> completion_time;
  std::map<std::string, std::string> stage_status;    // domain -> JobCreateStageSucceeded, ...
  std::map<std::string, std::string> approve_status;  // domain -> JobAccepted | JobRejected
  std::vector<TaskRuntime> tasks;                      // parallel to spec.tasks
  bool validation_failed = false;                      // such a job is never restarted
  bool initialized = false;                            // self-party annotations exist (first reconcile ran)

  // Labels written by the stage commands.
  JobStage stage = JobStage::kNone;
  std::string stage_trigger;
  int stage_version = 0;
  bool stage_handled = true;  // false while the controller has not acted on `stage` yet

  // Controller bookkeeping: a reconcile is owed from `dirty_since` on (a create or an API update).
  bool dirty = true;
  TimePoint dirty_since{};
  uint64_t version = 0;  // changes on every visible change; lets the HTTP layer cache encoded status
};

// The distinct party domains of a job, in first-appearance order.
std::vector<std::string> JobPartyDomains(const JobSpec& spec);

}  // namespace kuscia::mock::engine
