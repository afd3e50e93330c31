#include "mock_server/engine/lifecycle.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "api/go_text.h"
#include "api/states.h"

namespace kuscia::mock::engine {
namespace {

std::string CommandReason(const std::string& trigger, JobStage stage) {
  return "Party: " + trigger + " execute the cmd: " + std::string(JobStageName(stage)) + ".";
}

void SetOwnStageStatus(JobRecord& job, std::string_view value) {
  for (const std::string& domain : JobPartyDomains(job.spec)) job.stage_status[domain] = std::string(value);
}

void SetCompletion(JobRecord& job, TimePoint now) {
  if (!job.completion_time) job.completion_time = now;
}

// ---- validation (kusciaJobValidate) ----

const TaskSpec* FindByAlias(const JobSpec& spec, const std::string& alias) {
  for (const TaskSpec& task : spec.tasks) {
    if (task.alias == alias) return &task;
  }
  return nullptr;
}

bool DependenciesExist(const JobSpec& spec) {
  for (const TaskSpec& task : spec.tasks) {
    for (const std::string& dependency : task.dependencies) {
      if (FindByAlias(spec, dependency) == nullptr) return false;
    }
  }
  return true;
}

// Repeatedly removes tasks without dependencies; whatever keeps a dependency at the end is on a cycle.
bool HasCycle(const JobSpec& spec) {
  std::vector<std::pair<std::string, std::vector<std::string>>> remaining;
  for (const TaskSpec& task : spec.tasks) remaining.emplace_back(task.alias, task.dependencies);
  while (true) {
    std::set<std::string> removed;
    std::vector<std::pair<std::string, std::vector<std::string>>> kept;
    for (auto& entry : remaining) {
      if (entry.second.empty()) {
        removed.insert(entry.first);
      } else {
        kept.push_back(std::move(entry));
      }
    }
    for (auto& entry : kept) {
      std::erase_if(entry.second, [&](const std::string& d) { return removed.contains(d); });
    }
    remaining = std::move(kept);
    if (removed.empty()) {
      return std::any_of(remaining.begin(), remaining.end(), [](const auto& e) { return !e.second.empty(); });
    }
  }
}

bool Initialize(JobRecord& job, TimePoint now, const LifecycleEnv& env) {
  job.initialized = true;
  if (!job.start_time) job.start_time = now;
  bool valid = env.domain_exists(job.spec.initiator) && !job.spec.tasks.empty() && DependenciesExist(job.spec) &&
               !HasCycle(job.spec);
  if (!valid) {
    // The detail lives only in the JobValidated condition, so the API shows err_msg "".
    job.phase = JobPhase::kFailed;
    job.reason = "KusciaJobValidateFailed";
    job.message.clear();
    job.validation_failed = true;
    SetCompletion(job, now);
    return true;
  }
  for (const std::string& domain : JobPartyDomains(job.spec)) {
    if (!env.domain_exists(domain)) {
      job.phase = JobPhase::kFailed;
      job.reason = "KusciaJobFailed";
      job.message = "KusciaJob failed after 3x retry, last error: namespace " + api::GoQuote(domain) + " not found";
      SetCompletion(job, now);
      return true;
    }
  }
  SetOwnStageStatus(job, api::kStageCreateSucceeded);
  auto is_partner = [&](const std::string& domain) { return env.is_partner && env.is_partner(domain); };
  const std::vector<std::string> parties = JobPartyDomains(job.spec);
  if (job.plan.await_approval) {
    job.approve_status[job.spec.initiator] = api::kApproveAccepted;
    job.phase = JobPhase::kAwaitingApproval;
  } else if (std::any_of(parties.begin(), parties.end(), is_partner)) {
    // Inter-cluster: this cluster accepts for its own parties; the partners' clusters decide for theirs.
    for (const std::string& domain : parties) {
      if (!is_partner(domain)) job.approve_status[domain] = api::kApproveAccepted;
    }
    job.phase = JobPhase::kAwaitingApproval;
  } else {
    for (const std::string& domain : JobPartyDomains(job.spec)) job.approve_status[domain] = api::kApproveAccepted;
    job.phase = JobPhase::kPending;
  }
  return true;
}

// ---- stage commands (handleStageCommand) ----

// stopTasks: every created, unfinished task fails with "Job was stopped", and so do its unfinished parties.
void StopTasks(JobRecord& job, TimePoint now) {
  for (TaskRuntime& task : job.tasks) {
    if (!task.created || IsFinished(task.phase)) continue;
    task.phase = TaskPhase::kFailed;
    task.message = "Job was stopped";
    if (!task.start_time) task.start_time = now;
    task.end_time = now;
    for (PartyRuntime& party : task.parties) {
      if (!IsFinished(party.phase)) party.phase = TaskPhase::kFailed;
    }
  }
}

// Returns whether the command changed the job. Marks the command handled when it took effect or can never
// take effect in the current phase.
bool HandleStageCommand(JobRecord& job, TimePoint now) {
  const std::string trigger = job.stage_trigger;
  switch (job.stage) {
    case JobStage::kNone:
      job.stage_handled = true;
      return false;
    case JobStage::kStart: {
      job.stage_handled = true;
      bool changed = false;
      for (const std::string& domain : JobPartyDomains(job.spec)) {
        if (job.stage_status[domain] != api::kStageStartSucceeded) {
          job.stage_status[domain] = api::kStageStartSucceeded;
          changed = true;
        }
      }
      return changed;
    }
    case JobStage::kStop:
      job.stage_handled = true;
      // A Failed job always has its completion time here, and Kuscia leaves such a job alone.
      if (job.phase == JobPhase::kFailed) return false;
      StopTasks(job, now);
      SetOwnStageStatus(job, api::kStageStopSucceeded);
      job.phase = JobPhase::kFailed;
      job.reason = CommandReason(trigger, JobStage::kStop);
      job.message = job.reason;
      SetCompletion(job, now);
      return true;
    case JobStage::kCancel:
      job.stage_handled = true;
      StopTasks(job, now);
      SetOwnStageStatus(job, api::kStageCancelSucceeded);
      job.phase = JobPhase::kCancelled;
      job.reason = CommandReason(trigger, JobStage::kCancel);
      job.message = job.reason;
      SetCompletion(job, now);
      return true;
    case JobStage::kSuspend:
      job.stage_handled = true;
      if (job.phase != JobPhase::kRunning) return false;
      StopTasks(job, now);
      SetOwnStageStatus(job, api::kStageSuspendSucceeded);
      job.phase = JobPhase::kSuspended;
      job.reason = CommandReason(trigger, JobStage::kSuspend);
      job.message.clear();
      return true;
    case JobStage::kRestart:
      if (job.phase == JobPhase::kFailed || job.phase == JobPhase::kSuspended) {
        if (job.validation_failed) {
          job.stage_handled = true;
          return false;
        }
        job.phase = JobPhase::kRunning;
        job.message = "This job is restarted by " + trigger;
        job.reason = CommandReason(trigger, JobStage::kRestart);
        job.completion_time.reset();
        for (TaskRuntime& task : job.tasks) {
          if (task.created && task.phase != TaskPhase::kSucceeded) {
            int runs = task.runs;
            task = TaskRuntime{};
            task.runs = runs;
          }
        }
        SetOwnStageStatus(job, api::kStageRestartSucceeded);
        return true;  // still unhandled: the Running reconcile relabels the stage to Start
      }
      if (job.phase == JobPhase::kRunning) {
        // Every party restarted; the initiator relabels the stage so the job can be restarted again.
        job.stage = JobStage::kStart;
        job.stage_trigger = job.spec.initiator;
        ++job.stage_version;
        return true;
      }
      job.stage_handled = true;
      return false;
  }
  return false;
}

// ---- approval ----

bool HandleApproval(JobRecord& job, TimePoint now) {
  std::vector<std::string> others;
  for (const std::string& domain : JobPartyDomains(job.spec)) {
    if (domain != job.spec.initiator) others.push_back(domain);
  }
  std::sort(others.begin(), others.end());
  for (const std::string& domain : others) {
    auto it = job.approve_status.find(domain);
    if (it != job.approve_status.end() && it->second == api::kApproveRejected) {
      job.phase = JobPhase::kApprovalReject;
      job.reason = "Party: " + domain + " approval reject.";
      SetCompletion(job, now);
      return true;
    }
  }
  for (const std::string& domain : others) {
    auto it = job.approve_status.find(domain);
    if (it == job.approve_status.end() || it->second != api::kApproveAccepted) return false;
  }
  job.phase = JobPhase::kPending;
  return true;
}

// ---- running: the scheduler ----

std::string GoStringList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ' ';
    out += items[i];
  }
  return out + "]";
}

