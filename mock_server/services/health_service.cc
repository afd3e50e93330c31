#include "mock_server/services/health_service.h"

#include "api/envelope.h"

namespace kuscia::mock::services {

nlohmann::ordered_json HealthService::HealthZ(const nlohmann::ordered_json&) const {
  return api::MakeResponse(api::SuccessStatus(), {{"ready", true}});
}

}  // namespace kuscia::mock::services
