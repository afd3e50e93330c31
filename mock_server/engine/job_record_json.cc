#include "mock_server/engine/job_record_json.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace kuscia::mock::engine {
namespace {

using nlohmann::ordered_json;
using std::chrono::milliseconds;

constexpr JobPhase kAllPhases[] = {JobPhase::kNew,       JobPhase::kAwaitingApproval, JobPhase::kPending,
                                   JobPhase::kRunning,   JobPhase::kSucceeded,        JobPhase::kFailed,
                                   JobPhase::kCancelled, JobPhase::kApprovalReject,   JobPhase::kSuspended};
constexpr TaskPhase kTaskPhases[] = {TaskPhase::kPending, TaskPhase::kRunning, TaskPhase::kSucceeded, TaskPhase::kFailed};
constexpr JobStage kStages[] = {JobStage::kNone, JobStage::kStart, JobStage::kStop,
                                JobStage::kCancel, JobStage::kRestart, JobStage::kSuspend};

ordered_json OptionalTime(const std::optional<TimePoint>& t) {
  return t ? ordered_json(FormatMillis(*t)) : ordered_json(nullptr);
}

ordered_json PlanToJson(const OutcomePlan& plan) {
  ordered_json out;
  out["task_duration_ms"] = plan.task_duration ? ordered_json(plan.task_duration->count()) : ordered_json(nullptr);
  out["await_approval"] = plan.await_approval;
  out["tasks"] = ordered_json::object();
  for (const auto& [alias, task] : plan.tasks) {
    out["tasks"][alias] = {{"duration_ms", task.duration ? ordered_json(task.duration->count()) : ordered_json(nullptr)},
                           {"failing_parties", task.failing_parties},
                           {"err_msg", task.err_msg},
                           {"failing_runs", task.failing_runs}};
  }
  return out;
}

// Reads fields with the JSON pointer of the first problem in the error.
class Reader {
 public:
  Reader(const ordered_json& object, std::string path) : object_(object), path_(std::move(path)) {}

  Status Object() const {
    return object_.is_object() ? OkStatus() : InvalidArgument(path_ + ": expected an object");
  }
  const ordered_json* Find(const char* key) const {
    auto it = object_.find(key);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }
  std::string At(const char* key) const { return path_ + "/" + key; }

  Status String(const char* key, std::string& out) const {
    const ordered_json* v = Find(key);
    if (v == nullptr) return OkStatus();
    if (!v->is_string()) return InvalidArgument(At(key) + ": expected a string");
    out = v->get<std::string>();
    return OkStatus();
  }
  Status Bool(const char* key, bool& out) const {
    const ordered_json* v = Find(key);
    if (v == nullptr) return OkStatus();
    if (!v->is_boolean()) return InvalidArgument(At(key) + ": expected true or false");
    out = v->get<bool>();
    return OkStatus();
  }
  template <typename Int>
  Status Integer(const char* key, Int& out) const {
    const ordered_json* v = Find(key);
    if (v == nullptr) return OkStatus();
    if (!v->is_number_integer()) return InvalidArgument(At(key) + ": expected an integer");
    out = v->get<Int>();
    return OkStatus();
  }
  Status Number(const char* key, double& out) const {
    const ordered_json* v = Find(key);
    if (v == nullptr) return OkStatus();
    if (!v->is_number()) return InvalidArgument(At(key) + ": expected a number");
    out = v->get<double>();
    return OkStatus();
  }
  Status Time(const char* key, TimePoint& out) const {
    std::optional<TimePoint> t;
    KC_RETURN_IF_ERROR(OptTime(key, t));
    if (t) out = *t;
    return OkStatus();
  }
  Status OptTime(const char* key, std::optional<TimePoint>& out) const {
    const ordered_json* v = Find(key);
    if (v == nullptr) {
      out.reset();
      return OkStatus();
    }
    if (!v->is_string()) return InvalidArgument(At(key) + ": expected a time like \"2025-04-16T10:42:55.250Z\"");
    Result<TimePoint> t = ParseMillis(v->get<std::string>());
    if (!t.ok()) return InvalidArgument(At(key) + ": " + t.status().message());
    out = *t;
    return OkStatus();
  }
  Status StringMap(const char* key, std::map<std::string, std::string>& out) const {
    const ordered_json* v = Find(key);
    if (v == nullptr) return OkStatus();
    if (!v->is_object()) return InvalidArgument(At(key) + ": expected an object of strings");
    out.clear();
    for (const auto& [k, value] : v->items()) {
      if (!value.is_string()) return InvalidArgument(At(key) + "/" + k + ": expected a string");
      out[k] = value.get<std::string>();
    }
    return OkStatus();
  }
  template <typename Enum, size_t N>
  Status Named(const char* key, const Enum (&values)[N], std::string_view (*name)(Enum), Enum& out) const {
    std::string text;
    KC_RETURN_IF_ERROR(String(key, text));
    if (Find(key) == nullptr) return OkStatus();
    for (Enum value : values) {
      if (name(value) == text) {
        out = value;
        return OkStatus();
      }
    }
    std::string names;
    for (Enum value : values) names += (names.empty() ? "\"" : ", \"") + std::string(name(value)) + "\"";
    return InvalidArgument(At(key) + ": unknown value \"" + text + "\"; use one of " + names);
  }

