#include "mock_server/transport/response_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_server/transport/http_server.h"
#include "testing/status_matchers.h"

namespace kuscia::mock::transport::internal {
namespace {

using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

TEST(ResponseHeadTest, HandlerHeadersInOrderThenDateAndLength) {
  std::string head;
  HeadFraming framing;
  framing.content_length = 12;
  AppendResponseHead(head, 200, 1, {{"Content-Type", "application/json"}, {"X-A", "1"}}, framing);
  EXPECT_THAT(head, MatchesRegex("HTTP/1\\.1 200 OK\r\nContent-Type: application/json\r\nX-A: 1\r\n"
                                 "Date: [A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] [0-9]{4} "
                                 "[0-9][0-9]:[0-9][0-9]:[0-9][0-9] GMT\r\nContent-Length: 12\r\n\r\n"));
}

TEST(ResponseHeadTest, FramingHeadersFromTheHandlerAreDropped) {
  std::string head;
  HeadFraming framing;
  framing.chunked = true;
  AppendResponseHead(head, 200, 1, {{"transfer-encoding", "chunked"}, {"Content-Length", "5"}, {"Date", "x"}},
                     framing);
  EXPECT_EQ(head, "HTTP/1.1 200 OK\r\nDate: x\r\nTransfer-Encoding: chunked\r\n\r\n");
}

TEST(ResponseHeadTest, CloseIsAnnouncedOnlyToHttp11LikeGo) {
  HeadFraming framing;
  framing.close = true;
  std::string http11, http10;
  AppendResponseHead(http11, 404, 1, {{"Date", "d"}}, framing);
  AppendResponseHead(http10, 404, 0, {{"Date", "d"}}, framing);
  EXPECT_EQ(http11, "HTTP/1.1 404 Not Found\r\nDate: d\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(http10, "HTTP/1.0 404 Not Found\r\nDate: d\r\n\r\n");
}

TEST(ResponseHeadTest, Http10KeepAliveIsConfirmed) {
  HeadFraming framing;
  framing.keep_alive_http10 = true;
  framing.content_length = 0;
  std::string head;
  AppendResponseHead(head, 200, 0, {{"Date", "d"}}, framing);
  EXPECT_EQ(head, "HTTP/1.0 200 OK\r\nDate: d\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
}

TEST(ResponseHeadTest, UnknownStatusUsesGoText) {
  std::string head;
  AppendResponseHead(head, 599, 1, {{"Date", "d"}}, HeadFraming{});
  EXPECT_THAT(head, StartsWith("HTTP/1.1 599 status code 599\r\n"));
}

TEST(ResponseFormatTest, GoCannedAnswers) {
  EXPECT_EQ(GoRequestErrorAnswer("431 Request Header Fields Too Large"),
            "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Connection: close\r\n\r\n431 Request Header Fields Too Large");
  EXPECT_EQ(kPlainHttpOnTlsPortAnswer,
            "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n");
}

TEST(ResponseFormatTest, BodyTooLargeNamesTheLimit) {
  std::string answer = BodyTooLargeAnswer(5000, 1000, 1);
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 413 Request Entity Too Large\r\n"));
  EXPECT_THAT(answer, HasSubstr("Connection: close\r\n"));
  EXPECT_THAT(answer, HasSubstr("(5000 bytes) exceeds the fake server's limit of 1000 bytes"));
  EXPECT_THAT(answer, HasSubstr("max_body_bytes"));
}

TEST(ResponseFormatTest, ChunkPrefixIsLowerHex) {
  EXPECT_EQ(ChunkPrefix(255), "ff\r\n");
  EXPECT_EQ(ChunkPrefix(1), "1\r\n");
}

TEST(ResponseFormatTest, BodiesAreNotAllowedFor1xx204And304) {
  EXPECT_FALSE(StatusAllowsBody(100));
  EXPECT_FALSE(StatusAllowsBody(204));
  EXPECT_FALSE(StatusAllowsBody(304));
  EXPECT_TRUE(StatusAllowsBody(200));
  EXPECT_TRUE(StatusAllowsBody(404));
}

TEST(ProtocolModeTest, ParsesKusciaSpellingsCaseInsensitively) {
  EXPECT_EQ(*ParseProtocolMode("MTLS"), ProtocolMode::kMtls);
  EXPECT_EQ(*ParseProtocolMode("tls"), ProtocolMode::kTls);
  EXPECT_EQ(*ParseProtocolMode("NoTls"), ProtocolMode::kNoTls);
  EXPECT_THAT(ParseProtocolMode("https").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("use mtls (Kuscia's default), tls or notls")));
  EXPECT_EQ(ProtocolModeName(ProtocolMode::kNoTls), "notls");
}

TEST(HttpRequestTest, HeaderLookupIsCaseInsensitiveAndTakesTheFirst) {
  HttpRequest request;
  request.headers = {{"Token", "a"}, {"token", "b"}};
  EXPECT_EQ(request.Header("TOKEN"), "a");
  EXPECT_EQ(request.Header("absent"), std::nullopt);
}

}  // namespace
}  // namespace kuscia::mock::transport::internal
