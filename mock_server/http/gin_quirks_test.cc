#include "mock_server/http/gin_quirks.h"

#include <gtest/gtest.h>

namespace kuscia::mock::http {
namespace {

std::optional<std::string> HeaderOf(const transport::HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

TEST(CleanPathTest, CleanPathsAreLeftAlone) {
  EXPECT_EQ(CleanPathRedirectTarget("/api/v1/job/create"), std::nullopt);
  EXPECT_EQ(CleanPathRedirectTarget("/"), std::nullopt);
  EXPECT_EQ(CleanPathRedirectTarget("/api/v1/job/create/"), std::nullopt) << "trailing slash is gin's business";
  EXPECT_EQ(CleanPathRedirectTarget("/.../a.b/.c"), std::nullopt) << "only `.` and `..` are special elements";
}

TEST(CleanPathTest, ServeMuxCleansDoubleSlashesDotsAndDotDots) {
  EXPECT_EQ(CleanPathRedirectTarget("//api/v1/job/create"), "/api/v1/job/create");
  EXPECT_EQ(CleanPathRedirectTarget("/api/./v1/job/create"), "/api/v1/job/create");
  EXPECT_EQ(CleanPathRedirectTarget("/api/v2/../v1/job/create"), "/api/v1/job/create");
  EXPECT_EQ(CleanPathRedirectTarget("/api//v1/job/"), "/api/v1/job/");
  EXPECT_EQ(CleanPathRedirectTarget("/.."), "/");
  EXPECT_EQ(CleanPathRedirectTarget("/api/v1/."), "/api/v1");
  EXPECT_EQ(CleanPathRedirectTarget("/api/v1/job/.."), "/api/v1");
  EXPECT_EQ(CleanPathRedirectTarget("/api/v1//"), "/api/v1/");
  EXPECT_EQ(CleanPathRedirectTarget("//"), "/");
  EXPECT_EQ(CleanPathRedirectTarget("api/v1"), "/api/v1");
  EXPECT_EQ(CleanPathRedirectTarget(""), "/");
}

TEST(RedirectTest, PostTrailingSlashIs307WithLocationAndNoBody) {
  transport::HttpResponse r = TrailingSlashRedirect("POST", "/api/v1/job/create");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(HeaderOf(r, "Location"), "/api/v1/job/create");
  EXPECT_EQ(HeaderOf(r, "Content-Type"), std::nullopt);
  EXPECT_EQ(r.body, "");
}

TEST(RedirectTest, GetTrailingSlashIs301WithGoHtmlBody) {
  transport::HttpResponse r = TrailingSlashRedirect("GET", "/probe");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(HeaderOf(r, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.body, "<a href=\"/probe\">Moved Permanently</a>.\n\n");
}

TEST(TokenTest, ExactCaseSensitiveMatchAfterTrimmingSpaces) {
  EXPECT_TRUE(TokenAccepted("abc+/DEF", "abc+/DEF"));
  EXPECT_TRUE(TokenAccepted("  abc+/DEF\t", "abc+/DEF"));
  EXPECT_FALSE(TokenAccepted("ABC+/DEF", "abc+/DEF"));
  EXPECT_FALSE(TokenAccepted(std::nullopt, "abc"));
  EXPECT_FALSE(TokenAccepted("", "abc"));
}

TEST(TokenTest, TokenFileWithTrailingNewlineNeverMatches) {
  // A header value cannot carry the newline, so every request is refused (failure catalogue T3).
  EXPECT_FALSE(TokenAccepted("abc", "abc\n"));
}

TEST(TokenTest, EmptyTokenFileAcceptsAMissingHeader) {
  EXPECT_TRUE(TokenAccepted(std::nullopt, ""));
  EXPECT_TRUE(TokenAccepted("", ""));
}

TEST(ResponsesTest, UnauthorizedIsStatusOnly) {
  transport::HttpResponse r = Unauthorized();
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.headers.empty());
  EXPECT_EQ(r.body, "");
}

TEST(ResponsesTest, NotFoundIsGinsPlainText) {
  transport::HttpResponse r = NotFound();
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(HeaderOf(r, "Content-Type"), "text/plain");
  EXPECT_EQ(r.body, "404 page not found");
  EXPECT_EQ(r.body.size(), 18u);
}

TEST(ContentTypeTest, DecoderChoiceFollowsTheDecorator) {
  EXPECT_EQ(ClassifyContentType(std::nullopt), BodyDecoder::kJsonProto);
  EXPECT_EQ(ClassifyContentType("application/json"), BodyDecoder::kJsonProto);
  EXPECT_EQ(ClassifyContentType("application/json; charset=utf-8"), BodyDecoder::kJsonProto);
  EXPECT_EQ(ClassifyContentType("text/plain"), BodyDecoder::kJsonProto);
  EXPECT_EQ(ClassifyContentType("application/x-protobuf"), BodyDecoder::kProtobuf);
  EXPECT_EQ(ClassifyContentType("Application/JSON"), BodyDecoder::kOtherMime) << "the prefix check is case-sensitive";
  EXPECT_EQ(ClassifyContentType("application/xml"), BodyDecoder::kOtherMime);
  EXPECT_EQ(ClassifyContentType("application/x-www-form-urlencoded"), BodyDecoder::kOtherMime);
}

}  // namespace
}  // namespace kuscia::mock::http
