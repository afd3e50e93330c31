// DomainDataSourceService (reference §5.6): create, update, delete, query, batchQuery and list of data
// sources, with Kuscia's per-type `info` checks (localfs, oss, mysql, odps, postgresql, hive, dameng),
// generated ids `<type>-<32hex>`, success for deleting a missing id and 11802 for querying one.
//
// Who may write: only a node with a domain of its own, for that domain. A master answers every write with
// 11100 "master's kuscia api can't operate domain data source" (in Kuscia the lite node owns its data
// sources, since their info is encrypted with the domain key), and reads them with `info: null`.
//
//   DomainDataSourceService sources(store, NodeIdentity{NodeMode::kAutonomy, "alice"}, ids);
//   sources.CreateDomainDataSource({{"domain_id", "alice"}, {"type", "localfs"},
//                                   {"info", {{"localfs", {{"path", "/data"}}}}}});
#pragma once

#include <nlohmann/json.hpp>

#include "mock_server/services/generated_ids.h"
#include "mock_server/services/node_identity.h"
#include "mock_server/store/data_store.h"

namespace kuscia::mock::services {

class DomainDataSourceService {
 public:
  DomainDataSourceService(store::DataStore& store, NodeIdentity node, IdGenerator& ids)
      : store_(store), node_(std::move(node)), ids_(ids) {}

  nlohmann::ordered_json CreateDomainDataSource(const nlohmann::ordered_json& request);
  nlohmann::ordered_json UpdateDomainDataSource(const nlohmann::ordered_json& request);
  nlohmann::ordered_json DeleteDomainDataSource(const nlohmann::ordered_json& request);
  nlohmann::ordered_json QueryDomainDataSource(const nlohmann::ordered_json& request);
  nlohmann::ordered_json BatchQueryDomainDataSource(const nlohmann::ordered_json& request);
  nlohmann::ordered_json ListDomainDataSource(const nlohmann::ordered_json& request);

 private:
  std::optional<std::string> WriteIdentityError(const std::string& domain_id) const;
  std::optional<std::string> ReadIdentityError(const std::string& domain_id) const;
  Result<nlohmann::ordered_json> Get(const std::string& domain_id, const std::string& datasource_id) const;
  nlohmann::ordered_json View(nlohmann::ordered_json stored) const;

  store::DataStore& store_;
  NodeIdentity node_;
  IdGenerator& ids_;
};

// validateDataSourceInfo: nullopt when `info` (canonical DataSourceInfo) is complete for `type`, else
// Kuscia's message, e.g. "localfs 'path' is empty".
std::optional<std::string> DataSourceInfoError(const std::string& type, const nlohmann::ordered_json& info);

}  // namespace kuscia::mock::services
