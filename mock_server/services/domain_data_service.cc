#include "mock_server/services/domain_data_service.h"

#include <optional>

#include "api/error_codes.h"
#include "mock_server/services/kube_validation.h"
#include "mock_server/services/service_common.h"

namespace kuscia::mock::services {
namespace {

using nlohmann::ordered_json;

constexpr char kIdsRequired[] = "domain id and domaindata id can not be empty";

// GetDomainDataErrorCode: NotFound 11506, AlreadyExists 11507, else the operation's code.
int DataErrorCode(const Status& status, int fallback) {
  if (status.code() == StatusCode::kNotFound) return api::kErrDomainDataNotExists;
  if (status.code() == StatusCode::kAlreadyExists) return api::kErrDomainDataExists;
  return fallback;
}

// CheckDomainDataSourceExists: a missing data source (or domain) is 11806 with Kuscia's backquoted text.
std::optional<std::string> MissingDataSource(const store::DataStore& store, const std::string& domain_id,
                                             const std::string& datasource_id) {
  if (store.HasDataSource(domain_id, datasource_id)) return std::nullopt;
  return "domain data source `" + datasource_id + "` is not exists in domain `" + domain_id + "`";
}

std::string LastSegment(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

ordered_json PartitionOf(const ordered_json& request) {
  const ordered_json* partition = ObjField(request, "partition");
  return partition == nullptr ? ordered_json(nullptr) : *partition;
}

ordered_json ColumnsOf(const ordered_json& request) {
  ordered_json columns = ordered_json::array();
  for (const ordered_json& column : ArrField(request, "columns")) {
    columns.push_back({{"name", StrField(column, "name")},
                       {"type", StrField(column, "type")},
                       {"comment", StrField(column, "comment")},
                       {"not_nullable", column.value("not_nullable", false)}});
  }
  return columns;
}

ordered_json AttributesOf(const ordered_json& request) {
  const ordered_json* attributes = ObjField(request, "attributes");
  return attributes == nullptr ? ordered_json::object() : *attributes;
}

std::string FileFormatOf(const ordered_json& request) {
  auto it = request.find("file_format");
  if (it == request.end()) return "UNKNOWN";
  if (it->is_string()) return it->get<std::string>();
  if (*it == 1) return "CSV";
  if (*it == 2) return "BINARY";
  return "UNKNOWN";
}

}  // namespace

std::optional<std::string> DomainDataService::LiteError(const std::string& domain_id) const {
  if (node_.mode != NodeMode::kLite || domain_id == node_.own_domain) return std::nullopt;
  return "kuscia lite api could only operate it's own domaindata, the domainid of request must be " +
         node_.own_domain + ", not " + domain_id;
}

ordered_json DomainDataService::CreateDomainData(const ordered_json& request) {
  std::string domain_id = StrField(request, "domain_id");
  if (domain_id.empty()) return ErrorResponse(api::kErrRequestValidate, "request domain id can not be empty");
  if (auto error = ValidateK8sName(domain_id, "domain_id")) return ErrorResponse(api::kErrRequestValidate, *error);
  if (StrField(request, "type").empty()) return ErrorResponse(api::kErrRequestValidate, "request type can not be empty");
  std::string relative_uri = StrField(request, "relative_uri");
  if (relative_uri.empty()) return ErrorResponse(api::kErrRequestValidate, "request relative_uri can not be empty");
  if (auto error = LiteError(domain_id)) return ErrorResponse(api::kErrRequestValidate, *error);

  std::string domaindata_id = StrField(request, "domaindata_id");
  if (!domaindata_id.empty()) {
    if (auto error = ValidateK8sName(domaindata_id, "domaindata_id")) return ErrorResponse(api::kErrRequestValidate, *error);
    if (store_.HasDomainData(domain_id, domaindata_id)) {
      // The upsert: Kuscia turns the create into an update (which leaves the vendor alone) and answers with
      // the update's status plus the id, whatever that status is.
      ordered_json update = request;
      update.erase("vendor");
      ordered_json updated = UpdateDomainData(update);
      return api::MakeResponse(updated["status"], {{"domaindata_id", domaindata_id}});
    }
  }

  std::string name = StrField(request, "name");
  if (name.empty()) name = LastSegment(relative_uri);
  if (domaindata_id.empty()) domaindata_id = ids_.DomainDataId(name);
  std::string datasource_id = StrField(request, "datasource_id");
  if (datasource_id.empty()) datasource_id = kDefaultDataSourceId;
  std::string vendor = StrField(request, "vendor");
  if (vendor.empty()) vendor = "manual";
  if (relative_uri.front() == '/') relative_uri.erase(0, 1);
  if (auto missing = MissingDataSource(store_, domain_id, datasource_id)) {
    return ErrorResponse(api::kErrDomainDataSourceNotExists, *missing);
  }

  ordered_json record;
  record["domaindata_id"] = domaindata_id;
  record["name"] = name;
  record["type"] = StrField(request, "type");
  record["relative_uri"] = relative_uri;
  record["domain_id"] = domain_id;
  record["datasource_id"] = datasource_id;
  record["attributes"] = AttributesOf(request);
  record["partition"] = PartitionOf(request);
  record["columns"] = ColumnsOf(request);
  record["vendor"] = vendor;
  record["status"] = "Available";
  record["author"] = domain_id;
  record["file_format"] = FileFormatOf(request);
  Status created = store_.CreateDomainData(std::move(record));
  if (!created.ok()) return ErrorResponse(DataErrorCode(created, api::kErrCreateDomainDataFailed), created.message());
  return SuccessResponse({{"domaindata_id", domaindata_id}});
}

ordered_json DomainDataService::UpdateDomainData(const ordered_json& request) {
  std::string domain_id = StrField(request, "domain_id");
  std::string domaindata_id = StrField(request, "domaindata_id");
  if (domain_id.empty() || domaindata_id.empty()) return StatusOnlyResponse(api::kErrRequestValidate, kIdsRequired);
  if (auto error = LiteError(domain_id)) return StatusOnlyResponse(api::kErrRequestValidate, *error);
  Result<ordered_json> current = store_.GetDomainData(domain_id, domaindata_id);
  if (!current.ok()) {
    return StatusOnlyResponse(DataErrorCode(current.status(), api::kErrGetDomainDataFailed), current.status().message());
  }
  ordered_json merged = std::move(current).value();
  for (const char* key : {"name", "type", "relative_uri", "datasource_id", "vendor"}) {
    if (std::string value = StrField(request, key); !value.empty()) merged[key] = value;
  }
  if (!ArrField(request, "columns").empty()) merged["columns"] = ColumnsOf(request);
  if (ObjField(request, "partition") != nullptr) merged["partition"] = PartitionOf(request);
  if (const ordered_json* attributes = ObjField(request, "attributes"); attributes != nullptr && !attributes->empty()) {
    merged["attributes"] = *attributes;
  }
  if (std::string format = FileFormatOf(request); format != "UNKNOWN") merged["file_format"] = format;
  merged["author"] = domain_id;
  if (auto missing = MissingDataSource(store_, domain_id, StrField(merged, "datasource_id"))) {
    return StatusOnlyResponse(api::kErrDomainDataSourceNotExists, *missing);
  }
  store_.PutDomainData(std::move(merged));
  return StatusOnlyResponse();
}

ordered_json DomainDataService::DeleteDomainData(const ordered_json& request) {
  std::string domain_id = StrField(request, "domain_id");
  std::string domaindata_id = StrField(request, "domaindata_id");
  if (domain_id.empty() || domaindata_id.empty()) return StatusOnlyResponse(api::kErrRequestValidate, kIdsRequired);
  if (auto error = LiteError(domain_id)) return StatusOnlyResponse(api::kErrRequestValidate, *error);
  Status deleted = store_.DeleteDomainData(domain_id, domaindata_id);
  if (!deleted.ok()) return StatusOnlyResponse(DataErrorCode(deleted, api::kErrDeleteDomainDataFailed), deleted.message());
  return StatusOnlyResponse();
}

ordered_json DomainDataService::DeleteDomainDataAndRaw(const ordered_json& request) {
  std::string domain_id = StrField(request, "domain_id");
  std::string domaindata_id = StrField(request, "domaindata_id");
  if (domain_id.empty() || domaindata_id.empty()) return StatusOnlyResponse(api::kErrRequestValidate, kIdsRequired);
  if (auto error = LiteError(domain_id)) return StatusOnlyResponse(api::kErrRequestValidate, *error);
  Result<ordered_json> data = store_.GetDomainData(domain_id, domaindata_id);
  if (!data.ok()) {
    return StatusOnlyResponse(DataErrorCode(data.status(), api::kErrGetDomainDataFailed), data.status().message());
  }
  Result<ordered_json> source = store_.GetDataSource(domain_id, StrField(*data, "datasource_id"));
  if (!source.ok()) {
    // Kuscia ignores this lookup's error and dereferences the missing object; its panic handler answers.
    return StatusOnlyResponse(api::kErrForUnexpected,
                              "doBizProcess panic, err: runtime error: invalid memory address or nil pointer dereference");
  }
  if (node_.mode == NodeMode::kMaster) {
    // The info is encrypted with the domain's key, which a master does not hold.
    return StatusOnlyResponse(api::kErrDeleteDomainDataFailed, "decrypt data source info failed, crypto/rsa: decryption error");
  }
  // The fake keeps no files, objects or tables, so removing the raw data always succeeds where Kuscia
  // knows how to remove it.
  std::string type = StrField(*source, "type");
  if (type != "localfs" && type != "oss" && type != "mysql" && type != "postgresql") {
    return StatusOnlyResponse(api::kErrDeleteDomainDataFailed, "unsupported domainDataSource type");
  }
  Status deleted = store_.DeleteDomainData(domain_id, domaindata_id);
  if (!deleted.ok()) return StatusOnlyResponse(DataErrorCode(deleted, api::kErrDeleteDomainDataFailed), deleted.message());
  return StatusOnlyResponse();
}

ordered_json DomainDataService::QueryDomainData(const ordered_json& request) {
  const ordered_json* key = ObjField(request, "data");
  if (key == nullptr || StrField(*key, "domain_id").empty() || StrField(*key, "domaindata_id").empty()) {
    return ErrorResponse(api::kErrRequestValidate, kIdsRequired);
  }
  std::string domain_id = StrField(*key, "domain_id");
  if (auto error = LiteError(domain_id)) return ErrorResponse(api::kErrRequestValidate, *error);
  Result<ordered_json> data = store_.GetDomainData(domain_id, StrField(*key, "domaindata_id"));
  if (!data.ok()) return ErrorResponse(DataErrorCode(data.status(), api::kErrGetDomainDataFailed), data.status().message());
  return SuccessResponse(std::move(data).value());
}

ordered_json DomainDataService::BatchQueryDomainData(const ordered_json& request) {
  const ordered_json& keys = ArrField(request, "data");
  for (const ordered_json& key : keys) {
    std::string domain_id = StrField(key, "domain_id");
    if (domain_id.empty() || StrField(key, "domaindata_id").empty()) return ErrorResponse(api::kErrRequestValidate, kIdsRequired);
    if (auto error = LiteError(domain_id)) return ErrorResponse(api::kErrRequestValidate, *error);
  }
  ordered_json list = ordered_json::array();
  for (const ordered_json& key : keys) {
    Result<ordered_json> data = store_.GetDomainData(StrField(key, "domain_id"), StrField(key, "domaindata_id"));
    if (data.ok()) list.push_back(std::move(data).value());  // missing items are skipped, not errors
  }
  return SuccessResponse({{"domaindata_list", std::move(list)}});
}

ordered_json DomainDataService::ListDomainData(const ordered_json& request) {
  const ordered_json* filter = ObjField(request, "data");
  if (filter == nullptr || StrField(*filter, "domain_id").empty()) {
    return ErrorResponse(api::kErrRequestValidate, "domain id can not be empty");
  }
  std::string domain_id = StrField(*filter, "domain_id");
  if (auto error = LiteError(domain_id)) return ErrorResponse(api::kErrRequestValidate, *error);
  std::string type = StrField(*filter, "domaindata_type");
  std::string vendor = StrField(*filter, "domaindata_vendor");
  ordered_json list = ordered_json::array();
  for (ordered_json& data : store_.ListDomainData(domain_id)) {
    if (!type.empty() && StrField(data, "type") != type) continue;
    if (!vendor.empty() && StrField(data, "vendor") != vendor) continue;
    list.push_back(std::move(data));
  }
  return SuccessResponse({{"domaindata_list", std::move(list)}});
}

}  // namespace kuscia::mock::services
