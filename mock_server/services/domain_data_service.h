// DomainDataService (reference §5.2, §7.6): create (an existing id turns the create into an update),
// update (a merge: unset fields keep their values), delete, deleteDataAndRaw, query, batchQuery (missing
// items skipped) and list (type and vendor filters), with codes 11100, 11501 and 11506 and the data-source
// check 11806. A lite node only touches its own domain's data (11100).
//
//   DomainDataService data(store, node, ids);
//   data.CreateDomainData({{"domain_id", "alice"}, {"type", "table"}, {"relative_uri", "alice.csv"}});
//   // {"status": {...}, "data": {"domaindata_id": "alicecsv-<32 hex>"}}
#pragma once

#include <nlohmann/json.hpp>

#include "mock_server/services/generated_ids.h"
#include "mock_server/services/node_identity.h"
#include "mock_server/store/data_store.h"

namespace kuscia::mock::services {

inline constexpr char kDefaultDataSourceId[] = "default-data-source";

class DomainDataService {
 public:
  DomainDataService(store::DataStore& store, NodeIdentity node, IdGenerator& ids)
      : store_(store), node_(std::move(node)), ids_(ids) {}

  nlohmann::ordered_json CreateDomainData(const nlohmann::ordered_json& request);
  nlohmann::ordered_json UpdateDomainData(const nlohmann::ordered_json& request);
  nlohmann::ordered_json DeleteDomainData(const nlohmann::ordered_json& request);
  nlohmann::ordered_json DeleteDomainDataAndRaw(const nlohmann::ordered_json& request);
  nlohmann::ordered_json QueryDomainData(const nlohmann::ordered_json& request);
  nlohmann::ordered_json BatchQueryDomainData(const nlohmann::ordered_json& request);
  nlohmann::ordered_json ListDomainData(const nlohmann::ordered_json& request);

 private:
  std::optional<std::string> LiteError(const std::string& domain_id) const;

  store::DataStore& store_;
  NodeIdentity node_;
  IdGenerator& ids_;
};

}  // namespace kuscia::mock::services
