#include "mock_server/services/kube_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kuscia::mock::services {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

TEST(ValidateK8sName, AcceptsDotsAndRejectsWithKusciasTrailingSpace) {
  EXPECT_EQ(ValidateK8sName("job-alice-bob-001", "job_id"), std::nullopt);
  EXPECT_EQ(ValidateK8sName("a.b", "job_id"), std::nullopt);
  EXPECT_EQ(ValidateK8sName(std::string(63, 'a'), "job_id"), std::nullopt);
  EXPECT_THAT(ValidateK8sName("Job_1", "job_id"),
              Optional(std::string("Field \"job_id\" is invalid, invalid value: \"Job_1\": regex used for validation is "
                                   "\"^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$\" ")));
  for (std::string bad : {std::string(64, 'a'), std::string("-a"), std::string("a-"), std::string("a b")}) {
    EXPECT_NE(ValidateK8sName(bad, "job_id"), std::nullopt) << bad;
  }
}

TEST(QuantityError, FollowsApimachinery) {
  for (const char* good : {"1", "0.5", "100m", "2Gi", "1e3", "1E-2", "+1", "0", "1.", ".5"}) {
    EXPECT_EQ(QuantityError(good), std::nullopt) << good;
  }
  const std::string format_wrong =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  EXPECT_THAT(QuantityError("abc"), Optional(format_wrong));
  EXPECT_THAT(QuantityError("1.5.5"), Optional(format_wrong));
  EXPECT_THAT(QuantityError(""), Optional(format_wrong));
  EXPECT_THAT(QuantityError("1Ki5"), Optional(std::string("unable to parse quantity's suffix")));
  EXPECT_THAT(QuantityError("1mm"), Optional(std::string("unable to parse quantity's suffix")));
}

TEST(LabelErrors, KubernetesWordingForNamesAndValues) {
  EXPECT_TRUE(LabelErrors({{"kuscia.job.custom-fields/mock.fail.job-psi", "bob"}}).empty());
  EXPECT_THAT(
      LabelErrors({{"kuscia.job.custom-fields/bad key", "ok"}}),
      ElementsAre("metadata.labels: Invalid value: \"kuscia.job.custom-fields/bad key\": name part must consist of "
                  "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
                  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                  "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
  EXPECT_THAT(LabelErrors({{"kuscia.job.custom-fields/k", "a value"}}),
              ElementsAre("metadata.labels: Invalid value: \"a value\": a valid label must be an empty string or "
                          "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                          "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
                          "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
  EXPECT_THAT(LabelErrors({{"kuscia.job.custom-fields/" + std::string(64, 'k'), std::string(64, 'v')}}),
              ElementsAre(::testing::EndsWith("name part must be no more than 63 characters"),
                          ::testing::EndsWith(": must be no more than 63 characters")));
  EXPECT_THAT(LabelErrors({{"kuscia.job.custom-fields/a/b", ""}}),
              ElementsAre(::testing::HasSubstr("a qualified name must consist of")));
  EXPECT_EQ(LabelErrors({{"kuscia.job.custom-fields/", ""}}).size(), 2u);  // empty, and no regex match
}

TEST(InvalidMessage, OneErrorPlainSeveralInBrackets) {
  EXPECT_EQ(InvalidMessage("KusciaJob.kuscia.secretflow", "j", {"e1"}), "KusciaJob.kuscia.secretflow \"j\" is invalid: e1");
  EXPECT_EQ(InvalidMessage("KusciaJob.kuscia.secretflow", "j", {"e1", "e2", "e1"}),
            "KusciaJob.kuscia.secretflow \"j\" is invalid: [e1, e2]");
}

}  // namespace
}  // namespace kuscia::mock::services