 private:
  const ordered_json& object_;
  std::string path_;
};

Status PlanFromJson(const ordered_json& json, const std::string& path, OutcomePlan& plan) {
  Reader r(json, path);
  KC_RETURN_IF_ERROR(r.Object());
  plan = OutcomePlan{};
  if (r.Find("task_duration_ms") != nullptr) {
    int64_t ms = 0;
    KC_RETURN_IF_ERROR(r.Integer("task_duration_ms", ms));
    plan.task_duration = milliseconds(ms);
  }
  KC_RETURN_IF_ERROR(r.Bool("await_approval", plan.await_approval));
  if (const ordered_json* tasks = r.Find("tasks")) {
    if (!tasks->is_object()) return InvalidArgument(r.At("tasks") + ": expected an object keyed by task alias");
    for (const auto& [alias, task_json] : tasks->items()) {
      Reader t(task_json, r.At("tasks") + "/" + alias);
      KC_RETURN_IF_ERROR(t.Object());
      TaskOutcome& task = plan.tasks[alias];
      if (t.Find("duration_ms") != nullptr) {
        int64_t ms = 0;
        KC_RETURN_IF_ERROR(t.Integer("duration_ms", ms));
        task.duration = milliseconds(ms);
      }
      if (const ordered_json* parties = t.Find("failing_parties")) {
        if (!parties->is_array()) return InvalidArgument(t.At("failing_parties") + ": expected a list of domain ids");
        for (const ordered_json& p : *parties) {
          if (!p.is_string()) return InvalidArgument(t.At("failing_parties") + ": expected a list of domain ids");
          task.failing_parties.push_back(p.get<std::string>());
        }
      }
      KC_RETURN_IF_ERROR(t.String("err_msg", task.err_msg));
      KC_RETURN_IF_ERROR(t.Integer("failing_runs", task.failing_runs));
    }
  }
  return OkStatus();
}

Status PartyFromJson(const ordered_json& json, const std::string& path, PartyRuntime& party) {
  Reader r(json, path);
  KC_RETURN_IF_ERROR(r.Object());
  KC_RETURN_IF_ERROR(r.String("domain_id", party.domain_id));
  KC_RETURN_IF_ERROR(r.String("role", party.role));
  KC_RETURN_IF_ERROR(r.Named("phase", kTaskPhases, &TaskPhaseName, party.phase));
  KC_RETURN_IF_ERROR(r.String("err_msg", party.err_msg));
  if (const ordered_json* endpoints = r.Find("endpoints")) {
    if (!endpoints->is_array()) return InvalidArgument(r.At("endpoints") + ": expected a list");
    for (size_t i = 0; i < endpoints->size(); ++i) {
      Reader e((*endpoints)[i], r.At("endpoints") + "/" + std::to_string(i));
      KC_RETURN_IF_ERROR(e.Object());
      Endpoint endpoint;
      KC_RETURN_IF_ERROR(e.String("port_name", endpoint.port_name));
      KC_RETURN_IF_ERROR(e.String("scope", endpoint.scope));
      KC_RETURN_IF_ERROR(e.String("endpoint", endpoint.endpoint));
      party.endpoints.push_back(std::move(endpoint));
    }
  }
  return OkStatus();
}

Status TaskFromJson(const ordered_json& json, const std::string& path, TaskRuntime& task) {
  Reader r(json, path);
  KC_RETURN_IF_ERROR(r.Object());
  KC_RETURN_IF_ERROR(r.Bool("created", task.created));
  KC_RETURN_IF_ERROR(r.Named("phase", kTaskPhases, &TaskPhaseName, task.phase));
  KC_RETURN_IF_ERROR(r.String("message", task.message));
  KC_RETURN_IF_ERROR(r.Time("create_time", task.create_time));
  KC_RETURN_IF_ERROR(r.OptTime("start_time", task.start_time));
  KC_RETURN_IF_ERROR(r.OptTime("end_time", task.end_time));
  KC_RETURN_IF_ERROR(r.Number("progress", task.progress));
  KC_RETURN_IF_ERROR(r.Time("due", task.due));
  KC_RETURN_IF_ERROR(r.Integer("runs", task.runs));
  KC_RETURN_IF_ERROR(r.String("input_error", task.input_error));
  if (const ordered_json* parties = r.Find("parties")) {
    if (!parties->is_array()) return InvalidArgument(r.At("parties") + ": expected a list");
    for (size_t i = 0; i < parties->size(); ++i) {
      PartyRuntime party;
      KC_RETURN_IF_ERROR(PartyFromJson((*parties)[i], r.At("parties") + "/" + std::to_string(i), party));
      task.parties.push_back(std::move(party));
    }
  }
  return OkStatus();
}

}  // namespace

