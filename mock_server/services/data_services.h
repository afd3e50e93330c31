// The domain, route, data-source and domain-data services of one fake node, built together over one store,
// with their HTTP paths (reference §5.0), ready to be bound next to the job and health routes.
//
//   DataServices data(store, engine, node, ca_pem);
//   for (auto& [path, method] : data.Routes()) methods.emplace(path, method);
//   engine.SetTaskInputCheck(MakeTaskInputCheck(store));   // done by the constructor
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_server/services/domain_data_service.h"
#include "mock_server/services/domain_data_source_service.h"
#include "mock_server/services/domain_route_service.h"
#include "mock_server/services/domain_service.h"
#include "mock_server/services/generated_ids.h"

namespace kuscia::mock::services {

using ServiceMethod = std::function<nlohmann::ordered_json(const nlohmann::ordered_json& request)>;

class DataServices {
 public:
  // Also installs the engine's task input check (job_inputs.h) over `store`. `seed` 0 = random ids.
  DataServices(store::DataStore& store, engine::Engine& engine, const NodeIdentity& node, const std::string& ca_cert_pem,
               uint64_t seed = 0);

  // Every /api/v1/domain, /route, /domaindata and /domaindatasource path with its method.
  std::vector<std::pair<std::string, ServiceMethod>> Routes();

  IdGenerator ids;
  DomainService domains;
  DomainRouteService routes;
  DomainDataSourceService datasources;
  DomainDataService data;
};

}  // namespace kuscia::mock::services
