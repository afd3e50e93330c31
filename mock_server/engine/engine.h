// The fake's job store and lifecycle: the KusciaJob objects of a Kuscia master, their controller, and the
// change events a watch streams. Thread-safe. With a clock that runs by itself the engine keeps one timer
// thread that sleeps until the next due transition; with a ManualClock nothing happens until the clock is
// moved, and every Advance/Set runs the transitions due by then before it returns.
//
// The methods speak Kubernetes, not KusciaAPI: errors carry the apiserver's text
// (`kusciajobs.kuscia.secretflow "x" not found`) and the services map them to API codes.
//
//   auto clock = std::make_shared<ManualClock>(start);
//   Engine engine(EngineOptions{.clock = clock});
//   KC_RETURN_IF_ERROR(engine.CreateJob(spec, std::nullopt));
//   clock->Advance(std::chrono::seconds(2));
//   auto status = engine.GetJobStatuses({"job-1"});   // [{job_id, status: {state: "Succeeded", ...}}]
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/status.h"
#include "mock_server/engine/clock.h"
#include "mock_server/engine/job_model.h"
#include "mock_server/engine/lifecycle.h"
#include "mock_server/engine/outcome.h"

namespace kuscia::mock::engine {

struct EngineOptions {
  std::shared_ptr<Clock> clock;                   // null = RealClock
  std::chrono::milliseconds task_duration{1000};  // how long a task runs unless its plan says otherwise
  std::string own_domain;                         // "" = master mode
  std::vector<std::string> domains{"alice", "bob"};  // the domains that exist at start
  std::vector<PortTemplate> ports = DefaultPorts();
  uint64_t seed = 0;  // for generated task ids; 0 = nondeterministic
};

// The message of one job's status in BatchQueryJobStatusResponseData.jobs (and WatchJobEventResponse.object).
inline constexpr std::string_view kJobStatusMessage = "JobStatus";

enum class EventType : int { kAdded = 0, kModified = 1, kDeleted = 2 };

struct JobEvent {
  EventType type = EventType::kAdded;
  uint64_t version = 0;
  // Canonical JobStatus {job_id, status: JobStatusDetail}; shared, never modified after publication.
  std::shared_ptr<const nlohmann::ordered_json> job_status;
};

// Called for every change, in order, while the engine's lock is held: it must not block and must not call
// back into the engine.
using JobListener = std::function<void(const JobEvent&)>;

struct Subscription {
  uint64_t id = 0;
  std::vector<JobEvent> initial;  // ADDED for every existing job, by job id, atomically with the subscription
};

// A consistent view of one job.
struct JobSnapshot {
  JobSpec spec;
  JobPhase phase = JobPhase::kNew;
  uint64_t version = 0;
  std::shared_ptr<const nlohmann::ordered_json> job_status;  // {job_id, status}
};

class Engine {
 public:
  explicit Engine(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineOptions& options() const { return options_; }
  std::shared_ptr<Clock> clock() const { return clock_; }

  // The apiserver create: AlreadyExists with Kubernetes' text for a duplicate id. Without a plan the
  // outcome hook (if any) chooses one, else every task succeeds.
  Status CreateJob(JobSpec spec, std::optional<OutcomePlan> plan);
  // NotFound with Kubernetes' text.
  Result<JobSnapshot> GetJob(std::string_view job_id) const;
  // All or nothing, in request order, duplicates allowed: NotFound for the first missing id.
  Result<std::vector<std::shared_ptr<const nlohmann::ordered_json>>> GetJobStatuses(
      const std::vector<std::string>& job_ids) const;
  // The same statuses already encoded: each is EncodeProtoJson(kJobStatusMessage, status), made when the job
  // last visibly changed, so a batch query can be answered by joining bytes (same rules as GetJobStatuses).
  Result<std::vector<std::shared_ptr<const std::string>>> GetEncodedJobStatuses(
      const std::vector<std::string>& job_ids) const;
  Status DeleteJob(std::string_view job_id);

  // The stage commands, with the KusciaAPI's object updates (reference §5.1.5-§5.1.8); effects follow
  // asynchronously (§6.3). NotFound with Kubernetes' text for a missing job.
  Status StopJob(std::string_view job_id);
  // FailedPrecondition when the job is not Running; its message is the raw CRD phase (possibly "").
  Status SuspendJob(std::string_view job_id);
  // FailedPrecondition when the job is neither Failed nor Suspended; its message is the raw CRD phase.
  Status RestartJob(std::string_view job_id);
  Status CancelJob(std::string_view job_id);
  // Sets the approval of every self party (master mode: every party of the job).
  Status ApproveJob(std::string_view job_id, bool accept);

  Subscription Subscribe(JobListener listener);
  // Once this returns, the listener is never called again.
  void Unsubscribe(uint64_t id);

  void SetOutcomeHook(OutcomeHook hook);

  // The domain registry (namespaces of the cluster). A partner domain lives in another cluster: a job with
  // a partner party is inter-cluster and waits in AwaitingApproval for the partner (reference §6.2).
  bool HasDomain(const std::string& domain_id) const;
  bool AddDomain(const std::string& domain_id, bool partner = false);  // false if it existed (role updated)
  bool RemoveDomain(const std::string& domain_id);  // false if it did not exist
  std::vector<std::string> Domains() const;
  bool IsPartner(const std::string& domain_id) const;

  // Checks a task's inputs when the scheduler creates it; a non-empty answer fails every party of the task
  // with that text as err_msg (how a missing `sf_input_ids` entry surfaces, docs/mock-server.md "Data").
  // Called with the engine's lock held: it must not call back into the engine.
  void SetTaskInputCheck(TaskInputCheck check);

  // Saving and restoring state (`--state`, `--save-state`): every job record as the controller holds it,
  // and a record put back as it was (AlreadyExists for a taken id). Restored jobs continue from where they
  // stood: due transitions run at once.
  std::vector<JobRecord> ExportJobs() const;
  Status RestoreJob(JobRecord record);
  // A job created directly in `phase` (a hand-written state file): the controller's own transitions are
  // replayed instantly at the current time, with tasks taking no time; the job keeps `plan` afterwards.
  // InvalidArgument when the job cannot reach that phase (e.g. ApprovalReject without a second party).
  Status SeedJob(JobSpec spec, std::optional<OutcomePlan> plan, JobPhase phase);

 private:
  struct Entry {
    JobRecord record;
    std::shared_ptr<const nlohmann::ordered_json> job_status;
    std::shared_ptr<const std::string> encoded_job_status;  // job_status as protojson; rebuilt with it
  };

  template <typename T>
  Result<std::vector<std::shared_ptr<const T>>> CollectForIds(const std::vector<std::string>& job_ids,
                                                              std::shared_ptr<const T> Entry::*field) const;

  void RunDueLocked(TimePoint now);
  void CatchUpLocked();  // real clock: apply what is overdue before an update, as the controller would have
  void MarkDirtyLocked(Entry& entry);
  void PublishLocked(EventType type, Entry& entry, bool visible_change);
  std::optional<TimePoint> EarliestDueLocked() const;
  Result<Entry*> FindLocked(std::string_view job_id);
  void SetStageLocked(Entry& entry, JobStage stage);
  void TimerLoop();

  EngineOptions options_;
  std::shared_ptr<Clock> clock_;
  LifecycleEnv env_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, Entry, std::less<>> jobs_;
  std::set<std::string> domains_;
  std::set<std::string> partners_;
  std::map<uint64_t, JobListener> listeners_;
  uint64_t next_listener_id_ = 1;
  OutcomeHook outcome_hook_;
  std::mt19937_64 random_;
  bool stopping_ = false;

  uint64_t jump_observer_id_ = 0;
  std::thread timer_;
};

}  // namespace kuscia::mock::engine
