#include "mock_server/services/domain_data_source_service.h"

#include <optional>

#include "api/error_codes.h"
#include "mock_server/services/kube_validation.h"
#include "mock_server/services/service_common.h"

namespace kuscia::mock::services {
namespace {

using nlohmann::ordered_json;

constexpr const char* kTypes[] = {"localfs", "oss", "mysql", "odps", "postgresql", "hive", "dameng"};
constexpr char kTypeList[] = "[localfs,oss,mysql,odps,postgresql,hive,dameng]";

bool IsDatabaseType(const std::string& type) {
  return type == "mysql" || type == "postgresql" || type == "hive" || type == "dameng";
}

std::optional<std::string> TypeError(const std::string& type) {
  for (const char* known : kTypes) {
    if (type == known) return std::nullopt;
  }
  return "domain data source type \"" + type + "\" doesn't support, the available types are " + kTypeList;
}

// isValidURL: an absolute http(s) URL with a host.
bool IsHttpUrl(const std::string& url) {
  for (const char* scheme : {"http://", "https://"}) {
    std::string_view prefix(scheme);
    if (url.rfind(prefix, 0) == 0) {
      std::string rest = url.substr(prefix.size());
      return !rest.empty() && rest[0] != '/';
    }
  }
  return false;
}

// parseAndNormalizeDataSource: trailing '/' off a localfs path, surrounding '/' off an OSS bucket and prefix.
ordered_json NormalizedInfo(const std::string& type, ordered_json info) {
  auto trim = [](std::string s, bool left) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    if (left) {
      size_t first = s.find_first_not_of('/');
      s = first == std::string::npos ? "" : s.substr(first);
    }
    return s;
  };
  if (type == "localfs" && info["localfs"].is_object()) {
    info["localfs"]["path"] = trim(StrField(info["localfs"], "path"), false);
  }
  if (type == "oss" && info["oss"].is_object()) {
    info["oss"]["bucket"] = trim(StrField(info["oss"], "bucket"), true);
    info["oss"]["prefix"] = trim(StrField(info["oss"], "prefix"), true);
  }
  return info;
}

ordered_json FullInfo(const ordered_json& given) {
  ordered_json info = {{"localfs", nullptr}, {"oss", nullptr}, {"database", nullptr}, {"odps", nullptr}};
  for (const char* key : {"localfs", "oss", "database", "odps"}) {
    if (given.contains(key)) info[key] = given[key];
  }
  return info;
}

}  // namespace

std::optional<std::string> DataSourceInfoError(const std::string& type, const ordered_json& info) {
  if (!info.is_object()) return std::string("data source info cannot be nil");
  auto missing = [&](const char* block, std::initializer_list<const char*> fields) -> std::optional<std::string> {
    const ordered_json* part = ObjField(info, block);
    if (part == nullptr) return type + " info is nil";
    for (const char* field : fields) {
      if (StrField(*part, field).empty()) return type + " '" + field + "' is empty";
    }
    return std::nullopt;
  };
  if (type == "localfs") return missing("localfs", {"path"});
  if (type == "oss") return missing("oss", {"endpoint", "bucket", "access_key_id", "access_key_secret"});
  if (IsDatabaseType(type)) return missing("database", {"endpoint", "database", "user", "password"});
  if (type == "odps") {
    const ordered_json* odps = ObjField(info, "odps");
    if (odps == nullptr) return std::string("odps info is nil");
    if (StrField(*odps, "endpoint").empty()) return std::string("odps 'endpoint' is empty");
    if (!IsHttpUrl(StrField(*odps, "endpoint"))) {
      return std::string("odps 'endpoint' is invalid, should contain the prefix: http or https");
    }
    return missing("odps", {"project", "access_key_id", "access_key_secret"});
  }
  return "invalid datasource type:" + type;
}