std::chrono::milliseconds TaskDuration(const JobRecord& job, const TaskSpec& spec, const LifecycleEnv& env) {
  auto it = job.plan.tasks.find(spec.alias);
  if (it != job.plan.tasks.end() && it->second.duration) return *it->second.duration;
  if (job.plan.task_duration) return *job.plan.task_duration;
  return env.default_task_duration;
}

void FinishTask(JobRecord& job, size_t index) {
  const TaskSpec& spec = job.spec.tasks[index];
  TaskRuntime& task = job.tasks[index];
  task.end_time = task.due;
  const TaskOutcome* outcome = nullptr;
  if (auto it = job.plan.tasks.find(spec.alias); it != job.plan.tasks.end()) outcome = &it->second;
  bool fails = outcome != nullptr && !outcome->failing_parties.empty() &&
               (outcome->failing_runs == 0 || task.runs <= outcome->failing_runs);
  // A missing input fails every party, whatever the plan says.
  TaskOutcome input_failure;
  if (!task.input_error.empty()) {
    input_failure.failing_parties = {kAllParties};
    input_failure.err_msg = task.input_error;
    outcome = &input_failure;
    fails = true;
  }
  if (!fails) {
    task.phase = TaskPhase::kSucceeded;
    task.progress = 1;
    for (PartyRuntime& party : task.parties) party.phase = TaskPhase::kSucceeded;
    return;
  }
  auto is_failing = [&](const std::string& domain) {
    return std::any_of(outcome->failing_parties.begin(), outcome->failing_parties.end(),
                       [&](const std::string& f) { return f == kAllParties || f == domain; });
  };
  std::vector<std::string> pending, running, succeeded, failed;
  for (PartyRuntime& party : task.parties) {
    if (is_failing(party.domain_id)) {
      party.phase = TaskPhase::kFailed;
      party.err_msg = outcome->err_msg.empty() ? kDefaultPartyFailure : outcome->err_msg;
    }
    switch (party.phase) {
      case TaskPhase::kPending: pending.push_back(party.domain_id); break;
      case TaskPhase::kRunning: running.push_back(party.domain_id); break;
      case TaskPhase::kSucceeded: succeeded.push_back(party.domain_id); break;
      case TaskPhase::kFailed: failed.push_back(party.domain_id); break;
    }
  }
  task.phase = TaskPhase::kFailed;
  // The KusciaTask controller's wording when too few parties are left for the task to succeed.
  task.message = "The remaining no-failed party task counts " + std::to_string(task.parties.size() - failed.size()) +
                 " are less than the threshold " + std::to_string(task.parties.size()) +
                 " that meets the conditions for task success. pending party" + GoStringList(pending) +
                 ", running party" + GoStringList(running) + ", successful party" + GoStringList(succeeded) +
                 ", failed party" + GoStringList(failed);
}

