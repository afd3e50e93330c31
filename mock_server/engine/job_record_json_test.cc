#include "mock_server/engine/job_record_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace kuscia::mock::engine {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;

TEST(JobRecordJson, TimesKeepMilliseconds) {
  TimePoint t = ParseRfc3339("2025-04-16T10:42:55Z").value() + std::chrono::milliseconds(250);
  EXPECT_EQ(FormatMillis(t), "2025-04-16T10:42:55.250Z");
  EXPECT_EQ(ParseMillis("2025-04-16T10:42:55.250Z").value(), t);
  EXPECT_EQ(ParseMillis("2025-04-16T10:42:55Z").value(), t - std::chrono::milliseconds(250));
  EXPECT_THAT(ParseMillis("2025-04-16 10:42:55").status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("UTC time")));
  EXPECT_THAT(ParseMillis("2025-04-16T10:42:55+01:00").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("must end in Z")));
}

TEST(JobRecordJson, RuntimeRoundTrips) {
  JobRecord job;
  job.spec.job_id = "j";
  job.spec.tasks.resize(1);
  job.phase = JobPhase::kRunning;
  job.create_time = ParseRfc3339("2025-04-16T10:42:55Z").value();
  job.start_time = job.create_time;
  job.stage = JobStage::kRestart;
  job.stage_version = 3;
  job.approve_status["alice"] = "JobAccepted";
  job.plan.task_duration = std::chrono::milliseconds(1500);
  job.plan.tasks["a"].failing_parties = {"bob"};
  job.tasks.resize(1);
  job.tasks[0].created = true;
  job.tasks[0].phase = TaskPhase::kRunning;
  job.tasks[0].input_error = "missing";
  job.tasks[0].parties.push_back({"alice", "", TaskPhase::kRunning, "", {{"fed", "Cluster", "x.alice.svc"}}});
  nlohmann::ordered_json json = JobRuntimeToJson(job);

  JobRecord restored;
  restored.spec = job.spec;
  ASSERT_THAT(JobRuntimeFromJson(json, restored), IsOk());
  EXPECT_EQ(JobRuntimeToJson(restored), json);
  EXPECT_EQ(restored.plan, job.plan);
  EXPECT_EQ(restored.tasks[0].parties[0].endpoints[0].endpoint, "x.alice.svc");
}

TEST(JobRecordJson, ErrorsNameTheField) {
  JobRecord job;
  job.spec.tasks.resize(2);
  EXPECT_THAT(JobRuntimeFromJson({{"phase", "Done"}}, job),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("/runtime/phase: unknown phase \"Done\"")));
  EXPECT_THAT(JobRuntimeFromJson({{"stage", "Pause"}}, job),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("/runtime/stage: unknown value \"Pause\"")));
  EXPECT_THAT(JobRuntimeFromJson({{"tasks", nlohmann::ordered_json::array({nlohmann::ordered_json::object()})}}, job),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("/runtime/tasks: has 1 entries but the job has 2 tasks")));
  EXPECT_THAT(JobRuntimeFromJson({{"create_time", 5}}, job),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("/runtime/create_time: expected a time")));
}

}  // namespace
}  // namespace kuscia::mock::engine