std::optional<std::string> DomainDataSourceService::WriteIdentityError(const std::string& domain_id) const {
  if (node_.mode == NodeMode::kMaster) return std::string("master's kuscia api can't operate domain data source");
  if (domain_id.empty()) return std::string("domain id can not be empty");
  if (auto error = ValidateK8sName(domain_id, "domain_id")) return error;
  if (domain_id != node_.own_domain) {
    return "domain " + node_.own_domain + " can't operate domain " + domain_id + " data source";
  }
  return std::nullopt;
}

std::optional<std::string> DomainDataSourceService::ReadIdentityError(const std::string& domain_id) const {
  if (node_.mode == NodeMode::kMaster) return std::nullopt;
  return WriteIdentityError(domain_id);
}

// getDomainDataSource: every failure is a plain error (the apiserver's is wrapped with %v), so callers
// answer with their own code, never 11806.
Result<ordered_json> DomainDataSourceService::Get(const std::string& domain_id, const std::string& datasource_id) const {
  if (auto error = ReadIdentityError(domain_id)) return Internal(*error);
  if (datasource_id.empty()) return Internal("domain " + domain_id + " data source id can not be empty");
  Result<ordered_json> stored = store_.GetDataSource(domain_id, datasource_id);
  if (!stored.ok()) {
    return Internal("get domain " + domain_id + " kuscia data source " + datasource_id + " failed, " +
                    stored.status().message());
  }
  return View(std::move(stored).value());
}

// A master cannot decrypt the info (it lacks the domain key), so it shows none.
ordered_json DomainDataSourceService::View(ordered_json stored) const {
  if (node_.mode == NodeMode::kMaster) stored["info"] = nullptr;
  return stored;
}

ordered_json DomainDataSourceService::CreateDomainDataSource(const ordered_json& request) {
  std::string domain_id = StrField(request, "domain_id");
  if (auto error = WriteIdentityError(domain_id)) return ErrorResponse(api::kErrRequestValidate, *error);
  std::string type = StrField(request, "type");
  if (auto error = TypeError(type)) return ErrorResponse(api::kErrRequestValidate, *error);
  std::string datasource_id = StrField(request, "datasource_id");
  if (datasource_id.empty()) datasource_id = ids_.DataSourceId(type);
  if (auto error = ValidateK8sName(datasource_id, "datasource_id")) return ErrorResponse(api::kErrRequestValidate, *error);
  std::string info_key = StrField(request, "info_key");
  const ordered_json* info = ObjField(request, "info");
  if (info_key.empty() && info == nullptr) {
    return ErrorResponse(api::kErrCreateDomainDataSource, "domain data source info key and info all empty");
  }
  if (store_.HasDataSource(domain_id, datasource_id)) {
    return ErrorResponse(api::kErrCreateDomainDataSource, "domain data source " + datasource_id + " already exist");
  }
  if (!info_key.empty()) {
    // Info keys point into the ConfigManager's secret backend, which the fake does not have.
    return ErrorResponse(api::kErrCreateDomainDataSource, "domain data source info key " + info_key + " not exist");
  }
  if (auto error = DataSourceInfoError(type, *info)) return ErrorResponse(api::kErrRequestValidate, *error);
  ordered_json record;
  record["domain_id"] = domain_id;
  record["datasource_id"] = datasource_id;
  record["name"] = StrField(request, "name");
  record["type"] = type;
  record["status"] = "";
  record["info"] = NormalizedInfo(type, FullInfo(*info));
  record["info_key"] = "";
  auto direct = request.find("access_directly");
  record["access_directly"] = direct != request.end() && direct->is_boolean() && direct->get<bool>();
  Status created = store_.CreateDataSource(std::move(record));
  if (!created.ok()) return ErrorResponse(api::kErrCreateDomainDataSource, created.message());
  return SuccessResponse({{"datasource_id", datasource_id}});
}

