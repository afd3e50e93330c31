#include "mock_server/store/data_store.h"

#include "api/envelope.h"

namespace kuscia::mock::store {
namespace {

using nlohmann::ordered_json;

std::string StringField(const ordered_json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool Collection::Contains(const std::string& ns, const std::string& name) const {
  return objects_.contains({ns, name});
}

Status Collection::Create(const std::string& ns, const std::string& name, ordered_json object) {
  if (!objects_.emplace(std::pair{ns, name}, std::move(object)).second) {
    return AlreadyExists(api::KubeAlreadyExistsMessage(resource_, name));
  }
  return OkStatus();
}

void Collection::Put(const std::string& ns, const std::string& name, ordered_json object) {
  objects_[{ns, name}] = std::move(object);
}

Result<ordered_json> Collection::Get(const std::string& ns, const std::string& name) const {
  auto it = objects_.find({ns, name});
  if (it == objects_.end()) return NotFound(api::KubeNotFoundMessage(resource_, name));
  return it->second;
}

Status Collection::Delete(const std::string& ns, const std::string& name) {
  if (objects_.erase({ns, name}) == 0) return NotFound(api::KubeNotFoundMessage(resource_, name));
  return OkStatus();
}

void Collection::DeleteNamespace(const std::string& ns) {
  std::erase_if(objects_, [&](const auto& entry) { return entry.first.first == ns; });
}

std::vector<ordered_json> Collection::List(const std::string* ns) const {
  std::vector<ordered_json> out;
  for (const auto& [key, object] : objects_) {
    if (ns == nullptr || key.first == *ns) out.push_back(object);
  }
  return out;
}

std::string RouteName(std::string_view source, std::string_view destination) {
  return std::string(source) + "-" + std::string(destination);
}

DataStore::DataStore() = default;

Status DataStore::CreateDomain(ordered_json domain) {
  std::lock_guard lock(mu_);
  std::string id = StringField(domain, "domain_id");
  return domains_.Create("", id, std::move(domain));
}

Status DataStore::UpdateDomain(ordered_json domain) {
  std::lock_guard lock(mu_);
  std::string id = StringField(domain, "domain_id");
  if (!domains_.Contains("", id)) return NotFound(api::DomainNotFoundMessage(id));
  domains_.Put("", id, std::move(domain));
  return OkStatus();
}

Result<ordered_json> DataStore::GetDomain(std::string_view domain_id) const {
  std::lock_guard lock(mu_);
  return domains_.Get("", std::string(domain_id));
}

bool DataStore::HasDomain(std::string_view domain_id) const {
  std::lock_guard lock(mu_);
  return domains_.Contains("", std::string(domain_id));
}

Status DataStore::DeleteDomain(std::string_view domain_id) {
  std::lock_guard lock(mu_);
  std::string id(domain_id);
  KC_RETURN_IF_ERROR(domains_.Delete("", id));
  datasources_.DeleteNamespace(id);
  domaindata_.DeleteNamespace(id);
  return OkStatus();
}

std::vector<ordered_json> DataStore::ListDomains() const {
  std::lock_guard lock(mu_);
  return domains_.List(nullptr);
}

Status DataStore::CreateRoute(ordered_json route) {
  std::lock_guard lock(mu_);
  std::string name = RouteName(StringField(route, "source"), StringField(route, "destination"));
  return routes_.Create("", name, std::move(route));
}

Result<ordered_json> DataStore::GetRoute(std::string_view source, std::string_view destination) const {
  std::lock_guard lock(mu_);
  return routes_.Get("", RouteName(source, destination));
}

Status DataStore::DeleteRoute(std::string_view source, std::string_view destination) {
  std::lock_guard lock(mu_);
  return routes_.Delete("", RouteName(source, destination));
}

std::vector<ordered_json> DataStore::ListRoutes() const {
  std::lock_guard lock(mu_);
  return routes_.List(nullptr);
}

Status DataStore::CreateDataSource(ordered_json datasource) {
  std::lock_guard lock(mu_);
  std::string ns = StringField(datasource, "domain_id");
  std::string id = StringField(datasource, "datasource_id");
  return datasources_.Create(ns, id, std::move(datasource));
}

void DataStore::PutDataSource(ordered_json datasource) {
  std::lock_guard lock(mu_);
  std::string ns = StringField(datasource, "domain_id");
  std::string id = StringField(datasource, "datasource_id");
  datasources_.Put(ns, id, std::move(datasource));
}

Result<ordered_json> DataStore::GetDataSource(std::string_view domain_id, std::string_view datasource_id) const {
  std::lock_guard lock(mu_);
  return datasources_.Get(std::string(domain_id), std::string(datasource_id));
}

bool DataStore::HasDataSource(std::string_view domain_id, std::string_view datasource_id) const {
  std::lock_guard lock(mu_);
  return datasources_.Contains(std::string(domain_id), std::string(datasource_id));
}

Status DataStore::DeleteDataSource(std::string_view domain_id, std::string_view datasource_id) {
  std::lock_guard lock(mu_);
  return datasources_.Delete(std::string(domain_id), std::string(datasource_id));
}

std::vector<ordered_json> DataStore::ListDataSources(std::string_view domain_id) const {
  std::lock_guard lock(mu_);
  std::string ns(domain_id);
  return datasources_.List(&ns);
}

std::vector<ordered_json> DataStore::ListAllDataSources() const {
  std::lock_guard lock(mu_);
  return datasources_.List(nullptr);
}

Status DataStore::CreateDomainData(ordered_json domaindata) {
  std::lock_guard lock(mu_);
  std::string ns = StringField(domaindata, "domain_id");
  std::string id = StringField(domaindata, "domaindata_id");
  return domaindata_.Create(ns, id, std::move(domaindata));
}

void DataStore::PutDomainData(ordered_json domaindata) {
  std::lock_guard lock(mu_);
  std::string ns = StringField(domaindata, "domain_id");
  std::string id = StringField(domaindata, "domaindata_id");
  domaindata_.Put(ns, id, std::move(domaindata));
}

Result<ordered_json> DataStore::GetDomainData(std::string_view domain_id, std::string_view domaindata_id) const {
  std::lock_guard lock(mu_);
  return domaindata_.Get(std::string(domain_id), std::string(domaindata_id));
}

bool DataStore::HasDomainData(std::string_view domain_id, std::string_view domaindata_id) const {
  std::lock_guard lock(mu_);
  return domaindata_.Contains(std::string(domain_id), std::string(domaindata_id));
}

Status DataStore::DeleteDomainData(std::string_view domain_id, std::string_view domaindata_id) {
  std::lock_guard lock(mu_);
  return domaindata_.Delete(std::string(domain_id), std::string(domaindata_id));
}

std::vector<ordered_json> DataStore::ListDomainData(std::string_view domain_id) const {
  std::lock_guard lock(mu_);
  std::string ns(domain_id);
  return domaindata_.List(&ns);
}

std::vector<ordered_json> DataStore::ListAllDomainData() const {
  std::lock_guard lock(mu_);
  return domaindata_.List(nullptr);
}

void DataStore::Clear() {
  std::lock_guard lock(mu_);
  domains_.Clear();
  routes_.Clear();
  datasources_.Clear();
  domaindata_.Clear();
}

}  // namespace kuscia::mock::store