std::string FormatMillis(TimePoint t) {
  auto ms = std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  int millis = static_cast<int>(ms - static_cast<int64_t>(seconds) * 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buffer;
}

Result<TimePoint> ParseMillis(std::string_view text) {
  int year, month, day, hour, minute, second;
  int consumed = 0;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second, &consumed) != 6 ||
      consumed != 19) {
    return InvalidArgument("\"" + s + "\" is not a UTC time like 2025-04-16T10:42:55Z or 2025-04-16T10:42:55.250Z");
  }
  int millis = 0;
  std::string rest = s.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    size_t digits = 1;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
    std::string fraction = (rest.substr(1, digits - 1) + "000").substr(0, 3);
    if (digits == 1) return InvalidArgument("\"" + s + "\" has an empty fraction of a second");
    millis = std::stoi(fraction);
    rest = rest.substr(digits);
  }
  if (rest != "Z") return InvalidArgument("\"" + s + "\" must end in Z (UTC)");
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t seconds = timegm(&tm);
  return TimePoint(std::chrono::seconds(seconds)) + milliseconds(millis);
}

std::optional<JobPhase> ParseRawPhase(std::string_view name) {
  for (JobPhase phase : kAllPhases) {
    if (RawPhaseName(phase) == name) return phase;
  }
  return std::nullopt;
}

std::optional<JobPhase> ParseApiJobState(std::string_view name) {
  if (name.empty()) return std::nullopt;
  return ParseRawPhase(name);
}

