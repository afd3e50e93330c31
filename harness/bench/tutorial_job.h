// Request bodies of the job lifecycle the bench drives: the tutorial's two-task job (create), its status
// (batchQuery) and its deletion, plus which API job states are terminal (reference §6).
//
//   std::string body = TutorialCreateJobBody("bench-1a2b-7");
//   if (IsTerminalJobState("Succeeded")) ...
#pragma once

#include <string>
#include <string_view>

namespace kuscia::bench {

inline constexpr char kCreateJobRoute[] = "/api/v1/job/create";
inline constexpr char kBatchQueryJobRoute[] = "/api/v1/job/status/batchQuery";
inline constexpr char kDeleteJobRoute[] = "/api/v1/job/delete";

std::string TutorialCreateJobBody(std::string_view job_id);
std::string BatchQueryBody(std::string_view job_id);
std::string DeleteJobBody(std::string_view job_id);
// Succeeded, Failed, Cancelled and ApprovalReject never change again (Suspended can be restarted).
bool IsTerminalJobState(std::string_view state);

}  // namespace kuscia::bench
