// Test support for the engine's tests: an engine on a manual clock and small builders for job specs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mock_server/engine/engine.h"
#include "mock_server/engine/tutorial_job_for_test.h"

namespace kuscia::mock::engine::testutil {

inline TimePoint T0() { return ParseRfc3339("2025-04-16T10:42:55Z").value(); }
inline std::string At(int seconds) { return FormatRfc3339(T0() + std::chrono::seconds(seconds)); }

inline TaskSpec Task(std::string alias, std::vector<std::string> dependencies = {}, int32_t priority = 0,
                     std::vector<std::string> parties = {"alice", "bob"}) {
  TaskSpec task;
  task.app_image = "secretflow-image";
  for (auto& domain : parties) task.parties.push_back(PartySpec{domain, "", std::nullopt, {}});
  task.task_id = alias;
  task.alias = std::move(alias);
  task.dependencies = std::move(dependencies);
  task.priority = priority;
  return task;
}

inline JobSpec Job(std::string id, std::vector<TaskSpec> tasks, int32_t max_parallelism = 1) {
  JobSpec job;
  job.job_id = std::move(id);
  job.initiator = "alice";
  job.max_parallelism = max_parallelism;
  job.tasks = std::move(tasks);
  return job;
}

inline JobSpec TutorialJob(std::string id = "job-best-effort-linear") {
  TaskSpec psi = Task("job-psi", {}, 100);
  psi.task_input_config = testdata::kPsiTaskInputConfig;
  TaskSpec split = Task("job-split", {"job-psi"}, 100);
  split.task_input_config = testdata::kSplitTaskInputConfig;
  return Job(std::move(id), {psi, split}, 2);
}

// An engine whose time moves only through Advance.
class ManualEngine {
 public:
  explicit ManualEngine(std::chrono::milliseconds task_duration = std::chrono::seconds(1))
      : clock_(std::make_shared<ManualClock>(T0())) {
    EngineOptions options;
    options.clock = clock_;
    options.task_duration = task_duration;
    options.seed = 7;
    engine_ = std::make_unique<Engine>(std::move(options));
  }

  Engine& engine() { return *engine_; }
  ManualClock& clock() { return *clock_; }

  void Advance(int seconds) { ASSERT_TRUE(clock_->Advance(std::chrono::seconds(seconds)).ok()); }

  void Create(JobSpec spec, std::optional<OutcomePlan> plan = std::nullopt) {
    ::kuscia::Status status = engine_->CreateJob(std::move(spec), std::move(plan));
    ASSERT_TRUE(status.ok()) << status;
  }

  // The JobStatusDetail of `id` (a failed test if it does not exist).
  nlohmann::ordered_json Detail(const std::string& id) {
    auto snapshot = engine_->GetJob(id);
    if (!snapshot.ok()) {
      ADD_FAILURE() << snapshot.status();
      return nullptr;
    }
    return (*snapshot->job_status)["status"];
  }
  std::string State(const std::string& id) { return Detail(id)["state"].get<std::string>(); }
  std::string TaskState(const std::string& id, size_t task) {
    return Detail(id)["tasks"][task]["state"].get<std::string>();
  }

 private:
  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace kuscia::mock::engine::testutil
