#include "mock_server/services/job_inputs.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

namespace kuscia::mock::services {
namespace {

std::vector<std::string> IdList(const std::string& task_input_config, const char* key) {
  nlohmann::json config = nlohmann::json::parse(task_input_config, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> ids;
  if (!config.is_object() || !config.contains(key) || !config[key].is_array()) return ids;
  for (const auto& id : config[key]) {
    if (id.is_string()) ids.push_back(id.get<std::string>());
  }
  return ids;
}

std::string JoinOr(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

}  // namespace

std::string CheckTaskInputs(const store::DataStore& store, const engine::JobSpec& spec, size_t task_index) {
  if (task_index >= spec.tasks.size()) return "";
  const engine::TaskSpec& task = spec.tasks[task_index];
  std::vector<std::string> inputs = IdList(task.task_input_config, "sf_input_ids");
  if (inputs.empty()) return "";
  std::set<std::string> produced;
  for (const engine::TaskSpec& other : spec.tasks) {
    for (std::string& id : IdList(other.task_input_config, "sf_output_ids")) produced.insert(std::move(id));
  }
  std::vector<std::string> domains;
  bool has_remote_party = false;
  for (const engine::PartySpec& party : task.parties) {
    if (std::find(domains.begin(), domains.end(), party.domain_id) != domains.end()) continue;
    domains.push_back(party.domain_id);
    Result<nlohmann::ordered_json> domain = store.GetDomain(party.domain_id);
    if (domain.ok() && domain->value("role", "") == "partner") has_remote_party = true;
  }
  for (const std::string& id : inputs) {
    if (produced.contains(id)) continue;
    bool found = std::any_of(domains.begin(), domains.end(), [&](const std::string& d) { return store.HasDomainData(d, id); });
    // A partner's data lives in the partner's cluster, out of this node's sight: assume it is there.
    if (found || has_remote_party) continue;
    return "sf_input_ids: domaindata \"" + id + "\" does not exist in domain " + JoinOr(domains) +
           "; create it with /api/v1/domaindata/create before the job runs";
  }
  return "";
}

engine::TaskInputCheck MakeTaskInputCheck(const store::DataStore& store) {
  return [&store](const engine::JobSpec& spec, size_t index) { return CheckTaskInputs(store, spec, index); };
}

}  // namespace kuscia::mock::services
