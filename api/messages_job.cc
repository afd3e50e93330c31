// job.proto (reference §5.1, §7.2). JobStatusDetail.state is a plain string in the proto; the JobState
// enum only names the values.
#include "api/messages.h"

namespace kuscia::api::internal {

void AddJobMessages(SchemaTables& t) {
  constexpr Package kApi = Package::kKusciaApi;

  AddEnum(t, kApi, "JobState.State",
          {{"Unknown", 0}, {"Pending", 1}, {"Running", 2}, {"Succeeded", 3}, {"Failed", 4},
           {"AwaitingApproval", 5}, {"ApprovalReject", 6}, {"Cancelled", 7}, {"Suspended", 8}});
  AddEnum(t, kApi, "ApproveResult",
          {{"APPROVE_RESULT_UNKNOWN", 0}, {"APPROVE_RESULT_ACCEPT", 1}, {"APPROVE_RESULT_REJECT", 2}});
  AddEnum(t, kApi, "EventType", {{"ADDED", 0}, {"MODIFIED", 1}, {"DELETED", 2}, {"ERROR", 3}, {"HEARTBEAT", 4}});

  AddMessage(t, kApi, "CreateJobRequest",
             {Msg("header", "RequestHeader"), Str("job_id"), Str("initiator"), Int32("max_parallelism"),
              Rep(Msg("tasks", "Task")), StrMap("custom_fields")});
  AddMessage(t, kApi, "CreateJobResponse", {Msg("status", "Status"), Msg("data", "CreateJobResponseData")});
  AddMessage(t, kApi, "CreateJobResponseData", {Str("job_id")});
  AddMessage(t, kApi, "Task",
             {Str("app_image"), Rep(Msg("parties", "Party")), Str("alias"), Str("task_id"), Rep(Str("dependencies")),
              Str("task_input_config"), Int32("priority"), Msg("schedule_config", "ScheduleConfig"),
              Bool("tolerable")});
  AddMessage(t, kApi, "ScheduleConfig",
             {Int32("task_timeout_seconds"), Int32("resource_reserved_seconds"),
              Int32("resource_reallocation_interval_seconds")});
  AddMessage(t, kApi, "Party",
             {Str("domain_id"), Str("role"), Msg("resources", "JobResource"),
              Rep(Msg("bandwidth_limits", "BandwidthLimit"))});
  AddMessage(t, kApi, "JobResource", {Str("cpu"), Str("memory"), Str("bandwidth")});
  AddMessage(t, kApi, "BandwidthLimit", {Str("destination_id"), Uint64("limit_kbps")});

  // The five single-job lifecycle operations share one shape.
  for (const char* op : {"Delete", "Stop", "Suspend", "Restart", "Cancel"}) {
    const std::string base = std::string(op) + "Job";
    if (base == "DeleteJob") {
      AddMessage(t, kApi, base + "Request", {Msg("header", "RequestHeader"), Str("job_id")});
    } else {
      AddMessage(t, kApi, base + "Request", {Msg("header", "RequestHeader"), Str("job_id"), Str("reason")});
    }
    AddMessage(t, kApi, base + "Response", {Msg("status", "Status"), Msg("data", base + "ResponseData")});
    AddMessage(t, kApi, base + "ResponseData", {Str("job_id")});
  }

  AddMessage(t, kApi, "QueryJobRequest", {Msg("header", "RequestHeader"), Str("job_id")});
  AddMessage(t, kApi, "QueryJobResponse", {Msg("status", "Status"), Msg("data", "QueryJobResponseData")});
  AddMessage(t, kApi, "QueryJobResponseData",
             {Str("job_id"), Str("initiator"), Int32("max_parallelism"), Rep(Msg("tasks", "TaskConfig")),
              Msg("status", "JobStatusDetail"), StrMap("custom_fields")});

  // ApproveJobRequest has no header (reference §5.0).
  AddMessage(t, kApi, "ApproveJobRequest", {Str("job_id"), Enum("result", "ApproveResult"), Str("reason")});
  AddMessage(t, kApi, "ApproveJobResponse", {Msg("status", "Status"), Msg("data", "ApproveJobResponseData")});
  AddMessage(t, kApi, "ApproveJobResponseData", {Str("job_id")});

  AddMessage(t, kApi, "JobStatusDetail",
             {Str("state"), Str("err_msg"), Str("create_time"), Str("start_time"), Str("end_time"),
              Rep(Msg("tasks", "TaskStatus")), Rep(Msg("stage_status_list", "PartyStageStatus")),
              Rep(Msg("approve_status_list", "PartyApproveStatus"))});
  AddMessage(t, kApi, "TaskConfig",
             {Str("app_image"), Rep(Msg("parties", "Party")), Str("alias"), Str("task_id"), Rep(Str("dependencies")),
              Str("task_input_config"), Int32("priority"), Msg("schedule_config", "ScheduleConfig")});
  AddMessage(t, kApi, "PartyStageStatus", {Str("domain_id"), Str("state")});
  AddMessage(t, kApi, "PartyApproveStatus", {Str("domain_id"), Str("state")});
  AddMessage(t, kApi, "TaskStatus",
             {Str("task_id"), Str("state"), Str("err_msg"), Str("create_time"), Str("start_time"), Str("end_time"),
              Rep(Msg("parties", "PartyStatus")), Str("alias"), Float("progress")});
  AddMessage(t, kApi, "PartyStatus",
             {Str("domain_id"), Str("state"), Str("err_msg"), Rep(Msg("endpoints", "JobPartyEndpoint"))});
  AddMessage(t, kApi, "JobState", {});
  AddMessage(t, kApi, "JobPartyEndpoint", {Str("port_name"), Str("scope"), Str("endpoint")});

  AddMessage(t, kApi, "BatchQueryJobStatusRequest", {Msg("header", "RequestHeader"), Rep(Str("job_ids"))});
  AddMessage(t, kApi, "BatchQueryJobStatusResponse",
             {Msg("status", "Status"), Msg("data", "BatchQueryJobStatusResponseData")});
  AddMessage(t, kApi, "BatchQueryJobStatusResponseData", {Rep(Msg("jobs", "JobStatus"))});
  AddMessage(t, kApi, "JobStatusResponse", {Msg("status", "Status"), Msg("data", "JobStatusResponseData")});
  AddMessage(t, kApi, "JobStatusResponseData", {Str("job_id"), Msg("status", "JobStatusDetail")});
  AddMessage(t, kApi, "JobStatus", {Str("job_id"), Msg("status", "JobStatusDetail")});

  AddMessage(t, kApi, "WatchJobRequest", {Msg("header", "RequestHeader"), Int64("timeout_seconds")});
  AddMessage(t, kApi, "WatchJobEventResponse", {Enum("type", "EventType"), Msg("object", "JobStatus")});
}

}  // namespace kuscia::api::internal
