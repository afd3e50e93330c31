#include "mock_server/engine/job_model.h"

#include <algorithm>

namespace kuscia::mock::engine {

std::string_view RawPhaseName(JobPhase phase) {
  switch (phase) {
    case JobPhase::kNew: return "";
    case JobPhase::kAwaitingApproval: return "AwaitingApproval";
    case JobPhase::kPending: return "Pending";
    case JobPhase::kRunning: return "Running";
    case JobPhase::kSucceeded: return "Succeeded";
    case JobPhase::kFailed: return "Failed";
    case JobPhase::kCancelled: return "Cancelled";
    case JobPhase::kApprovalReject: return "ApprovalReject";
    case JobPhase::kSuspended: return "Suspended";
  }
  return "";
}

std::string_view ApiJobState(JobPhase phase) {
  return phase == JobPhase::kNew ? "Pending" : RawPhaseName(phase);
}

bool IsTerminal(JobPhase phase) {
  return phase == JobPhase::kSucceeded || phase == JobPhase::kFailed || phase == JobPhase::kCancelled ||
         phase == JobPhase::kApprovalReject;
}

std::string_view TaskPhaseName(TaskPhase phase) {
  switch (phase) {
    case TaskPhase::kPending: return "Pending";
    case TaskPhase::kRunning: return "Running";
    case TaskPhase::kSucceeded: return "Succeeded";
    case TaskPhase::kFailed: return "Failed";
  }
  return "Unknown";
}

std::string_view JobStageName(JobStage stage) {
  switch (stage) {
    case JobStage::kNone: return "";
    case JobStage::kStart: return "Start";
    case JobStage::kStop: return "Stop";
    case JobStage::kCancel: return "Cancel";
    case JobStage::kRestart: return "Restart";
    case JobStage::kSuspend: return "Suspend";
  }
  return "";
}

std::vector<std::string> JobPartyDomains(const JobSpec& spec) {
  std::vector<std::string> domains;
  for (const TaskSpec& task : spec.tasks) {
    for (const PartySpec& party : task.parties) {
      if (std::find(domains.begin(), domains.end(), party.domain_id) == domains.end()) {
        domains.push_back(party.domain_id);
      }
    }
  }
  return domains;
}

}  // namespace kuscia::mock::engine
