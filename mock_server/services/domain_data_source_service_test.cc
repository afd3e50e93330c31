#include "mock_server/services/domain_data_source_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_server/services/service_test_fixture.h"

namespace kuscia::mock::services {
namespace {

using ::testing::MatchesRegex;

using Case = RuleCase;

std::string Create(const std::string& type, const std::string& info) {
  return R"({"domain_id":"alice","datasource_id":"ds-1","type":")" + type + R"(","info":)" + info + "}";
}

class DataSourceRules : public ::testing::TestWithParam<Case> {};

// Run on an autonomy node for alice: the only kind of node that may write data sources.
TEST_P(DataSourceRules, AnswersWithKusciasCodeAndMessage) {
  const Case& c = GetParam();
  ServiceFixture node(NodeMode::kAutonomy, "alice");
  ExpectRuleAnswer(node, c);
}

const char kCreate[] = "/api/v1/domaindatasource/create";
const char kUpdate[] = "/api/v1/domaindatasource/update";
INSTANTIATE_TEST_SUITE_P(
    Table, DataSourceRules,
    ::testing::Values(
        Case{"CreateNoDomain", kCreate, R"({"type":"localfs"})", 11100, "domain id can not be empty"},
        Case{"CreateBadDomain", kCreate, R"({"domain_id":"Alice","type":"localfs"})", 11100,
             R"(Field "domain_id" is invalid, invalid value: "Alice": )" + kDns1123RegexText},
        Case{"CreateOtherDomain", kCreate, R"({"domain_id":"bob","type":"localfs"})", 11100,
             "domain alice can't operate domain bob data source"},
        Case{"CreateBadType", kCreate, R"({"domain_id":"alice","type":"ftp"})", 11100,
             R"(domain data source type "ftp" doesn't support, the available types are )"
             "[localfs,oss,mysql,odps,postgresql,hive,dameng]"},
        Case{"CreateBadId", kCreate, R"({"domain_id":"alice","datasource_id":"DS","type":"localfs"})", 11100,
             R"(Field "datasource_id" is invalid, invalid value: "DS": )" + kDns1123RegexText},
        Case{"CreateNoInfo", kCreate, R"({"domain_id":"alice","type":"localfs"})", 11800,
             "domain data source info key and info all empty"},
        Case{"CreateInfoKey", kCreate, R"({"domain_id":"alice","type":"localfs","info_key":"k1"})", 11800,
             "domain data source info key k1 not exist"},
        Case{"CreateExisting", kCreate, R"({"domain_id":"alice","datasource_id":"default-data-source","type":"localfs","info":{"localfs":{"path":"/x"}}})",
             11800, "domain data source default-data-source already exist"},
        Case{"LocalfsNil", kCreate, Create("localfs", "{}"), 11100, "localfs info is nil"},
        Case{"LocalfsPath", kCreate, Create("localfs", R"({"localfs":{}})"), 11100, "localfs 'path' is empty"},
        Case{"OssNil", kCreate, Create("oss", "{}"), 11100, "oss info is nil"},
        Case{"OssEndpoint", kCreate, Create("oss", R"({"oss":{}})"), 11100, "oss 'endpoint' is empty"},
        Case{"OssBucket", kCreate, Create("oss", R"({"oss":{"endpoint":"e"}})"), 11100, "oss 'bucket' is empty"},
        Case{"OssKeyId", kCreate, Create("oss", R"({"oss":{"endpoint":"e","bucket":"b"}})"), 11100,
             "oss 'access_key_id' is empty"},
        Case{"OssSecret", kCreate, Create("oss", R"({"oss":{"endpoint":"e","bucket":"b","access_key_id":"k"}})"), 11100,
             "oss 'access_key_secret' is empty"},
        Case{"MysqlNil", kCreate, Create("mysql", "{}"), 11100, "mysql info is nil"},
        Case{"MysqlEndpoint", kCreate, Create("mysql", R"({"database":{}})"), 11100, "mysql 'endpoint' is empty"},
        Case{"MysqlDatabase", kCreate, Create("mysql", R"({"database":{"endpoint":"e"}})"), 11100,
             "mysql 'database' is empty"},
        Case{"MysqlUser", kCreate, Create("mysql", R"({"database":{"endpoint":"e","database":"d"}})"), 11100,
             "mysql 'user' is empty"},
        Case{"MysqlPassword", kCreate, Create("mysql", R"({"database":{"endpoint":"e","database":"d","user":"u"}})"),
             11100, "mysql 'password' is empty"},
        Case{"PostgresqlNil", kCreate, Create("postgresql", "{}"), 11100, "postgresql info is nil"},
        Case{"PostgresqlUser", kCreate, Create("postgresql", R"({"database":{"endpoint":"e","database":"d"}})"), 11100,
             "postgresql 'user' is empty"},
        Case{"HiveEndpoint", kCreate, Create("hive", R"({"database":{}})"), 11100, "hive 'endpoint' is empty"},
        Case{"DamengPassword", kCreate, Create("dameng", R"({"database":{"endpoint":"e","database":"d","user":"u"}})"),
             11100, "dameng 'password' is empty"},
        Case{"OdpsNil", kCreate, Create("odps", "{}"), 11100, "odps info is nil"},
        Case{"OdpsEndpoint", kCreate, Create("odps", R"({"odps":{}})"), 11100, "odps 'endpoint' is empty"},
        Case{"OdpsEndpointNotUrl", kCreate, Create("odps", R"({"odps":{"endpoint":"service.odps"}})"), 11100,
             "odps 'endpoint' is invalid, should contain the prefix: http or https"},
        Case{"OdpsProject", kCreate, Create("odps", R"({"odps":{"endpoint":"https://odps.example"}})"), 11100,
             "odps 'project' is empty"},
        Case{"OdpsSecret", kCreate,
             Create("odps", R"({"odps":{"endpoint":"http://o","project":"p","access_key_id":"k"}})"), 11100,
             "odps 'access_key_secret' is empty"},
        Case{"CreateOk", kCreate, Create("localfs", R"({"localfs":{"path":"/data/"}})"), 0, "success"},
        Case{"UpdateNoId", kUpdate, R"({"domain_id":"alice"})", 11100, "domain data source id can not be empty"},
        Case{"UpdateMissing", kUpdate, R"({"domain_id":"alice","datasource_id":"nope"})", 11806,
             "domain alice data source nope doesn't exist"},
        Case{"UpdateBadType", kUpdate, R"({"domain_id":"alice","datasource_id":"default-data-source","type":"ftp"})",
             11801, R"(domain data source type "ftp" doesn't support, the available types are )"
                    "[localfs,oss,mysql,odps,postgresql,hive,dameng]"},
        Case{"UpdateInfoWithoutType", kUpdate,
             R"({"domain_id":"alice","datasource_id":"default-data-source","info":{"localfs":{"path":"/y"}}})", 11801,
             "invalid datasource type:"},
        Case{"UpdateOk", kUpdate, R"({"domain_id":"alice","datasource_id":"default-data-source","name":"renamed"})", 0,
             "success"},
        Case{"DeleteNoId", "/api/v1/domaindatasource/delete", R"({"domain_id":"alice"})", 11100,
             "domain data source id can not be empty"},
        Case{"DeleteMissingSucceeds", "/api/v1/domaindatasource/delete", R"({"domain_id":"alice","datasource_id":"nope"})",
             0, "success"},
        Case{"QueryMissing", "/api/v1/domaindatasource/query", R"({"domain_id":"alice","datasource_id":"nope"})", 11802,
             R"(get domain alice kuscia data source nope failed, domaindatasources.kuscia.secretflow "nope" not found)"},
        Case{"QueryNoId", "/api/v1/domaindatasource/query", R"({"domain_id":"alice"})", 11802,
             "domain alice data source id can not be empty"},
        Case{"QueryOtherDomain", "/api/v1/domaindatasource/query", R"({"domain_id":"bob","datasource_id":"x"})", 11802,
             "domain alice can't operate domain bob data source"},
        Case{"BatchEmpty", "/api/v1/domaindatasource/batchQuery", R"({"data":[]})", 11100, "request data can't be empty"},
        Case{"BatchMissing", "/api/v1/domaindatasource/batchQuery",
             R"({"data":[{"domain_id":"alice","datasource_id":"default-data-source"},{"domain_id":"alice","datasource_id":"x"}]})",
             11803, R"(get domain alice kuscia data source x failed, domaindatasources.kuscia.secretflow "x" not found)"},
        Case{"ListNoDomain", "/api/v1/domaindatasource/list", R"({})", 11100, "request domainID can't be empty"},
        Case{"ListOtherDomain", "/api/v1/domaindatasource/list", R"({"domain_id":"bob"})", 11808,
             "domain alice can't operate domain bob data source"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DomainDataSourceService, GeneratesTypePrefixedIdsAndNormalizesThePath) {
  ServiceFixture node(NodeMode::kAutonomy, "alice");
  ServiceReply created = node.Post(
      kCreate, R"({"domain_id":"alice","type":"localfs","name":"mine","info":{"localfs":{"path":"/data/x/"}},"access_directly":true})");
  ASSERT_EQ(created.code(), 0) << created.body;
  std::string id = created.json["data"]["datasource_id"];
  EXPECT_THAT(id, MatchesRegex("localfs-[0-9a-f]{32}"));
  ServiceReply query = node.Post("/api/v1/domaindatasource/query", R"({"domain_id":"alice","datasource_id":")" + id + R"("})");
  ASSERT_EQ(query.code(), 0) << query.body;
  EXPECT_EQ(query.body, R"({"status":{"code":0,"message":"success","details":[]},"data":{"domain_id":"alice",)"
                        R"("datasource_id":")" + id + R"(","name":"mine","type":"localfs","status":"",)"
                        R"("info":{"localfs":{"path":"/data/x"},"oss":null,"database":null,"odps":null},)"
                        R"("info_key":"","access_directly":true}})");
}

TEST(DomainDataSourceService, MasterRefusesWritesAndHidesTheInfo) {
  ServiceFixture node;
  for (const char* path : {kCreate, kUpdate, "/api/v1/domaindatasource/delete"}) {
    ServiceReply reply = node.Post(path, Create("localfs", R"({"localfs":{"path":"/x"}})"));
    EXPECT_EQ(reply.code(), 11100) << path;
    EXPECT_EQ(reply.message(), "master's kuscia api can't operate domain data source") << path;
  }
  ServiceReply query = node.Post("/api/v1/domaindatasource/query", R"({"domain_id":"bob","datasource_id":"default-data-source"})");
  ASSERT_EQ(query.code(), 0) << query.body;
  EXPECT_TRUE(query.json["data"]["info"].is_null());
  ServiceReply list = node.Post("/api/v1/domaindatasource/list", R"({"domain_id":"alice"})");
  ASSERT_EQ(list.code(), 0) << list.body;
  ASSERT_EQ(list.json["data"]["datasource_list"].size(), 1u);
  EXPECT_EQ(list.json["data"]["datasource_list"][0]["type"], "localfs");
}

TEST(DomainDataSourceService, UpdateChangesOnlyWhatIsSet) {
  ServiceFixture node(NodeMode::kAutonomy, "alice");
  ASSERT_EQ(node.Post(kUpdate, R"({"domain_id":"alice","datasource_id":"default-data-source","type":"oss",)"
                               R"("info":{"oss":{"endpoint":"e","bucket":"/b/","access_key_id":"k","access_key_secret":"s"}}})")
                .code(),
            0);
  ServiceReply query =
      node.Post("/api/v1/domaindatasource/query", R"({"domain_id":"alice","datasource_id":"default-data-source"})");
  EXPECT_EQ(query.json["data"]["type"], "oss");
  EXPECT_EQ(query.json["data"]["name"], "default-data-source");
  EXPECT_EQ(query.json["data"]["info"]["oss"]["bucket"], "b");
  EXPECT_TRUE(query.json["data"]["info"]["localfs"].is_null());
}

}  // namespace
}  // namespace kuscia::mock::services
