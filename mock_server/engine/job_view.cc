#include "mock_server/engine/job_view.h"

#include <algorithm>
#include <cmath>

namespace kuscia::mock::engine {
namespace {

using nlohmann::ordered_json;

std::string TimeText(const std::optional<TimePoint>& t) { return t ? FormatRfc3339(*t) : std::string(); }

// A float field: whole values stay integers so that every encoder prints `1`, as protojson does, not `1.0`.
ordered_json Progress(double progress) {
  if (std::floor(progress) == progress) return static_cast<int64_t>(progress);
  return progress;
}

ordered_json PartyStatuses(const TaskRuntime& task) {
  // One entry per namespace (domain): a domain with two roles shows once, its messages joined by ",".
  ordered_json parties = ordered_json::array();
  std::vector<std::string> order;
  for (const PartyRuntime& party : task.parties) {
    auto it = std::find(order.begin(), order.end(), party.domain_id);
    if (it == order.end()) {
      order.push_back(party.domain_id);
      ordered_json entry;
      entry["domain_id"] = party.domain_id;
      entry["state"] = TaskPhaseName(party.phase);
      entry["err_msg"] = party.err_msg;
      entry["endpoints"] = ordered_json::array();
      parties.push_back(std::move(entry));
      it = order.end() - 1;
    } else {
      ordered_json& entry = parties[static_cast<size_t>(it - order.begin())];
      entry["state"] = TaskPhaseName(party.phase);
      entry["err_msg"] = entry["err_msg"].get<std::string>() + "," + party.err_msg;
    }
    ordered_json& endpoints = parties[static_cast<size_t>(it - order.begin())]["endpoints"];
    for (const Endpoint& endpoint : party.endpoints) {
      endpoints.push_back({{"port_name", endpoint.port_name}, {"scope", endpoint.scope}, {"endpoint", endpoint.endpoint}});
    }
  }
  return parties;
}

ordered_json TaskStatus(const TaskSpec& spec, const TaskRuntime& task) {
  ordered_json status;
  status["task_id"] = spec.task_id;
  status["state"] = task.created ? TaskPhaseName(task.phase) : "Pending";
  status["err_msg"] = task.created ? task.message : "";
  status["create_time"] = task.created ? FormatRfc3339(task.create_time) : "";
  status["start_time"] = task.created ? TimeText(task.start_time) : "";
  status["end_time"] = task.created ? TimeText(task.end_time) : "";
  status["parties"] = task.created ? PartyStatuses(task) : ordered_json::array();
  status["alias"] = spec.alias;
  status["progress"] = task.created ? Progress(task.progress) : ordered_json(0);
  return status;
}

ordered_json DomainStates(const std::map<std::string, std::string>& states) {
  ordered_json list = ordered_json::array();
  for (const auto& [domain, state] : states) list.push_back({{"domain_id", domain}, {"state", state}});
  return list;
}

}  // namespace

std::string AggregateErrorMessage(const JobRecord& job) {
  if (!job.message.empty()) return job.message;
  if (job.phase != JobPhase::kFailed) return "";
  std::string joined;
  for (size_t i = 0; i < job.spec.tasks.size() && i < job.tasks.size(); ++i) {
    const TaskRuntime& task = job.tasks[i];
    if (!task.created || task.phase != TaskPhase::kFailed) continue;
    for (const PartyRuntime& party : task.parties) {
      if (party.phase != TaskPhase::kFailed || party.err_msg.empty()) continue;
      if (!joined.empty()) joined += "; ";
      joined += "Task[" + job.spec.tasks[i].alias + "]-Party[" + party.domain_id + "]: " + party.err_msg;
    }
  }
  return joined;
}

ordered_json BuildJobStatusDetail(const JobRecord& job) {
  ordered_json detail;
  detail["state"] = ApiJobState(job.phase);
  detail["err_msg"] = AggregateErrorMessage(job);
  detail["create_time"] = FormatRfc3339(job.create_time);
  detail["start_time"] = TimeText(job.start_time);
  detail["end_time"] = TimeText(job.completion_time);
  detail["tasks"] = ordered_json::array();
  for (size_t i = 0; i < job.spec.tasks.size(); ++i) {
    static const TaskRuntime kNotCreated;
    detail["tasks"].push_back(TaskStatus(job.spec.tasks[i], i < job.tasks.size() ? job.tasks[i] : kNotCreated));
  }
  detail["stage_status_list"] = DomainStates(job.stage_status);
  detail["approve_status_list"] = DomainStates(job.approve_status);
  return detail;
}

ordered_json BuildJobStatus(const JobRecord& job) {
  ordered_json status;
  status["job_id"] = job.spec.job_id;
  status["status"] = BuildJobStatusDetail(job);
  return status;
}

}  // namespace kuscia::mock::engine