ordered_json DomainDataSourceService::UpdateDomainDataSource(const ordered_json& request) {
  std::string domain_id = StrField(request, "domain_id");
  if (auto error = WriteIdentityError(domain_id)) return StatusOnlyResponse(api::kErrRequestValidate, *error);
  std::string datasource_id = StrField(request, "datasource_id");
  if (datasource_id.empty()) return StatusOnlyResponse(api::kErrRequestValidate, "domain data source id can not be empty");
  Result<ordered_json> current = store_.GetDataSource(domain_id, datasource_id);
  if (!current.ok()) {
    return StatusOnlyResponse(api::kErrDomainDataSourceNotExists,
                              "domain " + domain_id + " data source " + datasource_id + " doesn't exist");
  }
  ordered_json updated = std::move(current).value();
  // Optional fields: absent (null) leaves the stored value alone.
  if (request.contains("name") && request["name"].is_string()) updated["name"] = request["name"];
  if (request.contains("info_key") && request["info_key"].is_string()) updated["info_key"] = request["info_key"];
  if (request.contains("access_directly") && request["access_directly"].is_boolean()) {
    updated["access_directly"] = request["access_directly"];
  }
  std::string type = StrField(request, "type");
  if (!type.empty() && type != StrField(updated, "type")) {
    if (auto error = TypeError(type)) return StatusOnlyResponse(api::kErrUpdateDomainDataSource, *error);
    updated["type"] = type;
  }
  const ordered_json* info = ObjField(request, "info");
  bool has_info_key = request.contains("info_key") && request["info_key"].is_string();
  if (!has_info_key && info != nullptr) {
    // Kuscia validates the new info against the request's type, so an update of the info alone (no type)
    // fails with "invalid datasource type:".
    if (auto error = DataSourceInfoError(type, *info)) return StatusOnlyResponse(api::kErrUpdateDomainDataSource, *error);
    updated["info"] = NormalizedInfo(type, FullInfo(*info));
  }
  store_.PutDataSource(std::move(updated));
  return StatusOnlyResponse();
}

ordered_json DomainDataSourceService::DeleteDomainDataSource(const ordered_json& request) {
  std::string domain_id = StrField(request, "domain_id");
  if (auto error = WriteIdentityError(domain_id)) return StatusOnlyResponse(api::kErrRequestValidate, *error);
  std::string datasource_id = StrField(request, "datasource_id");
  if (datasource_id.empty()) return StatusOnlyResponse(api::kErrRequestValidate, "domain data source id can not be empty");
  // A missing data source is deleted already: success.
  (void)store_.DeleteDataSource(domain_id, datasource_id);
  return StatusOnlyResponse();
}

ordered_json DomainDataSourceService::QueryDomainDataSource(const ordered_json& request) {
  Result<ordered_json> found = Get(StrField(request, "domain_id"), StrField(request, "datasource_id"));
  if (!found.ok()) return ErrorResponse(api::kErrQueryDomainDataSource, found.status().message());
  return SuccessResponse(std::move(found).value());
}

ordered_json DomainDataSourceService::BatchQueryDomainDataSource(const ordered_json& request) {
  const ordered_json& keys = ArrField(request, "data");
  if (keys.empty()) return ErrorResponse(api::kErrRequestValidate, "request data can't be empty");
  ordered_json list = ordered_json::array();
  for (const ordered_json& key : keys) {
    Result<ordered_json> found = Get(StrField(key, "domain_id"), StrField(key, "datasource_id"));
    if (!found.ok()) return ErrorResponse(api::kErrBatchQueryDomainDataSource, found.status().message());
    list.push_back(std::move(found).value());
  }
  return SuccessResponse({{"datasource_list", std::move(list)}});
}

ordered_json DomainDataSourceService::ListDomainDataSource(const ordered_json& request) {
  std::string domain_id = StrField(request, "domain_id");
  if (domain_id.empty()) return ErrorResponse(api::kErrRequestValidate, "request domainID can't be empty");
  if (auto error = ReadIdentityError(domain_id)) return ErrorResponse(api::kErrListDomainDataSource, *error);
  ordered_json list = ordered_json::array();
  for (ordered_json& stored : store_.ListDataSources(domain_id)) list.push_back(View(std::move(stored)));
  return SuccessResponse({{"datasource_list", std::move(list)}});
}

}  // namespace kuscia::mock::services
