#include "mock_server/control/outcome_rules.h"

#include <algorithm>

#include "mock_server/faults/duration.h"
#include "mock_server/journal/request_facts.h"

namespace kuscia::mock::control {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

Status UnknownKey(const std::string& where, const std::string& key, const char* accepted) {
  return InvalidArgument("outcome rule " + where + "key '" + key + "' is not understood; use " + accepted);
}

Result<engine::TaskOutcome> ParseTask(const std::string& alias, const Json& object) {
  std::string where = "tasks[\"" + alias + "\"] ";
  if (!object.is_object()) {
    return InvalidArgument("outcome rule " + where + "must be an object such as {\"fail\":\"bob\"}");
  }
  engine::TaskOutcome task;
  for (const auto& [key, value] : object.items()) {
    if (key == "fail") {
      if (value.is_string()) {
        std::string party = value.get<std::string>();
        task.failing_parties = {party == "all" ? std::string(engine::kAllParties) : party};
      } else if (value.is_array() && !value.empty() &&
                 std::all_of(value.begin(), value.end(), [](const Json& v) { return v.is_string(); })) {
        for (const Json& v : value) task.failing_parties.push_back(v.get<std::string>());
      } else {
        return InvalidArgument("outcome rule " + where + "'fail' must be a party domain id, a list of them, or "
                               "\"all\", got " + value.dump());
      }
    } else if (key == "err_msg") {
      if (!value.is_string()) {
        return InvalidArgument("outcome rule " + where + "'err_msg' must be a string, got " + value.dump());
      }
      task.err_msg = value.get<std::string>();
    } else if (key == "fail_runs") {
      if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 1000) {
        return InvalidArgument("outcome rule " + where + "'fail_runs' must be an integer from 1 to 1000, got " +
                               value.dump());
      }
      task.failing_runs = value.get<int>();
    } else if (key == "duration") {
      KC_ASSIGN_OR_RETURN(task.duration, faults::DurationFromJson(value, "outcome rule " + where + "'duration'"));
    } else {
      return UnknownKey(where, key, "fail, err_msg, fail_runs, duration");
    }
  }
  if (task.failing_parties.empty() && (!task.err_msg.empty() || task.failing_runs != 0)) {
    return InvalidArgument("outcome rule " + where + "sets err_msg or fail_runs without 'fail'; name the failing "
                           "party with \"fail\"");
  }
  return task;
}

}  // namespace

Result<OutcomeRule> ParseOutcomeRule(const Json& object) {
  if (!object.is_object()) {
    return InvalidArgument("an outcome rule must be a JSON object such as {\"job_id\":\"job-*\",\"tasks\":"
                           "{\"job-psi\":{\"fail\":\"bob\"}}}");
  }
  OutcomeRule rule;
  for (const auto& [key, value] : object.items()) {
    if (key == "job_id") {
      if (!value.is_string() || value.get<std::string>().empty()) {
        return InvalidArgument("outcome rule 'job_id' must be a non-empty job id pattern ('*' allowed), got " +
                               value.dump());
      }
      rule.job_id = value.get<std::string>();
    } else if (key == "task_duration") {
      KC_ASSIGN_OR_RETURN(rule.plan.task_duration, faults::DurationFromJson(value, "outcome rule 'task_duration'"));
    } else if (key == "await_approval") {
      if (!value.is_boolean()) {
        return InvalidArgument("outcome rule 'await_approval' must be true or false, got " + value.dump());
      }
      rule.plan.await_approval = value.get<bool>();
    } else if (key == "tasks") {
      if (!value.is_object()) {
        return InvalidArgument("outcome rule 'tasks' must map task aliases to outcomes, e.g. "
                               "{\"job-psi\":{\"fail\":\"bob\"}}");
      }
      for (const auto& [alias, task] : value.items()) {
        KC_ASSIGN_OR_RETURN(rule.plan.tasks[alias], ParseTask(alias, task));
      }
    } else {
      return UnknownKey("", key, "job_id, task_duration, await_approval, tasks");
    }
  }
  return rule;
}

OrderedJson OutcomeRuleToJson(const OutcomeRule& rule) {
  OrderedJson out = {{"job_id", rule.job_id}};
  if (rule.plan.task_duration) out["task_duration"] = faults::FormatDuration(*rule.plan.task_duration);
  out["await_approval"] = rule.plan.await_approval;
  OrderedJson tasks = OrderedJson::object();
  for (const auto& [alias, task] : rule.plan.tasks) {
    OrderedJson t = OrderedJson::object();
    if (!task.failing_parties.empty()) {
      if (task.failing_parties.size() == 1) {
        t["fail"] = task.failing_parties[0] == engine::kAllParties ? "all" : task.failing_parties[0];
      } else {
        t["fail"] = task.failing_parties;
      }
    }
    if (!task.err_msg.empty()) t["err_msg"] = task.err_msg;
    if (task.failing_runs) t["fail_runs"] = task.failing_runs;
    if (task.duration) t["duration"] = faults::FormatDuration(*task.duration);
    tasks[alias] = std::move(t);
  }
  out["tasks"] = std::move(tasks);
  return out;
}

uint64_t OutcomeRuleSet::Add(OutcomeRule rule) {
  std::lock_guard lock(mutex_);
  uint64_t id = next_id_++;
  rules_.push_back(Listed{id, std::move(rule), 0});
  return id;
}

bool OutcomeRuleSet::Remove(uint64_t id) {
  std::lock_guard lock(mutex_);
  return std::erase_if(rules_, [id](const Listed& l) { return l.id == id; }) > 0;
}

void OutcomeRuleSet::Clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
}

std::vector<OutcomeRuleSet::Listed> OutcomeRuleSet::List() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

std::optional<engine::OutcomePlan> OutcomeRuleSet::PlanFor(const engine::JobSpec& spec) {
  std::lock_guard lock(mutex_);
  for (Listed& listed : rules_) {
    if (journal::MatchGlob(listed.rule.job_id, spec.job_id)) {
      ++listed.applied;
      return listed.rule.plan;
    }
  }
  return std::nullopt;
}

}  // namespace kuscia::mock::control
