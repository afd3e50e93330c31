#include "mock_server/services/domain_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_server/services/domain_cert.h"
#include "mock_server/services/service_test_fixture.h"
#include "mock_server/services/test_certificate.h"

namespace kuscia::mock::services {
namespace {

using ::testing::HasSubstr;

using Case = RuleCase;

class DomainRules : public ::testing::TestWithParam<Case> {};

TEST_P(DomainRules, AnswersWithKusciasCodeAndMessage) {
  const Case& c = GetParam();
  ServiceFixture node;
  ExpectRuleAnswer(node, c);
}

INSTANTIATE_TEST_SUITE_P(
    Table, DomainRules,
    ::testing::Values(
        Case{"CreateEmptyId", "/api/v1/domain/create", R"({})", 11100, "domain id can not be empty"},
        Case{"CreateMaster", "/api/v1/domain/create", R"({"domain_id":"master"})", 11100,
             "domain id can not be 'master', please choose another name"},
        Case{"CreateBadName", "/api/v1/domain/create", R"({"domain_id":"Carol"})", 11100,
             R"(Field "doamin_id" is invalid, invalid value: "Carol": )" + kDns1123RegexText},
        Case{"CreateBadRole", "/api/v1/domain/create", R"({"domain_id":"carol","role":"leader"})", 11100,
             "role is invalid, must be empty or partner"},
        Case{"CreateMissingMaster", "/api/v1/domain/create", R"({"domain_id":"carol","master_domain_id":"nobody"})",
             11100, R"(check master domain id failed with err domains.kuscia.secretflow "nobody" not found)"},
        Case{"CreateMasterRoleMismatch", "/api/v1/domain/create",
             R"({"domain_id":"carol","role":"partner","master_domain_id":"alice"})", 11100,
             "master domain role is , but current role is partner"},
        Case{"CreateCertNotBase64", "/api/v1/domain/create", R"({"domain_id":"carol","cert":"%%%"})", 11100,
             "cert must be encoded with base64"},
        Case{"CreateCertNotX509", "/api/v1/domain/create", R"({"domain_id":"carol","cert":"aGVsbG8="})", 11100,
             "cert format is invalid, must be an x509 certificate"},
        Case{"CreateExisting", "/api/v1/domain/create", R"({"domain_id":"alice"})", 11306,
             R"(domains.kuscia.secretflow "alice" already exists)"},
        Case{"CreateOk", "/api/v1/domain/create", R"({"domain_id":"carol"})", 0, "success"},
        Case{"QueryEmptyId", "/api/v1/domain/query", R"({})", 11100, "domain id can not be empty"},
        Case{"QueryMissing", "/api/v1/domain/query", R"({"domain_id":"carol"})", 11305,
             R"(domains.kuscia.secretflow "carol" not found)"},
        Case{"QueryMasterWithoutCa", "/api/v1/domain/query", R"({"domain_id":"master"})", 11301, "master ca cert is nil"},
        Case{"UpdateEmptyId", "/api/v1/domain/update", R"({})", 11100, "domain id can not be empty"},
        Case{"UpdateBadRole", "/api/v1/domain/update", R"({"domain_id":"alice","role":"x"})", 11100,
             "role is invalid, must be empty or partner"},
        Case{"UpdateMissing", "/api/v1/domain/update", R"({"domain_id":"carol"})", 11305,
             R"(domains.kuscia.secretflow "carol" not found)"},
        Case{"UpdateOk", "/api/v1/domain/update", R"({"domain_id":"alice"})", 0, "success"},
        Case{"DeleteEmptyId", "/api/v1/domain/delete", R"({})", 11100, "domain id can not be empty"},
        Case{"DeleteMissing", "/api/v1/domain/delete", R"({"domain_id":"carol"})", 11305,
             R"(domains.kuscia.secretflow "carol" not found)"},
        Case{"DeleteOk", "/api/v1/domain/delete", R"({"domain_id":"bob"})", 0, "success"},
        Case{"BatchEmpty", "/api/v1/domain/batchQuery", R"({"domain_ids":[]})", 11100, "domain ids can not be empty"},
        Case{"BatchEmptyElement", "/api/v1/domain/batchQuery", R"({"domain_ids":["alice",""]})", 11100,
             "domain id can not be empty on index 1"},
        Case{"BatchMissing", "/api/v1/domain/batchQuery", R"({"domain_ids":["alice","carol"]})", 11305,
             R"(domains.kuscia.secretflow "carol" not found)"},
        Case{"BatchOk", "/api/v1/domain/batchQuery", R"({"domain_ids":["bob","alice","bob"]})", 0, "success"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DomainService, CreateAnswersWithoutDataAndDefaultsTheAuthCenter) {
  ServiceFixture node;
  ServiceReply created = node.Post("/api/v1/domain/create", R"({"domain_id":"carol","role":"partner"})");
  EXPECT_EQ(created.body, R"({"status":{"code":0,"message":"success","details":[]}})");
  ServiceReply query = node.Post("/api/v1/domain/query", R"({"domain_id":"carol"})");
  EXPECT_EQ(query.body,
            R"({"status":{"code":0,"message":"success","details":[]},"data":{"domain_id":"carol","role":"partner",)"
            R"("cert":"","node_statuses":[],"deploy_token_statuses":[],"annotations":{},)"
            R"("auth_center":{"authentication_type":"Token","token_gen_method":"RSA-GEN"},"master_domain_id":""}})");
  EXPECT_TRUE(node.engine().HasDomain("carol"));
  EXPECT_TRUE(node.engine().IsPartner("carol"));
}

TEST(DomainService, DefaultDomainsHaveNodeAndDeployTokenStatuses) {
  ServiceFixture node;
  ServiceReply alice = node.Post("/api/v1/domain/query", R"({"domain_id":"alice"})");
  ASSERT_EQ(alice.code(), 0);
  const auto& data = alice.json["data"];
  ASSERT_EQ(data["node_statuses"].size(), 1u);
  EXPECT_EQ(data["node_statuses"][0]["status"], "Ready");
  EXPECT_EQ(data["node_statuses"][0]["last_heartbeat_time"], "2025-04-16T10:42:55Z");
  ASSERT_EQ(data["deploy_token_statuses"].size(), 1u);
  EXPECT_EQ(data["deploy_token_statuses"][0]["state"], "used");
  EXPECT_EQ(data["deploy_token_statuses"][0]["token"].get<std::string>().size(), 32u);
}

TEST(DomainService, UpdateOverwritesRoleAndClearsAnOmittedAuthCenter) {
  ServiceFixture node;
  ASSERT_EQ(node.Post("/api/v1/domain/update", R"({"domain_id":"bob","role":"partner"})").code(), 0);
  ServiceReply bob = node.Post("/api/v1/domain/query", R"({"domain_id":"bob"})");
  EXPECT_EQ(bob.json["data"]["role"], "partner");
  EXPECT_TRUE(bob.json["data"]["auth_center"].is_null());
  EXPECT_EQ(bob.json["data"]["master_domain_id"], "bob");
  EXPECT_EQ(bob.json["data"]["node_statuses"].size(), 1u) << "status survives a spec update";
  EXPECT_TRUE(node.engine().IsPartner("bob"));
}

TEST(DomainService, DeleteRemovesTheNamespaceAndTheEngineDomain) {
  ServiceFixture node;
  ASSERT_EQ(node.Post("/api/v1/domain/delete", R"({"domain_id":"bob"})").code(), 0);
  EXPECT_FALSE(node.engine().HasDomain("bob"));
  EXPECT_FALSE(node.store().HasDomainData("bob", "bob-table"));
  EXPECT_EQ(node.Post("/api/v1/domain/delete", R"({"domain_id":"bob"})").code(), 11305) << "not idempotent";
}

TEST(DomainService, MasterQueryReturnsTheCaCertificateBase64) {
  std::string pem = testdata::SelfSignedCertPem();
  ServiceFixture node(NodeMode::kMaster, "", pem);
  ServiceReply master = node.Post("/api/v1/domain/query", R"({"domain_id":"master"})");
  ASSERT_EQ(master.code(), 0) << master.body;
  std::string decoded;
  ASSERT_TRUE(Base64Decode(master.json["data"]["cert"].get<std::string>(), &decoded));
  EXPECT_EQ(decoded, pem);
  EXPECT_EQ(master.body, R"({"status":{"code":0,"message":"success","details":[]},"data":{"domain_id":"master",)"
                         R"("role":"","cert":")" + master.json["data"]["cert"].get<std::string>() +
                         R"(","node_statuses":[],"deploy_token_statuses":[],"annotations":{},"auth_center":null,)"
                         R"("master_domain_id":""}})");
  ServiceReply batch = node.Post("/api/v1/domain/batchQuery", R"({"domain_ids":["master"]})");
  ASSERT_EQ(batch.code(), 0);
  EXPECT_EQ(batch.json["data"]["domains"][0]["cert"], master.json["data"]["cert"]);
}

TEST(DomainService, RepairsTheCertificateFormsUsersPaste) {
  std::string pem = testdata::SelfSignedCertPem();
  std::string stored = Base64Encode(pem);
  std::string body_only = pem.substr(pem.find('\n') + 1);
  body_only = body_only.substr(0, body_only.find("-----END") - 1);
  std::string crlf;
  for (char c : pem) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  // Kuscia trims the line breaks around the input first, so re-armoured forms lose the PEM's final newline.
  std::string rearmoured = Base64Encode(pem.substr(0, pem.size() - 1));
  std::vector<std::pair<std::string, std::string>> forms = {
      {stored, stored}, {Base64Encode(stored), stored}, {"\n" + stored + "\n", stored},
      {pem, rearmoured}, {body_only, rearmoured}};
  for (const auto& [pasted, expected] : forms) {
    Result<std::string> normalized = NormalizeDomainCert(pasted);
    ASSERT_TRUE(normalized.ok()) << pasted << ": " << normalized.status();
    EXPECT_EQ(*normalized, expected) << pasted;
  }
  Result<std::string> windows = NormalizeDomainCert(crlf);
  ASSERT_TRUE(windows.ok()) << windows.status();
}

TEST(DomainService, LiteNodesRefuseDomainWrites) {
  ServiceFixture node(NodeMode::kLite, "alice");
  for (const char* path : {"/api/v1/domain/create", "/api/v1/domain/update", "/api/v1/domain/delete"}) {
    ServiceReply reply = node.Post(path, R"({"domain_id":"carol"})");
    EXPECT_EQ(reply.code(), 11104) << path;
    EXPECT_EQ(reply.message(), "kuscia lite api not support this interface now") << path;
  }
  EXPECT_EQ(node.Post("/api/v1/domain/query", R"({"domain_id":"alice"})").code(), 0);
}

}  // namespace
}  // namespace kuscia::mock::services
