#include "mock_server/services/state_file.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <set>

#include "api/json_codec.h"
#include "mock_server/engine/job_record_json.h"
#include "mock_server/services/create_job_request.h"
#include "mock_server/services/domain_data_source_service.h"
#include "mock_server/services/kube_validation.h"
#include "mock_server/services/service_common.h"
#include "sys/files.h"

namespace kuscia::mock::services {
namespace {

using nlohmann::ordered_json;

constexpr const char* kSections[] = {"version", "domains", "routes", "datasources", "domaindata", "jobs"};

// ---- YAML <-> JSON ----

bool IsInteger(const std::string& s) {
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size() || s.size() > 19) return false;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool IsFloat(const std::string& s, double* value) {
  char* end = nullptr;
  *value = std::strtod(s.c_str(), &end);
  return end != s.c_str() && *end == '\0' && s.find_first_of("0123456789") != std::string::npos;
}

// Quoted scalars are strings; plain ones are read the YAML 1.2 core-schema way.
ordered_json FromYaml(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      ordered_json out = ordered_json::object();
      for (const auto& item : node) out[item.first.as<std::string>()] = FromYaml(item.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      ordered_json out = ordered_json::array();
      for (const auto& item : node) out.push_back(FromYaml(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (node.Tag() == "!") return text;
      if (text == "true" || text == "True" || text == "TRUE") return true;
      if (text == "false" || text == "False" || text == "FALSE") return false;
      if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
      if (IsInteger(text)) return std::stoll(text);
      double value = 0;
      if (IsFloat(text, &value)) return value;
      return text;
    }
    default:
      return nullptr;
  }
}

void EmitYaml(YAML::Emitter& out, const ordered_json& value) {
  if (value.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      EmitYaml(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const ordered_json& item : value) EmitYaml(out, item);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    // Always quoted, so "", "true" and "0123" stay strings when read back.
    out << YAML::DoubleQuoted << value.get<std::string>();
  } else if (value.is_boolean()) {
    out << (value.get<bool>() ? "true" : "false");
  } else if (value.is_null()) {
    out << YAML::Null;
  } else {
    out << value.dump();
  }
}

// ---- validation ----

Status At(const std::string& source, const std::string& pointer, const std::string& message) {
  return InvalidArgument(source + ": " + pointer + ": " + message);
}

// Checks one entry against its message schema and returns it canonical (every field present).
Result<ordered_json> CanonicalEntry(const std::string& source, const std::string& pointer, const ordered_json& entry,
                                    const char* message) {
  if (!entry.is_object()) return At(source, pointer, "expected an object");
  Status valid = api::ValidateCanonical(message, entry);
  if (!valid.ok()) {
    // ValidateCanonical names the pointer inside the entry, e.g. "/role: expected a string".
    std::string detail = valid.message();
    return InvalidArgument(source + ": " + pointer + (detail.starts_with("/") ? "" : ": ") + detail);
  }
  return api::Canonicalize(message, entry);
}

Status RequireName(const std::string& source, const std::string& pointer, const ordered_json& entry, const char* key) {
  std::string value = StrField(entry, key);
  if (value.empty()) return At(source, pointer + "/" + key, "is required");
  if (auto error = ValidateK8sName(value, key)) return At(source, pointer + "/" + key, *error);
  return OkStatus();
}

struct Loaded {
  std::vector<ordered_json> domains, routes, datasources, domaindata;
  struct Job {
    engine::JobSpec spec;
    std::optional<engine::OutcomePlan> plan;
    std::optional<engine::JobPhase> phase;
    std::optional<engine::JobRecord> record;
  };
  std::vector<Job> jobs;
};

Result<const ordered_json*> Section(const ordered_json& doc, const char* name, const std::string& source) {
  auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return static_cast<const ordered_json*>(nullptr);
  if (!it->is_array()) return At(source, std::string("/") + name, "expected a list");
  return &*it;
}

Status LoadJob(const ordered_json& entry, const std::string& source, const std::string& pointer, Loaded& loaded) {
  if (!entry.is_object()) return At(source, pointer, "expected an object");
  ordered_json request = entry;
  request.erase("state");
  request.erase("runtime");
  KC_ASSIGN_OR_RETURN(ordered_json canonical, CanonicalEntry(source, pointer, request, "CreateJobRequest"));
  CreateJobInput input = ParseCreateJobRequest(canonical, /*own_domain=*/"");
  if (input.error_code != 0) return At(source, pointer, input.error_message + " (code " + std::to_string(input.error_code) + ")");
  Loaded::Job job;
  job.spec = std::move(input.spec);
  job.plan = std::move(input.plan);
  if (auto it = entry.find("runtime"); it != entry.end() && !it->is_null()) {
    engine::JobRecord record;
    record.spec = job.spec;
    Status parsed = engine::JobRuntimeFromJson(*it, record);
    if (!parsed.ok()) return InvalidArgument(source + ": " + pointer + parsed.message());
    job.record = std::move(record);
  } else if (auto state = entry.find("state"); state != entry.end() && !state->is_null()) {
    std::optional<engine::JobPhase> phase = state->is_string() ? engine::ParseApiJobState(state->get<std::string>())
                                                               : std::nullopt;
    if (!phase) {
      return At(source, pointer + "/state",
                "unknown job state " + state->dump() +
                    "; use Pending, Running, Succeeded, Failed, Cancelled, Suspended, AwaitingApproval or ApprovalReject");
    }
    job.phase = phase;
  }
  loaded.jobs.push_back(std::move(job));
  return OkStatus();
}

Result<Loaded> Check(const ordered_json& doc, const std::string& source) {
  if (!doc.is_object()) return InvalidArgument(source + ": a state file is a mapping with domains, routes, datasources, domaindata and jobs");
  for (const auto& [key, value] : doc.items()) {
    if (std::find_if(std::begin(kSections), std::end(kSections), [&](const char* s) { return key == s; }) ==
        std::end(kSections)) {
      return At(source, "/" + key, "unknown section; use version, domains, routes, datasources, domaindata or jobs");
    }
  }
  if (auto version = doc.find("version"); version != doc.end() && *version != kStateFileVersion) {
    return At(source, "/version", "must be " + std::to_string(kStateFileVersion) + ", got " + version->dump());
  }
  Loaded loaded;
  std::set<std::string> domains;
  KC_ASSIGN_OR_RETURN(const ordered_json* domain_list, Section(doc, "domains", source));
  for (size_t i = 0; domain_list != nullptr && i < domain_list->size(); ++i) {
    std::string pointer = "/domains/" + std::to_string(i);
    KC_ASSIGN_OR_RETURN(ordered_json domain, CanonicalEntry(source, pointer, (*domain_list)[i], "QueryDomainResponseData"));
    KC_RETURN_IF_ERROR(RequireName(source, pointer, domain, "domain_id"));
    std::string role = StrField(domain, "role");
    if (!role.empty() && role != "partner") return At(source, pointer + "/role", "role is invalid, must be empty or partner");
    if (!domains.insert(StrField(domain, "domain_id")).second) return At(source, pointer + "/domain_id", "is listed twice");
    loaded.domains.push_back(std::move(domain));
  }
  auto known_domain = [&](const ordered_json& entry, const char* key, const std::string& pointer) -> Status {
    std::string id = StrField(entry, key);
    if (id.empty()) return At(source, pointer + "/" + key, "is required");
    if (!domains.contains(id)) return At(source, pointer + "/" + key, "domain \"" + id + "\" is not listed under domains");
    return OkStatus();
  };
  KC_ASSIGN_OR_RETURN(const ordered_json* route_list, Section(doc, "routes", source));
  for (size_t i = 0; route_list != nullptr && i < route_list->size(); ++i) {
    std::string pointer = "/routes/" + std::to_string(i);
    KC_ASSIGN_OR_RETURN(ordered_json route, CanonicalEntry(source, pointer, (*route_list)[i], "QueryDomainRouteResponseData"));
    KC_RETURN_IF_ERROR(known_domain(route, "source", pointer));
    KC_RETURN_IF_ERROR(known_domain(route, "destination", pointer));
    route["name"] = store::RouteName(StrField(route, "source"), StrField(route, "destination"));
    if (route["status"].is_null()) route["status"] = {{"status", "Succeeded"}, {"reason", ""}};
    loaded.routes.push_back(std::move(route));
  }
  KC_ASSIGN_OR_RETURN(const ordered_json* source_list, Section(doc, "datasources", source));
  for (size_t i = 0; source_list != nullptr && i < source_list->size(); ++i) {
    std::string pointer = "/datasources/" + std::to_string(i);
    KC_ASSIGN_OR_RETURN(ordered_json ds, CanonicalEntry(source, pointer, (*source_list)[i], "DomainDataSource"));
    KC_RETURN_IF_ERROR(known_domain(ds, "domain_id", pointer));
    KC_RETURN_IF_ERROR(RequireName(source, pointer, ds, "datasource_id"));
    if (StrField(ds, "info_key").empty()) {
      if (auto error = DataSourceInfoError(StrField(ds, "type"), ds["info"])) return At(source, pointer + "/info", *error);
    }
    loaded.datasources.push_back(std::move(ds));
  }
  KC_ASSIGN_OR_RETURN(const ordered_json* data_list, Section(doc, "domaindata", source));
  for (size_t i = 0; data_list != nullptr && i < data_list->size(); ++i) {
    std::string pointer = "/domaindata/" + std::to_string(i);
    KC_ASSIGN_OR_RETURN(ordered_json data, CanonicalEntry(source, pointer, (*data_list)[i], "DomainData"));
    KC_RETURN_IF_ERROR(known_domain(data, "domain_id", pointer));
    KC_RETURN_IF_ERROR(RequireName(source, pointer, data, "domaindata_id"));
    if (StrField(data, "type").empty()) return At(source, pointer + "/type", "is required (e.g. table)");
    if (StrField(data, "relative_uri").empty()) return At(source, pointer + "/relative_uri", "is required");
    // The defaults CreateDomainData would have filled in.
    if (StrField(data, "datasource_id").empty()) data["datasource_id"] = "default-data-source";
    if (StrField(data, "vendor").empty()) data["vendor"] = "manual";
    if (StrField(data, "author").empty()) data["author"] = data["domain_id"];
    data["status"] = "Available";
    loaded.domaindata.push_back(std::move(data));
  }
  KC_ASSIGN_OR_RETURN(const ordered_json* job_list, Section(doc, "jobs", source));
  std::set<std::string> job_ids;
  for (size_t i = 0; job_list != nullptr && i < job_list->size(); ++i) {
    std::string pointer = "/jobs/" + std::to_string(i);
    KC_RETURN_IF_ERROR(LoadJob((*job_list)[i], source, pointer, loaded));
    if (!job_ids.insert(loaded.jobs.back().spec.job_id).second) return At(source, pointer + "/job_id", "is listed twice");
  }
  return loaded;
}

ordered_json PartyToRequest(const engine::PartySpec& party) {
  ordered_json limits = ordered_json::array();
  for (const engine::BandwidthLimit& limit : party.bandwidth_limits) {
    limits.push_back({{"destination_id", limit.destination_id}, {"limit_kbps", limit.limit_kbps}});
  }
  ordered_json resources = nullptr;
  if (party.resources) {
    resources = {{"cpu", party.resources->cpu}, {"memory", party.resources->memory}, {"bandwidth", party.resources->bandwidth}};
  }
  return {{"domain_id", party.domain_id}, {"role", party.role}, {"resources", resources}, {"bandwidth_limits", limits}};
}

}  // namespace

ordered_json JobSpecToRequest(const engine::JobSpec& spec) {
  ordered_json tasks = ordered_json::array();
  for (const engine::TaskSpec& task : spec.tasks) {
    ordered_json parties = ordered_json::array();
    for (const engine::PartySpec& party : task.parties) parties.push_back(PartyToRequest(party));
    ordered_json schedule = nullptr;
    if (task.schedule_config) {
      schedule = {{"task_timeout_seconds", task.schedule_config->task_timeout_seconds},
                  {"resource_reserved_seconds", task.schedule_config->resource_reserved_seconds},
                  {"resource_reallocation_interval_seconds", task.schedule_config->resource_reallocation_interval_seconds}};
    }
    tasks.push_back({{"app_image", task.app_image},
                     {"parties", std::move(parties)},
                     {"alias", task.alias},
                     {"task_id", task.task_id},
                     {"dependencies", task.dependencies},
                     {"task_input_config", task.task_input_config},
                     {"priority", task.priority},
                     {"schedule_config", std::move(schedule)},
                     {"tolerable", task.tolerable}});
  }
  ordered_json custom = ordered_json::object();
  for (const auto& [key, value] : spec.custom_fields) custom[key] = value;
  return {{"job_id", spec.job_id},
          {"initiator", spec.initiator},
          {"max_parallelism", spec.max_parallelism},
          {"tasks", std::move(tasks)},
          {"custom_fields", std::move(custom)}};
}

Result<ordered_json> ParseStateText(const std::string& text, const std::string& source_name) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    ordered_json doc = ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return InvalidArgument(source_name + ": not valid JSON (a file starting with '{' is read as JSON)");
    return doc;
  }
  try {
    YAML::Node node = YAML::Load(text);
    return FromYaml(node);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(source_name + ": not valid YAML: line " + std::to_string(e.mark.line + 1) + ", column " +
                           std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

Result<ordered_json> ReadStateFile(const std::filesystem::path& path) {
  Result<std::string> text = sys::ReadFile(path);
  if (!text.ok()) return text.status().WithContext("reading the state file " + path.string());
  return ParseStateText(*text, path.string());
}

Status ApplyState(const ordered_json& doc, const std::string& source, store::DataStore& store, engine::Engine& engine,
                  const NodeIdentity& node) {
  KC_ASSIGN_OR_RETURN(Loaded loaded, Check(doc, source));
  if (!node.own_domain.empty()) {
    bool found = std::any_of(loaded.domains.begin(), loaded.domains.end(),
                             [&](const ordered_json& d) { return StrField(d, "domain_id") == node.own_domain; });
    if (!found) {
      return InvalidArgument(source + ": /domains: the node's own domain \"" + node.own_domain +
                             "\" (--domain) is not listed; add it, or start with another --domain");
    }
  }
  for (ordered_json& domain : loaded.domains) {
    engine.AddDomain(StrField(domain, "domain_id"), StrField(domain, "role") == "partner");
    KC_RETURN_IF_ERROR(store.CreateDomain(std::move(domain)));
  }
  for (ordered_json& route : loaded.routes) KC_RETURN_IF_ERROR(store.CreateRoute(std::move(route)).WithContext(source));
  for (ordered_json& ds : loaded.datasources) KC_RETURN_IF_ERROR(store.CreateDataSource(std::move(ds)).WithContext(source));
  for (ordered_json& data : loaded.domaindata) KC_RETURN_IF_ERROR(store.CreateDomainData(std::move(data)).WithContext(source));
  for (Loaded::Job& job : loaded.jobs) {
    std::string id = job.spec.job_id;
    Status added = job.record ? engine.RestoreJob(std::move(*job.record))
                              : engine.SeedJob(std::move(job.spec), std::move(job.plan),
                                               job.phase.value_or(engine::JobPhase::kPending));
    if (!added.ok()) return InvalidArgument(source + ": job " + id + ": " + added.message());
  }
  return OkStatus();
}

ordered_json CaptureState(const store::DataStore& store, const engine::Engine& engine) {
  ordered_json doc;
  doc["version"] = kStateFileVersion;
  doc["domains"] = store.ListDomains();
  doc["routes"] = store.ListRoutes();
  doc["datasources"] = store.ListAllDataSources();
  doc["domaindata"] = store.ListAllDomainData();
  doc["jobs"] = ordered_json::array();
  for (const engine::JobRecord& record : engine.ExportJobs()) {
    ordered_json job = JobSpecToRequest(record.spec);
    job["state"] = std::string(engine::ApiJobState(record.phase));
    job["runtime"] = engine::JobRuntimeToJson(record);
    doc["jobs"].push_back(std::move(job));
  }
  return doc;
}

Status WriteStateFile(const std::filesystem::path& path, const ordered_json& doc) {
  std::string text;
  if (path.extension() == ".json") {
    text = doc.dump(2) + "\n";
  } else {
    YAML::Emitter out;
    EmitYaml(out, doc);
    text = "# kuscia-mock state (docs/mock-server.md); load it with --state " + path.filename().string() + "\n" +
           std::string(out.c_str()) + "\n";
  }
  return sys::WriteFileAtomic(path, text).WithContext("writing the state file " + path.string());
}

}  // namespace kuscia::mock::services
