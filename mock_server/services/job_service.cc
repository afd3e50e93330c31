#include "mock_server/services/job_service.h"

#include <cassert>

#include "mock_server/services/create_job_request.h"
#include "api/envelope.h"
#include "api/error_codes.h"
#include "api/json_codec.h"

namespace kuscia::mock::services {
namespace {

using nlohmann::ordered_json;

ordered_json SuccessResponse(ordered_json data) { return api::MakeResponse(api::SuccessStatus(), std::move(data)); }
ordered_json ErrorResponse(int32_t code, const std::string& message) {
  return api::MakeResponse(api::ErrorStatus(code, message));
}

std::string JobIdOf(const ordered_json& request) {
  auto it = request.find("job_id");
  return it != request.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ordered_json JobIdData(const std::string& job_id) { return {{"job_id", job_id}}; }

constexpr std::string_view kBatchQueryResponse = "BatchQueryJobStatusResponse";

std::vector<std::string> JobIdsOf(const ordered_json& request) {
  auto ids_it = request.find("job_ids");
  std::vector<std::string> job_ids;
  if (ids_it != request.end() && ids_it->is_array()) {
    job_ids.reserve(ids_it->size());
    for (const ordered_json& id : *ids_it) job_ids.push_back(id.is_string() ? id.get<std::string>() : "");
  }
  return job_ids;
}

// BatchQueryJobStatus's validation message for `job_ids`, or null when the ids are acceptable.
const char* JobIdsProblem(const std::vector<std::string>& job_ids) {
  if (job_ids.empty()) return "job ids can not be empty";
  for (const std::string& id : job_ids) {
    if (id.empty()) return "job id can not be empty";
  }
  return nullptr;
}

// The success answer of a batch query around its jobs: `head` ends with `"jobs":[`, `tail` starts with `]`.
// Cut out of the encoding of an empty batch, so the assembled answer cannot drift from the encoded document.
struct BatchEnvelope {
  std::string head;
  std::string tail;
};

const BatchEnvelope& SuccessBatchEnvelope() {
  static const BatchEnvelope envelope = [] {
    std::string empty = api::EncodeProtoJson(kBatchQueryResponse, SuccessResponse({{"jobs", ordered_json::array()}}));
    constexpr std::string_view kEmptyJobs = R"("jobs":[])";
    std::size_t at = empty.find(kEmptyJobs);
    assert(at != std::string::npos && "BatchQueryJobStatusResponse lost its jobs field");
    std::size_t cut = at + kEmptyJobs.size() - 1;  // just before the closing ']'
    return BatchEnvelope{empty.substr(0, cut), empty.substr(cut)};
  }();
  return envelope;
}

// QueryJob's TaskConfig: party resources are always null and `tolerable` is not part of the message.
ordered_json TaskConfig(const engine::TaskSpec& task) {
  ordered_json parties = ordered_json::array();
  for (const engine::PartySpec& party : task.parties) {
    ordered_json limits = ordered_json::array();
    for (const engine::BandwidthLimit& limit : party.bandwidth_limits) {
      limits.push_back({{"destination_id", limit.destination_id}, {"limit_kbps", limit.limit_kbps}});
    }
    parties.push_back(
        {{"domain_id", party.domain_id}, {"role", party.role}, {"resources", nullptr}, {"bandwidth_limits", limits}});
  }
  ordered_json config;
  config["app_image"] = task.app_image;
  config["parties"] = std::move(parties);
  config["alias"] = task.alias;
  config["task_id"] = task.task_id;
  config["dependencies"] = task.dependencies;
  config["task_input_config"] = task.task_input_config;
  config["priority"] = task.priority;
  if (task.schedule_config) {
    config["schedule_config"] = {
        {"task_timeout_seconds", task.schedule_config->task_timeout_seconds},
        {"resource_reserved_seconds", task.schedule_config->resource_reserved_seconds},
        {"resource_reallocation_interval_seconds", task.schedule_config->resource_reallocation_interval_seconds}};
  } else {
    config["schedule_config"] = nullptr;
  }
  return config;
}

// The stage commands share one shape: id check, then the engine, then the operation's own codes.
ordered_json StageResponse(const std::string& job_id, const Status& status, int not_found_code,
                           const char* verb = nullptr, int wrong_phase_code = 0) {
  if (status.ok()) return SuccessResponse(JobIdData(job_id));
  if (status.code() == StatusCode::kFailedPrecondition && verb != nullptr) {
    return ErrorResponse(wrong_phase_code, "job: " + job_id + " current status is " + status.message() +
                                               " can not be " + verb + ".");
  }
  return ErrorResponse(not_found_code, status.message());
}

}  // namespace

ordered_json JobService::CreateJob(const ordered_json& request) {
  CreateJobInput input = ParseCreateJobRequest(request, engine_.options().own_domain);
  if (input.error_code != 0) return ErrorResponse(input.error_code, input.error_message);
  std::string job_id = input.spec.job_id;
  Status created = engine_.CreateJob(std::move(input.spec), std::move(input.plan));
  if (!created.ok()) return ErrorResponse(api::kErrCreateJob, created.message());
  return SuccessResponse(JobIdData(job_id));
}

ordered_json JobService::QueryJob(const ordered_json& request) {
  std::string job_id = JobIdOf(request);
  if (job_id.empty()) return ErrorResponse(api::kErrRequestValidate, "job id can not be empty");
  Result<engine::JobSnapshot> job = engine_.GetJob(job_id);
  if (!job.ok()) return ErrorResponse(api::kErrQueryJob, job.status().message());
  ordered_json data;
  data["job_id"] = job_id;
  data["initiator"] = job->spec.initiator;
  data["max_parallelism"] = job->spec.max_parallelism;
  data["tasks"] = ordered_json::array();
  for (const engine::TaskSpec& task : job->spec.tasks) data["tasks"].push_back(TaskConfig(task));
  data["status"] = (*job->job_status)["status"];
  data["custom_fields"] = ordered_json::object();
  for (const auto& [key, value] : job->spec.custom_fields) data["custom_fields"][key] = value;
  return SuccessResponse(std::move(data));
}

ordered_json JobService::BatchQueryJobStatus(const ordered_json& request) {
  std::vector<std::string> job_ids = JobIdsOf(request);
  if (const char* problem = JobIdsProblem(job_ids)) return ErrorResponse(api::kErrRequestValidate, problem);
  auto statuses = engine_.GetJobStatuses(job_ids);
  if (!statuses.ok()) return ErrorResponse(api::kErrQueryJobStatus, statuses.status().message());
  ordered_json jobs = ordered_json::array();
  for (const auto& status : *statuses) jobs.push_back(*status);
  return SuccessResponse({{"jobs", std::move(jobs)}});
}

std::optional<api::EncodedResponse> JobService::EncodedBatchQueryJobStatus(const ordered_json& request) {
  std::vector<std::string> job_ids = JobIdsOf(request);
  if (JobIdsProblem(job_ids) != nullptr) return std::nullopt;
  auto statuses = engine_.GetEncodedJobStatuses(job_ids);
  if (!statuses.ok()) return std::nullopt;
  const BatchEnvelope& envelope = SuccessBatchEnvelope();
  std::size_t size = envelope.head.size() + envelope.tail.size() + statuses->size();
  for (const auto& status : *statuses) size += status->size();
  api::EncodedResponse response;
  response.body.reserve(size);
  response.body += envelope.head;
  for (std::size_t i = 0; i < statuses->size(); ++i) {
    if (i > 0) response.body.push_back(',');
    response.body += *(*statuses)[i];
  }
  response.body += envelope.tail;
  return response;
}

ordered_json JobService::DeleteJob(const ordered_json& request) {
  std::string job_id = JobIdOf(request);
  if (job_id.empty()) return ErrorResponse(api::kErrRequestValidate, "job id can not be empty");
  return StageResponse(job_id, engine_.DeleteJob(job_id), api::kErrDeleteJob);
}

ordered_json JobService::StopJob(const ordered_json& request) {
  std::string job_id = JobIdOf(request);
  if (job_id.empty()) return ErrorResponse(api::kErrRequestValidate, "job id can not be empty");
  return StageResponse(job_id, engine_.StopJob(job_id), api::kErrStopJob);
}

ordered_json JobService::SuspendJob(const ordered_json& request) {
  std::string job_id = JobIdOf(request);
  if (job_id.empty()) return ErrorResponse(api::kErrRequestValidate, "job id can not be empty");
  return StageResponse(job_id, engine_.SuspendJob(job_id), api::kErrSuspendJob, "suspend", api::kErrSuspendNotRunningJob);
}

ordered_json JobService::RestartJob(const ordered_json& request) {
  std::string job_id = JobIdOf(request);
  if (job_id.empty()) return ErrorResponse(api::kErrRequestValidate, "job id can not be empty");
  return StageResponse(job_id, engine_.RestartJob(job_id), api::kErrRestartJob, "restart",
                       api::kErrRestartNotSuspendedOrFailedJob);
}

ordered_json JobService::CancelJob(const ordered_json& request) {
  std::string job_id = JobIdOf(request);
  if (job_id.empty()) return ErrorResponse(api::kErrRequestValidate, "job id can not be empty");
  return StageResponse(job_id, engine_.CancelJob(job_id), api::kErrCancelJob);
}

ordered_json JobService::ApproveJob(const ordered_json& request) {
  std::string job_id = JobIdOf(request);
  if (job_id.empty()) return ErrorResponse(api::kErrRequestValidate, "job id can not be empty");
  // Canonical requests carry the enum name; a raw number is accepted too.
  auto result = request.find("result");
  bool accept = false, reject = false;
  if (result != request.end()) {
    accept = *result == "APPROVE_RESULT_ACCEPT" || *result == 1;
    reject = *result == "APPROVE_RESULT_REJECT" || *result == 2;
  }
  if (!accept && !reject) return ErrorResponse(api::kErrRequestValidate, "request result must be legal");
  return StageResponse(job_id, engine_.ApproveJob(job_id, accept), api::kErrApproveJob);
}

}  // namespace kuscia::mock::services