ordered_json JobRuntimeToJson(const JobRecord& job) {
  ordered_json out;
  out["phase"] = std::string(RawPhaseName(job.phase));
  out["message"] = job.message;
  out["reason"] = job.reason;
  out["create_time"] = FormatMillis(job.create_time);
  out["start_time"] = OptionalTime(job.start_time);
  out["completion_time"] = OptionalTime(job.completion_time);
  out["stage_status"] = job.stage_status;
  out["approve_status"] = job.approve_status;
  out["validation_failed"] = job.validation_failed;
  out["initialized"] = job.initialized;
  out["stage"] = std::string(JobStageName(job.stage));
  out["stage_trigger"] = job.stage_trigger;
  out["stage_version"] = job.stage_version;
  out["stage_handled"] = job.stage_handled;
  out["dirty"] = job.dirty;
  out["dirty_since"] = FormatMillis(job.dirty_since);
  out["plan"] = PlanToJson(job.plan);
  out["tasks"] = ordered_json::array();
  for (const TaskRuntime& task : job.tasks) {
    ordered_json t;
    t["created"] = task.created;
    t["phase"] = std::string(TaskPhaseName(task.phase));
    t["message"] = task.message;
    t["create_time"] = FormatMillis(task.create_time);
    t["start_time"] = OptionalTime(task.start_time);
    t["end_time"] = OptionalTime(task.end_time);
    t["progress"] = task.progress;
    t["due"] = FormatMillis(task.due);
    t["runs"] = task.runs;
    t["input_error"] = task.input_error;
    t["parties"] = ordered_json::array();
    for (const PartyRuntime& party : task.parties) {
      ordered_json endpoints = ordered_json::array();
      for (const Endpoint& e : party.endpoints) {
        endpoints.push_back({{"port_name", e.port_name}, {"scope", e.scope}, {"endpoint", e.endpoint}});
      }
      t["parties"].push_back({{"domain_id", party.domain_id},
                              {"role", party.role},
                              {"phase", std::string(TaskPhaseName(party.phase))},
                              {"err_msg", party.err_msg},
                              {"endpoints", std::move(endpoints)}});
    }
    out["tasks"].push_back(std::move(t));
  }
  return out;
}

Status JobRuntimeFromJson(const ordered_json& runtime, JobRecord& job) {
  Reader r(runtime, "/runtime");
  KC_RETURN_IF_ERROR(r.Object());
  std::string phase;
  KC_RETURN_IF_ERROR(r.String("phase", phase));
  std::optional<JobPhase> parsed = ParseRawPhase(phase);
  if (!parsed) {
    return InvalidArgument(r.At("phase") + ": unknown phase \"" + phase +
                           "\"; use \"\", AwaitingApproval, Pending, Running, Succeeded, Failed, Cancelled, "
                           "ApprovalReject or Suspended");
  }
  job.phase = *parsed;
  KC_RETURN_IF_ERROR(r.String("message", job.message));
  KC_RETURN_IF_ERROR(r.String("reason", job.reason));
  KC_RETURN_IF_ERROR(r.Time("create_time", job.create_time));
  KC_RETURN_IF_ERROR(r.OptTime("start_time", job.start_time));
  KC_RETURN_IF_ERROR(r.OptTime("completion_time", job.completion_time));
  KC_RETURN_IF_ERROR(r.StringMap("stage_status", job.stage_status));
  KC_RETURN_IF_ERROR(r.StringMap("approve_status", job.approve_status));
  KC_RETURN_IF_ERROR(r.Bool("validation_failed", job.validation_failed));
  KC_RETURN_IF_ERROR(r.Bool("initialized", job.initialized));
  KC_RETURN_IF_ERROR(r.Named("stage", kStages, &JobStageName, job.stage));
  KC_RETURN_IF_ERROR(r.String("stage_trigger", job.stage_trigger));
  KC_RETURN_IF_ERROR(r.Integer("stage_version", job.stage_version));
  KC_RETURN_IF_ERROR(r.Bool("stage_handled", job.stage_handled));
  KC_RETURN_IF_ERROR(r.Bool("dirty", job.dirty));
  KC_RETURN_IF_ERROR(r.Time("dirty_since", job.dirty_since));
  if (const ordered_json* plan = r.Find("plan")) KC_RETURN_IF_ERROR(PlanFromJson(*plan, r.At("plan"), job.plan));
  job.tasks.assign(job.spec.tasks.size(), TaskRuntime{});
  if (const ordered_json* tasks = r.Find("tasks")) {
    if (!tasks->is_array()) return InvalidArgument(r.At("tasks") + ": expected a list");
    if (tasks->size() != job.spec.tasks.size()) {
      return InvalidArgument(r.At("tasks") + ": has " + std::to_string(tasks->size()) + " entries but the job has " +
                             std::to_string(job.spec.tasks.size()) + " tasks; keep one entry per task, in task order");
    }
    for (size_t i = 0; i < tasks->size(); ++i) {
      KC_RETURN_IF_ERROR(TaskFromJson((*tasks)[i], r.At("tasks") + "/" + std::to_string(i), job.tasks[i]));
    }
  }
  return OkStatus();
}

}  // namespace kuscia::mock::engine
