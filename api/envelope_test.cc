#include "api/envelope.h"

#include <gtest/gtest.h>

#include "api/error_codes.h"

namespace kuscia::api {
namespace {

using nlohmann::ordered_json;

TEST(Envelope, SuccessAndErrorStatus) {
  EXPECT_EQ(SuccessStatus().dump(), R"({"code":0,"message":"success","details":[]})");
  EXPECT_EQ(ErrorStatus(11100, "job id can not be empty").dump(),
            R"({"code":11100,"message":"job id can not be empty","details":[]})");
  EXPECT_EQ(MakeResponse(SuccessStatus(), {{"ready", true}}).dump(),
            R"({"status":{"code":0,"message":"success","details":[]},"data":{"ready":true}})");
}

TEST(Envelope, BusinessErrorsCarryDetailsAndNullData) {
  EXPECT_EQ(EncodeErrorResponse("QueryJobResponse", kErrQueryJob, JobNotFoundMessage("x")),
            R"({"status":{"code":11202,"message":"kusciajobs.kuscia.secretflow \"x\" not found","details":[]},)"
            R"("data":null})");
  // Responses without a data field have no data key.
  EXPECT_EQ(EncodeErrorResponse("CreateDomainResponse", kErrDomainExists, DomainExistsMessage("bob")),
            R"({"status":{"code":11306,"message":"domains.kuscia.secretflow \"bob\" already exists","details":[]}})");
  EXPECT_EQ(EncodeSuccessResponse("DeleteJobResponse", {{"job_id", "j"}}),
            R"({"status":{"code":0,"message":"success","details":[]},"data":{"job_id":"j"}})");
  EXPECT_EQ(EncodeSuccessResponse("CreateDomainRouteResponse", nullptr),
            R"({"status":{"code":0,"message":"success","details":[]},"data":null})");
}

TEST(Envelope, FrameworkErrorBodyHasNoDetailsNoData) {
  EXPECT_EQ(FrameworkErrorBody("EOF"), R"({"status":{"code":11101,"message":"EOF"}})");
  EXPECT_EQ(FrameworkErrorBody(R"(json: unknown field "jobId")"),
            R"({"status":{"code":11101,"message":"json: unknown field \"jobId\""}})");
  EXPECT_EQ(FrameworkErrorBody("invalid character '<' looking for beginning of value"),
            R"({"status":{"code":11101,"message":"invalid character '<' looking for beginning of value"}})");
  EXPECT_EQ(FrameworkErrorBody(""), R"({"status":{"code":11101}})");
}

TEST(Envelope, KubernetesMessages) {
  EXPECT_EQ(JobNotFoundMessage("job-1"), R"(kusciajobs.kuscia.secretflow "job-1" not found)");
  EXPECT_EQ(JobExistsMessage("job-1"), R"(kusciajobs.kuscia.secretflow "job-1" already exists)");
  EXPECT_EQ(DomainNotFoundMessage("carol"), R"(domains.kuscia.secretflow "carol" not found)");
  EXPECT_EQ(DomainDataNotFoundMessage("default-data-source"),
            R"(domaindatas.kuscia.secretflow "default-data-source" not found)");
  EXPECT_EQ(DomainDataExistsMessage("d"), R"(domaindatas.kuscia.secretflow "d" already exists)");
  EXPECT_EQ(DomainRouteNotFoundMessage("alice", "bob"), R"(clusterdomainroutes.kuscia.secretflow "alice-bob" not found)");
  EXPECT_EQ(DomainRouteExistsMessage("alice", "bob"),
            R"(clusterdomainroutes.kuscia.secretflow "alice-bob" already exists)");
  EXPECT_EQ(JobNotFoundMessage("a\"b"), R"(kusciajobs.kuscia.secretflow "a\"b" not found)");  // %q quoting
}

}  // namespace
}  // namespace kuscia::api