void CreateTask(JobRecord& job, size_t index, TimePoint now, const LifecycleEnv& env) {
  const TaskSpec& spec = job.spec.tasks[index];
  TaskRuntime& task = job.tasks[index];
  int runs = task.runs;
  task = TaskRuntime{};
  task.runs = runs + 1;
  task.created = true;
  task.phase = TaskPhase::kRunning;
  task.create_time = now;
  task.start_time = now;
  task.due = now + TaskDuration(job, spec, env);
  if (env.task_input_check) task.input_error = env.task_input_check(job.spec, index);
  for (const PartySpec& party : spec.parties) {
    PartyRuntime runtime;
    runtime.domain_id = party.domain_id;
    runtime.role = party.role;
    runtime.phase = TaskPhase::kRunning;
    std::string prefix = spec.task_id + (party.role.empty() ? "" : "-" + party.role) + "-0";
    for (const PortTemplate& port : env.ports) {
      std::string endpoint = GenerateServiceName(prefix, port.name) + "." + party.domain_id + ".svc";
      if (port.scope == "Domain") endpoint += ":" + std::to_string(port.port);
      runtime.endpoints.push_back({port.name, port.scope, std::move(endpoint)});
    }
    task.parties.push_back(std::move(runtime));
  }
}

const TaskRuntime* RuntimeByAlias(const JobRecord& job, const std::string& alias) {
  for (size_t i = 0; i < job.spec.tasks.size(); ++i) {
    if (job.spec.tasks[i].alias == alias) return &job.tasks[i];
  }
  return nullptr;
}

