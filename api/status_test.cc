#include "api/status.h"

#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace kuscia {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;

Result<int> ParsePort(std::string_view text) {
  if (text.empty()) return InvalidArgument("port is empty");
  int port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return InvalidArgument("port '" + std::string(text) + "' is not a number");
    port = port * 10 + (c - '0');
  }
  return port;
}

Result<int> DoublePort(std::string_view text) {
  KC_ASSIGN_OR_RETURN(int port, ParsePort(text));
  return port * 2;
}

TEST(StatusTest, DefaultIsOk) {
  EXPECT_THAT(Status(), IsOk());
  EXPECT_EQ(Status().ToString(), "OK");
}

TEST(StatusTest, ContextIsPrependedToErrors) {
  Status s = NotFound("no such file").WithContext("reading ca.crt");
  EXPECT_THAT(s, StatusIs(StatusCode::kNotFound, "reading ca.crt: no such file"));
  EXPECT_EQ(s.ToString(), "NOT_FOUND: reading ca.crt: no such file");
}

TEST(ResultTest, CarriesValueOrError) {
  EXPECT_EQ(*ParsePort("8082"), 8082);
  EXPECT_THAT(ParsePort("80x").status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a number")));
}

TEST(ResultTest, AssignOrReturnPropagates) {
  EXPECT_EQ(*DoublePort("21"), 42);
  EXPECT_THAT(DoublePort("").status(), StatusIs(StatusCode::kInvalidArgument, "port is empty"));
}

}  // namespace
}  // namespace kuscia
