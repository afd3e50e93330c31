#include "mock_server/services/domain_data_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_server/services/service_test_fixture.h"

namespace kuscia::mock::services {
namespace {

using ::testing::MatchesRegex;

using Case = RuleCase;

const char kCreate[] = "/api/v1/domaindata/create";
const char kIdsRequired[] = "domain id and domaindata id can not be empty";

class DomainDataRules : public ::testing::TestWithParam<Case> {};

TEST_P(DomainDataRules, AnswersWithKusciasCodeAndMessage) {
  const Case& c = GetParam();
  ServiceFixture node;
  ExpectRuleAnswer(node, c);
}

INSTANTIATE_TEST_SUITE_P(
    Table, DomainDataRules,
    ::testing::Values(
        Case{"CreateNoDomain", kCreate, R"({"type":"table","relative_uri":"a.csv"})", 11100,
             "request domain id can not be empty"},
        Case{"CreateBadDomain", kCreate, R"({"domain_id":"A","type":"table","relative_uri":"a.csv"})", 11100,
             R"(Field "domain_id" is invalid, invalid value: "A": )" + kDns1123RegexText},
        Case{"CreateNoType", kCreate, R"({"domain_id":"alice","relative_uri":"a.csv"})", 11100,
             "request type can not be empty"},
        Case{"CreateNoUri", kCreate, R"({"domain_id":"alice","type":"table"})", 11100,
             "request relative_uri can not be empty"},
        Case{"CreateBadId", kCreate, R"({"domain_id":"alice","domaindata_id":"A_1","type":"table","relative_uri":"a.csv"})",
             11100, R"(Field "domaindata_id" is invalid, invalid value: "A_1": )" + kDns1123RegexText},
        Case{"CreateMissingDataSource", kCreate,
             R"({"domain_id":"alice","type":"table","relative_uri":"a.csv","datasource_id":"oss-1"})", 11806,
             "domain data source `oss-1` is not exists in domain `alice`"},
        Case{"CreateInMissingDomain", kCreate, R"({"domain_id":"carol","type":"table","relative_uri":"a.csv"})", 11806,
             "domain data source `default-data-source` is not exists in domain `carol`"},
        Case{"CreateOk", kCreate, R"({"domain_id":"alice","domaindata_id":"t1","type":"table","relative_uri":"a.csv"})", 0,
             "success"},
        Case{"UpdateNoIds", "/api/v1/domaindata/update", R"({"domain_id":"alice"})", 11100, kIdsRequired},
        Case{"UpdateMissing", "/api/v1/domaindata/update", R"({"domain_id":"alice","domaindata_id":"nope"})", 11506,
             R"(domaindatas.kuscia.secretflow "nope" not found)"},
        Case{"UpdateMissingDataSource", "/api/v1/domaindata/update",
             R"({"domain_id":"alice","domaindata_id":"alice-table","datasource_id":"oss-1"})", 11806,
             "domain data source `oss-1` is not exists in domain `alice`"},
        Case{"DeleteNoIds", "/api/v1/domaindata/delete", R"({"domaindata_id":"alice-table"})", 11100, kIdsRequired},
        Case{"DeleteMissing", "/api/v1/domaindata/delete", R"({"domain_id":"alice","domaindata_id":"nope"})", 11506,
             R"(domaindatas.kuscia.secretflow "nope" not found)"},
        Case{"DeleteOk", "/api/v1/domaindata/delete", R"({"domain_id":"alice","domaindata_id":"alice-table"})", 0,
             "success"},
        Case{"DeleteRawNoIds", "/api/v1/domaindata/deleteDataAndRaw", R"({})", 11100, kIdsRequired},
        Case{"DeleteRawMissing", "/api/v1/domaindata/deleteDataAndRaw",
             R"({"domain_id":"alice","domaindata_id":"nope"})", 11506, R"(domaindatas.kuscia.secretflow "nope" not found)"},
        Case{"DeleteRawOnMaster", "/api/v1/domaindata/deleteDataAndRaw",
             R"({"domain_id":"alice","domaindata_id":"alice-table"})", 11501,
             "decrypt data source info failed, crypto/rsa: decryption error"},
        Case{"QueryNoData", "/api/v1/domaindata/query", R"({})", 11100, kIdsRequired},
        Case{"QueryNoId", "/api/v1/domaindata/query", R"({"data":{"domain_id":"alice"}})", 11100, kIdsRequired},
        Case{"QueryMissing", "/api/v1/domaindata/query", R"({"data":{"domain_id":"alice","domaindata_id":"nope"}})",
             11506, R"(domaindatas.kuscia.secretflow "nope" not found)"},
        Case{"BatchBadElement", "/api/v1/domaindata/batchQuery", R"({"data":[{"domain_id":"alice"}]})", 11100,
             kIdsRequired},
        Case{"BatchEmptyIsFine", "/api/v1/domaindata/batchQuery", R"({"data":[]})", 0, "success"},
        Case{"ListNoData", "/api/v1/domaindata/list", R"({})", 11100, "domain id can not be empty"},
        Case{"ListNoDomain", "/api/v1/domaindata/list", R"({"data":{"domaindata_type":"table"}})", 11100,
             "domain id can not be empty"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DomainDataService, CreateFillsKusciasDefaults) {
  ServiceFixture node;
  ServiceReply created = node.Post(kCreate, R"({"domain_id":"alice","type":"table","relative_uri":"/dir/12Alice_Data.csv"})");
  ASSERT_EQ(created.code(), 0) << created.body;
  std::string id = created.json["data"]["domaindata_id"];
  EXPECT_THAT(id, MatchesRegex("alicedatacsv-[0-9a-f]{32}"));
  ServiceReply query = node.Post("/api/v1/domaindata/query", R"({"data":{"domain_id":"alice","domaindata_id":")" + id + R"("}})");
  ASSERT_EQ(query.code(), 0);
  const auto& data = query.json["data"];
  EXPECT_EQ(data["name"], "12Alice_Data.csv");
  EXPECT_EQ(data["relative_uri"], "dir/12Alice_Data.csv");
  EXPECT_EQ(data["datasource_id"], "default-data-source");
  EXPECT_EQ(data["vendor"], "manual");
  EXPECT_EQ(data["status"], "Available");
  EXPECT_EQ(data["author"], "alice");
  EXPECT_EQ(data["file_format"], "UNKNOWN");
  EXPECT_TRUE(data["partition"].is_null());
}

TEST(DomainDataService, IdPrefixFollowsGenDomainDataId) {
  EXPECT_EQ(DomainDataIdPrefix("alice.csv"), "alicecsv");
  EXPECT_EQ(DomainDataIdPrefix("123-/abc"), "abc");
  EXPECT_EQ(DomainDataIdPrefix("A very long table name.csv"), "averylongtablena");
  EXPECT_EQ(DomainDataIdPrefix("---"), "");
  IdGenerator ids(1);
  EXPECT_THAT(ids.DomainDataId("%%"), MatchesRegex("[0-9a-f]{32}"));
}

TEST(DomainDataService, CreateOfAnExistingIdIsAnUpsertThatKeepsTheVendor) {
  ServiceFixture node;
  ServiceReply again = node.Post(
      kCreate, R"({"domain_id":"alice","domaindata_id":"alice-table","type":"model","relative_uri":"m.bin","vendor":"x"})");
  EXPECT_EQ(again.body, R"({"status":{"code":0,"message":"success","details":[]},"data":{"domaindata_id":"alice-table"}})");
  ServiceReply query = node.Post("/api/v1/domaindata/query", R"({"data":{"domain_id":"alice","domaindata_id":"alice-table"}})");
  EXPECT_EQ(query.json["data"]["type"], "model");
  EXPECT_EQ(query.json["data"]["relative_uri"], "m.bin");
  EXPECT_EQ(query.json["data"]["vendor"], "manual");
  EXPECT_EQ(query.json["data"]["columns"].size(), 9u) << "columns were not sent, so they are kept";
}

TEST(DomainDataService, UpsertFailureStillEchoesTheId) {
  ServiceFixture node;
  ServiceReply reply = node.Post(
      kCreate, R"({"domain_id":"alice","domaindata_id":"alice-table","type":"t","relative_uri":"u","datasource_id":"oss-9"})");
  EXPECT_EQ(reply.body, R"({"status":{"code":11806,"message":"domain data source `oss-9` is not exists in domain `alice`",)"
                        R"("details":[]},"data":{"domaindata_id":"alice-table"}})");
}

TEST(DomainDataService, UpdateMergesOnlyWhatIsSet) {
  ServiceFixture node;
  ASSERT_EQ(node.Post("/api/v1/domaindata/update",
                      R"({"domain_id":"alice","domaindata_id":"alice-table","attributes":{"rows":"100"},"file_format":"BINARY"})")
                .code(),
            0);
  ServiceReply query = node.Post("/api/v1/domaindata/query", R"({"data":{"domain_id":"alice","domaindata_id":"alice-table"}})");
  const auto& data = query.json["data"];
  EXPECT_EQ(data["attributes"]["rows"], "100");
  EXPECT_EQ(data["file_format"], "BINARY");
  EXPECT_EQ(data["name"], "alice.csv");
  EXPECT_EQ(data["type"], "table");
}

TEST(DomainDataService, BatchQuerySkipsMissingItems) {
  ServiceFixture node;
  ServiceReply reply = node.Post("/api/v1/domaindata/batchQuery",
                                 R"({"data":[{"domain_id":"bob","domaindata_id":"bob-table"},)"
                                 R"({"domain_id":"alice","domaindata_id":"nope"},{"domain_id":"alice","domaindata_id":"alice-table"}]})");
  ASSERT_EQ(reply.code(), 0) << reply.body;
  ASSERT_EQ(reply.json["data"]["domaindata_list"].size(), 2u);
  EXPECT_EQ(reply.json["data"]["domaindata_list"][0]["domaindata_id"], "bob-table");
  EXPECT_EQ(reply.json["data"]["domaindata_list"][1]["domaindata_id"], "alice-table");
}

TEST(DomainDataService, ListFiltersByTypeAndVendorInNameOrder) {
  ServiceFixture node;
  ASSERT_EQ(node.Post(kCreate, R"({"domain_id":"alice","domaindata_id":"a-model","type":"model","relative_uri":"m"})").code(), 0);
  ASSERT_EQ(node.Post(kCreate, R"({"domain_id":"alice","domaindata_id":"z-table","type":"table","relative_uri":"z.csv",)"
                               R"("vendor":"secretflow"})").code(), 0);
  auto ids = [&](const std::string& filter) {
    ServiceReply reply = node.Post("/api/v1/domaindata/list", R"({"data":{"domain_id":"alice")" + filter + "}}");
    std::vector<std::string> out;
    for (const auto& d : reply.json["data"]["domaindata_list"]) out.push_back(d["domaindata_id"]);
    return out;
  };
  EXPECT_EQ(ids(""), (std::vector<std::string>{"a-model", "alice-table", "z-table"}));
  EXPECT_EQ(ids(R"(,"domaindata_type":"table")"), (std::vector<std::string>{"alice-table", "z-table"}));
  EXPECT_EQ(ids(R"(,"domaindata_vendor":"secretflow")"), (std::vector<std::string>{"z-table"}));
  EXPECT_EQ(ids(R"(,"domaindata_type":"model","domaindata_vendor":"manual")"), (std::vector<std::string>{"a-model"}));
}

TEST(DomainDataService, DeleteAndRawOnAnAutonomyNode) {
  ServiceFixture node(NodeMode::kAutonomy, "alice");
  EXPECT_EQ(node.Post("/api/v1/domaindata/deleteDataAndRaw", R"({"domain_id":"alice","domaindata_id":"alice-table"})").body,
            R"({"status":{"code":0,"message":"success","details":[]}})");
  EXPECT_FALSE(node.store().HasDomainData("alice", "alice-table"));
}

TEST(DomainDataService, LiteNodesOnlyTouchTheirOwnDomain) {
  ServiceFixture node(NodeMode::kLite, "alice");
  ServiceReply reply = node.Post("/api/v1/domaindata/query", R"({"data":{"domain_id":"bob","domaindata_id":"bob-table"}})");
  EXPECT_EQ(reply.code(), 11100);
  EXPECT_EQ(reply.message(),
            "kuscia lite api could only operate it's own domaindata, the domainid of request must be alice, not bob");
  EXPECT_EQ(node.Post("/api/v1/domaindata/query", R"({"data":{"domain_id":"alice","domaindata_id":"alice-table"}})").code(), 0);
}

}  // namespace
}  // namespace kuscia::mock::services