bool HandleRunning(JobRecord& job, TimePoint now, const LifecycleEnv& env) {
  // The initiator fills in missing task ids before it schedules anything.
  bool assigned = false;
  for (TaskSpec& task : job.spec.tasks) {
    if (task.task_id.empty()) {
      task.task_id = job.spec.job_id + "-" + env.new_task_id_suffix();
      assigned = true;
    }
  }
  if (assigned) return true;

  bool changed = false;
  for (size_t i = 0; i < job.tasks.size(); ++i) {
    TaskRuntime& task = job.tasks[i];
    if (task.created && task.phase == TaskPhase::kRunning && task.due <= now) {
      FinishTask(job, i);
      changed = true;
    }
  }

  std::vector<size_t> ready;
  int active = 0;
  bool all_finished = true, critical_all_succeeded = true, critical_failed = false;
  for (size_t i = 0; i < job.tasks.size(); ++i) {
    const TaskSpec& spec = job.spec.tasks[i];
    const TaskRuntime& task = job.tasks[i];
    if (!task.created) {
      all_finished = false;
      if (!spec.tolerable) critical_all_succeeded = false;
      bool dependencies_done = std::all_of(spec.dependencies.begin(), spec.dependencies.end(), [&](const auto& d) {
        const TaskRuntime* dependency = RuntimeByAlias(job, d);
        return dependency != nullptr && dependency->created && dependency->phase == TaskPhase::kSucceeded;
      });
      if (dependencies_done) ready.push_back(i);
      continue;
    }
    if (!IsFinished(task.phase)) {
      ++active;
      all_finished = false;
    }
    if (!spec.tolerable && task.phase != TaskPhase::kSucceeded) critical_all_succeeded = false;
    if (!spec.tolerable && task.phase == TaskPhase::kFailed) critical_failed = true;
  }

  bool any_created = std::any_of(job.tasks.begin(), job.tasks.end(), [](const auto& t) { return t.created; });
  if (any_created && all_finished && critical_all_succeeded) {
    job.phase = JobPhase::kSucceeded;
    SetCompletion(job, now);
    return true;
  }
  // BestEffort: the job fails once nothing can progress and a critical task failed.
  if (any_created && ready.empty() && active == 0 && critical_failed) {
    job.phase = JobPhase::kFailed;
    SetCompletion(job, now);
    return true;
  }

  std::stable_sort(ready.begin(), ready.end(), [&](size_t a, size_t b) {
    return job.spec.tasks[a].priority > job.spec.tasks[b].priority;
  });
  int free_slots = job.spec.max_parallelism - active;
  for (size_t k = 0; k < ready.size() && static_cast<int>(k) < free_slots; ++k) {
    CreateTask(job, ready[k], now, env);
    changed = true;
  }
  return changed;
}

}  // namespace

std::vector<PortTemplate> DefaultPorts() {
  return {{"fed", "Cluster", 8080}, {"global", "Domain", 8081}, {"inference", "Cluster", 8083}, {"spu", "Cluster", 54509}};
}

std::string GenerateServiceName(const std::string& raw_prefix, const std::string& raw_port_name) {
  auto trim_dashes = [](const std::string& s) {
    size_t begin = s.find_first_not_of('-');
    if (begin == std::string::npos) return std::string();
    return s.substr(begin, s.find_last_not_of('-') - begin + 1);
  };
  std::string prefix = trim_dashes(raw_prefix);
  std::string port_name = trim_dashes(raw_port_name);
  std::string name = prefix + "-" + port_name;
  if (name[0] >= '0' && name[0] <= '9') name = "svc-" + name;
  if (name.size() > 63) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(name.data()), name.size(), digest);
    char hex[SHA256_DIGEST_LENGTH * 2 + 1];
    for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) std::snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    size_t max_prefix = 63 - 16 - port_name.size() - 6;
    name = "svc-" + prefix.substr(0, std::min(max_prefix, prefix.size())) + "-" + port_name + "-" +
           std::string(hex, 16);
  }
  return name;
}

