// GoogleTest matchers for Status and Result<T>. There is deliberately no "is not OK" matcher: a test
// names the error it expects, so it cannot pass for the wrong failure.
//
//   EXPECT_THAT(WriteKusciaDir(opts), IsOk());
//   EXPECT_THAT(result.status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("--key")));
#pragma once

#include <gmock/gmock.h>

#include "api/status.h"

namespace kuscia::testing {

MATCHER(IsOk, "is OK") {
  if constexpr (requires { arg.status(); }) {
    if (!arg.ok()) *result_listener << "status is " << arg.status();
    return arg.ok();
  } else {
    if (!arg.ok()) *result_listener << "status is " << arg;
    return arg.ok();
  }
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + std::string(::kuscia::StatusCodeName(code)) + " and a matching message") {
  const ::kuscia::Status& status = arg;
  if (status.code() != code) {
    *result_listener << "status is " << status;
    return false;
  }
  return ::testing::ExplainMatchResult(::testing::MatcherCast<const std::string&>(message_matcher),
                                       status.message(), result_listener);
}

}  // namespace kuscia::testing
