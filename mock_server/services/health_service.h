// HealthService (reference §5.5): POST /healthZ, gRPC HealthService/healthZ. Always ready.
//
//   HealthService health;
//   health.HealthZ(request);   // {"status":{"code":0,...},"data":{"ready":true}}
#pragma once

#include <nlohmann/json.hpp>

namespace kuscia::mock::services {

class HealthService {
 public:
  // The empty-body 11101 "EOF" answer is the decoder's, before this is called.
  nlohmann::ordered_json HealthZ(const nlohmann::ordered_json& canonical_request) const;
};

}  // namespace kuscia::mock::services
