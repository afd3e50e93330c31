// Job, task and party states as Kuscia names them (reference §6.1), the CRD phase -> API state mapping,
// stage/approval strings and the watch event numbers.
//
//   api::ApiJobState(api::JobPhase::kInitialized)   -> api::JobState::kUnknown   (lower-case CRD phase!)
//   api::JobStateName(api::JobState::kPending)       -> "Pending"
//   api::JobPhaseFromString("initialized")           -> JobPhase::kInitialized
//   api::JobPhaseString(api::JobPhase::kEmpty)       -> ""   (what 11210/11211 messages embed)
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kuscia::api {

// kusciaapi JobState.State; the API's `state` string is the value name.
enum class JobState : std::int32_t {
  kUnknown = 0,
  kPending = 1,
  kRunning = 2,
  kSucceeded = 3,
  kFailed = 4,
  kAwaitingApproval = 5,
  kApprovalReject = 6,
  kCancelled = 7,
  kSuspended = 8,
};

// KusciaJob CRD status.phase. kEmpty ("") and kInitialized ("initialized", lower case) exist in stored
// objects; a new job passes through them within one reconcile.
enum class JobPhase {
  kEmpty,
  kInitialized,
  kAwaitingApproval,
  kPending,
  kRunning,
  kSucceeded,
  kFailed,
  kCancelled,
  kApprovalReject,
  kSuspended,
};

// KusciaTask phases; a party's task phase uses the same names.
enum class TaskPhase { kEmpty, kPending, kRunning, kSucceeded, kFailed };

// The watch stream's EventType; encoding/json writes the number and omits ADDED (0).
enum class WatchEventType : std::int32_t { kAdded = 0, kModified = 1, kDeleted = 2, kError = 3, kHeartbeat = 4 };

std::string_view JobStateName(JobState state);
std::optional<JobState> JobStateFromName(std::string_view name);

std::string_view JobPhaseString(JobPhase phase);                  // the raw CRD spelling
std::optional<JobPhase> JobPhaseFromString(std::string_view raw);  // exact, case-sensitive

// getJobState: "" and Pending -> Pending; the named phases map to themselves; anything else -> Unknown.
JobState ApiJobState(JobPhase phase);
// Same, for a raw phase string that may be unknown to us.
JobState ApiJobStateFromRaw(std::string_view raw_phase);

// Phases the controller never reconciles again (Succeeded, Cancelled, ApprovalReject).
bool IsTerminalPhase(JobPhase phase);
// Phases that carry an end_time (terminal ones plus Failed, which can still be restarted).
bool HasCompletionTime(JobPhase phase);

std::string_view TaskPhaseString(TaskPhase phase);
// getTaskState: Pending/Running/Succeeded/Failed map to themselves, "" -> "Pending", else "Unknown".
std::string_view ApiTaskState(std::string_view raw_phase);
bool IsTaskFinished(TaskPhase phase);  // Succeeded or Failed

std::string_view WatchEventTypeName(WatchEventType type);  // "ADDED", ..., "HEARTBEAT"

// status.stageStatus values (stage_status_list[].state).
inline constexpr std::string_view kStageCreateSucceeded = "JobCreateStageSucceeded";
inline constexpr std::string_view kStageCreateFailed = "JobCreateStageFailed";
inline constexpr std::string_view kStageStartSucceeded = "JobStartStageSucceeded";
inline constexpr std::string_view kStageStopSucceeded = "JobStopStageSucceeded";
inline constexpr std::string_view kStageSuspendSucceeded = "JobSuspendStageSucceeded";
inline constexpr std::string_view kStageRestartSucceeded = "JobRestartStageSucceeded";
inline constexpr std::string_view kStageRestartFailed = "JobRestartStageFailed";
inline constexpr std::string_view kStageCancelSucceeded = "JobCancelStageSucceeded";
// status.approveStatus values (approve_status_list[].state).
inline constexpr std::string_view kApproveAccepted = "JobAccepted";
inline constexpr std::string_view kApproveRejected = "JobRejected";

}  // namespace kuscia::api
