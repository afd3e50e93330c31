#include "api/states.h"

#include <array>
#include <utility>

namespace kuscia::api {
namespace {

constexpr std::array<std::pair<JobState, std::string_view>, 9> kJobStateNames = {{
    {JobState::kUnknown, "Unknown"},
    {JobState::kPending, "Pending"},
    {JobState::kRunning, "Running"},
    {JobState::kSucceeded, "Succeeded"},
    {JobState::kFailed, "Failed"},
    {JobState::kAwaitingApproval, "AwaitingApproval"},
    {JobState::kApprovalReject, "ApprovalReject"},
    {JobState::kCancelled, "Cancelled"},
    {JobState::kSuspended, "Suspended"},
}};

constexpr std::array<std::pair<JobPhase, std::string_view>, 10> kJobPhases = {{
    {JobPhase::kEmpty, ""},
    {JobPhase::kInitialized, "initialized"},
    {JobPhase::kAwaitingApproval, "AwaitingApproval"},
    {JobPhase::kPending, "Pending"},
    {JobPhase::kRunning, "Running"},
    {JobPhase::kSucceeded, "Succeeded"},
    {JobPhase::kFailed, "Failed"},
    {JobPhase::kCancelled, "Cancelled"},
    {JobPhase::kApprovalReject, "ApprovalReject"},
    {JobPhase::kSuspended, "Suspended"},
}};

}  // namespace

std::string_view JobStateName(JobState state) {
  for (const auto& [s, name] : kJobStateNames) {
    if (s == state) return name;
  }
  return "Unknown";
}

std::optional<JobState> JobStateFromName(std::string_view name) {
  for (const auto& [s, n] : kJobStateNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

std::string_view JobPhaseString(JobPhase phase) {
  for (const auto& [p, raw] : kJobPhases) {
    if (p == phase) return raw;
  }
  return "";
}

std::optional<JobPhase> JobPhaseFromString(std::string_view raw) {
  for (const auto& [p, r] : kJobPhases) {
    if (r == raw) return p;
  }
  return std::nullopt;
}

JobState ApiJobState(JobPhase phase) {
  switch (phase) {
    case JobPhase::kEmpty:
    case JobPhase::kPending: return JobState::kPending;
    case JobPhase::kRunning: return JobState::kRunning;
    case JobPhase::kSucceeded: return JobState::kSucceeded;
    case JobPhase::kFailed: return JobState::kFailed;
    case JobPhase::kAwaitingApproval: return JobState::kAwaitingApproval;
    case JobPhase::kApprovalReject: return JobState::kApprovalReject;
    case JobPhase::kCancelled: return JobState::kCancelled;
    case JobPhase::kSuspended: return JobState::kSuspended;
    case JobPhase::kInitialized: return JobState::kUnknown;  // getJobState has no case for it
  }
  return JobState::kUnknown;
}

JobState ApiJobStateFromRaw(std::string_view raw_phase) {
  std::optional<JobPhase> phase = JobPhaseFromString(raw_phase);
  return phase ? ApiJobState(*phase) : JobState::kUnknown;
}

bool IsTerminalPhase(JobPhase phase) {
  return phase == JobPhase::kSucceeded || phase == JobPhase::kCancelled || phase == JobPhase::kApprovalReject;
}

bool HasCompletionTime(JobPhase phase) { return IsTerminalPhase(phase) || phase == JobPhase::kFailed; }

std::string_view TaskPhaseString(TaskPhase phase) {
  switch (phase) {
    case TaskPhase::kEmpty: return "";
    case TaskPhase::kPending: return "Pending";
    case TaskPhase::kRunning: return "Running";
    case TaskPhase::kSucceeded: return "Succeeded";
    case TaskPhase::kFailed: return "Failed";
  }
  return "";
}

std::string_view ApiTaskState(std::string_view raw_phase) {
  if (raw_phase.empty()) return "Pending";
  for (std::string_view known : {"Pending", "Running", "Succeeded", "Failed"}) {
    if (raw_phase == known) return known;
  }
  return "Unknown";
}

bool IsTaskFinished(TaskPhase phase) { return phase == TaskPhase::kSucceeded || phase == TaskPhase::kFailed; }

std::string_view WatchEventTypeName(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded: return "ADDED";
    case WatchEventType::kModified: return "MODIFIED";
    case WatchEventType::kDeleted: return "DELETED";
    case WatchEventType::kError: return "ERROR";
    case WatchEventType::kHeartbeat: return "HEARTBEAT";
  }
  return "";
}

}  // namespace kuscia::api
