#include "mock_server/journal/journal_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace kuscia::mock::journal {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;

TEST(JournalJsonTest, FilterFromQueryDecodesAndValidates) {
  Result<JournalFilter> f = FilterFromQuery("path=%2Fapi%2Fv1%2Fjob%2F*&code=11100&since=4&limit=3", {"limit"});
  ASSERT_THAT(f.status(), IsOk());
  EXPECT_EQ(f->path, "/api/v1/job/*");
  EXPECT_EQ(f->api_code, 11100);
  EXPECT_EQ(f->since, 4u);
  EXPECT_THAT(FilterFromQuery("colour=red").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown journal filter 'colour'")));
  EXPECT_THAT(FilterFromQuery("status=abc").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("'status' must be an integer")));
  EXPECT_EQ(QueryValue("a=1&limit=7", "limit"), "7");
}

TEST(JournalJsonTest, FilterFromJsonTakesNumbersOrStrings) {
  Result<JournalFilter> f = FilterFromJson(nlohmann::json{{"job_id", "job-*"}, {"status", 200}, {"code", "0"}});
  ASSERT_THAT(f.status(), IsOk());
  EXPECT_EQ(f->job_id, "job-*");
  EXPECT_EQ(f->http_status, 200);
  EXPECT_EQ(f->api_code, 0);
  EXPECT_THAT(FilterFromJson(nlohmann::json{{"path", 3}}).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("'path' must be a string")));
  EXPECT_THAT(FilterFromJson(nlohmann::json::array()).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("JSON object")));
}

TEST(JournalJsonTest, EntryShowsTokenStateCertificateAndFault) {
  auto connection = std::make_shared<transport::ConnectionInfo>();
  connection->remote_address = "127.0.0.1:5555";
  connection->tls_version = "TLSv1.3";
  connection->client_certificate = transport::PeerCertificate{"CN=KusciaAPI", "CN=ca", {"DNS:localhost"}, "ab12"};
  JournalEntry e;
  e.seq = 7;
  e.method = "POST";
  e.path = "/healthZ";
  e.headers = {{"Token", "<matched>"}};
  e.token = TokenSeen::kMatched;
  e.body = "{\"a\"";
  e.body_size = 10;
  e.connection = connection;
  e.http_status = 200;
  e.api_code = 0;
  e.fault_rule = 3;
  e.fault_kind = "delay";
  nlohmann::ordered_json j = EntryToJson(e);
  EXPECT_EQ(j["token"], "matched");
  EXPECT_EQ(j["headers"][0][1], "<matched>");
  EXPECT_EQ(j["body_truncated"], true);
  EXPECT_EQ(j["client"]["tls_version"], "TLSv1.3");
  EXPECT_EQ(j["client"]["certificate"]["sha256"], "ab12");
  EXPECT_EQ(j["response"]["code"], 0);
  EXPECT_EQ(j["fault"]["kind"], "delay");
  EXPECT_EQ(j["fault"]["rule"], 3);
  EXPECT_EQ(FormatTimeMillis(std::chrono::system_clock::time_point(std::chrono::milliseconds(1744800175123))),
            "2025-04-16T10:42:55.123Z");
}

}  // namespace
}  // namespace kuscia::mock::journal
