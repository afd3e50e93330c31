#include "mock_server/services/domain_route_service.h"

#include <gtest/gtest.h>

#include "mock_server/services/service_test_fixture.h"

namespace kuscia::mock::services {
namespace {

using Case = RuleCase;

class RouteRules : public ::testing::TestWithParam<Case> {};

TEST_P(RouteRules, AnswersWithKusciasCodeAndMessage) {
  const Case& c = GetParam();
  ServiceFixture node;
  ASSERT_EQ(node.Post("/api/v1/domain/create", R"({"domain_id":"carol"})").code(), 0);
  ExpectRuleAnswer(node, c);
}

#define PORTS(protocol, port) R"("endpoint":{"host":"carol","ports":[{"name":"http","port":)" port R"(,"protocol":")" protocol R"("}]})"

INSTANTIATE_TEST_SUITE_P(
    Table, RouteRules,
    ::testing::Values(
        Case{"CreateNoSource", "/api/v1/route/create", R"({"destination":"carol","authentication_type":"Token"})",
             11100, "source can not be empty"},
        Case{"CreateNoDestination", "/api/v1/route/create", R"({"source":"alice","authentication_type":"Token"})",
             11100, "destination can not be empty"},
        Case{"CreateNoAuthType", "/api/v1/route/create", R"({"source":"alice","destination":"carol"})", 11100,
             "authentication type can not be empty"},
        Case{"CreateNoEndpoint", "/api/v1/route/create",
             R"({"source":"alice","destination":"carol","authentication_type":"Token"})", 11100,
             "endpoint can not be empty when transit is not set"},
        Case{"CreateNoPorts", "/api/v1/route/create",
             R"({"source":"alice","destination":"carol","authentication_type":"Token","endpoint":{"host":"carol"}})",
             11100, "endpoint can not be empty when transit is not set"},
        Case{"CreatePortZero", "/api/v1/route/create",
             R"({"source":"alice","destination":"carol","authentication_type":"Token",)" PORTS("HTTP", "0") "}",
             11100, "endpoint port should be positive and less than or equal to 65535 "},
        Case{"CreatePortTooBig", "/api/v1/route/create",
             R"({"source":"alice","destination":"carol","authentication_type":"Token",)" PORTS("HTTP", "65536") "}",
             11100, "endpoint port should be positive and less than or equal to 65535 "},
        Case{"CreateTransitWithoutMethod", "/api/v1/route/create",
             R"({"source":"alice","destination":"carol","authentication_type":"Token","transit":{}})", 11100,
             "tranist method is required when transit is not empty"},
        Case{"CreateThirdDomainWithoutDomain", "/api/v1/route/create",
             R"({"source":"alice","destination":"carol","authentication_type":"Token",)"
             R"("transit":{"transit_method":"THIRD-DOMAIN"}})",
             11100, "domain is required when transit method is third domain"},
        Case{"CreateMissingSource", "/api/v1/route/create",
             R"({"source":"dave","destination":"carol","authentication_type":"Token",)" PORTS("HTTP", "1080") "}",
             11305, R"(domains.kuscia.secretflow "dave" not found)"},
        Case{"CreateMissingDestination", "/api/v1/route/create",
             R"({"source":"carol","destination":"dave","authentication_type":"Token",)" PORTS("HTTP", "1080") "}",
             11305, R"(domains.kuscia.secretflow "dave" not found)"},
        Case{"CreateBadProtocol", "/api/v1/route/create",
             R"({"source":"alice","destination":"carol","authentication_type":"Token",)" PORTS("TCP", "1080") "}",
             11400, "DomainRoute Port Protocol should be HTTP or HTTPS or GRPC or GRPCS"},
        Case{"CreateExisting", "/api/v1/route/create",
             R"({"source":"alice","destination":"bob","authentication_type":"Token",)" PORTS("HTTP", "1080") "}",
             11405, R"(clusterdomainroutes.kuscia.secretflow "alice-bob" already exists)"},
        Case{"CreateLowerCaseGrpcs", "/api/v1/route/create",
             R"({"source":"alice","destination":"carol","authentication_type":"MTLS",)" PORTS("grpcs", "443") "}",
             0, "success"},
        Case{"CreateTransitOnly", "/api/v1/route/create",
             R"({"source":"alice","destination":"carol","authentication_type":"Token",)"
             R"("transit":{"transit_method":"REVERSE-TUNNEL"}})",
             0, "success"},
        Case{"DeleteNoSource", "/api/v1/route/delete", R"({"destination":"bob"})", 11100, "source can not be empty"},
        Case{"DeleteMissing", "/api/v1/route/delete", R"({"source":"alice","destination":"carol"})", 11404,
             R"(clusterdomainroutes.kuscia.secretflow "alice-carol" not found)"},
        Case{"DeleteOk", "/api/v1/route/delete", R"({"source":"alice","destination":"bob"})", 0, "success"},
        Case{"QueryNoDestination", "/api/v1/route/query", R"({"source":"alice"})", 11100,
             "destination can not be empty"},
        Case{"QueryMissing", "/api/v1/route/query", R"({"source":"carol","destination":"alice"})", 11404,
             R"(clusterdomainroutes.kuscia.secretflow "carol-alice" not found)"},
        Case{"BatchEmpty", "/api/v1/route/status/batchQuery", R"({"route_keys":[]})", 11100,
             "DomainRoute keys can not be empty"},
        Case{"BatchBadKey", "/api/v1/route/status/batchQuery", R"({"route_keys":[{"source":"alice"}]})", 11100,
             "destination can not be empty"},
        Case{"BatchMissingIsAllOrNothing", "/api/v1/route/status/batchQuery",
             R"({"route_keys":[{"source":"alice","destination":"bob"},{"source":"alice","destination":"carol"}]})",
             11404, R"(clusterdomainroutes.kuscia.secretflow "alice-carol" not found)"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DomainRouteService, SuccessfulCreateHasNullData) {
  ServiceFixture node;
  ASSERT_EQ(node.Post("/api/v1/domain/create", R"({"domain_id":"carol"})").code(), 0);
  ServiceReply reply = node.Post(
      "/api/v1/route/create",
      R"({"source":"alice","destination":"carol","authentication_type":"Token",)" PORTS("https", "1080") "}");
  EXPECT_EQ(reply.body, R"({"status":{"code":0,"message":"success","details":[]},"data":null})");
}

TEST(DomainRouteService, QueryShowsEveryKeyWithDefaultsFilledIn) {
  ServiceFixture node;
  ASSERT_EQ(node.Post("/api/v1/domain/create", R"({"domain_id":"carol"})").code(), 0);
  ASSERT_EQ(node.Post("/api/v1/route/create",
                      R"({"source":"alice","destination":"carol","authentication_type":"Token",)"
                      R"("endpoint":{"host":"carol.example","ports":[{"name":"http","port":1080,"protocol":"https",)"
                      R"("path_prefix":"/p"}]}})")
                .code(),
            0);
  ServiceReply query = node.Post("/api/v1/route/query", R"({"source":"alice","destination":"carol"})");
  EXPECT_EQ(query.body,
            R"({"status":{"code":0,"message":"success","details":[]},"data":{"name":"alice-carol",)"
            R"("authentication_type":"Token","destination":"carol","endpoint":{"host":"carol.example","ports":[)"
            R"({"name":"http","port":1080,"protocol":"HTTP","isTLS":false,"path_prefix":"/p"}]},"source":"alice",)"
            R"("token_config":{"destination_public_key":"","rolling_update_period":"0","source_public_key":"",)"
            R"("token_gen_method":"RSA-GEN"},"mtls_config":null,"status":{"status":"Succeeded","reason":""},)"
            R"("transit":null,"body_encryption":null}})");
}

TEST(DomainRouteService, BatchAnswersInRequestOrder) {
  ServiceFixture node;
  ServiceReply reply = node.Post(
      "/api/v1/route/status/batchQuery",
      R"({"route_keys":[{"source":"bob","destination":"alice"},{"source":"alice","destination":"bob"}]})");
  ASSERT_EQ(reply.code(), 0) << reply.body;
  EXPECT_EQ(reply.body,
            R"({"status":{"code":0,"message":"success","details":[]},"data":{"routes":[)"
            R"({"name":"bob-alice","destination":"alice","source":"bob","status":{"status":"Succeeded","reason":""}},)"
            R"({"name":"alice-bob","destination":"bob","source":"alice","status":{"status":"Succeeded","reason":""}}]}})");
}

TEST(DomainRouteService, DeleteIsNotIdempotent) {
  ServiceFixture node;
  EXPECT_EQ(node.Post("/api/v1/route/delete", R"({"source":"alice","destination":"bob"})").body,
            R"({"status":{"code":0,"message":"success","details":[]}})");
  EXPECT_EQ(node.Post("/api/v1/route/delete", R"({"source":"alice","destination":"bob"})").code(), 11404);
}

}  // namespace
}  // namespace kuscia::mock::services
