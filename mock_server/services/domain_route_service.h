// DomainRouteService (reference §5.4): create, delete, query and status/batchQuery of ClusterDomainRoutes,
// with the port protocol and transit rules, the all-or-nothing batch, `data: null` on a successful create
// and codes 11400–11405. Routes are ready as soon as they exist (the fake has no gateways to wait for).
//
//   DomainRouteService routes(store);
//   routes.CreateDomainRoute(request);   // {"status": {...success}, "data": null}
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mock_server/store/data_store.h"

namespace kuscia::mock::services {

class DomainRouteService {
 public:
  explicit DomainRouteService(store::DataStore& store) : store_(store) {}

  nlohmann::ordered_json CreateDomainRoute(const nlohmann::ordered_json& request);
  nlohmann::ordered_json DeleteDomainRoute(const nlohmann::ordered_json& request);
  nlohmann::ordered_json QueryDomainRoute(const nlohmann::ordered_json& request);
  nlohmann::ordered_json BatchQueryDomainRouteStatus(const nlohmann::ordered_json& request);

 private:
  store::DataStore& store_;
};

// The stored route (canonical QueryDomainRouteResponseData) for a validated create request; the port
// protocols must already have passed NormalizeRouteProtocol.
nlohmann::ordered_json NewRouteRecord(const nlohmann::ordered_json& create_request);

// convert2DomainRouteProtocol: HTTP/HTTPS/GRPC/GRPCS in any case -> "HTTP" or "GRPC"; nullopt otherwise.
std::optional<std::string> NormalizeRouteProtocol(const std::string& protocol);

}  // namespace kuscia::mock::services
