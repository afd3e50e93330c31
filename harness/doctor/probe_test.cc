#include "harness/doctor/probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace kuscia::doctor {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseEndpointTest, AcceptsHttpsHttpAndIpv6) {
  Result<Endpoint> ep = ParseEndpoint("https://127.0.0.1:8082/");
  ASSERT_THAT(ep, IsOk());
  EXPECT_TRUE(ep->tls());
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, 8082);
  EXPECT_TRUE(ep->host_is_ip());

  Result<Endpoint> v6 = ParseEndpoint("http://[::1]:8082");
  ASSERT_THAT(v6, IsOk());
  EXPECT_FALSE(v6->tls());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->HostHeader(), "[::1]:8082");

  Result<Endpoint> named = ParseEndpoint("HTTPS://kusciaapi:8082");
  ASSERT_THAT(named, IsOk());
  EXPECT_FALSE(named->host_is_ip());
}

TEST(ParseEndpointTest, RejectsWithTheReasonAndTheExpectedForm) {
  EXPECT_THAT(ParseEndpoint("127.0.0.1:8082").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no scheme; expected https://HOST:PORT")));
  EXPECT_THAT(ParseEndpoint("grpc://h:8083").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("scheme 'grpc' is not https or http")));
  EXPECT_THAT(ParseEndpoint("https://h").status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("no port")));
  EXPECT_THAT(ParseEndpoint("https://h:80x").status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a number")));
  EXPECT_THAT(ParseEndpoint("https://h:99999").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("port 99999 is out of range 1-65535")));
  EXPECT_THAT(ParseEndpoint("https://h:8082/api").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("a path is not expected")));
}

TEST(ParseHttpReplyTest, ContentLengthChunkedAndToEof) {
  auto reply = ParseHttpReply("HTTP/1.1 401 Unauthorized\r\nServer: kuscia-gateway\r\nContent-Length: 13\r\n\r\n"
                              "unauthorized.", false);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(reply->Header("SERVER"), "kuscia-gateway");
  EXPECT_EQ(reply->body, "unauthorized.");

  EXPECT_FALSE(ParseHttpReply("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", false).has_value());

  auto chunked = ParseHttpReply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", false);
  ASSERT_TRUE(chunked.has_value());
  EXPECT_EQ(chunked->body, "{}");

  EXPECT_FALSE(ParseHttpReply("HTTP/1.1 200 OK\r\n\r\nuntil-eof", false).has_value());
  EXPECT_EQ(ParseHttpReply("HTTP/1.1 200 OK\r\n\r\nuntil-eof", true)->body, "until-eof");
  EXPECT_FALSE(ParseHttpReply("\x15\x03\x03\x00\x02\x02\x46", true).has_value());
}

TEST(HealthRequestTest, CarriesTheTokenOnlyWhenGiven) {
  Endpoint ep = *ParseEndpoint("https://127.0.0.1:8082");
  EXPECT_THAT(HealthRequest(ep, "abc"), HasSubstr("\r\nToken: abc\r\n"));
  EXPECT_THAT(HealthRequest(ep, std::nullopt), ::testing::Not(HasSubstr("Token:")));
  EXPECT_THAT(HealthRequest(ep, std::nullopt), HasSubstr("POST /healthZ HTTP/1.1\r\nHost: 127.0.0.1:8082\r\n"));
}

}  // namespace
}  // namespace kuscia::doctor
