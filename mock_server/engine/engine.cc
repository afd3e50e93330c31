#include "mock_server/engine/engine.h"

#include <atomic>
#include <cstdio>

#include "mock_server/engine/job_view.h"
#include "api/envelope.h"
#include "api/json_codec.h"

namespace kuscia::mock::engine {

Engine::Engine(EngineOptions options)
    : options_(std::move(options)),
      clock_(options_.clock ? options_.clock : std::make_shared<RealClock>()),
      domains_(options_.domains.begin(), options_.domains.end()),
      random_(options_.seed != 0 ? options_.seed : std::random_device{}()) {
  env_.domain_exists = [this](const std::string& domain) { return domains_.contains(domain); };
  env_.is_partner = [this](const std::string& domain) { return partners_.contains(domain); };
  env_.new_task_id_suffix = [this] {
    char hex[13];
    std::snprintf(hex, sizeof(hex), "%012llx", static_cast<unsigned long long>(random_() & 0xFFFFFFFFFFFFull));
    return std::string(hex);
  };
  env_.default_task_duration = options_.task_duration;
  env_.ports = options_.ports;
  env_.own_domain = options_.own_domain;
  if (clock_->RunsByItself()) {
    timer_ = std::thread([this] { TimerLoop(); });
  } else {
    jump_observer_id_ = clock_->AddJumpObserver([this] {
      std::lock_guard lock(mu_);
      RunDueLocked(clock_->Now());
    });
  }
}

Engine::~Engine() {
  if (timer_.joinable()) {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    timer_.join();
  } else {
    clock_->RemoveJumpObserver(jump_observer_id_);
  }
}

void Engine::TimerLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    RunDueLocked(clock_->Now());
    std::optional<TimePoint> next = EarliestDueLocked();
    if (next) {
      wake_.wait_until(lock, *next);
    } else {
      wake_.wait(lock);
    }
  }
}

std::optional<TimePoint> Engine::EarliestDueLocked() const {
  std::optional<TimePoint> earliest;
  for (const auto& [id, entry] : jobs_) {
    std::optional<TimePoint> due = NextDue(entry.record);
    if (due && (!earliest || *due < *earliest)) earliest = due;
  }
  return earliest;
}

void Engine::RunDueLocked(TimePoint now) {
  // Earliest first, each job at its own due time, so one big jump of a manual clock gives the same
  // history as many small ones.
  while (true) {
    Entry* next = nullptr;
    TimePoint due{};
    for (auto& [id, entry] : jobs_) {
      std::optional<TimePoint> job_due = NextDue(entry.record);
      if (job_due && *job_due <= now && (next == nullptr || *job_due < due)) {
        next = &entry;
        due = *job_due;
      }
    }
    if (next == nullptr) return;
    while (ReconcileStep(next->record, due, env_)) PublishLocked(EventType::kModified, *next, true);
    next->record.dirty = false;
  }
}

void Engine::CatchUpLocked() {
  if (clock_->RunsByItself()) RunDueLocked(clock_->Now());
}

void Engine::MarkDirtyLocked(Entry& entry) {
  if (!entry.record.dirty) {
    entry.record.dirty = true;
    entry.record.dirty_since = clock_->Now();
  }
  wake_.notify_all();
}

void Engine::PublishLocked(EventType type, Entry& entry, bool visible_change) {
  // One sequence for every engine in the process: a re-created job id never reuses a version.
  static std::atomic<uint64_t> last_version{0};
  if (visible_change || !entry.job_status) {
    entry.record.version = ++last_version;
    entry.job_status = std::make_shared<const nlohmann::ordered_json>(BuildJobStatus(entry.record));
    // Encoded here, once per visible change, rather than once per status query.
    entry.encoded_job_status =
        std::make_shared<const std::string>(api::EncodeProtoJson(kJobStatusMessage, *entry.job_status));
  }
  JobEvent event{type, entry.record.version, entry.job_status};
  for (auto& [id, listener] : listeners_) listener(event);
}

Result<Engine::Entry*> Engine::FindLocked(std::string_view job_id) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return NotFound(api::JobNotFoundMessage(job_id));
  return &it->second;
}

Status Engine::CreateJob(JobSpec spec, std::optional<OutcomePlan> plan) {
  std::lock_guard lock(mu_);
  CatchUpLocked();
  if (jobs_.contains(spec.job_id)) return AlreadyExists(api::JobExistsMessage(spec.job_id));
  if (!plan && outcome_hook_) plan = outcome_hook_(spec);
  Entry entry;
  entry.record.spec = std::move(spec);
  entry.record.plan = plan.value_or(OutcomePlan{});
  entry.record.tasks.resize(entry.record.spec.tasks.size());
  entry.record.create_time = clock_->Now();
  entry.record.dirty = true;
  entry.record.dirty_since = entry.record.create_time;
  std::string id = entry.record.spec.job_id;
  Entry& stored = jobs_.emplace(id, std::move(entry)).first->second;
  PublishLocked(EventType::kAdded, stored, true);
  wake_.notify_all();
  return OkStatus();
}

