#include "harness/doctor/finding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace kuscia::doctor {
namespace {

using ::testing::HasSubstr;

Report ThreeFindings() {
  Report report;
  report.Ok(FindingId::kFiles, "ca.crt", "present");
  report.Warn(FindingId::kKeyFormat, "client key", "PKCS#1", "convert it");
  report.Error(FindingId::kToken, "token", "ends in a newline", "rewrite it");
  report.Error(FindingId::kHealth, "healthZ", "HTTP 401", "fix the token");
  return report;
}

TEST(ReportTest, OrdersErrorsFirstKeepingCheckOrder) {
  std::vector<Finding> ordered = ThreeFindings().Ordered();
  ASSERT_EQ(ordered.size(), 4u);
  EXPECT_EQ(ordered[0].id, FindingId::kToken);
  EXPECT_EQ(ordered[1].id, FindingId::kHealth);
  EXPECT_EQ(ordered[2].id, FindingId::kKeyFormat);
  EXPECT_EQ(ordered[3].id, FindingId::kFiles);
}

TEST(ReportTest, TextHasOneLinePerCheckAndTheFix) {
  std::ostringstream out;
  ThreeFindings().WriteText(out);
  std::string text = out.str();
  EXPECT_EQ(text.find("ERROR   token"), 0u) << text;
  EXPECT_THAT(text, HasSubstr("fix: rewrite it"));
  EXPECT_THAT(text, HasSubstr("unhealthy: 2 error(s), 1 warning(s), 4 check(s)"));
}

TEST(ReportTest, JsonCarriesTheSameData) {
  nlohmann::ordered_json json = ThreeFindings().ToJson();
  EXPECT_FALSE(json["healthy"].get<bool>());
  EXPECT_EQ(json["summary"]["error"], 2);
  EXPECT_EQ(json["summary"]["warning"], 1);
  EXPECT_EQ(json["findings"][0]["id"], "token");
  EXPECT_EQ(json["findings"][0]["severity"], "error");
  EXPECT_EQ(json["findings"][0]["fix"], "rewrite it");
}

TEST(ReportTest, EveryIdHasADistinctName) {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(FindingId::kTokenChecked); ++i) {
    names.insert(FindingIdName(static_cast<FindingId>(i)));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(FindingId::kTokenChecked) + 1);
  EXPECT_EQ(names.count("unknown"), 0u);
}

}  // namespace
}  // namespace kuscia::doctor
