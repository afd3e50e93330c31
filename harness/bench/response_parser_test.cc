#include "harness/bench/response_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace kuscia::bench {
namespace {

// Feeds `bytes` one byte at a time: every split point must parse the same as one big read.
ParseState FeedBytewise(ResponseParser& parser, const std::string& bytes) {
  ParseState state = ParseState::kNeedMore;
  for (char c : bytes) {
    state = parser.Feed(&c, 1);
    if (state != ParseState::kNeedMore) return state;
  }
  return state;
}

TEST(ResponseParser, ContentLengthBodyInOneReadAndBytewise) {
  const std::string response =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"status\":{}}";
  ResponseParser parser;
  parser.Reset();
  ASSERT_EQ(parser.Feed(response.data(), response.size()), ParseState::kComplete);
  EXPECT_EQ(parser.status(), 200);
  EXPECT_EQ(parser.body(), "{\"status\":{}}");
  EXPECT_FALSE(parser.close());
  parser.Reset();
  ASSERT_EQ(FeedBytewise(parser, response), ParseState::kComplete);
  EXPECT_EQ(parser.body(), "{\"status\":{}}");
}

TEST(ResponseParser, ChunkedBodyWithExtensionAndTrailer) {
  const std::string response =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n";
  ResponseParser parser;
  parser.Reset();
  ASSERT_EQ(FeedBytewise(parser, response), ParseState::kComplete);
  EXPECT_EQ(parser.body(), "hello world");
}

TEST(ResponseParser, EmptyBodiesAndConnectionClose) {
  const std::string unauthorized = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  ResponseParser parser;
  parser.Reset();
  ASSERT_EQ(parser.Feed(unauthorized.data(), unauthorized.size()), ParseState::kComplete);
  EXPECT_EQ(parser.status(), 401);
  EXPECT_TRUE(parser.close());
  EXPECT_EQ(parser.body(), "");
}

TEST(ResponseParser, BodyDelimitedByTheConnectionEnd) {
  const std::string response = "HTTP/1.0 200 OK\r\n\r\npartial";
  ResponseParser parser;
  parser.Reset();
  ASSERT_EQ(parser.Feed(response.data(), response.size()), ParseState::kNeedMore);
  ASSERT_EQ(parser.FeedEof(), ParseState::kComplete);
  EXPECT_EQ(parser.body(), "partial");
  EXPECT_TRUE(parser.close());
}

TEST(ResponseParser, EofBeforeOrInsideAResponseIsMalformedWithTheReason) {
  ResponseParser parser;
  parser.Reset();
  ASSERT_EQ(parser.FeedEof(), ParseState::kMalformed);
  EXPECT_EQ(parser.error(), "the connection closed before any response byte");
  EXPECT_FALSE(parser.started());
  const std::string cut = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
  parser.Reset();
  ASSERT_EQ(parser.Feed(cut.data(), cut.size()), ParseState::kNeedMore);
  ASSERT_EQ(parser.FeedEof(), ParseState::kMalformed);
  EXPECT_EQ(parser.error(), "the connection closed in the middle of the response");
}

TEST(ResponseParser, RejectsWhatIsNotHttp) {
  // A TLS alert record, as a TLS server sends to a plain-HTTP client: rejected without waiting for CRLFCRLF.
  const std::string alert("\x15\x03\x01\x00\x02\x02\x46", 7);
  ResponseParser parser;
  parser.Reset();
  ASSERT_EQ(parser.Feed(alert.data(), alert.size()), ParseState::kMalformed);
  EXPECT_NE(parser.error().find("not an HTTP/1.x status line"), std::string::npos) << parser.error();
  const std::string bad_code = "HTTP/1.1 2x0 OK\r\n\r\n";
  parser.Reset();
  ASSERT_EQ(parser.Feed(bad_code.data(), bad_code.size()), ParseState::kMalformed);
  EXPECT_EQ(parser.error(), "bad status code in the status line");
}

TEST(ScanApiCode, FindsTheEnvelopeCode) {
  EXPECT_EQ(ScanApiCode(R"({"status":{"code":0,"message":"success","details":[]},"data":{}})"), 0);
  EXPECT_EQ(ScanApiCode(R"({"status": {"code": 11100, "message": "x"}})"), 11100);
  EXPECT_EQ(ScanApiCode(R"({"status":{"code":"11203"}})"), 11203);
  EXPECT_EQ(ScanApiCode(""), std::nullopt);
  EXPECT_EQ(ScanApiCode("404 page not found"), std::nullopt);
}

}  // namespace
}  // namespace kuscia::bench