Result<JobSnapshot> Engine::GetJob(std::string_view job_id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return NotFound(api::JobNotFoundMessage(job_id));
  const Entry& entry = it->second;
  return JobSnapshot{entry.record.spec, entry.record.phase, entry.record.version, entry.job_status};
}

template <typename T>
Result<std::vector<std::shared_ptr<const T>>> Engine::CollectForIds(const std::vector<std::string>& job_ids,
                                                                    std::shared_ptr<const T> Entry::*field) const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<const T>> values;
  values.reserve(job_ids.size());
  for (const std::string& id : job_ids) {
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return NotFound(api::JobNotFoundMessage(id));
    values.push_back(it->second.*field);
  }
  return values;
}

Result<std::vector<std::shared_ptr<const nlohmann::ordered_json>>> Engine::GetJobStatuses(
    const std::vector<std::string>& job_ids) const {
  return CollectForIds(job_ids, &Entry::job_status);
}

Result<std::vector<std::shared_ptr<const std::string>>> Engine::GetEncodedJobStatuses(
    const std::vector<std::string>& job_ids) const {
  return CollectForIds(job_ids, &Entry::encoded_job_status);
}

Status Engine::DeleteJob(std::string_view job_id) {
  std::lock_guard lock(mu_);
  CatchUpLocked();
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return NotFound(api::JobNotFoundMessage(job_id));
  PublishLocked(EventType::kDeleted, it->second, false);
  jobs_.erase(it);
  return OkStatus();
}

void Engine::SetStageLocked(Entry& entry, JobStage stage) {
  // setJobStage: label, trigger (this server's own domain; "" for a master) and a bumped stage version.
  entry.record.stage = stage;
  entry.record.stage_trigger = options_.own_domain;
  ++entry.record.stage_version;
  entry.record.stage_handled = false;
  MarkDirtyLocked(entry);
  // A label update is an update of the object: watchers see MODIFIED with an unchanged status.
  PublishLocked(EventType::kModified, entry, false);
}

Status Engine::StopJob(std::string_view job_id) {
  std::lock_guard lock(mu_);
  CatchUpLocked();
  KC_ASSIGN_OR_RETURN(Entry * entry, FindLocked(job_id));
  if (entry->record.stage != JobStage::kStop) SetStageLocked(*entry, JobStage::kStop);
  return OkStatus();
}

Status Engine::SuspendJob(std::string_view job_id) {
  std::lock_guard lock(mu_);
  CatchUpLocked();
  KC_ASSIGN_OR_RETURN(Entry * entry, FindLocked(job_id));
  if (entry->record.phase != JobPhase::kRunning) {
    return FailedPrecondition(std::string(RawPhaseName(entry->record.phase)));
  }
  SetStageLocked(*entry, JobStage::kSuspend);
  return OkStatus();
}

Status Engine::RestartJob(std::string_view job_id) {
  std::lock_guard lock(mu_);
  CatchUpLocked();
  KC_ASSIGN_OR_RETURN(Entry * entry, FindLocked(job_id));
  JobPhase phase = entry->record.phase;
  if (phase != JobPhase::kFailed && phase != JobPhase::kSuspended) {
    return FailedPrecondition(std::string(RawPhaseName(phase)));
  }
  if (entry->record.stage != JobStage::kRestart) SetStageLocked(*entry, JobStage::kRestart);
  return OkStatus();
}

Status Engine::CancelJob(std::string_view job_id) {
  std::lock_guard lock(mu_);
  CatchUpLocked();
  KC_ASSIGN_OR_RETURN(Entry * entry, FindLocked(job_id));
  SetStageLocked(*entry, JobStage::kCancel);
  return OkStatus();
}

Status Engine::ApproveJob(std::string_view job_id, bool accept) {
  std::lock_guard lock(mu_);
  CatchUpLocked();
  KC_ASSIGN_OR_RETURN(Entry * entry, FindLocked(job_id));
  JobRecord& job = entry->record;
  // The self-party annotation appears with the first reconcile; before it, a master approves nobody.
  if (job.initialized) {
    for (const std::string& domain : JobPartyDomains(job.spec)) {
      if (domains_.contains(domain)) job.approve_status[domain] = accept ? "JobAccepted" : "JobRejected";
    }
  }
  MarkDirtyLocked(*entry);
  PublishLocked(EventType::kModified, *entry, true);
  return OkStatus();
}

