// CreateJob's request checks in Kuscia's order (reference §5.1.1): the KusciaAPI's own validation (11100),
// then what the Kubernetes API server would refuse (11201), then the fake's own mock.* keys (11100).
// On success the request becomes an engine::JobSpec plus the outcome plan its custom fields ask for.
//
//   CreateJobInput input = ParseCreateJobRequest(canonical_request, /*own_domain=*/"");
//   if (input.error_code != 0) return ErrorResponse(input.error_code, input.error_message);
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mock_server/engine/job_model.h"
#include "mock_server/engine/outcome.h"

namespace kuscia::mock::services {

struct CreateJobInput {
  int error_code = 0;  // 0 = valid
  std::string error_message;
  engine::JobSpec spec;
  std::optional<engine::OutcomePlan> plan;
};

CreateJobInput ParseCreateJobRequest(const nlohmann::ordered_json& request, const std::string& own_domain);

}  // namespace kuscia::mock::services
