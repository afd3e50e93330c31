// DomainService (reference §5.3): create, query (including the special id `master`), update, delete and
// batchQuery of Domains, with Kuscia's validation texts and codes 11100 and 11300–11306. Domains live in the
// DataStore; the engine's domain registry (which namespaces exist, which are partners) follows every change.
//
//   DomainService domains(store, engine, node, ca_pem);
//   domains.CreateDomain({{"domain_id", "carol"}, {"role", "partner"}});   // {"status": {...success}}
//   domains.QueryDomain({{"domain_id", "master"}});                         // data.cert = base64 of ca.crt
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "mock_server/engine/engine.h"
#include "mock_server/services/node_identity.h"
#include "mock_server/store/data_store.h"

namespace kuscia::mock::services {

class DomainService {
 public:
  DomainService(store::DataStore& store, engine::Engine& engine, NodeIdentity node, const std::string& ca_cert_pem);

  nlohmann::ordered_json CreateDomain(const nlohmann::ordered_json& request);
  nlohmann::ordered_json QueryDomain(const nlohmann::ordered_json& request);
  nlohmann::ordered_json UpdateDomain(const nlohmann::ordered_json& request);
  nlohmann::ordered_json DeleteDomain(const nlohmann::ordered_json& request);
  nlohmann::ordered_json BatchQueryDomain(const nlohmann::ordered_json& request);

 private:
  store::DataStore& store_;
  engine::Engine& engine_;
  NodeIdentity node_;
  std::string master_cert_;  // base64 PEM of the CA; "" = Kuscia's "master ca cert is nil"
};

// What a freshly created domain looks like before any node registers: no node or token statuses.
nlohmann::ordered_json NewDomainRecord(const std::string& domain_id, const std::string& role, const std::string& cert,
                                       nlohmann::ordered_json auth_center, const std::string& master_domain_id);

}  // namespace kuscia::mock::services