Subscription Engine::Subscribe(JobListener listener) {
  std::lock_guard lock(mu_);
  Subscription subscription;
  subscription.id = next_listener_id_++;
  for (auto& [id, entry] : jobs_) {
    subscription.initial.push_back(JobEvent{EventType::kAdded, entry.record.version, entry.job_status});
  }
  listeners_.emplace(subscription.id, std::move(listener));
  return subscription;
}

void Engine::Unsubscribe(uint64_t id) {
  std::lock_guard lock(mu_);
  listeners_.erase(id);
}

void Engine::SetOutcomeHook(OutcomeHook hook) {
  std::lock_guard lock(mu_);
  outcome_hook_ = std::move(hook);
}

bool Engine::HasDomain(const std::string& domain_id) const {
  std::lock_guard lock(mu_);
  return domains_.contains(domain_id);
}

bool Engine::AddDomain(const std::string& domain_id, bool partner) {
  std::lock_guard lock(mu_);
  if (partner) {
    partners_.insert(domain_id);
  } else {
    partners_.erase(domain_id);
  }
  return domains_.insert(domain_id).second;
}

bool Engine::RemoveDomain(const std::string& domain_id) {
  std::lock_guard lock(mu_);
  partners_.erase(domain_id);
  return domains_.erase(domain_id) > 0;
}

bool Engine::IsPartner(const std::string& domain_id) const {
  std::lock_guard lock(mu_);
  return partners_.contains(domain_id);
}

void Engine::SetTaskInputCheck(TaskInputCheck check) {
  std::lock_guard lock(mu_);
  env_.task_input_check = std::move(check);
}

std::vector<JobRecord> Engine::ExportJobs() const {
  std::lock_guard lock(mu_);
  std::vector<JobRecord> records;
  records.reserve(jobs_.size());
  for (const auto& [id, entry] : jobs_) records.push_back(entry.record);
  return records;
}

Status Engine::RestoreJob(JobRecord record) {
  std::lock_guard lock(mu_);
  if (jobs_.contains(record.spec.job_id)) return AlreadyExists(api::JobExistsMessage(record.spec.job_id));
  record.tasks.resize(record.spec.tasks.size());
  Entry entry;
  entry.record = std::move(record);
  std::string id = entry.record.spec.job_id;
  Entry& stored = jobs_.emplace(id, std::move(entry)).first->second;
  PublishLocked(EventType::kAdded, stored, true);
  wake_.notify_all();
  return OkStatus();
}

Status Engine::SeedJob(JobSpec spec, std::optional<OutcomePlan> plan, JobPhase phase) {
  if (phase == JobPhase::kNew || phase == JobPhase::kPending) return CreateJob(std::move(spec), std::move(plan));
  std::lock_guard lock(mu_);
  if (jobs_.contains(spec.job_id)) return AlreadyExists(api::JobExistsMessage(spec.job_id));
  if (!plan && outcome_hook_) plan = outcome_hook_(spec);
  OutcomePlan keep = plan.value_or(OutcomePlan{});
  OutcomePlan replay = keep;
  switch (phase) {
    case JobPhase::kSucceeded:
      replay = OutcomePlan{};
      replay.task_duration = std::chrono::milliseconds(0);
      break;
    case JobPhase::kFailed:
      replay = OutcomePlan{};
      replay.task_duration = std::chrono::milliseconds(0);
      if (!spec.tasks.empty()) replay.tasks[spec.tasks.front().alias].failing_parties = {kAllParties};
      break;
    case JobPhase::kAwaitingApproval:
      keep.await_approval = true;
      replay.await_approval = true;
      break;
    case JobPhase::kApprovalReject:
      replay.await_approval = true;
      break;
    default:
      break;
  }
  // A seeded job describes the past: its inputs are taken as they were then.
  LifecycleEnv env = env_;
  env.task_input_check = nullptr;
  KC_ASSIGN_OR_RETURN(JobRecord record, ReplayToPhase(std::move(spec), std::move(replay), std::move(keep), phase,
                                                      clock_->Now(), env));
  std::string id = record.spec.job_id;
  Entry entry;
  entry.record = std::move(record);
  Entry& stored = jobs_.emplace(id, std::move(entry)).first->second;
  PublishLocked(EventType::kAdded, stored, true);
  wake_.notify_all();
  return OkStatus();
}

std::vector<std::string> Engine::Domains() const {
  std::lock_guard lock(mu_);
  return {domains_.begin(), domains_.end()};
}

}  // namespace kuscia::mock::engine
