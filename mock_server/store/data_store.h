// DataStore: the fake's Kubernetes objects other than jobs — Domains, ClusterDomainRoutes, DomainDataSources
// and DomainData — held as the canonical API messages the services answer with (docs/design.md), so a query
// is a copy and a state file is a list of them. Thread-safe; every call is atomic on its own.
//
// Errors speak Kubernetes, as the engine's do: NotFound / AlreadyExists carry the apiserver's text
// (`domains.kuscia.secretflow "carol" not found`) and the services map them to KusciaAPI codes.
//
//   DataStore store;
//   KC_RETURN_IF_ERROR(store.CreateDomain({{"domain_id", "alice"}, {"role", ""}}));
//   Result<nlohmann::ordered_json> alice = store.GetDomain("alice");   // canonical QueryDomainResponseData
//   store.PutDomainData(data);                                         // canonical DomainData, upsert
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/status.h"

namespace kuscia::mock::store {

// One kind of object: cluster-scoped ones use "" as namespace. Keys sort like a Kubernetes list
// (namespace, then name), which is the order List* returns.
class Collection {
 public:
  explicit Collection(std::string resource) : resource_(std::move(resource)) {}

  const std::string& resource() const { return resource_; }  // "domains", "domaindatas", ...
  bool Contains(const std::string& ns, const std::string& name) const;
  Status Create(const std::string& ns, const std::string& name, nlohmann::ordered_json object);
  void Put(const std::string& ns, const std::string& name, nlohmann::ordered_json object);
  Result<nlohmann::ordered_json> Get(const std::string& ns, const std::string& name) const;
  Status Delete(const std::string& ns, const std::string& name);
  void DeleteNamespace(const std::string& ns);
  // Every object of `ns`, or of every namespace when `ns` is null.
  std::vector<nlohmann::ordered_json> List(const std::string* ns) const;
  void Clear() { objects_.clear(); }

 private:
  std::string resource_;
  std::map<std::pair<std::string, std::string>, nlohmann::ordered_json> objects_;
};

class DataStore {
 public:
  DataStore();

  // Domains (cluster-scoped, canonical QueryDomainResponseData, keyed by domain_id). Deleting a domain
  // deletes its namespace, so its data sources and domain data go with it.
  Status CreateDomain(nlohmann::ordered_json domain);
  Status UpdateDomain(nlohmann::ordered_json domain);
  Result<nlohmann::ordered_json> GetDomain(std::string_view domain_id) const;
  bool HasDomain(std::string_view domain_id) const;
  Status DeleteDomain(std::string_view domain_id);
  std::vector<nlohmann::ordered_json> ListDomains() const;

  // ClusterDomainRoutes (canonical QueryDomainRouteResponseData, named "<source>-<destination>").
  Status CreateRoute(nlohmann::ordered_json route);
  Result<nlohmann::ordered_json> GetRoute(std::string_view source, std::string_view destination) const;
  Status DeleteRoute(std::string_view source, std::string_view destination);
  std::vector<nlohmann::ordered_json> ListRoutes() const;

  // DomainDataSources (canonical DomainDataSource, in namespace domain_id).
  Status CreateDataSource(nlohmann::ordered_json datasource);
  void PutDataSource(nlohmann::ordered_json datasource);
  Result<nlohmann::ordered_json> GetDataSource(std::string_view domain_id, std::string_view datasource_id) const;
  bool HasDataSource(std::string_view domain_id, std::string_view datasource_id) const;
  Status DeleteDataSource(std::string_view domain_id, std::string_view datasource_id);
  std::vector<nlohmann::ordered_json> ListDataSources(std::string_view domain_id) const;
  std::vector<nlohmann::ordered_json> ListAllDataSources() const;

  // DomainData (canonical DomainData, in namespace domain_id).
  Status CreateDomainData(nlohmann::ordered_json domaindata);
  void PutDomainData(nlohmann::ordered_json domaindata);
  Result<nlohmann::ordered_json> GetDomainData(std::string_view domain_id, std::string_view domaindata_id) const;
  bool HasDomainData(std::string_view domain_id, std::string_view domaindata_id) const;
  Status DeleteDomainData(std::string_view domain_id, std::string_view domaindata_id);
  std::vector<nlohmann::ordered_json> ListDomainData(std::string_view domain_id) const;
  std::vector<nlohmann::ordered_json> ListAllDomainData() const;

  void Clear();

 private:
  mutable std::mutex mu_;
  Collection domains_{"domains"};
  Collection routes_{"clusterdomainroutes"};
  Collection datasources_{"domaindatasources"};
  Collection domaindata_{"domaindatas"};
};

// "<source>-<destination>": the ClusterDomainRoute name, also the route query's `name`.
std::string RouteName(std::string_view source, std::string_view destination);

}  // namespace kuscia::mock::store
