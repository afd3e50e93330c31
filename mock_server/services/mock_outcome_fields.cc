#include "mock_server/services/mock_outcome_fields.h"

#include <algorithm>
#include <charconv>

namespace kuscia::mock::services {
namespace {

constexpr char kFail[] = "mock.fail.";
constexpr char kFailRuns[] = "mock.fail-runs.";
constexpr char kMessage[] = "mock.msg.";
constexpr char kTaskSeconds[] = "mock.seconds.";
constexpr char kJobSeconds[] = "mock.seconds";
constexpr char kApproval[] = "mock.approval";

constexpr char kKnownKeys[] =
    "known keys: mock.fail.<alias>, mock.fail-runs.<alias>, mock.msg.<alias>, mock.seconds.<alias>, "
    "mock.seconds, mock.approval (see docs/mock-outcomes.md)";

std::string Where(const std::string& key, const std::string& value) {
  return "custom_fields[\"" + key + "\"] = \"" + value + "\": ";
}

std::optional<int> WholeNumber(const std::string& text, int min, int max) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) return std::nullopt;
  return value;
}

const engine::TaskSpec* FindTask(const engine::JobSpec& spec, const std::string& alias) {
  for (const engine::TaskSpec& task : spec.tasks) {
    if (task.alias == alias) return &task;
  }
  return nullptr;
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

MockOutcome ParseMockOutcome(const engine::JobSpec& spec) {
  MockOutcome result;
  engine::OutcomePlan plan;
  bool any = false;
  for (const auto& [key, value] : spec.custom_fields) {
    if (!StartsWith(key, kMockPrefix)) continue;
    any = true;
    auto task_of = [&](const char* prefix) -> const engine::TaskSpec* {
      std::string alias = key.substr(std::char_traits<char>::length(prefix));
      const engine::TaskSpec* task = FindTask(spec, alias);
      if (task == nullptr) {
        result.error = Where(key, value) + "no task of this job has alias \"" + alias +
                       "\"; put the alias of one of the job's tasks after \"" + prefix + "\"";
      }
      return task;
    };
    if (key == kJobSeconds) {
      std::optional<int> seconds = WholeNumber(value, 0, 86400);
      if (!seconds) {
        result.error = Where(key, value) + "must be a whole number of seconds from 0 to 86400";
        return result;
      }
      plan.task_duration = std::chrono::seconds(*seconds);
    } else if (key == kApproval) {
      if (value != "wait") {
        result.error = Where(key, value) + "the only value is \"wait\" (the job stays AwaitingApproval until ApproveJob)";
        return result;
      }
      plan.await_approval = true;
    } else if (StartsWith(key, kFailRuns)) {
      const engine::TaskSpec* task = task_of(kFailRuns);
      if (task == nullptr) return result;
      std::optional<int> runs = WholeNumber(value, 1, 1000);
      if (!runs) {
        result.error = Where(key, value) + "must be a whole number of runs from 1 to 1000";
        return result;
      }
      plan.tasks[task->alias].failing_runs = *runs;
    } else if (StartsWith(key, kFail)) {
      const engine::TaskSpec* task = task_of(kFail);
      if (task == nullptr) return result;
      if (value == "all") {
        plan.tasks[task->alias].failing_parties = {engine::kAllParties};
      } else if (std::any_of(task->parties.begin(), task->parties.end(),
                             [&](const engine::PartySpec& p) { return p.domain_id == value; })) {
        plan.tasks[task->alias].failing_parties = {value};
      } else {
        result.error = Where(key, value) + "is not a party of task \"" + task->alias +
                       "\"; use one of its party domain ids, or \"all\"";
        return result;
      }
    } else if (StartsWith(key, kMessage)) {
      const engine::TaskSpec* task = task_of(kMessage);
      if (task == nullptr) return result;
      plan.tasks[task->alias].err_msg = value;
    } else if (StartsWith(key, kTaskSeconds)) {
      const engine::TaskSpec* task = task_of(kTaskSeconds);
      if (task == nullptr) return result;
      std::optional<int> seconds = WholeNumber(value, 0, 86400);
      if (!seconds) {
        result.error = Where(key, value) + "must be a whole number of seconds from 0 to 86400";
        return result;
      }
      plan.tasks[task->alias].duration = std::chrono::seconds(*seconds);
    } else {
      result.error = Where(key, value) + "unknown mock key; " + kKnownKeys;
      return result;
    }
  }
  for (const auto& [alias, outcome] : plan.tasks) {
    if (outcome.failing_parties.empty() && (!outcome.err_msg.empty() || outcome.failing_runs != 0)) {
      std::string key = !outcome.err_msg.empty() ? std::string(kMessage) + alias : std::string(kFailRuns) + alias;
      result.error = Where(key, spec.custom_fields.at(key)) + "has no effect without \"" + kFail + alias +
                     "\"; add that key to say which party fails";
      return result;
    }
  }
  if (any) result.plan = std::move(plan);
  return result;
}

}  // namespace kuscia::mock::services
