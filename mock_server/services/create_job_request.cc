#include "mock_server/services/create_job_request.h"

#include "api/envelope.h"
#include "api/error_codes.h"
#include "mock_server/services/kube_validation.h"
#include "mock_server/services/mock_outcome_fields.h"

namespace kuscia::mock::services {
namespace {

using nlohmann::ordered_json;

constexpr int kMaxParallelism = 128;  // CRD maximum
constexpr size_t kMaxTasks = 128;      // CRD maxItems

// Canonical requests carry every field; these also tolerate partial objects (e.g. from tests).
std::string Str(const ordered_json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}
int64_t Int(const ordered_json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<int64_t>() : 0;
}
const ordered_json& Arr(const ordered_json& object, const char* key) {
  static const ordered_json kEmpty = ordered_json::array();
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : kEmpty;
}
const ordered_json* Obj(const ordered_json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_object() ? &*it : nullptr;
}

CreateJobInput Reject(int code, std::string message) {
  CreateJobInput input;
  input.error_code = code;
  input.error_message = std::move(message);
  return input;
}

int32_t OrDefault(int64_t value, int32_t fallback) { return value <= 0 ? fallback : static_cast<int32_t>(value); }

}  // namespace

CreateJobInput ParseCreateJobRequest(const ordered_json& request, const std::string& own_domain) {
  std::string job_id = Str(request, "job_id");
  if (job_id.empty()) return Reject(api::kErrRequestValidate, "job id can not be empty");
  if (auto error = ValidateK8sName(job_id, "job_id")) return Reject(api::kErrRequestValidate, *error);
  const ordered_json& tasks = Arr(request, "tasks");
  if (tasks.empty()) return Reject(api::kErrRequestValidate, "tasks can not be empty");
  std::string initiator = Str(request, "initiator");
  if (initiator.empty()) return Reject(api::kErrRequestValidate, "initiator can not be empty");
  if (!own_domain.empty() && initiator != own_domain) {
    return Reject(api::kErrRequestValidate, "initiator is " + initiator + ", but initiator must be " + own_domain + " in P2P");
  }
  int64_t max_parallelism = Int(request, "max_parallelism");
  if (max_parallelism <= 0) max_parallelism = 1;

  for (size_t i = 0; i < tasks.size(); ++i) {
    if (Str(tasks[i], "alias").empty()) {
      return Reject(api::kErrRequestValidate, "task alias can not be empty on tasks[" + std::to_string(i) + "]");
    }
    const ordered_json& parties = Arr(tasks[i], "parties");
    if (parties.empty()) {
      return Reject(api::kErrRequestValidate, "parties can not be empty on tasks[" + std::to_string(i) + "]");
    }
    for (const ordered_json& party : parties) {
      if (Str(party, "domain_id").empty()) return Reject(api::kErrRequestValidate, "party domain id can not be empty");
    }
  }

  CreateJobInput input;
  engine::JobSpec& spec = input.spec;
  spec.job_id = job_id;
  spec.initiator = initiator;
  spec.max_parallelism = static_cast<int32_t>(std::min<int64_t>(max_parallelism, INT32_MAX));
  for (const ordered_json& task : tasks) {
    engine::TaskSpec t;
    t.app_image = Str(task, "app_image");
    t.alias = Str(task, "alias");
    t.task_id = Str(task, "task_id");
    for (const ordered_json& d : Arr(task, "dependencies")) t.dependencies.push_back(d.is_string() ? d.get<std::string>() : "");
    t.task_input_config = Str(task, "task_input_config");
    t.priority = static_cast<int32_t>(Int(task, "priority"));
    if (const ordered_json* schedule = Obj(task, "schedule_config")) {
      t.schedule_config = engine::ScheduleConfig{OrDefault(Int(*schedule, "task_timeout_seconds"), 300),
                                                 OrDefault(Int(*schedule, "resource_reserved_seconds"), 30),
                                                 OrDefault(Int(*schedule, "resource_reallocation_interval_seconds"), 30)};
    }
    auto tolerable = task.find("tolerable");
    t.tolerable = tolerable != task.end() && tolerable->is_boolean() && tolerable->get<bool>();
    for (const ordered_json& party : Arr(task, "parties")) {
      engine::PartySpec p;
      p.domain_id = Str(party, "domain_id");
      p.role = Str(party, "role");
      if (const ordered_json* resources = Obj(party, "resources")) {
        engine::PartyResources r{Str(*resources, "cpu"), Str(*resources, "memory"), Str(*resources, "bandwidth")};
        for (auto [name, value] : {std::pair{"cpu", &r.cpu}, {"memory", &r.memory}, {"bandwidth", &r.bandwidth}}) {
          if (value->empty()) continue;
          if (auto error = QuantityError(*value)) {
            return Reject(api::kErrRequestValidate, std::string("parse input ") + name + " resource failed: " + *error);
          }
        }
        p.resources = r;
      }
      for (const ordered_json& limit : Arr(party, "bandwidth_limits")) {
        engine::BandwidthLimit l{Str(limit, "destination_id"), static_cast<uint64_t>(Int(limit, "limit_kbps"))};
        if (l.limit_kbps == 0) return Reject(api::kErrRequestValidate, "bandwidth limit kbps can not be zero or negative");
        if (l.destination_id.empty()) {
          return Reject(api::kErrRequestValidate, "bandwidth limit destination id can not be empty");
        }
        p.bandwidth_limits.push_back(std::move(l));
      }
      t.parties.push_back(std::move(p));
    }
    spec.tasks.push_back(std::move(t));
  }
  if (const ordered_json* fields = Obj(request, "custom_fields")) {
    for (const auto& [key, value] : fields->items()) {
      spec.custom_fields[key] = value.is_string() ? value.get<std::string>() : std::string();
    }
  }

  // What the API server refuses: label syntax first (object metadata), then the CRD schema.
  std::map<std::string, std::string> labels;
  for (const auto& [key, value] : spec.custom_fields) labels[kCustomFieldLabelPrefix + key] = value;
  std::vector<std::string> errors = LabelErrors(labels);
  if (max_parallelism > kMaxParallelism) {
    errors.push_back("spec.maxParallelism: Invalid value: " + std::to_string(max_parallelism) +
                     ": spec.maxParallelism in body should be less than or equal to 128");
  }
  if (tasks.size() > kMaxTasks) {
    errors.push_back("spec.tasks: Too many: " + std::to_string(tasks.size()) + ": must have at most 128 items");
  }
  if (!errors.empty()) return Reject(api::kErrCreateJob, InvalidMessage("KusciaJob.kuscia.secretflow", job_id, errors));

  MockOutcome outcome = ParseMockOutcome(spec);
  if (!outcome.error.empty()) return Reject(api::kErrRequestValidate, outcome.error);
  input.plan = std::move(outcome.plan);
  return input;
}

}  // namespace kuscia::mock::services