bool ReconcileStep(JobRecord& job, TimePoint now, const LifecycleEnv& env) {
  if (job.tasks.size() != job.spec.tasks.size()) job.tasks.resize(job.spec.tasks.size());
  if (job.phase == JobPhase::kNew) return Initialize(job, now, env);
  // Succeeded, Cancelled and ApprovalReject are never reconciled again (ShouldReconcile).
  if (job.phase == JobPhase::kSucceeded || job.phase == JobPhase::kCancelled ||
      job.phase == JobPhase::kApprovalReject) {
    job.stage_handled = true;
    return false;
  }
  if (!job.stage_handled && HandleStageCommand(job, now)) return true;
  switch (job.phase) {
    case JobPhase::kAwaitingApproval: return HandleApproval(job, now);
    case JobPhase::kPending:
      // Master mode: every party is local, so every party's create stage has succeeded already.
      job.phase = JobPhase::kRunning;
      return true;
    case JobPhase::kRunning: return HandleRunning(job, now, env);
    default: return false;
  }
}

namespace {

bool Reached(const JobRecord& job, JobPhase target) {
  if (job.phase != target) return false;
  if (target != JobPhase::kRunning) return true;
  return std::any_of(job.tasks.begin(), job.tasks.end(), [](const TaskRuntime& t) { return t.created; });
}

void Command(JobRecord& job, JobStage stage, const LifecycleEnv& env) {
  job.stage = stage;
  job.stage_trigger = env.own_domain;
  ++job.stage_version;
  job.stage_handled = false;
}

}  // namespace

Result<JobRecord> ReplayToPhase(JobSpec spec, OutcomePlan plan, OutcomePlan keep_plan, JobPhase target, TimePoint now,
                                const LifecycleEnv& env) {
  JobRecord job;
  job.spec = std::move(spec);
  job.plan = std::move(plan);
  job.tasks.resize(job.spec.tasks.size());
  job.create_time = now;
  job.dirty = true;
  job.dirty_since = now;
  // Every step either changes the job or ends the replay; the bound only guards against a bug.
  for (int step = 0; step < 100000 && !Reached(job, target); ++step) {
    bool new_command = false;
    if (target == JobPhase::kCancelled && job.phase != JobPhase::kNew && job.stage == JobStage::kNone) {
      Command(job, JobStage::kCancel, env);
      new_command = true;
    }
    if (target == JobPhase::kSuspended && Reached(job, JobPhase::kRunning) && job.stage == JobStage::kNone) {
      Command(job, JobStage::kSuspend, env);
      new_command = true;
    }
    if (target == JobPhase::kApprovalReject && job.phase == JobPhase::kAwaitingApproval) {
      for (const std::string& domain : JobPartyDomains(job.spec)) {
        if (domain != job.spec.initiator && job.approve_status[domain] != api::kApproveRejected) {
          job.approve_status[domain] = api::kApproveRejected;
          new_command = true;
        }
      }
    }
    if (!ReconcileStep(job, now, env) && !new_command) {
      return InvalidArgument("the job cannot be put in state " + std::string(ApiJobState(target)) +
                             ": replaying its lifecycle it stops in " + std::string(ApiJobState(job.phase)) +
                             (target == JobPhase::kApprovalReject ? " (a rejection needs a party besides the initiator)"
                                                                  : ""));
    }
  }
  if (!Reached(job, target)) return Internal("replaying the job's lifecycle did not settle");
  job.plan = std::move(keep_plan);
  job.dirty = false;
  job.stage_handled = true;
  return job;
}

std::optional<TimePoint> NextDue(const JobRecord& job) {
  if (job.dirty) return job.dirty_since;
  if (job.phase != JobPhase::kRunning) return std::nullopt;
  std::optional<TimePoint> earliest;
  for (const TaskRuntime& task : job.tasks) {
    if (task.created && task.phase == TaskPhase::kRunning && (!earliest || task.due < *earliest)) earliest = task.due;
  }
  return earliest;
}

}  // namespace kuscia::mock::engine
