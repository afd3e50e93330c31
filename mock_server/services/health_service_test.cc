#include "mock_server/services/health_service.h"

#include <gtest/gtest.h>

namespace kuscia::mock::services {
namespace {

TEST(HealthService, AlwaysReady) {
  HealthService health;
  EXPECT_EQ(health.HealthZ({{"header", nullptr}}),
            nlohmann::ordered_json::parse(
                R"({"status":{"code":0,"message":"success","details":[]},"data":{"ready":true}})"));
}

}  // namespace
}  // namespace kuscia::mock::services
